"""Filtering, sorting and tagging a catalog for ``kilocli models``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from kilocli.catalog.assemble import Catalog
from kilocli.catalog.records import CatalogModel
from kilocli.providers.resolve import ModelRef

if TYPE_CHECKING:
    from kilocli.config.model import Config

SortKey = Literal["id", "price", "context"]


@dataclass(frozen=True)
class ModelFilter:
    """What ``-q``, ``--free``, ``--input`` and ``--reasoning`` ask for."""

    queries: tuple[str, ...] = ()
    free: bool = False
    input: str | None = None
    reasoning: bool = False

    @property
    def everything(self) -> bool:
        """True when nothing is filtered out (a plain listing checks no model)."""
        return self == ModelFilter()

    def matches(self, model: CatalogModel) -> bool:
        """Every query must match the id or the name (case-insensitive), and every flag hold."""
        haystack = f"{model.id}\n{model.name}".lower()
        return (
            all(query.lower() in haystack for query in self.queries)
            and (not self.free or model.free)
            and (self.input is None or self.input in model.input)
            and (not self.reasoning or model.reasoning)
        )


class ListedModel(NamedTuple):
    """A model with its ref and tags, as listed (a tuple: a listing may hold 20,000)."""

    model: CatalogModel
    ref: ModelRef
    tags: tuple[str, ...]


@dataclass(frozen=True)
class ModelListing:
    """One provider's listing: what ``models list`` renders."""

    catalog: Catalog
    models: tuple[ListedModel, ...]


def build_listing(
    catalog: Catalog,
    config: Config,
    model_filter: ModelFilter = ModelFilter(),
    sort: SortKey | None = None,
) -> ModelListing:
    """Filter, sort and tag ``catalog``; the default order is the catalog's."""
    tags = Tagger(config).tags
    provider = catalog.provider.id
    listed = tuple(
        ListedModel(model, ref, tags(str(ref), model))
        for model in chosen_models(catalog, model_filter, sort)
        for ref in (ModelRef(provider, model.id),)
    )
    return ModelListing(catalog, listed)


def chosen_models(
    catalog: Catalog, model_filter: ModelFilter, sort: SortKey | None
) -> list[CatalogModel]:
    """The models of ``catalog`` that pass ``model_filter``, sorted by ``sort`` (by default in
    the catalog's order)."""
    if model_filter.everything:
        chosen = list(catalog.models)
    else:
        chosen = [m for m in catalog.models if model_filter.matches(m)]
    if sort is not None:
        chosen.sort(key=_SORT_KEYS[sort])
    return chosen


def _price_key(model: CatalogModel) -> tuple[int, float, float, str]:
    """Cheapest first (free models count as 0), then variable prices, then unknown ones: a
    price nobody gave is never sorted as $0."""
    cost = model.cost
    if model.free:
        return (0, 0.0, 0.0, model.id)
    if isinstance(cost.input, int | float) and isinstance(cost.output, int | float):
        return (0, float(cost.input), float(cost.output), model.id)
    unknown = cost.input is None or cost.output is None
    return (2 if unknown else 1, 0.0, 0.0, model.id)


def _context_key(model: CatalogModel) -> tuple[bool, int, str]:
    """Largest context first; unknown last."""
    window = model.context_window
    return (window is None, -(window or 0), model.id)


_SORT_KEYS: dict[str, Any] = {
    "id": lambda m: m.id,
    "price": _price_key,
    "context": _context_key,
}


class Tagger:
    """Tags of SPEC §7: default, fallback#N, alias:<name>, configured, free."""

    def __init__(self, config: Config) -> None:
        # The tags a ref earns from the config, worked out once: a listing has thousands of
        # models and the config names a handful.
        named: dict[str, list[str]] = {}
        if config.primary is not None:
            named.setdefault(config.primary, []).append("default")
        for n, ref in enumerate(config.fallbacks, start=1):
            named.setdefault(ref, []).append(f"fallback#{n}")
        for ref, alias in config.aliases.items():
            named.setdefault(ref, []).append(f"alias:{alias}")
        self.named: dict[str, tuple[str, ...]] = {ref: tuple(t) for ref, t in named.items()}

    def tags(self, ref: str, model: CatalogModel) -> tuple[str, ...]:
        """The tags of ``model``, whose ref is ``ref``, in the order SPEC §7 lists them."""
        tags = self.named.get(ref, ())
        if model.origin == "configured":
            tags += ("configured",)
        if model.free:
            tags += ("free",)
        return tags


def iso_time(epoch: float | None) -> str | None:
    """Seconds since the epoch as ISO 8601 UTC (``2026-11-21T19:00:00Z``)."""
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
