"""Which models a provider offers: cache, gateway, fallback catalog and config, merged."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

from kilocli.catalog.cache import CachedCatalog, read_cache, write_cache
from kilocli.catalog.records import CatalogModel
from kilocli.errors import KilocliError
from kilocli.providers import Provider, configured_provider, resolve_base_url
from kilocli.runtime import Runtime

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


def load_catalog(
    rt: Runtime,
    provider: Provider,
    config: Mapping[str, Any],
    *,
    refresh: bool = False,
    offline: bool = False,
    base_url: str | None = None,
) -> Catalog:
    """The catalog of ``provider``; never fails for network trouble.

    Within the TTL the cache is used without a request. Expired, missing or ``refresh``: the
    gateway is asked; if that fails, the cache of any age is used, else the fallback catalog,
    with a warning that says why. ``offline`` never asks. ``base_url`` overrides the one in
    effect (onboarding passes its ``--base-url`` before it is saved).
    """
    base_url = base_url or resolve_base_url(provider, None, rt.env, config).url
    path = rt.paths.models_cache(provider.id)
    cached = read_cache(path, base_url)
    ttl, warnings = _ttl(rt.env)
    now = time.time()
    fresh = cached is not None and now - cached.fetched_at <= ttl
    if cached is not None and (offline or (fresh and not refresh)):
        return _merged(provider, config, "cache", cached, not fresh, warnings)
    if offline:
        warnings.append(
            f"Offline and no cached {provider.label} model list; showing the built-in catalog."
        )
        return _merged(provider, config, "fallback", None, False, warnings)
    from kilocli.catalog.discover import DiscoveryFailed, discover_models

    key = _key_for(rt, provider, config)  # remembered before anything can fail and show it
    try:
        with (
            rt.feedback.working(f"Fetching the {provider.label} model list…"),
            rt.http_client() as client,
        ):
            parsed = discover_models(client, provider, base_url, key)
    except DiscoveryFailed as exc:
        if cached is not None:
            warnings.append(
                f"Could not refresh the {provider.label} model list ({exc.reason}); "
                f"using the cached list from {describe_age(now - cached.fetched_at)} ago."
            )
            return _merged(provider, config, "cache", cached, not fresh, warnings)
        warnings.append(
            f"Could not fetch the {provider.label} model list ({exc.reason}); "
            "showing the built-in catalog."
        )
        return _merged(provider, config, "fallback", None, False, warnings)
    skipped = parsed.skipped_invalid + parsed.skipped_duplicate
    if skipped:
        warnings.append(
            f"Skipped {skipped} unusable row(s) of the gateway's answer "
            f"({parsed.skipped_invalid} invalid, {parsed.skipped_duplicate} duplicate)."
        )
    fetched = CachedCatalog(base_url, now, parsed.models)
    try:
        write_cache(path, fetched)
    except KilocliError as exc:
        warnings.append(f"Could not save the model cache: {exc.message}")
    return _merged(provider, config, "gateway", fetched, False, warnings)


def _merged(
    provider: Provider,
    config: Mapping[str, Any],
    source: Source,
    cached: CachedCatalog | None,
    stale: bool,
    warnings: list[str],
) -> Catalog:
    """Fallback entries not discovered, then discovered models, then configured extras."""
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


def _key_for(rt: Runtime, provider: Provider, config: Mapping[str, Any]) -> str | None:
    """The key in effect, if any: the model list is public, a key only personalises it."""
    from kilocli.credentials.sources import resolve_key
    from kilocli.credentials.store import load_auth_store

    try:
        resolution = resolve_key(
            provider, env=rt.env, store=load_auth_store(rt.paths, rt.feedback.warn), config=config
        )
    except KilocliError:
        return None
    if resolution.in_effect is None:
        return None
    return rt.remember_secret(resolution.in_effect.key)


def _ttl(env: Mapping[str, str]) -> tuple[float, list[str]]:
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
