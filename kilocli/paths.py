"""The one place that decides where kilocli keeps its files.

``KILOCLI_HOME`` moves everything; otherwise the XDG base directories are used.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

CONFIG_NAME = "config.toml"
AUTH_STORE_NAME = "auth-profiles.toml"


@dataclass(frozen=True)
class Paths:
    """Where the config, the credential store and the cache live."""

    config_dir: Path
    cache_dir: Path

    @property
    def config_file(self) -> Path:
        """``config.toml``: provider config, default model, profile metadata."""
        return self.config_dir / CONFIG_NAME

    @property
    def auth_file(self) -> Path:
        """``auth-profiles.toml``: the stored credentials."""
        return self.config_dir / AUTH_STORE_NAME

    def models_cache(self, provider: str, organization: str | None = None) -> Path:
        """The cached model list of one provider, as one organisation sees it (SPEC §13)."""
        if not organization:
            return self.cache_dir / f"models-{provider}.json"
        safe = "".join(
            ch if ch.isascii() and (ch.isalnum() or ch in "-_.") else "_" for ch in organization
        )
        return self.cache_dir / f"models-{provider}-{safe}.json"


def resolve_paths(env: Mapping[str, str]) -> Paths:
    """Work out the directories from the environment.

    Order: ``KILOCLI_HOME`` (config in it, cache in ``$KILOCLI_HOME/cache``), else
    ``$XDG_CONFIG_HOME/kilocli`` and ``$XDG_CACHE_HOME/kilocli``, else ``~/.config/kilocli`` and
    ``~/.cache/kilocli``. Empty variables count as unset, as the XDG spec asks.
    """
    home = env.get("KILOCLI_HOME")
    if home:
        root = Path(home).expanduser()
        return Paths(config_dir=root, cache_dir=root / "cache")
    user_home = Path(env["HOME"]) if env.get("HOME") else Path.home()
    config_base = env.get("XDG_CONFIG_HOME") or str(user_home / ".config")
    cache_base = env.get("XDG_CACHE_HOME") or str(user_home / ".cache")
    return Paths(
        config_dir=Path(config_base).expanduser() / "kilocli",
        cache_dir=Path(cache_base).expanduser() / "kilocli",
    )
