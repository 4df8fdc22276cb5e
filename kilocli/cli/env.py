"""``kilocli env``: the gateway's variables for ``eval``, a ``.env`` file or CI."""

from __future__ import annotations

import shlex
from enum import StrEnum
from typing import Annotated

import typer

from kilocli.cli.context import command_app, command_session
from kilocli.cli.exec import ProfileOption, ProviderOption


class EnvFormat(StrEnum):
    sh = "sh"
    fish = "fish"
    powershell = "powershell"
    dotenv = "dotenv"
    json = "json"
    github = "github"


app = command_app(no_args_is_help=False)


@app.command("env")
def env_command(
    ctx: typer.Context,
    provider: ProviderOption = None,
    profile: ProfileOption = None,
    output_format: Annotated[
        EnvFormat, typer.Option("--format", help="How to write the variables.")
    ] = EnvFormat.sh,
    openai: Annotated[
        bool,
        typer.Option("--openai", help="Add OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_API_BASE."),
    ] = False,
    anthropic: Annotated[
        bool,
        typer.Option(
            "--anthropic",
            help="Add ANTHROPIC_BASE_URL, ANTHROPIC_AUTH_TOKEN and, with an organisation, "
            "ANTHROPIC_CUSTOM_HEADERS.",
        ),
    ] = False,
    reveal: Annotated[
        bool, typer.Option("--reveal", help="Print the raw key even on a terminal.")
    ] = False,
) -> None:
    """Print the variables for eval, a .env file or CI (raw only off a terminal)."""
    from kilocli.cli.render import write_env
    from kilocli.services.handover import env_variables

    with command_session(ctx) as session:
        variables = env_variables(
            session.runtime(), provider, profile, openai=openai, anthropic=anthropic
        )
        write_env(
            session,
            variables,
            output_format.value,
            reveal=reveal,
            command=_command_line(
                provider, profile, output_format, openai=openai, anthropic=anthropic
            ),
        )


def _command_line(
    provider: str | None,
    profile: str | None,
    output_format: EnvFormat,
    *,
    openai: bool,
    anthropic: bool,
) -> str:
    """This command as the user should run it to get raw values (without ``--reveal``)."""
    words = ["kilocli", "env"]
    if provider:
        words += ["--provider", provider]
    if profile:
        words += ["--profile", profile]
    if output_format is not EnvFormat.sh:
        words += ["--format", output_format.value]
    if openai:
        words.append("--openai")
    if anthropic:
        words.append("--anthropic")
    return shlex.join(words)
