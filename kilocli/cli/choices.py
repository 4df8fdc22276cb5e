"""What the registries offer, for help text, option values and shell completion.

Every list here is read from its registry (providers, auth choices, tools, ``env`` formats), so
a new entry shows up in help and completion with no other edit. Completion runs on every Tab
in a shell: it reads kilocli's own files directly (profile ids, cached model refs), never
imports httpx or questionary, and never makes a request.
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, get_args

import typer


def one_of(values: Sequence[str]) -> str:
    """``a, b or c``."""
    return values[0] if len(values) == 1 else f"{', '.join(values[:-1])} or {values[-1]}"


def provider_ids() -> list[str]:
    from kilocli.providers.registry import PROVIDERS

    return [provider.id for provider in PROVIDERS]


def auth_choice_ids() -> list[str]:
    from kilocli.providers.registry import AUTH_CHOICES

    return [choice.id for choice in AUTH_CHOICES]


def tool_ids() -> list[str]:
    from kilocli.tools import TOOL_IDS  # the registry's ids, without loading the registry

    return list(TOOL_IDS)


def env_formats() -> list[str]:
    from kilocli.tools.shells import Format

    return list(get_args(Format))


def store_names() -> list[str]:
    """Where keys can be kept (``auth store``'s argument)."""
    from kilocli.credentials.vault import STORES

    return list(STORES)


def _matching(values: Iterable[str], incomplete: str) -> list[str]:
    return [value for value in values if value.startswith(incomplete)]


def complete_providers(incomplete: str) -> list[str]:
    return _matching(provider_ids(), incomplete)


def complete_auth_choices(incomplete: str) -> list[str]:
    return _matching(auth_choice_ids(), incomplete)


def complete_tools(incomplete: str) -> list[str]:
    return _matching(tool_ids(), incomplete)


def complete_setup_argument(incomplete: str) -> list[str]:
    """``setup``'s argument: a tool of the registry, or ``list``."""
    return _matching([*tool_ids(), "list"], incomplete)


def complete_stores(incomplete: str) -> list[str]:
    return _matching(store_names(), incomplete)


def complete_formats(incomplete: str) -> list[str]:
    return _matching(env_formats(), incomplete)


def complete_profile_ids(ctx: typer.Context, incomplete: str) -> list[str]:
    """The profile ids of ``auth-profiles.toml`` (ids only: no key is read into the answer)."""
    from kilocli.paths import resolve_paths

    data = _read(resolve_paths(_env(ctx)).auth_file)
    try:
        profiles = tomllib.loads(data.decode("utf-8")).get("profiles") if data else None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return []
    return _matching(profiles, incomplete) if isinstance(profiles, dict) else []


def complete_model_refs(ctx: typer.Context, incomplete: str) -> list[str]:
    """The refs of the built-in catalogs, then of every cached model list
    (``cache/models-<provider>[-<org>].json``), each once, in that order."""
    from kilocli.paths import resolve_paths
    from kilocli.providers.registry import PROVIDERS

    cache_dir = resolve_paths(_env(ctx)).cache_dir
    refs = [f"{p.id}/{model.id}" for p in PROVIDERS for model in p.fallback_models]
    for provider in PROVIDERS:
        try:
            names = sorted(cache_dir.glob(f"models-{provider.id}*.json"))
        except OSError:
            names = []
        for path in names:
            refs += [f"{provider.id}/{model_id}" for model_id in _cached_ids(path)]
    return _matching(dict.fromkeys(refs), incomplete)


def _cached_ids(path: Path) -> list[str]:
    data = _read(path)
    try:
        document: Any = json.loads(data) if data else None
    except ValueError:
        return []
    models = document.get("models") if isinstance(document, dict) else None
    if not isinstance(models, list):
        return []
    return [row[0] for row in models if isinstance(row, list) and row and isinstance(row[0], str)]


def _read(path: Path) -> bytes | None:
    """A regular file's bytes, or None (missing, not a regular file, too large, unreadable):
    a completion never hangs on a FIFO or fails."""
    from kilocli.errors import KilocliError
    from kilocli.storage import read_file_bytes

    try:
        return read_file_bytes(path)
    except KilocliError:
        return None


def _env(ctx: typer.Context) -> Mapping[str, str]:
    """The environment of this run: the one a test injected, else the process's."""
    from kilocli.cli.context import Overrides

    overrides = ctx.find_root().obj
    if isinstance(overrides, Overrides) and overrides.env is not None:
        return overrides.env
    return os.environ
