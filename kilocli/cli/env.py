"""``kilocli env``: the gateway's variables for ``eval``, a ``.env`` file or CI."""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING, Annotated, cast

import typer

from kilocli.cli.choices import complete_formats, env_formats, one_of
from kilocli.cli.context import command_app, command_session
from kilocli.cli.exec import ProfileOption, ProviderOption
from kilocli.cli.help import examples

if TYPE_CHECKING:
    from kilocli.tools.shells import Format

app = command_app(no_args_is_help=False)


@app.command(
    "env",
    epilog=examples(
        ('eval "$(kilocli env)"', "The variables in this shell"),
        ('kilocli env --format github >> "$GITHUB_ENV"', "In a GitHub Actions step"),
    ),
)
def env_command(
    ctx: typer.Context,
    provider: ProviderOption = None,
    profile: ProfileOption = None,
    output_format: Annotated[
        str,
        typer.Option(
            "--format",
            help=f"How to write the variables: {one_of(env_formats())}.",
            metavar="FORMAT",
            autocompletion=complete_formats,
        ),
    ] = "sh",
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
        chosen = _format_named(output_format)
        variables = env_variables(
            session.runtime(), provider, profile, openai=openai, anthropic=anthropic
        )
        write_env(
            session,
            variables,
            chosen,
            reveal=reveal,
            command=_command_line(
                provider, profile, output_format, openai=openai, anthropic=anthropic
            ),
        )


def _format_named(name: str) -> Format:
    """``--format``'s value, one of the formats ``env`` writes.

    Raises:
        UsageError: it is none of them.
    """
    from kilocli.errors import UsageError

    if name not in env_formats():
        raise UsageError(
            f"--format {name!r} is not a format kilocli env writes.",
            hint=f"Use one of: {', '.join(env_formats())}.",
        )
    return cast("Format", name)


def _command_line(
    provider: str | None,
    profile: str | None,
    output_format: str,
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
    if output_format != "sh":
        words += ["--format", output_format]
    if openai:
        words.append("--openai")
    if anthropic:
        words.append("--anthropic")
    return shlex.join(words)
