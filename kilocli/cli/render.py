"""Everything the CLI shows: results on stdout, feedback and errors on stderr."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from rich.console import Console

    from kilocli.cli.context import Session
    from kilocli.errors import ExitCode
    from kilocli.results import Result, Shown
    from kilocli.services.config import ConfigPaths, ConfigShown
    from kilocli.services.doctor import Diagnosis
    from kilocli.tools.shells import Format
    from kilocli.tools.variables import Variable


def escape(text: str) -> str:
    """Text shown as written: never read as rich markup, and with no control character,
    escape sequence or bidi control left in it (SPEC §9). Every piece of text kilocli did not
    write itself goes through here on its way to a terminal."""
    from kilocli.cli.plain import escape_markup
    from kilocli.text import for_terminal

    return escape_markup(for_terminal(text))


class RichFeedback:
    """Notes, warnings and spinners on stderr (the console is made on first use)."""

    def __init__(self, console: Callable[[], Console]) -> None:
        self._make_console = console

    @property
    def _console(self) -> Console:
        return self._make_console()

    def note(self, text: str) -> None:
        self._console.print(escape(text))

    def warn(self, text: str) -> None:
        self._console.print(f"[yellow]Warning:[/yellow] {escape(text)}")

    def working(self, text: str) -> AbstractContextManager[None]:
        return self._spinner(text)

    @contextlib.contextmanager
    def _spinner(self, text: str) -> Iterator[None]:
        if not self._console.is_terminal:
            yield
            return
        with self._console.status(escape(text)):
            yield


R = TypeVar("R", bound="Shown")


def show(session: Session, result: R, as_text: Callable[[Session, R], None]) -> None:
    """The one dispatcher: a result's warnings on stderr, then the result itself on stdout —
    its ``--json`` document, or ``as_text`` (a table or lines) — and its exit code."""
    render_warnings(session, result.warnings)
    try:
        if session.json_output:
            pieces = getattr(result, "json_pieces", None)
            if pieces is not None and not session.overrides.stdout_stream.isatty():
                write_pieces(session, pieces())
            else:
                print_json(session, result.to_json())
        else:
            as_text(session, result)
        session.overrides.stdout_stream.flush()
    except BrokenPipeError:
        raise  # the reader went away (| head): main() ends quietly
    except OSError as exc:
        from kilocli.errors import OutputFailed

        raise OutputFailed(exc.strerror or str(exc)) from None
    code = result.exit_code
    if code:
        import typer

        raise typer.Exit(int(code))


def render_warnings(session: Session, warnings: Sequence[str]) -> None:
    """What a result (or a command that failed after part of its work) says, on stderr."""
    for warning in warnings:
        session.err.print(f"[yellow]Warning:[/yellow] {escape(warning)}")


def write_raw(session: Session, text: str) -> None:
    """Text for a script on stdout, as it is (``auth token``): flushed at once, and a stdout
    that cannot take it is an error like any other."""
    stdout = session.overrides.stdout_stream
    try:
        stdout.write(text)
        stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        from kilocli.errors import OutputFailed

        raise OutputFailed(exc.strerror or str(exc)) from None


def write_env(
    session: Session, variables: list[Variable], fmt: Format, *, reveal: bool, command: str
) -> None:
    """``kilocli env``'s output. Raw values only for a pipe or a file, or with ``--reveal``;
    on a terminal the key is a preview, and stderr says how to get the real thing. GitHub's
    ``::add-mask::`` lines go to stderr, and only when that is not a terminal either (they
    hold the raw key). A value the format cannot carry is refused on a terminal too, so the
    user learns it before redirecting the output anywhere."""
    from dataclasses import replace

    from kilocli.credentials.keys import preview
    from kilocli.text import for_terminal
    from kilocli.tools.shells import github_masks, how_to_use, render_previews, render_variables

    text = render_variables(variables, fmt)  # refuses before anything is written
    terminal = session.overrides.stdout_stream.isatty()
    if terminal and not reveal:
        shown = [replace(v, value=preview(v.value)) if v.secret else v for v in variables]
        write_raw(session, for_terminal(render_previews(shown, fmt)))
        session.err.print("The key is shown as a preview. To use the values:")
        # A command to copy: never broken across lines.
        session.err.print(f"  {escape(how_to_use(fmt, command))}", soft_wrap=True)
        return
    if fmt == "github":
        if session.overrides.stderr_stream.isatty():
            session.err.print(
                "(The ::add-mask:: lines are written only when stderr is not a terminal.)"
            )
        else:
            session.overrides.stderr_stream.write(github_masks(variables))
            session.overrides.stderr_stream.flush()
    write_raw(session, text)


def print_json(session: Session, document: dict[str, Any]) -> None:
    """One JSON document on stdout, and nothing else there: indented for a person at a
    terminal, compact (and several times faster to write) for a program reading a pipe."""
    stdout = session.overrides.stdout_stream
    terminal = stdout.isatty()
    text = json.dumps(document, indent=2 if terminal else None, ensure_ascii=False, default=str)
    if terminal:
        from kilocli.text import json_for_terminal

        text = json_for_terminal(text)
    # In slices: a 20,000-model listing is 6 MB of text, and the stream encodes what it is
    # given in one piece (``text + "\n"`` would copy it whole once more).
    for start in range(0, len(text), _SLICE):
        stdout.write(text[start : start + _SLICE])
    stdout.write("\n")


_SLICE = 2**20


def write_pieces(session: Session, pieces: Iterator[str]) -> None:
    """A compact JSON document written as it is made (a listing of 20,000 models is never
    held whole, as objects or as text)."""
    stdout = session.overrides.stdout_stream
    for piece in pieces:
        stdout.write(piece)
    stdout.write("\n")


def render_error(
    session: Session, message: str, hint: str | None, code: ExitCode, *, to_stdout: bool = True
) -> None:
    """An error: always a message (and the hint) on stderr; with ``--json`` the error document
    of SPEC §5 on stdout too."""
    from kilocli.results import ErrorResult

    session.err.print(f"[bold red]Error:[/bold red] {escape(message)}")
    if hint:
        session.err.print(escape(hint))
    if to_stdout:
        show(session, ErrorResult(error=message, hint=hint, exit_code=code), _no_text)


def _no_text(session: Session, result: Result) -> None:
    """Errors are told on stderr only."""


def paths_text(session: Session, result: ConfigPaths) -> None:
    """``config path``: where everything lives."""
    rows = {
        "config dir": result.config_dir,
        "config": result.config_file,
        "auth store": result.auth_store,
        "cache dir": result.cache_dir,
    }
    for label, value in rows.items():
        session.out.print(f"{label:<11} {escape(value)}")


def config_text(session: Session, result: ConfigShown) -> None:
    """``config show``: the config as TOML; keys already reduced to previews."""
    if not result.config:
        session.err.print(
            f"No config yet at {escape(result.path)}. Run: [bold]kilocli onboard[/bold]"
        )
        return
    import tomli_w

    session.err.print(f"# {escape(result.path)}")
    session.out.print(escape(tomli_w.dumps(result.config)), end="")


_MARKS = {
    "ok": "[green]ok[/green]  ",
    "info": "info",
    "warning": "[yellow]warn[/yellow]",
    "error": "[red]FAIL[/red]",
}


def diagnosis_text(session: Session, diagnosis: Diagnosis) -> None:
    """``doctor``: one line per finding, with the command that fixes it."""
    for finding in diagnosis.findings:
        mark = "[green]fixed[/green]" if finding.fixed else _MARKS[finding.severity]
        session.out.print(f"{mark}  {escape(finding.check)}: {escape(finding.message)}")
        if finding.fix and not finding.fixed and finding.severity != "ok":
            session.out.print(f"       fix: {escape(finding.fix)}")
    problems = sum(f.is_problem for f in diagnosis.findings)
    session.out.print("No problems found." if not problems else f"{problems} problem(s) found.")
