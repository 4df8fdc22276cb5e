"""Loading and saving ``config.toml``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kilocli.paths import Paths
from kilocli.storage import Document, read_toml, update_toml

CONFIG_VERSION = 1


def validate_config(document: Document, path: Path) -> None:
    """Refuse a config whose known keys have the wrong type, or from a newer kilocli."""
    from kilocli.config.shape import CONFIG_SHAPE
    from kilocli.validation import check_document

    check_document(CONFIG_SHAPE, document, path, known_version=CONFIG_VERSION)


def load_config(paths: Paths) -> Document:
    """The validated config; ``{}`` when there is none yet."""
    return read_toml(paths.config_file, validate_config)


def update_config(paths: Paths, change: Callable[[Document], Document]) -> Document:
    """Apply ``change`` to the config on disk, atomically and under its lock."""
    return update_toml(paths.config_file, change, validate_config)
