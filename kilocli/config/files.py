"""Loading and saving ``config.toml``: read once into a :class:`~kilocli.config.model.Config`,
changed by the pure merges of :mod:`kilocli.config.merge` inside a locked transaction."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from kilocli.config.shape import CONFIG_SHAPES, CONFIG_VERSION, trusted_config
from kilocli.paths import Paths
from kilocli.storage import Document, read_toml, update_toml

if TYPE_CHECKING:
    from kilocli.config.model import Config


def parse_config(document: Document, path: Path) -> Config:
    """A config document read from ``path``, as typed objects.

    Raises:
        FileProblem: known keys of the wrong type, or a config from a newer kilocli.
    """
    from kilocli.config.model import Config
    from kilocli.schema import parse_file

    return parse_file(Config, document, path, CONFIG_SHAPES, known_version=CONFIG_VERSION)


def load_config(paths: Paths) -> Config:
    """The config; an empty one when there is no file yet."""
    return parse_config(read_toml(paths.config_file), paths.config_file)


def read_config(paths: Paths) -> Config:
    """:func:`load_config` for a command that only reads the config: a file that fits the
    model's shape (every one kilocli wrote does) is read without pydantic, any other is
    validated by the model as always, and refused with the same message
    (:mod:`kilocli.shapes`)."""
    document = read_toml(paths.config_file)
    return trusted_config(document) or parse_config(document, paths.config_file)


def update_config(paths: Paths, change: Callable[[Document], Document]) -> Config:
    """Apply ``change`` to the config on disk, atomically and under its lock.

    Returns:
        The config as written.
    """
    written = update_toml(paths.config_file, change, parse_config)
    return parse_config(written, paths.config_file)
