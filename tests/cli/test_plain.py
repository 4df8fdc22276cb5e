"""Off a terminal, kilocli writes without rich: the same text rich would show, markup dropped."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from rich.markup import escape as rich_escape

from kilocli.cli.plain import PlainConsole, escape_markup, strip_markup, wants_rich

SAMPLES = [
    "plain text",
    "[bold]x[/bold]",
    "a\\[b]",
    "ends with \\",
    "ends with \\\\",
    "[red]",
    "x [link=https://example.com] z",
    "\\\\[b]",
    "[1, 2]",
    "[[a]]",
    "@[x]",
    "model [alias:Kilo Gateway] [/etc/passwd]",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_escaping_is_richs(text: str) -> None:
    assert escape_markup(text) == rich_escape(text)


def rich_shows(markup: str) -> str:
    out = io.StringIO()
    console = Console(
        file=out, soft_wrap=True, highlight=False, emoji=False, width=80, color_system=None
    )
    console.print(markup)
    return out.getvalue().removesuffix("\n")


@pytest.mark.parametrize("text", SAMPLES)
def test_escaped_text_reads_back_as_written_as_rich_shows_it(text: str) -> None:
    for markup in (rich_escape(text), f"[bold]{rich_escape(text)}[/bold] and more"):
        assert strip_markup(markup) == rich_shows(markup)
    if not text.endswith("\\"):  # (rich's escape doubles a final backslash, and shows both)
        assert strip_markup(rich_escape(text)) == text


def test_the_plain_console_writes_and_drops_the_styles() -> None:
    out = io.StringIO()
    console = PlainConsole(out, {"COLUMNS": "100"})
    console.print("[bold green]Done.[/bold green] " + escape_markup("[not a style]"))
    console.print("[x]", markup=False, end="")
    assert out.getvalue() == "Done. [not a style]\n[x]"
    assert console.width == 100
    assert PlainConsole(out, {}).width == 80


def test_rich_is_kept_for_a_terminal_or_forced_colour() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert wants_rich(Terminal(), {})
    assert wants_rich(io.StringIO(), {"FORCE_COLOR": "1"})
    assert not wants_rich(io.StringIO(), {})
