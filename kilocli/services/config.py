"""``kilocli config path|show``: where the files are, and the config without its keys."""

from __future__ import annotations

import re
from typing import Any

from kilocli.config.files import load_config
from kilocli.credentials.keys import preview, redact
from kilocli.providers.resolve import without_userinfo
from kilocli.results import Result
from kilocli.services.runtime import Runtime

# "apiKey", "token(s)", "accessToken", "secret", "password", "key" (only strings are hidden,
# so a numeric "maxTokens" is shown).
_SECRET_NAME = re.compile(r"(api[_-]?key|token|secret|password)s?$|^keys?$", re.IGNORECASE)


class ConfigPaths(Result):
    """``config path``: the config directory, both files and the cache directory."""

    config_dir: str
    config_file: str
    auth_store: str
    cache_dir: str


def config_paths(rt: Runtime) -> ConfigPaths:
    """Where kilocli keeps its files (nothing is created)."""
    paths = rt.paths
    return ConfigPaths(
        config_dir=str(paths.config_dir),
        config_file=str(paths.config_file),
        auth_store=str(paths.auth_file),
        cache_dir=str(paths.cache_dir),
    )


class ConfigShown(Result):
    """``config show``: the config as read, every key in it reduced to a preview."""

    path: str
    exists: bool
    config: dict[str, Any]


def show_config(rt: Runtime) -> ConfigShown:
    """The config (validated, unknown keys included), with no key in it shown whole."""
    config = load_config(rt.paths)
    path = rt.paths.config_file
    return ConfigShown(path=str(path), exists=path.exists(), config=redacted(config.document()))


def redacted(value: Any, name: str = "") -> Any:
    """A copy of ``value`` in which every string under a secret-sounding name is a preview, any
    key-shaped text elsewhere (a ``headers.Authorization``) is too, and a URL's user name and
    password are ``***``."""
    if isinstance(value, dict):
        return {k: redacted(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [redacted(item, name) for item in value]
    if isinstance(value, str):
        return preview(value) if _SECRET_NAME.search(name) else without_userinfo(redact(value))
    return value
