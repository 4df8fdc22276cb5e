"""Which models a provider offers: the cache within its TTL, else the gateway, else the cache of
any age or the fallback catalog, merged with the config."""

from __future__ import annotations

from kilocli.catalog.assemble import Catalog, describe_age, merge_catalog, ttl_from_env
from kilocli.catalog.cache import CachedCatalog, read_cache, write_cache
from kilocli.config.model import Config
from kilocli.errors import KilocliError
from kilocli.providers.registry import Provider
from kilocli.services.runtime import Runtime
from kilocli.services.steps import base_url_in_effect, keys_of


def load_catalog(
    rt: Runtime,
    provider: Provider,
    config: Config,
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
    base_url = base_url or base_url_in_effect(rt, provider, config).url
    path = rt.paths.models_cache(provider.id)
    cached = read_cache(path, base_url)
    ttl, warnings = ttl_from_env(rt.env)
    now = rt.clock()
    fresh = cached is not None and now - cached.fetched_at <= ttl
    if cached is not None and (offline or (fresh and not refresh)):
        return merge_catalog(provider, config, "cache", cached, not fresh, warnings)
    if offline:
        warnings.append(
            f"Offline and no cached {provider.label} model list; showing the built-in catalog."
        )
        return merge_catalog(provider, config, "fallback", None, False, warnings)
    from kilocli.gateway.discover import DiscoveryFailed, discover_models

    key = _key_for(rt, provider, config)  # remembered before anything can fail and show it
    try:
        with (
            rt.feedback.working(f"Fetching the {provider.label} model list…"),
            rt.gateway() as client,
        ):
            parsed = discover_models(client, provider, base_url, key)
    except DiscoveryFailed as exc:
        if cached is not None:
            warnings.append(
                f"Could not refresh the {provider.label} model list ({exc.reason}); "
                f"using the cached list from {describe_age(now - cached.fetched_at)} ago."
            )
            return merge_catalog(provider, config, "cache", cached, not fresh, warnings)
        warnings.append(
            f"Could not fetch the {provider.label} model list ({exc.reason}); "
            "showing the built-in catalog."
        )
        return merge_catalog(provider, config, "fallback", None, False, warnings)
    # Rows the gateway sent that are no model (the real list has some) are counted, in --json
    # and `models status`, not warned about on every fetch: the user can do nothing about them.
    skipped = parsed.skipped_invalid + parsed.skipped_duplicate
    fetched = CachedCatalog(base_url, now, parsed.models, skipped)
    try:
        write_cache(path, fetched)
    except KilocliError as exc:
        warnings.append(f"Could not save the model cache: {exc.message}")
    return merge_catalog(provider, config, "gateway", fetched, False, warnings)


def _key_for(rt: Runtime, provider: Provider, config: Config) -> str | None:
    """The key in effect, if any: the model list is public, a key only personalises it."""
    from kilocli.credentials.store import load_auth_store

    try:
        found = keys_of(rt, provider, config, load_auth_store(rt.paths, rt.feedback.warn))
    except KilocliError as exc:  # the list is public: say why it is asked for without a key
        rt.feedback.warn(f"{exc.message} Asking for the model list without a key.")
        return None
    return found.in_effect.key if found.in_effect is not None else None
