"""``kilocli shell-init``."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from kilocli.cli.context import command_app, command_session
from kilocli.cli.help import examples


class ShellName(StrEnum):
    bash = "bash"
    zsh = "zsh"
    fish = "fish"


app = command_app(no_args_is_help=False)


@app.command(
    "shell-init",
    epilog=examples(
        ('eval "$(kilocli shell-init bash)"', "In ~/.bashrc: plain aider and opencode work"),
        ("kilocli shell-init fish | source", "The same in fish's config.fish"),
    ),
)
def shell_init(
    ctx: typer.Context,
    shell: Annotated[
        ShellName | None,
        typer.Argument(help="bash, zsh or fish (default: your $SHELL).", show_default=False),
    ] = None,
) -> None:
    """Print shell functions that run aider and opencode through kilocli exec.

    Add eval "$(kilocli shell-init bash)" to ~/.bashrc (zsh: ~/.zshrc; fish:
    kilocli shell-init fish | source in config.fish), and the plain command of each tool that
    reads the key from the environment gets it, while your shell never holds the key.
    """
    from kilocli.paths import resolve_paths
    from kilocli.services.shell_init import (
        kilocli_command,
        shell_functions,
        shell_of,
        wrapped_tools,
    )

    with command_session(ctx) as session:
        chosen = shell.value if shell is not None else shell_of(session.env.get("SHELL"))
        programs = wrapped_tools(resolve_paths(session.env))
        text = shell_functions(chosen, programs, kilocli_command(session.env))
        session.overrides.stdout_stream.write(text)
