"""A provider's catalog assembled from the cache, the fallback catalog and the config; no I/O."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from kilocli.catalog.cache import CachedCatalog
from kilocli.catalog.records import CatalogModel, Cost
from kilocli.providers.registry import FallbackModel, Provider

if TYPE_CHECKING:
    from kilocli.config.model import Config, ModelEntry

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
    skipped: int = 0  # rows of the gateway's answer that were no usable model
    organization: str | None = None  # whose list it is (SPEC §13); None: personal


def merge_catalog(
    provider: Provider,
    config: Config,
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
        _from_fallback(entry) for entry in provider.fallback_models if entry.id not in known
    ]
    known.update(model.id for model in fallback)
    configured = []
    for entry in config.provider(provider.id).models:
        if entry.id not in known:
            known.add(entry.id)
            configured.append(_from_entry(entry, "configured"))
    return Catalog(
        provider=provider,
        source=source,
        fetched_at=cached.fetched_at if cached else None,
        stale=stale,
        warnings=tuple(warnings),
        models=(*fallback, *discovered, *configured),
        skipped=cached.skipped if cached else 0,
    )


def _from_fallback(entry: FallbackModel) -> CatalogModel:
    """A model of the fallback catalog, with its published prices (variable for a router)."""
    cost = Cost(*entry.prices) if entry.prices is not None else Cost.variable()
    return CatalogModel(
        id=entry.id,
        name=entry.name,
        input=entry.input,
        reasoning=entry.reasoning,
        context_window=entry.context_window,
        max_tokens=entry.max_tokens,
        cost=cost,
        free=entry.free,
        origin="fallback",
    )


def _from_entry(entry: ModelEntry, origin: Literal["configured"]) -> CatalogModel:
    """A model from a config-shaped entry (the user's)."""
    base = CatalogModel(id=entry.id, name=entry.name or entry.id, origin=origin)
    return base._replace(
        input=tuple(entry.input) if entry.input else base.input,
        reasoning=base.reasoning if entry.reasoning is None else entry.reasoning,
        context_window=entry.context_window,
        max_tokens=entry.max_tokens,
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
