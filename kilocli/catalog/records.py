"""One model of a provider's catalog, as kilocli stores and shows it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Origin = Literal["fallback", "gateway", "configured"]

CostRecord = tuple[float | None, float | None, float | None, float | None]
# A model in the cache file: id, name, input, reasoning, context window, max tokens, cost, free.
Record = tuple[str, str, tuple[str, ...], bool, int, int, CostRecord, bool]

DEFAULT_CONTEXT_WINDOW = 1_000_000
DEFAULT_MAX_TOKENS = 128_000


@dataclass(frozen=True)
class Cost:
    """USD per million tokens; None means the gateway prices it per request ("variable")."""

    input: float | None = 0.0
    output: float | None = 0.0
    cache_read: float | None = 0.0
    cache_write: float | None = 0.0


@dataclass(frozen=True)
class CatalogModel:
    """A model as mapped from the gateway (SPEC §6), the fallback catalog or the config."""

    id: str
    name: str
    input: tuple[str, ...] = ("text",)
    reasoning: bool = False
    context_window: int = DEFAULT_CONTEXT_WINDOW
    max_tokens: int = DEFAULT_MAX_TOKENS
    cost: Cost = field(default_factory=Cost)
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
        return cls(
            id=model_id,
            name=name,
            input=inputs,
            reasoning=reasoning,
            context_window=context,
            max_tokens=max_tokens,
            cost=Cost(*cost),
            free=free,
        )
