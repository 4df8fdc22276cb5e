"""How ``kilocli models`` shows catalogs, the default model and the status."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from kilocli.cli.columns import Column, render_table
from kilocli.cli.render import escape
from kilocli.text import one_line

if TYPE_CHECKING:
    from kilocli.catalog.records import CatalogModel
    from kilocli.cli.context import Session
    from kilocli.services.listing import Listing, Listings
    from kilocli.services.models import (
        DefaultModelChange,
        ModelCost,
        ModelInfo,
        ModelStatus,
    )


def listing_text(session: Session, result: Listing | Listings) -> None:
    """A table of each listing (fitted to the terminal), with a count on stderr."""
    for listing in _listings(result):
        _table(session, listing)


def listing_plain(session: Session, result: Listing | Listings) -> None:
    """``--plain``: one model ref per line."""
    for listing in _listings(result):
        for ref in listing.refs():
            session.out.print(escape(ref), soft_wrap=True)


def _listings(result: Listing | Listings) -> list[Listing]:
    from kilocli.services.listing import Listings

    return result.providers if isinstance(result, Listings) else [result]


COLUMNS = (
    Column("Model", middle=True, min_width=20),
    Column("Name", squeeze=True),
    Column("Input", drop=True),
    Column("Ctx", right=True),
    Column("Max out", right=True, drop=True),
    Column("$/M in/out", right=True),
    Column("Tags", wrap=True),
)


def _table(session: Session, listing: Listing) -> None:
    """All columns on a wide terminal. When the width runs short: Name is cut (or left out),
    Tags wrap (a tag is never split), Input and Max out are left out, and only then is a long
    Model cut in the middle."""
    about = listing.header
    rows = [_row(*entry) for entry in listing.entries()]
    header, *body = render_table(COLUMNS, rows, session.out.width)
    session.out.print(header, style="bold", markup=False, highlight=False, soft_wrap=True)
    if body:
        session.out.file.write("\n".join(body) + "\n")
    source = {"gateway": "from the gateway", "cache": "cached", "fallback": "built-in catalog"}
    session.err.print(
        f"{about['count']} {listing.label} model(s), {source[about['source']]}"
        + (" (stale)" if about["stale"] else "")
    )


def _row(ref: str, m: CatalogModel, tags: tuple[str, ...]) -> tuple[str, ...]:
    """One table row; every cell on one line and safe for a terminal (ids, names and inputs come
    from the gateway, tags from the config; the numbers are kilocli's own)."""
    # A tag with a space in it (alias:Kilo Gateway) keeps it as U+00A0, so that wrapping the
    # Tags column never splits one tag across two lines.
    shown_tags = " ".join(one_line(tag).replace(" ", "\u00a0") for tag in tags) if tags else ""
    return (
        one_line(ref),
        one_line(m.name),
        one_line("+".join(m.input)),
        format_tokens(m.context_window),
        format_tokens(m.max_tokens),
        format_price(m.cost, free=m.free),
        shown_tags,
    )


UNKNOWN = "—"  # a value the gateway did not give: never shown as 0


def format_tokens(count: int | None) -> str:
    """``1M``, ``1.05M``, ``200k``, ``512``; ``—`` when not known."""
    if count is None:
        return UNKNOWN
    if count >= 999_500:  # what would round to "1000k" is shown as "1M"
        return f"{count / 1_000_000:.2f}".rstrip("0").rstrip(".") + "M"
    if count >= 1000:
        return f"{round(count / 1000)}k"
    return str(count)


class Prices(Protocol):
    """Input and output prices: USD per million tokens, ``"variable"``, or None (unknown)."""

    @property
    def input(self) -> float | str | None: ...

    @property
    def output(self) -> float | str | None: ...


def format_price(cost: Prices, *, free: bool = False) -> str:
    """``$3.00/$15.00``, ``free``, ``variable`` or ``—`` (unknown), USD per million input/output
    tokens."""
    if free:
        return "free"
    if isinstance(cost.input, int | float) and isinstance(cost.output, int | float):
        return f"${cost.input:.2f}/${cost.output:.2f}"
    if cost.input is None or cost.output is None:
        return UNKNOWN
    return "variable"


def default_change_text(session: Session, change: DefaultModelChange) -> None:
    """``models set``: what the default is now."""
    before = (
        f" (was {change.previous})"
        if change.previous and change.previous != change.default_model
        else ""
    )
    session.out.print(f"Default model set to {escape(change.default_model)}{escape(before)}")


def model_status_text(session: Session, status: ModelStatus) -> None:
    """``models status``."""
    from kilocli.catalog.assemble import describe_age

    out = session.out
    out.print(f"Default model  {escape(status.default_model or '(none) - run: kilocli onboard')}")
    out.print(f"Fallbacks      {escape(', '.join(status.fallbacks) or '(none)')}")
    for ref, alias in status.aliases.items():
        out.print(f"Alias          {escape(alias)} -> {escape(ref)}")
    for p in status.providers:
        key_in_effect = f"{p.key_preview} ({p.key_source})" if p.key_source else "none"
        if p.shadowed:
            key_in_effect += f"; shadows {', '.join(p.shadowed)}"
        cache = (
            f"{p.cached_models} models, {describe_age(p.cache_age_seconds)} old"
            if p.cached_models is not None and p.cache_age_seconds is not None
            else "none"
        )
        if p.skipped_rows:
            cache += f" ({p.skipped_rows} unusable row(s) of the gateway's answer skipped)"
        out.print(f"\n[bold]{escape(p.provider)}[/bold]")
        out.print(f"  Base URL     {escape(p.base_url)} ({escape(p.base_url_source)})")
        out.print(f"  Key          {escape(key_in_effect)}")  # a preview and its source
        out.print(f"  Model cache  {escape(cache)}")


def model_info_text(session: Session, info: ModelInfo) -> None:
    """``models info``: every field, the policies, and where the model came from."""
    rows = [
        ("Ref", info.ref),
        ("Name", info.name),
        ("Input", ", ".join(info.input)),
        ("Reasoning", "yes" if info.reasoning else "no"),
        ("Context", _tokens_line(info.context_window)),
        ("Max output", _tokens_line(info.max_tokens)),
        ("Price $/M", _cost_line(info.cost, free=info.free)),
        ("Tags", " ".join(info.tags) or "-"),
        ("Cache TTL", "eligible" if info.cache_ttl_eligible else "no"),
        ("Sanitise", "transcripts sanitised" if info.transcript_sanitize else "no"),
        ("Origin", f"{info.origin} (catalog: {info.source})"),
    ]
    for label, value in rows:
        session.out.print(f"{label:<11} {escape(value)}")


def _tokens_line(count: int | None) -> str:
    return "unknown" if count is None else f"{count:,} tokens"


def _cost_line(cost: ModelCost, *, free: bool) -> str:
    def one(value: float | str | None) -> str:
        if value is None:
            return "unknown"
        return value if isinstance(value, str) else f"${value:g}"

    parts = (
        f"input {one(cost.input)}, output {one(cost.output)}, "
        f"cache read {one(cost.cache_read)}, cache write {one(cost.cache_write)}"
    )
    return f"free ({parts})" if free else parts
