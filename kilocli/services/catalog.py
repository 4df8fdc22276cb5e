"""Which models a provider offers: the cache within its TTL, else the gateway, else the cache of
any age or the fallback catalog, merged with the config."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from kilocli.catalog.assemble import Catalog, Source, describe_age, merge_catalog, ttl_from_env
from kilocli.catalog.cache import CachedCatalog, read_cache, write_cache
from kilocli.errors import KeyExpired, KilocliError
from kilocli.providers.registry import Provider
from kilocli.services.organization import organization_headers, organization_in_use
from kilocli.services.runtime import Runtime
from kilocli.services.steps import base_url_in_effect, check_key_expiry, keys_of

if TYPE_CHECKING:
    from kilocli.config.model import Config


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
    organization = _organization_for(rt, provider, config)
    path = rt.paths.models_cache(provider.id, organization)  # each organisation has its list
    # --refresh does not read the cache it is about to replace (unless the gateway fails)
    cached = None if refresh and not offline else read_cache(path, base_url)
    ttl, warnings = ttl_from_env(rt.env)
    now = rt.clock()
    fresh = cached is not None and now - cached.fetched_at <= ttl
    catalog = _assembled(provider, config, organization)
    if cached is not None and (offline or (fresh and not refresh)):
        return catalog("cache", cached, not fresh, warnings)
    if offline:
        warnings.append(
            f"Offline and no cached {provider.label} model list; showing the built-in catalog."
        )
        return catalog("fallback", None, False, warnings)
    cached = None  # the old list is not held while the new one is fetched and parsed
    from kilocli.gateway.discover import DiscoveryFailed, discover_models

    key, organization, problem = _key_for(rt, provider, config)  # remembered before failing
    warnings += [problem] if problem is not None else []
    headers = organization_headers(provider, organization)
    try:
        with (
            rt.feedback.working(f"Fetching the {provider.label} model list…"),
            rt.gateway() as client,
        ):
            parsed = discover_models(client, provider, base_url, key, headers)
    except DiscoveryFailed as exc:
        if organization is not None and exc.status in {400, 403}:
            from kilocli.gateway.problems import organization_hint

            warnings.append(
                f"{provider.label} refused the organisation {organization} for the model list. "
                + organization_hint(provider)
            )
        cached = read_cache(path, base_url)  # the old list after all, of any age
        if cached is not None:
            fresh = now - cached.fetched_at <= ttl
            warnings.append(
                f"Could not refresh the {provider.label} model list ({exc.reason}); "
                f"using the cached list from {describe_age(now - cached.fetched_at)} ago."
            )
            return catalog("cache", cached, not fresh, warnings)
        warnings.append(
            f"Could not fetch the {provider.label} model list ({exc.reason}); "
            "showing the built-in catalog."
        )
        return catalog("fallback", None, False, warnings)
    # Rows the gateway sent that are no model (the real list has some) are counted, in --json
    # and `models status`, not warned about on every fetch: the user can do nothing about them.
    skipped = parsed.skipped_invalid + parsed.skipped_duplicate
    fetched = CachedCatalog(base_url, now, parsed.models, skipped)
    try:
        write_cache(path, fetched)
    except KilocliError as exc:
        warnings.append(f"Could not save the model cache: {exc.message}")
    return catalog("gateway", fetched, False, warnings)


def _assembled(
    provider: Provider, config: Config, organization: str | None
) -> Callable[[Source, CachedCatalog | None, bool, list[str]], Catalog]:
    def assemble(
        source: Source, cached: CachedCatalog | None, stale: bool, warnings: list[str]
    ) -> Catalog:
        merged = merge_catalog(provider, config, source, cached, stale, warnings)
        return replace(merged, organization=organization)

    return assemble


def _organization_for(rt: Runtime, provider: Provider, config: Config) -> str | None:
    """Whose model list the key in effect sees. Most stores name no organisation at all: then
    the answer is known without validating the store and walking the key chain (a cached
    listing is a budgeted command, SPEC §10)."""
    from kilocli.storage import read_file_bytes

    if provider.organization_header is None:
        return None
    names = (provider.organization_env, provider.legacy_organization_env)
    from_env = any(rt.env.get(name, "").strip() for name in names if name)
    if not from_env and config.provider(provider.id).organization_id is None:
        try:
            data = read_file_bytes(rt.paths.auth_file)
        except KilocliError:
            data = None
        if not data or b"organizationId" not in data:
            return None
    return _key_for(rt, provider, config)[1]  # a problem is said when the list is asked for


def _key_for(
    rt: Runtime, provider: Provider, config: Config
) -> tuple[str | None, str | None, str | None]:
    """The key in effect, if any (the model list is public, a key only personalises it), the
    organisation it speaks for (whose list it is), and why there is no key, when a problem
    kept it out (said with the catalog's warnings)."""
    from kilocli.credentials.store import read_auth_store

    try:
        store = read_auth_store(rt.paths, rt.feedback.warn)
        found = keys_of(rt, provider, config, store).in_effect
        if found is not None:
            check_key_expiry(rt, provider, found)
    except KeyExpired:
        raise  # reported as expired, without a request (SPEC §4)
    except KilocliError as exc:  # the list is public: say why it is asked for without a key
        return None, None, f"{exc.message} Asking for the model list without a key."
    if found is None:
        return None, None, None
    return found.key, organization_in_use(rt, provider, store, found, config), None
