"""``kilocli exec``: run a program with the gateway handed to it in its environment."""

from __future__ import annotations

from typing import Annotated

import typer

from kilocli.cli.choices import complete_profile_ids, complete_providers, one_of, provider_ids
from kilocli.cli.context import command_app, command_session
from kilocli.cli.help import examples
from kilocli.tools.variables import IGNORED_BASE_URLS, CompatibleSet

app = command_app(no_args_is_help=False)


def _always_left_out(compatible_set: CompatibleSet) -> str:
    """The help's note on the programs that never get ``compatible_set``, from the table of
    programs that ignore its base URL: " (always left out for codex and openclaw)"."""
    programs = [e.program for e in IGNORED_BASE_URLS if e.compatible_set == compatible_set]
    return f" (always left out for {' and '.join(programs)})" if programs else ""


ProviderOption = Annotated[
    str | None,
    typer.Option(
        "--provider",
        help=f"{one_of(provider_ids())} (default: the default model's).",
        metavar="PROVIDER",
        autocompletion=complete_providers,
    ),
]
ProfileOption = Annotated[
    str | None,
    typer.Option(
        "--profile",
        help="Use this stored profile's key.",
        metavar="ID",
        autocompletion=complete_profile_ids,
    ),
]


@app.command(
    "exec",
    context_settings={"allow_interspersed_args": False, "ignore_unknown_options": True},
    epilog=examples(
        ("kilocli exec -- aider", "aider reaches the gateway; the key is in no file"),
        ("kilocli exec --profile kilocode:work -- codex", "The key of another stored profile"),
    ),
)
def exec_command(
    ctx: typer.Context,
    command: Annotated[
        list[str] | None,
        typer.Argument(
            help="The command to run, after --.", metavar="-- CMD [ARGS]...", show_default=False
        ),
    ] = None,
    provider: ProviderOption = None,
    profile: ProfileOption = None,
    no_openai: Annotated[
        bool,
        typer.Option(
            "--no-openai",
            help="Leave OPENAI_API_KEY, OPENAI_BASE_URL and OPENAI_API_BASE alone"
            + _always_left_out("OpenAI")
            + ".",
        ),
    ] = False,
    no_anthropic: Annotated[
        bool,
        typer.Option(
            "--no-anthropic",
            help="Leave ANTHROPIC_BASE_URL, ANTHROPIC_AUTH_TOKEN and ANTHROPIC_CUSTOM_HEADERS "
            "alone" + _always_left_out("Anthropic") + ".",
        ),
    ] = False,
) -> None:
    """Run a command with the key, base URL and organisation in its environment."""
    from kilocli.services.exec import prepare_exec, run_program

    with command_session(ctx) as session:
        run = prepare_exec(
            session.runtime(),
            command or [],
            provider_id=provider,
            profile_id=profile,
            openai=not no_openai,
            anthropic=not no_anthropic,
        )
        code = session.overrides.run_program(run) if session.overrides.run_program else None
        raise typer.Exit(code if code is not None else run_program(run))
