"""The services behind ``kilocli models set|status|info``, and the results of every ``models``
command (the listing's included: :mod:`kilocli.services.listing` writes its documents
straight, and these models are their schema)."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from kilocli.catalog.cache import read_cache
from kilocli.catalog.listing import Tagger, build_listing
from kilocli.config.files import load_config, read_config, update_config
from kilocli.config.merge import set_primary_model
from kilocli.errors import KilocliError
from kilocli.providers.registry import PROVIDERS, get_provider
from kilocli.providers.resolve import parse_model_ref
from kilocli.results import Record, Result
from kilocli.services.catalog import load_catalog
from kilocli.services.listing import documents
from kilocli.services.organization import organization_in_use
from kilocli.services.runtime import Runtime
from kilocli.services.steps import base_url_in_effect, keys_of, legacy_model_notice

CatalogSource = Literal["gateway", "cache", "fallback"]


class ModelCost(Record):
    """USD per million tokens; ``"variable"`` when the gateway prices each request, null when
    the price is not known."""

    input: float | Literal["variable"] | None
    output: float | Literal["variable"] | None
    cache_read: float | Literal["variable"] | None
    cache_write: float | Literal["variable"] | None


class ListedModelRecord(Record):
    """One model as ``models`` lists it."""

    ref: str
    id: str
    name: str
    input: list[str]
    reasoning: bool
    context_window: int | None = Field(description="Tokens; null when not known.")
    max_tokens: int | None = Field(description="Tokens; null when not known.")
    cost: ModelCost
    free: bool
    tags: list[str]
    cache_ttl_eligible: bool
    transcript_sanitize: bool


class ProviderListing(Result):
    """``models list`` for one provider."""

    json_order: ClassVar[tuple[str, ...]] = (
        "provider",
        "organization",
        "count",
        "skipped",
        "source",
        "fetchedAt",
        "stale",
        "warnings",
        "models",
    )

    provider: str
    organization: str | None = None
    label: str = Field(exclude=True)
    count: int
    skipped: int = Field(description="Rows of the gateway's answer that were no usable model.")
    source: CatalogSource
    fetched_at: str | None
    stale: bool
    warnings: list[str] = Field(default_factory=list)
    models: list[ListedModelRecord]


class AllListings(Result):
    """``models list --all``: one listing per provider."""

    providers: list[ProviderListing]


class DefaultModelChange(Result):
    """What ``models set`` did."""

    ok: bool = True
    default_model: str
    previous: str | None
    in_catalog: bool


def set_default_model(rt: Runtime, text: str) -> DefaultModelChange:
    """Make ``text`` the default model; fallbacks are kept. A ref not in the catalog is set
    anyway, with a warning: the catalog may simply be out of date.

    Raises:
        UsageError: a malformed ref or an unknown provider.
    """
    ref = parse_model_ref(text)
    config = load_config(rt.paths)
    catalog = load_catalog(rt, get_provider(ref.provider), config)
    in_catalog = any(model.id == ref.model_id for model in catalog.models)
    update_config(rt.paths, lambda doc: set_primary_model(doc, str(ref)))
    warnings = []
    if not in_catalog:
        warnings.append(
            f"{ref} is not in the catalog ({catalog.source}); set anyway. Check it with: "
            f"kilocli models {ref.provider} --refresh"
        )
    return DefaultModelChange(
        default_model=str(ref), previous=config.primary, in_catalog=in_catalog, warnings=warnings
    )


class ModelInfo(ListedModelRecord, Result):
    """``models info``: every field of one model, its policies, and where it came from."""

    origin: Literal["fallback", "gateway", "configured"]
    source: CatalogSource
    warnings: list[str] = Field(default_factory=list)


def model_info(
    rt: Runtime, text: str, *, refresh: bool = False, offline: bool = False
) -> ModelInfo:
    """Find one model by ref.

    Raises:
        UsageError: a malformed ref or unknown provider.
        KilocliError: the provider's catalog has no such model.
    """
    ref = parse_model_ref(text)
    config = read_config(rt.paths)
    catalog = load_catalog(rt, get_provider(ref.provider), config, refresh=refresh, offline=offline)
    listing = build_listing(catalog, config)
    for listed in listing.models:
        if listed.ref == ref:
            document = documents(ref.provider, Tagger(config))(listed.model)
            document.update(
                origin=listed.model.origin, source=catalog.source, warnings=list(catalog.warnings)
            )
            return ModelInfo.model_validate(document)
    missing = KilocliError(
        f"{ref} is not in the {catalog.provider.label} catalog ({catalog.source}).",
        hint=f"Search the list: kilocli models {ref.provider} -q {ref.model_id.split('/')[-1]}",
    )
    missing.warnings = list(catalog.warnings)  # why the catalog may be short (gateway down)
    raise missing


class ProviderStatus(Record):
    """One provider in ``models status``."""

    provider: str
    base_url: str
    base_url_source: str
    key_source: str | None
    key_preview: str | None
    shadowed: list[str]
    cached_models: int | None
    skipped_rows: int | None
    cache_age_seconds: int | None


class ModelStatus(Result):
    """``models status``: the default model, fallbacks, aliases, and each provider's state."""

    default_model: str | None
    fallbacks: list[str]
    aliases: dict[str, str]
    providers: list[ProviderStatus]


def model_status(rt: Runtime) -> ModelStatus:
    """Gather ``models status`` from config, the key chain and the caches (no network)."""
    from kilocli.credentials.store import read_auth_store

    config = read_config(rt.paths)
    store = read_auth_store(rt.paths, rt.feedback.warn)
    notice = legacy_model_notice(config)
    providers = []
    for provider in PROVIDERS:
        base = base_url_in_effect(rt, provider, config)
        resolution = keys_of(rt, provider, config, store)
        found = resolution.in_effect
        organization = organization_in_use(rt, provider, store, found, config)
        cached = read_cache(rt.paths.models_cache(provider.id, organization), base.url)
        providers.append(
            ProviderStatus(
                provider=provider.id,
                base_url=base.url,
                base_url_source=base.source,
                key_source=str(found.source) if found else None,
                key_preview=found.preview if found else None,
                shadowed=[str(f.source) for f in resolution.shadowed],
                cached_models=len(cached.models) if cached else None,
                skipped_rows=cached.skipped if cached else None,
                cache_age_seconds=round(rt.clock() - cached.fetched_at) if cached else None,
            )
        )
    return ModelStatus(
        default_model=config.primary,
        fallbacks=list(config.fallbacks),
        aliases=config.aliases,
        providers=providers,
        warnings=[notice] if notice is not None else [],
    )
