"""Loading and saving ``config.toml``: read once into a :class:`~kilocli.config.model.Config`,
changed by the pure merges of :mod:`kilocli.config.merge` inside a locked transaction."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kilocli.config.model import CONFIG_VERSION, Config
from kilocli.paths import Paths
from kilocli.schema import validate_file
from kilocli.storage import Document, read_toml, update_toml


def parse_config(document: Document, path: Path) -> Config:
    """A config document read from ``path``, as typed objects.

    Raises:
        FileProblem: known keys of the wrong type, or a config from a newer kilocli.
    """
    return validate_file(Config, document, path, known_version=CONFIG_VERSION)


def load_config(paths: Paths) -> Config:
    """The config; an empty one when there is no file yet."""
    return parse_config(read_toml(paths.config_file), paths.config_file)


def update_config(paths: Paths, change: Callable[[Document], Document]) -> Config:
    """Apply ``change`` to the config on disk, atomically and under its lock.

    Returns:
        The config as written.
    """
    written = update_toml(paths.config_file, change, parse_config)
    return parse_config(written, paths.config_file)
