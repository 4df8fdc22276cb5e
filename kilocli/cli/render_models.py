"""How ``kilocli models`` shows catalogs, the default model and the status."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from kilocli.cli.columns import Column, render_table
from kilocli.cli.render import escape, print_json

if TYPE_CHECKING:
    from kilocli.catalog.listing import ListedModel, ModelListing
    from kilocli.catalog.records import Cost
    from kilocli.cli.context import Session
    from kilocli.services.models import DefaultModelChange, ModelInfo, ModelStatus


def render_listings(session: Session, listings: Sequence[ModelListing], *, plain: bool) -> None:
    """A table on a terminal, one ref per line with ``--plain``, or the ``--json`` document."""
    for listing in listings:
        for warning in listing.catalog.warnings:
            session.err.print(f"[yellow]Warning:[/yellow] {escape(warning)}")
    if session.json_output:
        documents = [listing.to_json() for listing in listings]
        print_json(session, documents[0] if len(documents) == 1 else {"providers": documents})
        return
    for listing in listings:
        if plain:
            for listed in listing.models:
                session.out.print(escape(str(listed.ref)), soft_wrap=True)
        else:
            _table(session, listing)


COLUMNS = (
    Column("Model"),
    Column("Name", squeeze=True),
    Column("Input"),
    Column("Ctx", right=True),
    Column("Max out", right=True),
    Column("$/M in/out", right=True),
    Column("Tags", wrap=True),
)


def _table(session: Session, listing: ModelListing) -> None:
    """All columns on a wide terminal. When the width runs short, Name is cut (or left out)
    first and Tags wrap, so the Model column is always shown whole."""
    rows = [_row(listed) for listed in listing.models]
    header, *body = render_table(COLUMNS, rows, session.out.width)
    session.out.print(header, style="bold", markup=False, highlight=False, soft_wrap=True)
    if body:
        session.out.file.write("\n".join(body) + "\n")
    catalog = listing.catalog
    source = {"gateway": "from the gateway", "cache": "cached", "fallback": "built-in catalog"}
    session.err.print(
        f"{len(listing.models)} {catalog.provider.label} model(s), {source[catalog.source]}"
        + (" (stale)" if catalog.stale else "")
    )


def _row(listed: ListedModel) -> tuple[str, ...]:
    m = listed.model
    return (
        str(listed.ref),
        printable(m.name),
        "+".join(m.input),
        format_tokens(m.context_window),
        format_tokens(m.max_tokens),
        format_price(m.cost, free=m.free),
        " ".join(listed.tags),
    )


def format_tokens(count: int) -> str:
    """``1M``, ``1.05M``, ``200k``, ``512``."""
    if count >= 999_500:  # what would round to "1000k" is shown as "1M"
        return f"{count / 1_000_000:.2f}".rstrip("0").rstrip(".") + "M"
    if count >= 1000:
        return f"{round(count / 1000)}k"
    return str(count)


def format_price(cost: Cost, *, free: bool = False) -> str:
    """``$3.00/$15.00``, ``free`` or ``variable`` (USD per million input/output tokens)."""
    if free:
        return "free"
    if cost.input is None or cost.output is None:
        return "variable"
    return f"${cost.input:.2f}/${cost.output:.2f}"


def render_default_change(session: Session, change: DefaultModelChange) -> None:
    """``models set``: what the default is now, and a warning for a ref not in the catalog."""
    if not change.in_catalog:
        session.err.print(
            f"[yellow]Warning:[/yellow] {escape(change.ref)} is not in the catalog "
            f"({change.catalog_source}); set anyway. Check it with: kilocli models "
            f"{escape(change.ref.split('/', 1)[0])} --refresh"
        )
    if session.json_output:
        print_json(
            session,
            {
                "ok": True,
                "defaultModel": change.ref,
                "previous": change.previous,
                "inCatalog": change.in_catalog,
            },
        )
        return
    before = (
        f" (was {change.previous})" if change.previous and change.previous != change.ref else ""
    )
    session.out.print(f"Default model set to {escape(change.ref)}{escape(before)}")


def render_model_status(session: Session, status: ModelStatus) -> None:
    """``models status``."""
    from kilocli.catalog.assemble import describe_age

    if session.json_output:
        print_json(
            session,
            {
                "defaultModel": status.primary,
                "fallbacks": list(status.fallbacks),
                "aliases": status.aliases,
                "providers": [
                    {
                        "provider": p.provider,
                        "baseUrl": p.base_url,
                        "baseUrlSource": p.base_url_source,
                        "keySource": p.key_source,
                        "keyPreview": p.key_preview,
                        "shadowed": list(p.shadowed),
                        "cachedModels": p.cached_models,
                        "cacheAgeSeconds": round(p.cache_age_seconds)
                        if p.cache_age_seconds is not None
                        else None,
                    }
                    for p in status.providers
                ],
            },
        )
        return
    out = session.out
    out.print(f"Default model  {escape(status.primary or '(none) - run: kilocli onboard')}")
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
        out.print(f"\n[bold]{escape(p.provider)}[/bold]")
        out.print(f"  Base URL     {escape(p.base_url)} ({escape(p.base_url_source)})")
        out.print(f"  Key          {escape(key_in_effect)}")  # a preview and its source
        out.print(f"  Model cache  {escape(cache)}")


def render_model_info(session: Session, info: ModelInfo) -> None:
    """``models info``: every field, the policies, and where the model came from."""
    for warning in info.catalog.warnings:
        session.err.print(f"[yellow]Warning:[/yellow] {escape(warning)}")
    document = info.to_json()
    if session.json_output:
        print_json(session, document)
        return
    listed: ListedModel = info.listed
    m = listed.model
    cost = m.cost
    rows = [
        ("Ref", str(listed.ref)),
        ("Name", m.name),
        ("Input", ", ".join(m.input)),
        ("Reasoning", "yes" if m.reasoning else "no"),
        ("Context", f"{m.context_window:,} tokens"),
        ("Max output", f"{m.max_tokens:,} tokens"),
        ("Price $/M", _cost_line(cost, free=m.free)),
        ("Tags", " ".join(listed.tags) or "-"),
        ("Cache TTL", "eligible" if document["cacheTtlEligible"] else "no"),
        ("Sanitise", "transcripts sanitised" if document["transcriptSanitize"] else "no"),
        ("Origin", f"{m.origin} (catalog: {info.catalog.source})"),
    ]
    for label, value in rows:
        session.out.print(f"{label:<11} {escape(value)}")


def _cost_line(cost: Cost, *, free: bool) -> str:
    def one(value: float | None) -> str:
        return "variable" if value is None else f"${value:g}"

    parts = (
        f"input {one(cost.input)}, output {one(cost.output)}, "
        f"cache read {one(cost.cache_read)}, cache write {one(cost.cache_write)}"
    )
    return f"free ({parts})" if free else parts


def printable(text: str) -> str:
    """Text from the gateway without control characters (no escape sequences reach the
    terminal)."""
    return text if text.isprintable() else "".join(c if c.isprintable() else "?" for c in text)
