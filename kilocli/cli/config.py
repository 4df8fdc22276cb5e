"""``kilocli config path|show``."""

from __future__ import annotations

from typing import Annotated

import typer

from kilocli.cli.context import command_app, command_session
from kilocli.cli.help import examples

app = command_app(
    help="Where kilocli keeps its files, and what the config holds.",
    epilog=examples(
        ("kilocli config path", "Where the config, the credentials and the cache are"),
        ("kilocli config show", "The config as TOML, keys as previews"),
    ),
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]


@app.command(
    "path",
    epilog=examples(
        ("kilocli config path", "Every directory and file"),
        ("kilocli config path --json", "The same as one JSON object"),
    ),
)
def path(ctx: typer.Context, json_output: JsonOption = False) -> None:
    """Print the config directory, both files and the cache directory."""
    from kilocli.cli.render import paths_text, show
    from kilocli.services.config import config_paths

    with command_session(ctx, json_output=json_output) as session:
        show(session, config_paths(session.runtime()), paths_text)


@app.command(
    "show",
    epilog=examples(
        ("kilocli config show", "The config as TOML"),
        ("kilocli config show --json", "The same as one JSON object"),
    ),
)
def show(ctx: typer.Context, json_output: JsonOption = False) -> None:
    """Print the config as TOML, with any key shown only as a preview."""
    from kilocli.cli.render import config_text, show
    from kilocli.services.config import show_config

    with command_session(ctx, json_output=json_output) as session:
        show(session, show_config(session.runtime()), config_text)
