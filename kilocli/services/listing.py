"""The service behind ``kilocli models list`` (and ``models <provider>``).

A listing is written straight from the catalog: not validated into
:class:`~kilocli.services.models.ProviderListing` and dumped again. That model stays the
definition (its schema is in ``docs/schema/``, and a test holds these documents to it), but
every value here comes from the cache, the fallback catalog or the config, all of them already
validated, and at 20,000 models the round trip cost more than everything else together. The
models' documents are made one at a time as they are written, never all at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from kilocli.catalog.assemble import Catalog
from kilocli.catalog.listing import ModelFilter, SortKey, Tagger, chosen_models, iso_time
from kilocli.catalog.policies import model_policies
from kilocli.catalog.records import VARIABLE, CatalogModel
from kilocli.config.files import read_config
from kilocli.errors import ExitCode
from kilocli.providers.registry import Provider
from kilocli.providers.resolve import default_model_provider
from kilocli.services.catalog import load_catalog
from kilocli.services.runtime import Runtime

if TYPE_CHECKING:
    from kilocli.config.model import Config

EVERYTHING = ModelFilter()
_BATCH = 1000  # models per piece of JSON text


def documents(provider: str, tagger: Tagger) -> Callable[[CatalogModel], dict[str, Any]]:
    """What makes the ``--json`` document of one of ``provider``'s models: the keys, order and
    values :class:`~kilocli.services.models.ListedModelRecord` serialises."""
    policies = model_policies(provider)
    tags = tagger.tags

    def document(m: CatalogModel) -> dict[str, Any]:
        ref = f"{provider}/{m.id}"
        c = m.cost
        cache_ttl, sanitize = policies(m.id)
        return {
            "ref": ref,
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
            "tags": list(tags(ref, m)),
            "cacheTtlEligible": cache_ttl,
            "transcriptSanitize": sanitize,
        }

    return document


def json_texts(provider: str, tagger: Tagger) -> Callable[[CatalogModel], str]:
    """What writes one of ``provider``'s models as the compact JSON text of its document
    (:func:`documents`), without making the document.

    Exactly as ``json.dumps`` writes it (a test holds the two to each other): strings through
    its own encoder, numbers as their ``repr`` (prices and token counts are finite: the cache,
    the gateway's parser and the config all refuse anything else), None as null."""
    from json.encoder import encode_basestring as string

    policies = model_policies(provider)
    tags, named = tagger.tags, tagger.named
    inputs: dict[tuple[str, ...], str] = {}
    word = {True: "true", False: "false"}
    words: dict[object, str] = {None: "null", VARIABLE: '"variable"'}
    scalar = words.get

    def text(m: CatalogModel) -> str:
        ref = f"{provider}/{m.id}"
        c = m.cost
        cache_ttl, sanitize = policies(m.id)
        shown_input = inputs.get(m.input)
        if shown_input is None:
            shown_input = inputs[m.input] = _strings(m.input)
        shown_tags = (
            _strings(tags(ref, m)) if m.free or ref in named or m.origin == "configured" else "[]"
        )
        return (
            f'{{"ref": {string(ref)}, "id": {string(m.id)}, "name": {string(m.name)}, '
            f'"input": {shown_input}, "reasoning": {word[m.reasoning]}, '
            f'"contextWindow": {scalar(m.context_window) or repr(m.context_window)}, '
            f'"maxTokens": {scalar(m.max_tokens) or repr(m.max_tokens)}, '
            f'"cost": {{"input": {scalar(c.input) or repr(c.input)}, '
            f'"output": {scalar(c.output) or repr(c.output)}, '
            f'"cacheRead": {scalar(c.cache_read) or repr(c.cache_read)}, '
            f'"cacheWrite": {scalar(c.cache_write) or repr(c.cache_write)}}}, '
            f'"free": {word[m.free]}, "tags": {shown_tags}, '
            f'"cacheTtlEligible": {word[cache_ttl]}, "transcriptSanitize": {word[sanitize]}}}'
        )

    return text


def _strings(items: Sequence[str]) -> str:
    """A list of strings as ``json.dumps`` writes it."""
    from json.encoder import encode_basestring as string

    return "[" + ", ".join(map(string, items)) + "]" if items else "[]"


@dataclass(frozen=True)
class Listing:
    """``models list`` for one provider: the document of
    :class:`~kilocli.services.models.ProviderListing`, made as it is written."""

    header: dict[str, Any]  # the document but its models
    chosen: tuple[CatalogModel, ...]
    tagger: Tagger
    label: str

    @property
    def provider(self) -> str:
        return str(self.header["provider"])

    @property
    def warnings(self) -> list[str]:
        """Told on stderr (and kept in the document)."""
        return list(self.header["warnings"])

    def refs(self) -> Iterator[str]:
        """The models' refs, in listing order."""
        return (f"{self.provider}/{m.id}" for m in self.chosen)

    def entries(self) -> Iterator[tuple[str, CatalogModel, tuple[str, ...]]]:
        """Each model with its ref and tags, in listing order (what a table shows of it)."""
        tags = self.tagger.tags
        for ref, model in zip(self.refs(), self.chosen, strict=True):
            yield ref, model, tags(ref, model)

    def models(self) -> Iterator[dict[str, Any]]:
        """The models as ``--json`` has them (camelCase keys), made one at a time."""
        return map(documents(self.provider, self.tagger), self.chosen)

    def to_json(self, *, nested: bool = False) -> dict[str, Any]:
        """The document; ``nested`` in ``--all``'s, where (as pydantic orders the fields of a
        nested ``ProviderListing``) ``warnings`` comes first."""
        return {**self._head(nested), "models": list(self.models())}

    def json_pieces(self, *, nested: bool = False) -> Iterator[str]:
        """:meth:`to_json` as compact JSON text, exactly as ``json.dumps`` (default separators,
        non-ASCII kept) writes it, in pieces of a thousand models. Each model is written from
        its fields, with no document in between (a test holds the two to each other)."""
        head = compact_json({**self._head(nested), "models": []})
        yield head[: -len("]}")]  # "models" is the last key
        text = json_texts(self.provider, self.tagger)
        for start in range(0, len(self.chosen), _BATCH):
            batch = ", ".join(map(text, self.chosen[start : start + _BATCH]))
            yield (", " + batch) if start else batch
        yield "]}"

    exit_code: ClassVar[ExitCode] = ExitCode.OK  # a listing always succeeds (SPEC §6)

    def _head(self, nested: bool) -> dict[str, Any]:
        if not nested:
            return self.header
        return {"warnings": self.header["warnings"], **self.header}


@dataclass(frozen=True)
class Listings:
    """``models list --all``: the document of :class:`~kilocli.services.models.AllListings`.
    Its warnings are in each provider's listing, not told again on stderr."""

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

    exit_code: ClassVar[ExitCode] = ExitCode.OK


def compact_json(document: Any) -> str:
    """``document`` as the compact ``--json`` text (what :func:`json.dumps` writes, keeping
    non-ASCII text as it is)."""
    import json

    return json.dumps(document, ensure_ascii=False, default=str)


def listing_result(
    catalog: Catalog,
    config: Config,
    model_filter: ModelFilter = EVERYTHING,
    sort: SortKey | None = None,
) -> Listing:
    """One provider's listing: ``catalog`` filtered, sorted and tagged."""
    chosen = chosen_models(catalog, model_filter, sort)
    header = {
        "provider": catalog.provider.id,
        "organization": catalog.organization,
        "count": len(chosen),
        "skipped": catalog.skipped,
        "source": catalog.source,
        "fetchedAt": iso_time(catalog.fetched_at),
        "stale": catalog.stale,
        "warnings": list(catalog.warnings),
    }
    return Listing(header, tuple(chosen), Tagger(config), catalog.provider.label)


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
    config = read_config(rt.paths)
    listings = []
    for provider in providers:
        catalog = load_catalog(rt, provider, config, refresh=refresh, offline=offline)
        listings.append(listing_result(catalog, config, model_filter, sort))
    if every_provider:
        return Listings(listings)
    return listings[0]


def default_list_provider(rt: Runtime) -> Provider:
    """The provider ``models list`` shows without ``--provider``: the default model's."""
    return default_model_provider(read_config(rt.paths).primary)
