"""``kilocli doctor``."""

from __future__ import annotations

from typing import Annotated

import typer

from kilocli.cli.choices import complete_model_refs
from kilocli.cli.context import command_app, command_session
from kilocli.cli.help import examples

app = command_app(no_args_is_help=False)


@app.command(
    "doctor",
    epilog=examples(
        ("kilocli doctor --fix", "Check everything; re-tighten loose permissions"),
        (
            "kilocli doctor --probe kilocode/anthropic/claude-sonnet-4.5",
            "Also ask that model for one token",
        ),
    ),
)
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
        typer.Argument(
            help="The model to probe (default: the default model).",
            metavar="REF",
            show_default=False,
            autocompletion=complete_model_refs,
        ),
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
