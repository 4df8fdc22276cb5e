"""The CLI's side of the injected world: consoles, the runtime, and the one error handler."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, TextIO

import typer

from kilocli.errors import ExitCode, Interrupted, KilocliError, OutputFailed

if TYPE_CHECKING:
    import httpx
    from rich.console import Console

    from kilocli.prompting import Prompter
    from kilocli.services.exec import ProgramRun
    from kilocli.services.runtime import Runtime


MAX_STDIN_CHARS = 64 * 1024


OrganizationOption = Annotated[
    str | None,
    typer.Option(
        "--organization",
        help="Use the Kilo account as this organisation (an id), or personal.",
        metavar="ID|personal",
    ),
]
"""``--organization`` of ``onboard`` and ``auth login`` (SPEC §13)."""


def command_app(**settings: Any) -> typer.Typer:
    """A Typer app with kilocli's settings: plain help (no rich panels, fast) in words with
    examples, ``-h``, no pretty tracebacks (they would show local variables, keys among
    them)."""
    from kilocli.cli.help import ReadableGroup, ReadableTyper

    options: dict[str, Any] = {
        "cls": ReadableGroup,
        "no_args_is_help": True,
        "pretty_exceptions_enable": False,
        "rich_markup_mode": None,
        "add_completion": False,
        "context_settings": {"help_option_names": ["-h", "--help"]},
    }
    options.update(settings)
    return ReadableTyper(**options)


@dataclass
class Overrides:
    """The outside world of one run, as :func:`kilocli.cli.main` was given it.

    Anything left ``None`` is the process's own: ``os.environ``, ``sys.stdin``/``stdout``/
    ``stderr``, the questionary prompter, a real HTTP client, ``time.time``, ``time.sleep``, the
    web browser. Tests pass their own, so that most of them run in-process and none waits or
    opens a browser in earnest.
    """

    env: Mapping[str, str] | None = None
    prompter: Prompter | None = None
    interactive: bool | None = None
    http_client: Callable[[], httpx.Client] | None = None
    stdin: TextIO | None = None
    stdout: TextIO | None = None
    stderr: TextIO | None = None
    run_program: Callable[[ProgramRun], int] | None = None  # exec without replacing the process
    clock: Callable[[], float] | None = None  # seconds since the epoch (device sign-in, TTLs)
    sleep: Callable[[float], None] | None = None  # a pause (device polls, a retry's backoff)
    open_url: Callable[[str], bool] | None = None  # the browser opener; True when it opened
    keyring_backend: Callable[[], Any] | None = None  # the OS keyring's backend (SPEC §14)
    keyring_timeout: float | None = None  # seconds a keyring call may take (3)

    @property
    def stdin_stream(self) -> TextIO:
        return self.stdin if self.stdin is not None else sys.stdin

    @property
    def stdout_stream(self) -> TextIO:
        return self.stdout if self.stdout is not None else sys.stdout

    @property
    def stderr_stream(self) -> TextIO:
        return self.stderr if self.stderr is not None else sys.stderr


@dataclass
class Session:
    """One command's consoles and runtime. The consoles (and rich) load on first use: a
    ``--json`` answer never needs them."""

    overrides: Overrides
    json_output: bool = False
    secrets: set[str] = field(default_factory=set)
    _runtime: Runtime | None = None
    _out: Console | None = None
    _err: Console | None = None

    @property
    def out(self) -> Console:
        """Results: stdout."""
        if self._out is None:
            self._out = _console(self.overrides.stdout_stream, self.env)
        return self._out

    @property
    def err(self) -> Console:
        """Prompts, progress, warnings and errors: stderr."""
        if self._err is None:
            self._err = _console(self.overrides.stderr_stream, self.env)
        return self._err

    @property
    def env(self) -> Mapping[str, str]:
        """The environment in effect (the process's, unless a test injected one)."""
        return self.overrides.env if self.overrides.env is not None else os.environ

    def can_prompt(self, *, non_interactive: bool = False) -> bool:
        """Prompts need a terminal on both stdin and stdout, and no ``--non-interactive``."""
        if non_interactive:
            return False
        if self.overrides.interactive is not None:
            return self.overrides.interactive
        return self.overrides.stdin_stream.isatty() and self.overrides.stdout_stream.isatty()

    def runtime(self, *, interactive: bool = False) -> Runtime:
        """The runtime for the command's service (built once)."""
        from kilocli.cli.render import RichFeedback
        from kilocli.gateway.settings import poll_interval_from_env, timeout_from_env
        from kilocli.paths import resolve_paths
        from kilocli.services.runtime import Runtime

        if self._runtime is None:
            prompter = None
            if interactive:
                prompter = self.overrides.prompter or _questionary_prompter()
            runtime = Runtime(
                env=self.env,
                paths=resolve_paths(self.env),
                feedback=RichFeedback(lambda: self.err),
                prompter=prompter,
                http_client=self.overrides.http_client,
                http_timeout=timeout_from_env(self.env),
                secrets=self.secrets,
                poll_interval=poll_interval_from_env(self.env),
            )
            given = self.overrides  # time and the browser, when a test brings its own
            runtime.clock = given.clock or runtime.clock
            runtime.sleep = given.sleep or runtime.sleep
            runtime.open_url = given.open_url or runtime.open_url
            runtime.keyring_backend = given.keyring_backend
            runtime.keyring_timeout = given.keyring_timeout or runtime.keyring_timeout
            self._runtime = runtime
        return self._runtime

    def read_stdin(self, flag: str = "--api-key-stdin") -> str:
        """All of stdin (at most 64 KiB), for ``--api-key-stdin`` / ``--stdin``."""
        from kilocli.errors import UsageError

        stdin = self.overrides.stdin_stream
        if stdin.isatty():
            raise UsageError(
                f"{flag} reads a key piped into kilocli, but stdin is a terminal.",
                hint=f'Pipe the key in (printf %s "$KEY" | kilocli ... {flag}), '
                "or drop the flag and paste it at the hidden prompt.",
            )
        text = stdin.read(MAX_STDIN_CHARS + 1)
        if len(text) > MAX_STDIN_CHARS:
            raise UsageError(
                f"{flag}: stdin holds more than {MAX_STDIN_CHARS // 1024} KiB; that is no key.",
                hint="Pipe in only the key.",
            )
        return text

    def scrub(self, text: str) -> str:
        """Replace every key seen by this command with its preview."""
        from kilocli.credentials.keys import redact

        return redact(text, self.secrets)


def _questionary_prompter() -> Prompter:
    from kilocli.prompting import QuestionaryPrompter

    return QuestionaryPrompter()


def _console(stream: TextIO, env: Mapping[str, str]) -> Console:
    """rich's console on a terminal; off one, a plain writer that spares rich's import."""
    from kilocli.cli.plain import PlainConsole, wants_rich

    if not wants_rich(stream, env):
        return PlainConsole(stream, env)  # type: ignore[return-value]  # the part we use
    return _rich_console(stream, env)


def _rich_console(stream: TextIO, env: Mapping[str, str]) -> Console:
    from rich.console import Console

    # emoji=False: text from files and the network (":rocket:" in an alias or a path) must be
    # shown as written, not turned into emoji. soft_wrap=False: on a terminal rich wraps each
    # line between words (the terminal itself would break it wherever the line ends); tables
    # are drawn to fit, and JSON and raw values bypass the console. The environment decides
    # colour and width (NO_COLOR, COLUMNS, TERM) as rich reads it, from the mapping this run
    # was given.
    return Console(file=stream, highlight=False, soft_wrap=False, emoji=False, _environ=dict(env))


@contextlib.contextmanager
def command_session(ctx: typer.Context, *, json_output: bool = False) -> Iterator[Session]:
    """Run a command body: turn every error into a message on stderr (or a JSON error document
    with ``--json``) and the right exit code. Tracebacks only with ``KILOCLI_DEBUG=1``."""
    overrides = ctx.obj if isinstance(ctx.obj, Overrides) else Overrides()
    session = Session(overrides, json_output)
    try:
        yield session
    except OutputFailed as exc:  # stdout is gone: the error can only go to stderr
        _fail(session, exc.message, exc.hint, exc.exit_code, to_stdout=False)
    except KilocliError as exc:
        _fail(session, exc.message, exc.hint, exc.exit_code, warnings=exc.warnings)
    except KeyboardInterrupt:
        interrupted = Interrupted()
        _fail(session, interrupted.message, None, interrupted.exit_code)
    except (typer.Exit, BrokenPipeError):
        raise
    except Exception as exc:
        if session.env.get("KILOCLI_DEBUG") == "1":
            _print_traceback(session, exc)
        message = session.scrub(f"Unexpected error: {type(exc).__name__}: {exc}")
        _fail(
            session,
            message,
            "This is a bug in kilocli. Run again with KILOCLI_DEBUG=1 and report the output.",
            ExitCode.ERROR,
        )


def _fail(
    session: Session,
    message: str,
    hint: str | None,
    code: ExitCode,
    *,
    to_stdout: bool = True,
    warnings: Sequence[str] = (),
) -> None:
    from kilocli.cli.render import render_error, render_warnings

    scrubbed_hint = session.scrub(hint) if hint else None
    try:
        render_warnings(session, [session.scrub(warning) for warning in warnings])
        render_error(session, session.scrub(message), scrubbed_hint, code, to_stdout=to_stdout)
    except typer.Exit:
        raise
    except OutputFailed:  # the JSON error document cannot be written either
        pass
    raise typer.Exit(int(code)) from None


def _print_traceback(session: Session, exc: BaseException) -> None:
    import traceback

    from kilocli.text import for_terminal

    text = "".join(traceback.format_exception(exc))  # never with local variables
    session.err.print(for_terminal(session.scrub(text)), markup=False, highlight=False)
