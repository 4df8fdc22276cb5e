"""The Typer command tree.

The root group loads a command's module (and builds its Typer commands) only when that command
runs: ``kilocli models kilocode`` never inspects the signatures of ``onboard`` or ``auth``, and
``kilocli --help`` reads the one-line summaries below instead of importing every command (the
Click "lazily loading subcommands" pattern). Command modules import their services lazily too.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import os
import sys
import threading
from collections.abc import Iterator
from typing import Annotated, Any, TextIO

import typer

from kilocli import __version__
from kilocli.cli.context import Overrides, command_app
from kilocli.cli.help import ReadableGroup, examples

# name -> (module defining ``app``, summary shown by ``kilocli --help``)
COMMANDS: dict[str, tuple[str, str]] = {
    "onboard": (
        "kilocli.cli.onboard",
        "Set up a provider: store its key, merge its config, choose a default model.",
    ),
    "auth": ("kilocli.cli.auth", "See, store and remove credentials."),
    "models": ("kilocli.cli.models", "List the models a gateway offers, and choose the default."),
    "config": ("kilocli.cli.config", "Where kilocli keeps its files, and what the config holds."),
    "doctor": (
        "kilocli.cli.doctor",
        "Check the config, the credentials, their permissions, the key and the gateway.",
    ),
    "exec": (
        "kilocli.cli.exec",
        "Run a command with the key, base URL and organisation in its environment.",
    ),
    "env": ("kilocli.cli.env", "Print the variables for eval, a .env file or CI."),
    "setup": ("kilocli.cli.setup", "Point another tool (llm, codex, aider, …) at the gateway."),
    "shell-init": (
        "kilocli.cli.shell_init",
        "Print shell functions that run aider and opencode through kilocli exec.",
    ),
}


COMPLETION_SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")


class LazyGroup(ReadableGroup):
    """The root group: a command is imported and built on first use (Click's documented
    lazy-group pattern); ``--help`` lists the summaries above without importing any."""

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in COMMANDS:
            return None
        if cmd_name not in self.commands:
            module = importlib.import_module(COMMANDS[cmd_name][0])
            command = typer.main.get_command(module.app)
            command.name = cmd_name
            self.commands[cmd_name] = command
        return self.commands[cmd_name]

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, summary) for name, (_, summary) in COMMANDS.items()])

    def _main_shell_completion(
        self, ctx_args: Any, prog_name: str, complete_var: str | None = None
    ) -> None:
        """Answer a shell's completion request, in Typer's order (``complete_bash``, what
        ``--install-completion`` installs) or Click's (``bash_complete``)."""
        complete_var = complete_var or f"_{prog_name}_COMPLETE".replace("-", "_").upper()
        instruction = os.environ.get(complete_var)
        if not instruction:
            return
        first, _, second = instruction.partition("_")
        if first in COMPLETION_SHELLS:
            instruction = f"{second}_{first}"
        from typer.completion import shell_complete

        sys.exit(shell_complete(self, ctx_args, prog_name, complete_var, instruction))


app = command_app(
    name="kilocli",
    cls=LazyGroup,
    help="Set up your tools for Kilo Gateway, and keep that set-up healthy.",
    epilog=examples(
        ("kilocli onboard", "Sign in, choose a default model, set up your tools"),
        ("kilocli exec -- aider", "Run a tool with the key in its environment"),
    ),
    add_completion=True,
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


@functools.cache
def command_tree() -> Any:
    """The Click command tree Typer builds from :data:`app`, built once a process: a process
    that runs several commands (the tests run thousands) does not rebuild every command's
    parameters from its signature each time (subcommands are cached by :class:`LazyGroup`
    as they are first used)."""
    return typer.main.get_command(app)


def run(args: list[str], overrides: Overrides | None = None) -> int:
    """Run the command tree and return the exit code (2 for a usage error).

    ``overrides`` carries the environment, streams and fakes of this run (the process's own when
    it is None). Usage errors are raised to us rather than printed by Click, so that what they
    echo of the command line (a key typed into the wrong argument) is shown only as a preview.
    """
    overrides = overrides or Overrides()
    stderr = overrides.stderr_stream
    try:
        with _click_writes_to(overrides):
            tree = command_tree()
            result = tree(args=args, prog_name="kilocli", standalone_mode=False, obj=overrides)
    except typer.Abort:  # end of input while Typer itself was reading
        stderr.write("Aborted.\n")
        return 1
    except Exception as exc:  # Click's usage errors (its exception types are private to Typer)
        show = getattr(exc, "show", None)
        if show is None:
            raise
        show(file=_RedactingWriter(stderr))
        if args[:2] == ["auth", "login"] and "unexpected extra argument" in str(exc):
            # ``auth login kilocode eyJ…``: the key itself was typed as an argument.
            stderr.write(
                "A key is never taken as an argument: pass it with --key KEY, or pipe it in "
                "with --stdin (or run without either to be asked, hidden).\n"
            )
        return int(getattr(exc, "exit_code", 1))
    return result if isinstance(result, int) else 0


@contextlib.contextmanager
def _click_writes_to(overrides: Overrides) -> Iterator[None]:
    """Send what Click prints itself (help, usage) to the injected streams, as kilocli's own
    output goes there. Only on the main thread: ``sys.stdout`` is one for the whole process."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    with (
        contextlib.redirect_stdout(overrides.stdout_stream),
        contextlib.redirect_stderr(overrides.stderr_stream),
    ):
        yield


class _RedactingWriter:
    """A text stream that shows key-shaped text only as a preview."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        from kilocli.credentials.keys import redact
        from kilocli.text import for_terminal

        return self._stream.write(for_terminal(redact(text)))

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return self._stream.isatty()
