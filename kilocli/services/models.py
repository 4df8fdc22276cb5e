"""The services behind ``kilocli models list|set|status|info``."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from pydantic import Field

from kilocli.catalog.assemble import Catalog
from kilocli.catalog.cache import read_cache
from kilocli.catalog.listing import (
    ListedModel,
    ModelFilter,
    ModelListing,
    SortKey,
    build_listing,
    iso_time,
)
from kilocli.catalog.policies import policies
from kilocli.config.files import load_config, update_config
from kilocli.config.merge import set_primary_model
from kilocli.errors import ExitCode, KilocliError
from kilocli.providers.registry import PROVIDERS, Provider, get_provider
from kilocli.providers.resolve import default_model_provider, parse_model_ref
from kilocli.results import Record, Result
from kilocli.services.catalog import load_catalog
from kilocli.services.runtime import Runtime
from kilocli.services.steps import base_url_in_effect, keys_of, organization_in_use

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


def _model_document(listed: ListedModel) -> dict[str, Any]:
    """One model as :class:`ListedModelRecord` serialises it (same keys, order and values)."""
    m, ref, c = listed.model, listed.ref, listed.model.cost
    cache_ttl, sanitize = policies(ref)
    return {
        "ref": f"{ref.provider}/{ref.model_id}",
        "id": m.id,
        "name": m.name,
        "input": list(m.input),
        "reasoning": m.reasoning,
        "contextWindow": m.context_window,
        "maxTokens": m.max_tokens,
        "cost": {
            "input": c.input,
            "output": c.output,
            "cacheRead": c.cache_read,
            "cacheWrite": c.cache_write,
        },
        "free": m.free,
        "tags": list(listed.tags),
        "cacheTtlEligible": cache_ttl,
        "transcriptSanitize": sanitize,
    }


@dataclass(frozen=True)
class Listing:
    """``models list`` for one provider: the ``--json`` document of :class:`ProviderListing`,
    written straight from the catalog.

    :class:`ProviderListing` stays the definition (its schema is in ``docs/schema/``, and a
    test holds this document to it), but a listing is not validated into it and dumped again:
    every value comes from the cache, the fallback catalog or the config, all of them already
    validated, and at 20,000 models that round trip cost more than everything else together.
    The models' documents are made one at a time as they are written (:meth:`json_pieces`,
    :meth:`models`), never all at once.
    """

    header: dict[str, Any]  # the document but its models
    listed: tuple[ListedModel, ...]
    label: str

    @property
    def warnings(self) -> list[str]:
        """Told on stderr (and kept in the document)."""
        return list(self.header["warnings"])

    def models(self) -> Iterator[dict[str, Any]]:
        """The models as ``--json`` has them (camelCase keys), made one at a time."""
        return map(_model_document, self.listed)

    def to_json(self, *, nested: bool = False) -> dict[str, Any]:
        """The document; ``nested`` in ``--all``'s, where (as pydantic orders the fields of a
        nested :class:`ProviderListing`) ``warnings`` comes first."""
        return {**self._head(nested), "models": list(self.models())}

    def json_pieces(self, *, nested: bool = False) -> Iterator[str]:
        """:meth:`to_json` as compact JSON text (``json.dumps`` with its default separators),
        in pieces of a thousand models."""
        head = compact_json({**self._head(nested), "models": []})
        yield head[: -len("]}")]  # "models" is the last key
        for start in range(0, len(self.listed), _BATCH):
            batch = map(_model_document, self.listed[start : start + _BATCH])
            yield (", " if start else "") + compact_json(list(batch))[1:-1]
        yield "]}"

    def exit_code(self) -> ExitCode:
        return ExitCode.OK

    def _head(self, nested: bool) -> dict[str, Any]:
        if not nested:
            return self.header
        return {"warnings": self.header["warnings"], **self.header}


_BATCH = 1000


def compact_json(document: Any) -> str:
    """``document`` as the compact ``--json`` text (what :func:`json.dumps` writes, keeping
    non-ASCII text as it is)."""
    import json

    return json.dumps(document, ensure_ascii=False, default=str)


@dataclass(frozen=True)
class Listings:
    """``models list --all``: the document of :class:`AllListings`. Its warnings are in each
    provider's listing, not told again on stderr."""

    providers: list[Listing]
    warnings: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"providers": [listing.to_json(nested=True) for listing in self.providers]}

    def json_pieces(self) -> Iterator[str]:
        """:meth:`to_json` as compact JSON text, in pieces."""
        yield '{"providers": ['
        for n, listing in enumerate(self.providers):
            if n:
                yield ", "
            yield from listing.json_pieces(nested=True)
        yield "]}"

    def exit_code(self) -> ExitCode:
        return ExitCode.OK


def listing_result(catalog: Catalog, listing: ModelListing) -> Listing:
    """The result of one provider's listing."""
    header = {
        "provider": catalog.provider.id,
        "organization": catalog.organization,
        "count": len(listing.models),
        "skipped": catalog.skipped,
        "source": catalog.source,
        "fetchedAt": iso_time(catalog.fetched_at),
        "stale": catalog.stale,
        "warnings": list(catalog.warnings),
    }
    return Listing(header, listing.models, catalog.provider.label)


def list_models(
    rt: Runtime,
    providers: Sequence[Provider],
    model_filter: ModelFilter,
    *,
    sort: SortKey | None = None,
    refresh: bool = False,
    offline: bool = False,
    every_provider: bool = False,
) -> Listing | Listings:
    """One listing per provider, filtered and sorted (all of them in one result with
    ``every_provider``)."""
    config = load_config(rt.paths)
    listings = []
    for provider in providers:
        catalog = load_catalog(rt, provider, config, refresh=refresh, offline=offline)
        listings.append(listing_result(catalog, build_listing(catalog, config, model_filter, sort)))
    if every_provider:
        return Listings(listings)
    return listings[0]


def default_list_provider(rt: Runtime) -> Provider:
    """The provider ``models list`` shows without ``--provider``: the default model's."""
    return default_model_provider(load_config(rt.paths).primary)


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
    config = load_config(rt.paths)
    catalog = load_catalog(rt, get_provider(ref.provider), config, refresh=refresh, offline=offline)
    listing = build_listing(catalog, config)
    for listed in listing.models:
        if listed.ref == ref:
            document = _model_document(listed)
            document.update(
                origin=listed.model.origin, source=catalog.source, warnings=list(catalog.warnings)
            )
            return ModelInfo.model_validate(document)
    for warning in catalog.warnings:  # why the catalog may be short (e.g. the gateway is down)
        rt.feedback.warn(warning)
    raise KilocliError(
        f"{ref} is not in the {catalog.provider.label} catalog ({catalog.source}).",
        hint=f"Search the list: kilocli models {ref.provider} -q {ref.model_id.split('/')[-1]}",
    )


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
    from kilocli.credentials.store import load_auth_store

    config = load_config(rt.paths)
    store = load_auth_store(rt.paths, rt.feedback.warn)
    providers = []
    for provider in PROVIDERS:
        base = base_url_in_effect(rt, provider, config)
        resolution = keys_of(rt, provider, config, store)
        found = resolution.in_effect
        organization = organization_in_use(rt, provider, store, found)
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
    )
