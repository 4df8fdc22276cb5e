"""Help a person reads: metavars in words (``TOOL``, ``REF``, ``PROVIDER``), never Python types
(``<str>``, ``<list[str]>``), lines that break between words only, and a closing "Examples"
section on every command.

Typer shows each argument as its name followed by its Python type, and each option without a
metavar as its type. The command and group classes here give every parameter a metavar (its
name in capitals unless the command names one) and draw arguments without the type; the
examples are the command's ``epilog``, written with :func:`examples`. Click's wrapper breaks
``kilocode-api-key`` at its hyphens and cuts a word longer than the line; the formatter here
does neither.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Any

import typer
from typer._click.formatting import HelpFormatter  # Typer's own Click draws its help
from typer.core import TyperArgument, TyperCommand, TyperGroup

EXAMPLE_SEPARATOR = "\t"
EXAMPLE_INDENT = 4  # the description under its command line
MIN_TEXT_WIDTH = 20


def wrap_words(text: str, width: int) -> list[str]:
    """``text`` as lines of at most ``width`` columns, broken only at spaces (a word longer than
    the line stands on a line of its own, whole)."""
    wrapper = textwrap.TextWrapper(
        width=max(width, MIN_TEXT_WIDTH), break_on_hyphens=False, break_long_words=False
    )
    return wrapper.wrap(" ".join(text.split())) or [""]


class WordWrappingFormatter(HelpFormatter):
    """Click's help formatter, wrapping between words only."""

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        paragraphs = [p for p in text.split("\n\n") if p.strip()]
        for number, paragraph in enumerate(paragraphs):
            if number:
                self.write("\n")
            for line in wrap_words(paragraph, self.width - self.current_indent):
                self.write(f"{indent}{line}\n")

    def write_dl(
        self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2
    ) -> None:
        rows = list(rows)
        first_col = min(max((len(first) for first, _ in rows), default=0), col_max) + col_spacing
        indent = " " * self.current_indent
        for first, second in rows:
            self.write(f"{indent}{first}")
            if not second:
                self.write("\n")
                continue
            if len(first) <= first_col - col_spacing:
                self.write(" " * (first_col - len(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = wrap_words(second, self.width - first_col - self.current_indent)
            self.write(lines[0] + "\n")
            for line in lines[1:]:
                self.write(" " * (first_col + self.current_indent) + line + "\n")


class WrappingContext(typer.Context):
    """A context whose help is drawn by :class:`WordWrappingFormatter`."""

    formatter_class = WordWrappingFormatter


def examples(*pairs: tuple[str, str]) -> str:
    """An ``epilog`` of examples: each a command line and what it does."""
    return "\n".join(f"{command}{EXAMPLE_SEPARATOR}{what}" for command, what in pairs)


def _format_examples(epilog: str | None, formatter: Any) -> None:
    """The examples, as a section of their own (Click would re-flow them as one paragraph):
    each command line as written (it is to be copied), what it does below it."""
    if not epilog:
        return
    with formatter.section("Examples"):
        for line in epilog.splitlines():
            command, _, what = line.partition(EXAMPLE_SEPARATOR)
            formatter.write(" " * formatter.current_indent + command + "\n")
            if what:
                formatter.current_indent += EXAMPLE_INDENT
                formatter.write_text(what)
                formatter.current_indent -= EXAMPLE_INDENT


class ReadableCommand(TyperCommand):
    """A command whose help reads as words, ending with its examples."""

    context_class = WrappingContext

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            takes_value = not getattr(param, "is_flag", False) and not getattr(param, "count", 0)
            if param.metavar is None and takes_value and param.name:
                param.metavar = param.name.upper()

    def format_epilog(self, ctx: Any, formatter: Any) -> None:
        _format_examples(self.epilog, formatter)

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        """``[OPTIONS] TOOL`` rather than Typer's ``[OPTIONS] {tool}``."""
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if isinstance(param, TyperArgument):
                pieces.append(_usage(param))
            else:
                pieces.extend(param.get_usage_pieces(ctx))
        return pieces

    def format_options(self, ctx: Any, formatter: Any) -> None:
        """Arguments by their metavar alone, then the options (whose metavars are set)."""
        arguments, options = [], []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            if isinstance(param, TyperArgument):
                arguments.append((_shown_name(param), record[1]))
            else:
                options.append(record)
        if arguments:
            with formatter.section("Arguments"):
                formatter.write_dl(arguments)
        if options:
            with formatter.section("Options"):
                formatter.write_dl(options)


def _shown_name(argument: TyperArgument) -> str:
    name = str(argument.metavar or (argument.name or "").upper())
    return name + ("..." if argument.nargs != 1 and argument.metavar is None else "")


def _usage(argument: TyperArgument) -> str:
    name = _shown_name(argument)
    return name if argument.required else f"[{name}]"


class ReadableTyper(typer.Typer):
    """A Typer app whose commands are :class:`ReadableCommand` unless they say otherwise."""

    def command(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("cls", ReadableCommand)
        return super().command(*args, **kwargs)


class ReadableGroup(TyperGroup):
    """A group whose help lists each command's whole summary (wrapped, never cut short with
    "...") and ends with its examples."""

    context_class = WrappingContext

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                summary = command.short_help or (command.help or "").split("\n\n")[0]
                rows.append((name, " ".join(summary.split())))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def format_epilog(self, ctx: Any, formatter: Any) -> None:
        _format_examples(self.epilog, formatter)
