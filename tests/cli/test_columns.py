"""The plain-text table of ``kilocli models``: cutting, dropping, wrapping and aligning columns.

Every expected table below is written out by hand from the rules in ``kilocli/cli/columns.py``:
columns are one space apart, each as wide as its widest cell, lines have no trailing spaces.
"""

from __future__ import annotations

import textwrap

import pytest

from kilocli.cli.columns import Column, _cut, _wrap, cell_width, render_table

COLUMNS = (
    Column("Model"),
    Column("Name", squeeze=True),
    Column("Ctx", right=True),
    Column("Tags", wrap=True),
)

# Natural widths: Model 20, Name 19, Ctx 4, Tags 17; with 3 separators the table is 63 wide.
ROWS = [
    ("kilo/gpt-5", "GPT-5 Turbo Preview", "400k", "free tools vision"),
    ("kilo/claude-sonnet-4", "Claude Sonnet 4", "1M", "tools"),
    ("kilo/tiny", "Tiny", "8k", ""),
]


def lines(block: str) -> list[str]:
    """The lines of an indented triple-quoted table."""
    return textwrap.dedent(block).strip("\n").split("\n")


def test_a_table_that_fits_is_unchanged() -> None:
    """With room to spare, every cell is whole and the columns are as wide as their content."""
    assert render_table(COLUMNS, ROWS, 100) == lines(
        """
        Model                Name                 Ctx Tags
        kilo/gpt-5           GPT-5 Turbo Preview 400k free tools vision
        kilo/claude-sonnet-4 Claude Sonnet 4       1M tools
        kilo/tiny            Tiny                  8k
        """
    )


def test_a_table_exactly_as_wide_as_the_terminal_is_unchanged() -> None:
    """63 cells on a 63-cell terminal: nothing is cut."""
    assert render_table(COLUMNS, ROWS, 63) == render_table(COLUMNS, ROWS, 100)


def test_the_squeeze_column_is_cut_with_an_ellipsis() -> None:
    """8 cells short: Name goes from 19 to 11 cells, its long cells end in "…"."""
    table = render_table(COLUMNS, ROWS, 55)
    assert table == lines(
        """
        Model                Name         Ctx Tags
        kilo/gpt-5           GPT-5 Turb… 400k free tools vision
        kilo/claude-sonnet-4 Claude Son…   1M tools
        kilo/tiny            Tiny          8k
        """
    )
    assert max(cell_width(line) for line in table) == 55


def test_the_squeeze_column_may_be_cut_down_to_its_min_width() -> None:
    """11 cells short leaves Name exactly ``min_width`` (8) cells: it is still shown."""
    assert render_table(COLUMNS, ROWS, 52) == lines(
        """
        Model                Name      Ctx Tags
        kilo/gpt-5           GPT-5 T… 400k free tools vision
        kilo/claude-sonnet-4 Claude …   1M tools
        kilo/tiny            Tiny       8k
        """
    )


@pytest.mark.parametrize("width", [51, 43])
def test_the_squeeze_column_is_dropped_below_its_min_width(width: int) -> None:
    """12 or more cells short would leave Name under 8 cells: it is left out, and the rest fits
    without wrapping (43 is exactly Model + Ctx + Tags)."""
    assert render_table(COLUMNS, ROWS, width) == lines(
        """
        Model                 Ctx Tags
        kilo/gpt-5           400k free tools vision
        kilo/claude-sonnet-4   1M tools
        kilo/tiny              8k
        """
    )


def test_the_wrap_column_wraps_once_the_squeeze_column_is_gone() -> None:
    """On 36 cells Name is dropped and Tags narrowed to 10 cells: its words go onto a second
    line, the row's other cells are blank there, and the row with no tags takes one line."""
    table = render_table(COLUMNS, ROWS, 36)
    assert table == lines(
        """
        Model                 Ctx Tags
        kilo/gpt-5           400k free tools
                                  vision
        kilo/claude-sonnet-4   1M tools
        kilo/tiny              8k
        """
    )
    assert max(cell_width(line) for line in table) <= 36


def test_wrapped_tags_are_never_split_even_when_one_is_wider_than_the_room() -> None:
    """Tags wrapped on 22 cells: Name is dropped, and Tags narrows to its longest tag (12,
    "long-context") but no further, so no tag is ever split; with no column left to give, the
    lines are 24 cells rather than cut a tag."""
    rows = [
        ("kilo/a", "Alpha", "128k", "free reasoning tools vision"),
        ("kilo/b", "Beta", "1M", "long-context"),
        ("kilo/c", "Gamma", "2k", "a b c d e f"),
    ]
    table = render_table(COLUMNS, rows, 22)
    assert table == lines(
        """
        Model   Ctx Tags
        kilo/a 128k free
                    reasoning
                    tools vision
        kilo/b   1M long-context
        kilo/c   2k a b c d e f
        """
    )


def test_a_no_break_space_keeps_a_tag_with_a_space_whole_and_shows_as_a_space() -> None:
    rows = [("kilo/a", "Alpha", "1M", "default alias:Kilo\u00a0Gateway free")]
    assert render_table(COLUMNS, rows, 33) == lines(
        """
        Model  Ctx Tags
        kilo/a  1M default
                   alias:Kilo Gateway
                   free
        """
    )


MIDDLE = (Column("Model", middle=True, min_width=10), Column("Ctx", right=True))


