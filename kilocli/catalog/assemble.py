"""A provider's catalog assembled from the cache, the fallback catalog and the config; no I/O."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

from kilocli.catalog.cache import CachedCatalog
from kilocli.catalog.records import CatalogModel
from kilocli.providers.registry import Provider
from kilocli.providers.resolve import configured_provider

Source = Literal["gateway", "cache", "fallback"]
DEFAULT_TTL_SECONDS = 3600


@dataclass(frozen=True)
class Catalog:
    """A provider's models in listing order, and where the list came from."""

    provider: Provider
    source: Source
    fetched_at: float | None
    stale: bool
    warnings: tuple[str, ...]
    models: tuple[CatalogModel, ...]


def merge_catalog(
    provider: Provider,
    config: Mapping[str, Any],
    source: Source,
    cached: CachedCatalog | None,
    stale: bool,
    warnings: list[str],
) -> Catalog:
    """The catalog in listing order: fallback entries not discovered, then discovered models,
    then models configured in ``models.providers.<p>.models`` that neither has."""
    discovered = cached.models if cached else ()
    known = {model.id for model in discovered}
    fallback = [
        _from_fallback(entry.as_config_entry(), "fallback")
        for entry in provider.fallback_models
        if entry.id not in known
    ]
    known.update(model.id for model in fallback)
    configured = []
    for entry in configured_provider(config, provider.id).get("models", []):
        if isinstance(entry.get("id"), str) and entry["id"] not in known:
            known.add(entry["id"])
            configured.append(_from_fallback(entry, "configured"))
    return Catalog(
        provider=provider,
        source=source,
        fetched_at=cached.fetched_at if cached else None,
        stale=stale,
        warnings=tuple(warnings),
        models=(*fallback, *discovered, *configured),
    )


def _from_fallback(
    entry: Mapping[str, Any], origin: Literal["fallback", "configured"]
) -> CatalogModel:
    """A model from a config-shaped entry (the fallback catalog's or the user's)."""
    base = CatalogModel(id=entry["id"], name=entry.get("name") or entry["id"], origin=origin)
    inputs = entry.get("input")
    return replace(
        base,
        input=tuple(inputs) if inputs else base.input,
        reasoning=bool(entry.get("reasoning", base.reasoning)),
        context_window=entry.get("contextWindow") or base.context_window,
        max_tokens=entry.get("maxTokens") or base.max_tokens,
    )


def ttl_from_env(env: Mapping[str, str]) -> tuple[float, list[str]]:
    raw = env.get("KILOCLI_MODELS_TTL", "").strip()
    if not raw:
        return DEFAULT_TTL_SECONDS, []
    try:
        ttl = float(raw)
    except ValueError:
        ttl = -1
    if ttl < 0:
        return DEFAULT_TTL_SECONDS, [
            f"KILOCLI_MODELS_TTL={raw!r} is not a number of seconds; using 3600."
        ]
    return ttl, []


def describe_age(seconds: float) -> str:
    """``45 s``, ``12 min``, ``3 h``, ``2 d``: whole units, rounded down (90 min is "1 h")."""
    whole = int(max(0, seconds))
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if whole >= size:
            return f"{whole // size} {unit}"
    return f"{whole} s"
