"""``kilocli models list|set|status|info`` and one shortcut per provider.

No ``from __future__ import annotations`` here: the listing commands are built in a closure, and
Typer evaluates their annotations, which name the closure's variables.
"""

from enum import StrEnum
from typing import Annotated

import typer

from kilocli.cli.choices import complete_model_refs, complete_providers, one_of, provider_ids
from kilocli.cli.context import Session, command_app, command_session
from kilocli.cli.help import examples
from kilocli.providers.registry import PROVIDERS

app = command_app(
    help="List the models a gateway offers, and choose the default.",
    epilog=examples(
        ("kilocli models kilocode --free", "The free Kilo Gateway models"),
        ("kilocli models set kilocode/anthropic/claude-sonnet-4.5", "A new default model"),
    ),
)
RefArgument = Annotated[
    str,
    typer.Argument(
        help="provider/model, e.g. kilocode/anthropic/claude-sonnet-4.5",
        metavar="REF",
        autocompletion=complete_model_refs,
        show_default=False,
    ),
]

JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]
RefreshOption = Annotated[
    bool, typer.Option("--refresh", help="Ask the gateway even if the cache is fresh.")
]
OfflineOption = Annotated[
    bool, typer.Option("--offline", help="Never ask the gateway; use the cache.")
]


class SortBy(StrEnum):
    id = "id"
    price = "price"
    context = "context"


class InputKind(StrEnum):
    image = "image"
    text = "text"


def _list(
    ctx: typer.Context,
    provider_ids: list[str] | None,
    query: list[str] | None,
    free: bool,
    input_kind: InputKind | None,
    reasoning: bool,
    sort: SortBy | None,
    refresh: bool,
    offline: bool,
    plain: bool,
    json_output: bool,
) -> None:
    from kilocli.catalog.listing import ModelFilter
    from kilocli.cli.render import show
    from kilocli.providers.registry import get_provider
    from kilocli.services.listing import Listing, Listings, default_list_provider, list_models

    def as_text(session: Session, result: Listing | Listings) -> None:
        from kilocli.cli import render_models  # a table's (a --json listing draws none)

        (render_models.listing_plain if plain else render_models.listing_text)(session, result)

    with command_session(ctx, json_output=json_output) as session:
        rt = session.runtime()
        providers = (
            [get_provider(p) for p in provider_ids] if provider_ids else [default_list_provider(rt)]
        )
        model_filter = ModelFilter(
            tuple(query or ()), free, input_kind.value if input_kind else None, reasoning
        )
        listings = list_models(
            rt,
            providers,
            model_filter,
            sort=sort.value if sort else None,
            refresh=refresh,
            offline=offline,
            every_provider=len(providers) > 1,
        )
        show(session, listings, as_text)


def _listing_command(provider_id: str | None):  # type: ignore[no-untyped-def]
    """A ``models list`` (provider_id None) or ``models <provider>`` command function."""

    def command(
        ctx: typer.Context,
        query: Annotated[
            list[str] | None,
            typer.Option(
                "--query",
                "-q",
                help="Only models whose id or name contains TEXT (repeatable).",
                metavar="TEXT",
            ),
        ] = None,
        free: Annotated[bool, typer.Option("--free", help="Only free models.")] = False,
        input_kind: Annotated[
            InputKind | None,
            typer.Option(
                "--input",
                help=f"Only models that take this input: {one_of(list(InputKind))}.",
                metavar="KIND",
            ),
        ] = None,
        reasoning: Annotated[
            bool, typer.Option("--reasoning", help="Only reasoning models.")
        ] = False,
        sort: Annotated[
            SortBy | None,
            typer.Option("--sort", help=f"Sort by {one_of(list(SortBy))}.", metavar="ORDER"),
        ] = None,
        refresh: RefreshOption = False,
        offline: OfflineOption = False,
        plain: Annotated[bool, typer.Option("--plain", help="One model ref per line.")] = False,
        json_output: JsonOption = False,
        provider: Annotated[
            str | None,
            typer.Option(
                "--provider",
                help=f"The provider to list: {one_of(provider_ids())}.",
                metavar="PROVIDER",
                hidden=provider_id is not None,
                autocompletion=complete_providers,
            ),
        ] = None,
        all_providers: Annotated[
            bool, typer.Option("--all", help="List every provider.", hidden=provider_id is not None)
        ] = False,
    ) -> None:
        chosen = (
            [provider_id]
            if provider_id
            else [p.id for p in PROVIDERS]
            if all_providers
            else ([provider] if provider else None)
        )
        _list(
            ctx,
            chosen,
            query,
            free,
            input_kind,
            reasoning,
            sort,
            refresh,
            offline,
            plain,
            json_output,
        )

    return command


app.command(
    "list",
    help="List the models of a provider (default: that of the default model).",
    epilog=examples(
        ("kilocli models list", "The default model's provider, as a table"),
        ("kilocli models list --all --plain", "Every provider, one ref per line"),
    ),
)(_listing_command(None))
for _provider in PROVIDERS:
    app.command(
        _provider.id,
        help=f"List the {_provider.label} models (models list --provider {_provider.id}).",
        epilog=examples(
            (f"kilocli models {_provider.id} -q claude", "Only models with claude in id or name"),
            (f"kilocli models {_provider.id} --json --offline", "The cached list as JSON"),
        ),
    )(_listing_command(_provider.id))


@app.command(
    "set",
    epilog=examples(
        ("kilocli models set kilocode/anthropic/claude-sonnet-4.5", "The new default model"),
        ("kilocli models kilocode --plain", "See the refs first"),
    ),
)
def set_default(
    ctx: typer.Context,
    ref: RefArgument,
    json_output: JsonOption = False,
) -> None:
    """Make REF the default model (fallbacks are kept)."""
    from kilocli.cli.render import show
    from kilocli.cli.render_models import default_change_text
    from kilocli.services.models import set_default_model

    with command_session(ctx, json_output=json_output) as session:
        show(session, set_default_model(session.runtime(), ref), default_change_text)


@app.command(
    "status",
    epilog=examples(
        ("kilocli models status", "Default model, fallbacks, each provider's key and cache"),
        ("kilocli models status --json", "The same as one JSON object"),
    ),
)
def status(ctx: typer.Context, json_output: JsonOption = False) -> None:
    """Show the default model, fallbacks, aliases, and each provider's key and cache."""
    from kilocli.cli.render import show
    from kilocli.cli.render_models import model_status_text
    from kilocli.services.models import model_status

    with command_session(ctx, json_output=json_output) as session:
        show(session, model_status(session.runtime()), model_status_text)


@app.command(
    "info",
    epilog=examples(
        ("kilocli models info kilocode/anthropic/claude-sonnet-4.5", "Every field and policy"),
        ("kilocli models info openrouter/auto --offline", "From the cache, asking nothing"),
    ),
)
def info(
    ctx: typer.Context,
    ref: RefArgument,
    refresh: RefreshOption = False,
    offline: OfflineOption = False,
    json_output: JsonOption = False,
) -> None:
    """Show every field of one model, its policies and where it came from."""
    from kilocli.cli.render import show
    from kilocli.cli.render_models import model_info_text
    from kilocli.services.models import model_info

    with command_session(ctx, json_output=json_output) as session:
        result = model_info(session.runtime(), ref, refresh=refresh, offline=offline)
        show(session, result, model_info_text)