def test_a_middle_column_is_cut_in_the_middle_as_the_last_resort() -> None:
    """25 cells: Ctx takes 4 and a space, so Model gets 20: 10 cells of the head, "…", and 9 of
    the tail; a ref that fits is whole."""
    rows = [("kilocode/anthropic/claude-sonnet-4.5", "200k"), ("kilocode/x-ai/grok-4", "1M")]
    assert render_table(MIDDLE, rows, 25) == lines(
        """
        Model                 Ctx
        kilocode/a…onnet-4.5 200k
        kilocode/x-ai/grok-4   1M
        """
    )


def test_model_is_whole_even_when_nothing_else_can_give() -> None:
    """On 30 cells the table cannot fit: Name is dropped, Tags stops at its min_width (8), and
    the lines are longer than the terminal rather than cut the Model column."""
    assert render_table(COLUMNS, ROWS, 30) == lines(
        """
        Model                 Ctx Tags
        kilo/gpt-5           400k free
                                  tools
                                  vision
        kilo/claude-sonnet-4   1M tools
        kilo/tiny              8k
        """
    )


def test_right_aligned_columns_pad_on_the_left() -> None:
    """Right-aligned cells and headers end at the column's right edge."""
    columns = (Column("Model"), Column("Ctx", right=True), Column("Max out", right=True))
    rows = [("kilo/a", "1.05M", "8k"), ("kilo/bb", "200k", "128k")]
    assert render_table(columns, rows, 80) == lines(
        """
        Model     Ctx Max out
        kilo/a  1.05M      8k
        kilo/bb  200k    128k
        """
    )


def test_wide_characters_count_two_cells() -> None:
    """CJK characters take two terminal cells, in the column widths and in the padding."""
    assert cell_width("kilo") == 4
    assert cell_width("通义千问") == 8
    assert cell_width("Qwen 通义") == 9
    assert cell_width("…") == 1
    rows = [("kilo/qwen", "通义千问 Max", "32k", "free"), ("kilo/a", "Alpha", "1M", "")]
    # Natural widths: Model 9, Name 12 (8 + 4), Ctx 3, Tags 4; 31 in all.
    assert render_table(COLUMNS, rows, 31) == [
        "Model     Name         Ctx Tags",
        "kilo/qwen 通义千问 Max 32k free",
        "kilo/a    Alpha         1M",
    ]


def test_a_wide_character_that_would_straddle_the_cut_is_left_out() -> None:
    """Name cut to 8 cells keeps "通义千" (6) + "…" (1) and pads the odd cell: "通义千问" (8)
    + "…" would be 9."""
    rows = [("kilo/qwen", "通义千问 Max", "32k", "free"), ("kilo/a", "Alpha", "1M", "")]
    table = render_table(COLUMNS, rows, 27)
    assert table == [
        "Model     Name     Ctx Tags",
        "kilo/qwen 通义千…  32k free",
        "kilo/a    Alpha     1M",
    ]
    assert [cell_width(line) for line in table] == [27, 27, 22]


def test_an_empty_wrap_cell_in_the_middle_takes_one_padded_line() -> None:
    """An empty Tags cell adds no extra line, and is padded so the next column stays aligned."""
    columns = (Column("Model"), Column("Tags", wrap=True), Column("Ctx", right=True))
    rows = [("kilo/a", "free tools", "1M"), ("kilo/b", "", "128k")]
    # Natural widths 6 + 10 + 4 + 2 = 22; on 20 cells Tags gets 8.
    assert render_table(columns, rows, 20) == lines(
        """
        Model  Tags      Ctx
        kilo/a free       1M
               tools
        kilo/b          128k
        """
    )


def test_no_rows_gives_the_header_alone() -> None:
    """An empty listing is just the header line."""
    assert render_table(COLUMNS, [], 80) == ["Model Name Ctx Tags"]


@pytest.mark.parametrize(
    ("text", "width", "cut"),
    [
        ("abcdef", 6, "abcdef"),
        ("abcdef", 5, "abcd…"),
        ("abcdef", 1, "…"),
        ("通义千问", 5, "通义…"),
        ("通义千问", 6, "通义…"),
    ],
)
def test_cut(text: str, width: int, cut: str) -> None:
    """Text wider than ``width`` keeps what fits in ``width - 1`` cells, then "…"."""
    assert _cut(text, width) == cut


@pytest.mark.parametrize(
    ("text", "width", "wrapped"),
    [
        ("", 8, [""]),
        ("   ", 8, [""]),
        ("free tools", 10, ["free tools"]),
        ("free  tools", 9, ["free", "tools"]),
        ("reasoning free", 5, ["reas…", "free"]),
    ],
)
def test_wrap(text: str, width: int, wrapped: list[str]) -> None:
    """Words fill lines of at most ``width`` cells; a word wider than that is cut."""
    assert _wrap(text, width) == wrapped


def test_a_squeezed_header_is_cut_like_its_cells() -> None:
    """Name narrowed to 11 cells under a 12-cell header: the header must be cut to 11 too."""
    columns = (Column("Model"), Column("Display name", squeeze=True), Column("Ctx", right=True))
    rows = [("kilo/gpt-5", "GPT-5 Turbo Preview", "400k")]
    # Natural widths 10 + 19 + 4 + 2 = 35; on 27 cells Display name gets 11.
    assert render_table(columns, rows, 27) == [
        "Model      Display na…  Ctx",
        "kilo/gpt-5 GPT-5 Turb… 400k",
    ]


def test_a_column_with_no_room_at_all_is_cut_to_nothing() -> None:
    """A width below one cell leaves no room for even the ellipsis (this used to loop)."""
    assert _cut("anything", 0) == ""
    assert _cut("", 0) == ""
