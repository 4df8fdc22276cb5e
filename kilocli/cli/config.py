"""``kilocli config path|show``."""

from __future__ import annotations

from typing import Annotated

import typer

from kilocli.cli.context import command_app, command_session

app = command_app(help="Where kilocli keeps its files, and what the config holds.")

JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]


@app.command("path")
def path(ctx: typer.Context, json_output: JsonOption = False) -> None:
    """Print the config directory, both files and the cache directory."""
    from kilocli.cli.render import render_paths

    with command_session(ctx, json_output=json_output) as session:
        render_paths(session, session.runtime().paths)


@app.command("show")
def show(ctx: typer.Context, json_output: JsonOption = False) -> None:
    """Print the config as TOML, with any key shown only as a preview."""
    from kilocli.cli.render import render_config
    from kilocli.config.files import load_config
    from kilocli.services.config import redacted

    with command_session(ctx, json_output=json_output) as session:
        paths = session.runtime().paths
        render_config(session, paths.config_file, redacted(load_config(paths)))
