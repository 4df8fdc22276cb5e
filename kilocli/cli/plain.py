"""A console for output that is not a terminal: rich's markup read and dropped, nothing else.

Piped or redirected output gets no colour, no spinner and no wrapping from rich anyway; writing
it without rich spares each such command rich's import (about 25 ms, a third of a whole
``import typer``). Markup is parsed as rich parses it: ``[tag]`` and ``[/tag]`` are styles and
go, ``\\[`` is a literal bracket (what :func:`kilocli.cli.render.escape` writes for text that
is not kilocli's own).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TextIO

# rich's own pattern for a tag, with the backslashes that may escape it.
_TAG = re.compile(r"(\\*)\[([a-z#/@][^[]*?)]")


def escape_markup(text: str) -> str:
    """``text`` that rich will show as written: what ``rich.markup.escape`` does, without
    importing rich (a bracket that could open a tag gets a backslash, and so do backslashes in
    front of one)."""

    def double(match: re.Match[str]) -> str:
        backslashes, tag = match.group(1), match.group(2)
        return f"{backslashes}{backslashes}\\[{tag}]"

    text = _TAG.sub(double, text)
    if text.endswith("\\") and not text.endswith("\\\\"):
        return text + "\\"
    return text


def strip_markup(text: str) -> str:
    """``text`` as rich would show it without styles."""

    def replace(match: re.Match[str]) -> str:
        backslashes, tag = match.group(1), match.group(2)
        escaped, kept = divmod(len(backslashes), 2)
        if kept:  # an odd number: the bracket itself is escaped, the tag is text
            return "\\" * escaped + f"[{tag}]"
        return "\\" * escaped

    return _TAG.sub(replace, text)


class PlainConsole:
    """The part of :class:`rich.console.Console` kilocli uses, for a stream that is no
    terminal."""

    is_terminal = False

    def __init__(self, file: TextIO, env: Mapping[str, str]) -> None:
        self.file = file
        columns = env.get("COLUMNS", "")
        self.width = int(columns) if columns.isdigit() and int(columns) > 0 else 80

    def print(self, *objects: Any, end: str = "\n", markup: bool = True, **_: Any) -> None:
        """Write ``objects`` (strings) like ``Console.print`` with ``soft_wrap=True``."""
        text = " ".join(str(item) for item in objects)
        self.file.write((strip_markup(text) if markup else text) + end)
        self.file.flush()

    @contextmanager
    def status(self, *_: Any, **__: Any) -> Iterator[None]:
        """No spinner off a terminal."""
        yield


def wants_rich(stream: TextIO, env: Mapping[str, str]) -> bool:
    """Rich is needed for a terminal, or when colour is forced into a pipe."""
    return stream.isatty() or bool(env.get("FORCE_COLOR")) or bool(env.get("TTY_COMPATIBLE"))
