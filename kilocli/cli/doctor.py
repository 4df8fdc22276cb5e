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
    probe: Annotated[
        bool,
        typer.Option("--probe", help="Also send one minimal chat completion (to REF)."),
    ] = False,
    ref: Annotated[
        str | None,
        typer.Argument(help="The model to probe (default: the default model).", show_default=False),
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Check the config, the credentials, their permissions, the key and the gateway."""
    from kilocli.cli.render import diagnosis_text, show
    from kilocli.errors import UsageError
    from kilocli.services.doctor import diagnose

    with command_session(ctx, json_output=json_output) as session:
        if (ref is not None and not probe) or (probe and offline):
            raise UsageError(
                "A model ref goes with --probe, and --probe asks the gateway (not --offline).",
                hint="For example: kilocli doctor --probe kilocode/kilo-auto/balanced",
            )
        probe_ref = (ref or "") if probe else None
        result = diagnose(session.runtime(), fix=fix, offline=offline, probe_ref=probe_ref)
        show(session, result, diagnosis_text)
