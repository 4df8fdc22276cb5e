"""``kilocli setup TOOL`` and ``kilocli setup list``."""

from __future__ import annotations

from typing import Annotated

import typer

from kilocli.cli.choices import (
    complete_model_refs,
    complete_setup_argument,
    one_of,
    tool_ids,
)
from kilocli.cli.context import command_app, command_session
from kilocli.cli.exec import ProviderOption
from kilocli.cli.help import examples

app = command_app(no_args_is_help=True)


@app.command(
    "setup",
    epilog=examples(
        ("kilocli setup codex", "Codex uses the gateway, its key from kilocli auth token"),
        ("kilocli setup llm --dry-run", "Show the change to llm's files; write nothing"),
    ),
)
def setup(
    ctx: typer.Context,
    tool: Annotated[
        str,
        typer.Argument(
            help=f"{one_of(tool_ids())}; or list, to see them all.",
            metavar="TOOL",
            show_default=False,
            autocompletion=complete_setup_argument,
        ),
    ],
    provider: ProviderOption = None,
    model: Annotated[
        list[str] | None,
        typer.Option(
            "--model",
            help="Also set up this model ref (repeatable).",
            metavar="REF",
            show_default=False,
            autocompletion=complete_model_refs,
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show the changes as a diff; write nothing.")
    ] = False,
    remove: Annotated[
        bool, typer.Option("--remove", help="Take out only what kilocli wrote.")
    ] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Replace values of your own that are in the way (--remove puts them back).",
        ),
    ] = False,
    keep_default: Annotated[
        bool,
        typer.Option("--keep-default", help="Leave the tool's default model as it is."),
    ] = False,
    yes: Annotated[
        bool,
        typer.Option("--yes", "-y", help="Do not show the change and ask first (on a terminal)."),
    ] = False,
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Point another tool (llm, codex, aider, …) at the gateway."""
    from kilocli.cli.render import show
    from kilocli.cli.render_setup import setup_text, tools_text
    from kilocli.services.setup import setup_tool
    from kilocli.services.setup_list import list_tools

    with command_session(ctx, json_output=json_output) as session:
        if tool == "list":
            show(session, list_tools(session.runtime(), provider), tools_text)
            return
        ask = not yes and not dry_run and not json_output and session.can_prompt()
        result = setup_tool(
            session.runtime(interactive=ask),
            tool,
            provider_id=provider,
            models=model or (),
            remove=remove,
            dry_run=dry_run,
            confirm=ask,
            force=force,
            keep_default=keep_default,
        )
        show(session, result, setup_text)
