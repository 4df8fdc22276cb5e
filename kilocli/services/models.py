"""The services behind ``kilocli models list|set|status|info``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kilocli.catalog.assemble import Catalog
from kilocli.catalog.cache import read_cache
from kilocli.catalog.listing import ListedModel, ModelFilter, ModelListing, SortKey, build_listing
from kilocli.config.files import load_config, update_config
from kilocli.config.merge import (
    current_fallbacks,
    current_primary,
    model_aliases,
    set_primary_model,
)
from kilocli.errors import KilocliError
from kilocli.providers.registry import PROVIDERS, Provider, get_provider
from kilocli.providers.resolve import default_model_provider, parse_model_ref, resolve_base_url
from kilocli.services.catalog import load_catalog
from kilocli.services.runtime import Runtime


def list_models(
    rt: Runtime,
    providers: Sequence[Provider],
    model_filter: ModelFilter,
    *,
    sort: SortKey | None = None,
    refresh: bool = False,
    offline: bool = False,
) -> list[ModelListing]:
    """One listing per provider, filtered and sorted."""
    config = load_config(rt.paths)
    return [
        build_listing(
            load_catalog(rt, provider, config, refresh=refresh, offline=offline),
            config,
            model_filter,
            sort,
        )
        for provider in providers
    ]


def default_list_provider(rt: Runtime) -> Provider:
    """The provider ``models list`` shows without ``--provider``: the default model's."""
    return default_model_provider(load_config(rt.paths))


@dataclass(frozen=True)
class DefaultModelChange:
    """What ``models set`` did."""

    ref: str
    previous: str | None
    in_catalog: bool
    catalog_source: str


def set_default_model(rt: Runtime, text: str) -> DefaultModelChange:
    """Make ``text`` the default model; fallbacks are kept. A ref not in the catalog is set
    anyway (with a warning by the caller): the catalog may simply be out of date.

    Raises:
        UsageError: a malformed ref or an unknown provider.
    """
    ref = parse_model_ref(text)
    config = load_config(rt.paths)
    catalog = load_catalog(rt, get_provider(ref.provider), config)
    in_catalog = any(model.id == ref.model_id for model in catalog.models)
    update_config(rt.paths, lambda doc: set_primary_model(doc, str(ref)))
    return DefaultModelChange(str(ref), current_primary(config), in_catalog, catalog.source)


@dataclass(frozen=True)
class ModelInfo:
    """``models info``: one listed model and the catalog it was found in."""

    listed: ListedModel
    catalog: Catalog

    def to_json(self) -> dict[str, Any]:
        document = self.listed.to_json()
        document["origin"] = self.listed.model.origin
        document["source"] = self.catalog.source
        document["warnings"] = list(self.catalog.warnings)
        return document


def model_info(
    rt: Runtime, text: str, *, refresh: bool = False, offline: bool = False
) -> ModelInfo:
    """Find one model by ref.

    Raises:
        UsageError: a malformed ref or unknown provider.
        KilocliError: the provider's catalog has no such model.
    """
    ref = parse_model_ref(text)
    config = load_config(rt.paths)
    catalog = load_catalog(rt, get_provider(ref.provider), config, refresh=refresh, offline=offline)
    listing = build_listing(catalog, config)
    for listed in listing.models:
        if listed.ref == ref:
            return ModelInfo(listed, catalog)
    for warning in catalog.warnings:  # why the catalog may be short (e.g. the gateway is down)
        rt.feedback.warn(warning)
    raise KilocliError(
        f"{ref} is not in the {catalog.provider.label} catalog ({catalog.source}).",
        hint=f"Search the list: kilocli models {ref.provider} -q {ref.model_id.split('/')[-1]}",
    )


@dataclass(frozen=True)
class ProviderStatus:
    """One provider in ``models status``."""

    provider: str
    base_url: str
    base_url_source: str
    key_source: str | None
    key_preview: str | None
    shadowed: tuple[str, ...]
    cached_models: int | None
    cache_age_seconds: float | None


@dataclass(frozen=True)
class ModelStatus:
    """``models status``: the default model, fallbacks, aliases, and each provider's state."""

    primary: str | None
    fallbacks: tuple[str, ...]
    aliases: dict[str, str]
    providers: tuple[ProviderStatus, ...]


def model_status(rt: Runtime) -> ModelStatus:
    """Gather ``models status`` from config, the key chain and the caches (no network)."""

    from kilocli.credentials.sources import resolve_key
    from kilocli.credentials.store import load_auth_store

    config = load_config(rt.paths)
    store = load_auth_store(rt.paths, rt.feedback.warn)
    providers = []
    for provider in PROVIDERS:
        base = resolve_base_url(provider, None, rt.env, config)
        resolution = resolve_key(provider, env=rt.env, store=store, config=config)
        found = resolution.in_effect
        cached = read_cache(rt.paths.models_cache(provider.id), base.url)
        providers.append(
            ProviderStatus(
                provider=provider.id,
                base_url=base.url,
                base_url_source=base.source,
                key_source=str(found.source) if found else None,
                key_preview=found.preview if found else None,
                shadowed=tuple(str(f.source) for f in resolution.shadowed),
                cached_models=len(cached.models) if cached else None,
                cache_age_seconds=rt.clock() - cached.fetched_at if cached else None,
            )
        )
    return ModelStatus(
        primary=current_primary(config),
        fallbacks=current_fallbacks(config),
        aliases=model_aliases(config),
        providers=tuple(providers),
    )
