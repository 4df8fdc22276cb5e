"""``kilocli doctor``."""

from __future__ import annotations

from typing import Annotated

import typer

from kilocli.cli.context import command_app, command_session

app = command_app(no_args_is_help=False)


@app.command("doctor")
def doctor(
    ctx: typer.Context,
    fix: Annotated[bool, typer.Option("--fix", help="Re-tighten file permissions.")] = False,
    offline: Annotated[bool, typer.Option("--offline", help="Do not ask the gateway.")] = False,
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Check the config, the credentials, their permissions, the key and the gateway."""
    from kilocli.cli.render import diagnosis_text, show
    from kilocli.services.doctor import diagnose

    with command_session(ctx, json_output=json_output) as session:
        show(session, diagnose(session.runtime(), fix=fix, offline=offline), diagnosis_text)
