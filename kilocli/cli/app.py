"""The Typer command tree. Command modules import their services lazily."""

from __future__ import annotations

from typing import Annotated

import typer

from kilocli import __version__
from kilocli.cli import auth as auth_commands
from kilocli.cli import config as config_commands
from kilocli.cli import models as models_commands
from kilocli.cli import onboard as onboard_command

app = typer.Typer(
    name="kilocli",
    help="Set up your tools for Kilo Gateway, and keep that set-up healthy.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"kilocli {__version__}")
        raise typer.Exit


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            "-V",
            help="Show the version and exit.",
            callback=_print_version,
            is_eager=True,
        ),
    ] = False,
) -> None:
    """Set up your tools for Kilo Gateway, and keep that set-up healthy."""


app.command(name="onboard")(onboard_command.onboard)
app.add_typer(auth_commands.app, name="auth")
app.add_typer(models_commands.app, name="models")
app.add_typer(config_commands.app, name="config")


def run(args: list[str]) -> int:
    """Run the command tree; Typer turns usage errors into exit code 2."""
    try:
        app(args=args, prog_name="kilocli")
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    return 0
