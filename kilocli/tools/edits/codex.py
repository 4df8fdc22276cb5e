"""Codex CLI: ``[model_providers.<p>]`` in ``config.toml``, and the profile file
``<p>.config.toml``."""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from typing import Any

from kilocli.providers.registry import Provider
from kilocli.tools.entries import (
    EditLog,
    Target,
    mapping_of,
    set_headers,
)

# Codex CLI: [model_providers.<p>] in config.toml, and the profile file <p>.config.toml.


def codex_provider(document: Any, target: Target, log: EditLog) -> Any:
    import tomlkit

    root = mapping_of(document, "a TOML document")
    if "model_providers" not in root:
        root["model_providers"] = tomlkit.table(is_super_table=True)
    providers = mapping_of(root["model_providers"], "valid (model_providers is not a table)")
    if target.provider.id not in providers:
        # Written the way the user wrote the others: ``[model_providers.x]`` tables, or
        # (dotted ``model_providers.x = {…}`` keys, an inline table) inline ones, which keep
        # the top-level keys that follow them at the top level.
        providers[target.provider.id] = (
            tomlkit.table() if _header_tables(providers) else tomlkit.inline_table()
        )
    entry = mapping_of(providers[target.provider.id], "valid (a model provider is not a table)")
    entry.update(
        name=target.provider.label,
        base_url=target.api_base,
        env_key=target.key_env,
        wire_api="responses",
    )
    if target.header_envs:
        if "env_http_headers" not in entry:
            entry["env_http_headers"] = tomlkit.inline_table()
        mapping_of(entry["env_http_headers"], "valid").update(target.header_envs)
    else:
        set_headers(entry, "env_http_headers", {}, target.provider)
    return document


def _header_tables(providers: Any) -> bool:
    """Whether ``model_providers`` is written as ``[model_providers.<id>]`` tables (or is new)."""
    from tomlkit.items import InlineTable, Table

    if isinstance(providers, InlineTable):
        return False
    values = list(providers.values())
    return all(isinstance(v, Table) and not isinstance(v, InlineTable) for v in values)


def codex_provider_removed(document: Any, target: Target, record: Mapping[str, Any]) -> Any:
    providers = mapping_of(document, "a TOML document").get("model_providers")
    if isinstance(providers, MutableMapping) and target.provider.id in providers:
        del providers[target.provider.id]
        if not providers:
            del document["model_providers"]
    return document


def codex_provider_configured(document: Any, provider: Provider) -> bool:
    providers = document.get("model_providers") if isinstance(document, Mapping) else None
    return isinstance(providers, Mapping) and provider.id in providers


def codex_profile(document: Any, target: Target, log: EditLog) -> Any:
    profile = mapping_of(document, "a TOML document")
    profile["model"] = target.models[0].id
    profile["model_provider"] = target.provider.id
    return document


def codex_profile_removed(document: Any, target: Target, record: Mapping[str, Any]) -> Any:
    profile = mapping_of(document, "a TOML document")
    if profile.get("model_provider") == target.provider.id:
        profile.pop("model", None)
        profile.pop("model_provider", None)
    return document


def codex_profile_configured(document: Any, provider: Provider) -> bool:
    return isinstance(document, Mapping) and document.get("model_provider") == provider.id
