"""One model of a provider's catalog, as kilocli stores and shows it."""

from __future__ import annotations

from typing import Literal, NamedTuple

Origin = Literal["fallback", "gateway", "configured"]

VARIABLE: Literal["variable"] = "variable"
Price = float | Literal["variable"] | None
"""USD per million tokens; ``"variable"`` when the gateway prices each request (a router);
None when the price is not known. Unknown is never shown, sorted or counted as $0 or free."""

CostRecord = tuple[Price, Price, Price, Price]
# A model in the cache file: id, name, input, reasoning, context window, max tokens, cost, free.
Record = tuple[str, str, tuple[str, ...], bool, int | None, int | None, CostRecord, bool]


class Cost(NamedTuple):
    """The four prices of a model (each a :data:`Price`; unknown unless given)."""

    input: Price = None
    output: Price = None
    cache_read: Price = None
    cache_write: Price = None

    @classmethod
    def variable(cls) -> Cost:
        """A router's cost: every price depends on the model it routes to."""
        return cls(VARIABLE, VARIABLE, VARIABLE, VARIABLE)


class CatalogModel(NamedTuple):
    """A model as mapped from the gateway, the fallback catalog or the config.

    A named tuple rather than a dataclass: a cached catalog makes 20,000 of them, and a tuple
    is built several times faster and is a third of the size."""

    id: str
    name: str
    input: tuple[str, ...] = ("text",)
    reasoning: bool = False
    context_window: int | None = None  # None: not known (never invented)
    max_tokens: int | None = None
    cost: Cost = Cost()
    free: bool = False
    origin: Origin = "gateway"

    def to_record(self) -> Record:
        """A compact form for the cache file (positional, so 20,000 models load fast)."""
        c = self.cost
        return (
            self.id,
            self.name,
            self.input,
            self.reasoning,
            self.context_window,
            self.max_tokens,
            (c.input, c.output, c.cache_read, c.cache_write),
            self.free,
        )

    @classmethod
    def from_record(cls, record: Record) -> CatalogModel:
        """The inverse of :meth:`to_record`."""
        model_id, name, inputs, reasoning, context, max_tokens, cost, free = record
        # tuple.__new__ through _make: the generated __new__ costs a Python call per model
        return cls._make(
            (
                model_id,
                name,
                inputs,
                reasoning,
                context,
                max_tokens,
                Cost._make(cost),
                free,
                "gateway",
            )
        )
