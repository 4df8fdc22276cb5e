"""A plain-text table fast enough for 20,000 rows (rich's Table takes seconds for that).

Columns are separated by one space (or ``gap``). When the table is wider than the terminal, in
this order (or in the ``order`` a table gives):
a ``squeeze`` column is cut with "…" (and dropped when fewer than ``min_width`` cells remain);
a ``wrap`` column wraps its words onto extra lines (a word — one tag — is never split: words
are separated by plain spaces only, so a tag with a space in it uses U+00A0); a ``drop`` column
is left out; and, as a last resort, a ``middle`` column (the Model) is cut in the middle,
``kilocode/anthr…sonnet-4.5``, so that both ends of an id stay readable. A column with none of
these is always whole.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from operator import gt

ELLIPSIS = "…"


@dataclass(frozen=True)
class Column:
    """How one column behaves when the terminal is narrow."""

    header: str
    right: bool = False
    squeeze: bool = False
    wrap: bool = False
    drop: bool = False
    middle: bool = False
    min_width: int = 8


def cell_width(text: str) -> int:
    """Terminal cells ``text`` takes (wide characters count twice)."""
    if text.isascii():
        return len(text)
    from rich.cells import cell_len

    return cell_len(text)


Kind = str  # "squeeze", "wrap", "drop" or "middle"
FIT_ORDER: tuple[Kind, ...] = ("squeeze", "wrap", "drop", "middle")


def render_table(
    columns: Sequence[Column],
    rows: Sequence[Sequence[str]],
    width: int,
    *,
    gap: int = 1,
    order: Sequence[Kind] = FIT_ORDER,
) -> list[str]:
    """The table as lines (header first), fitted to ``width`` terminal cells; ``gap`` spaces
    between columns; ``order`` says which kind of column gives way first."""
    widths = [
        max(cell_width(col.header), _widest([row[i] for row in rows]))
        for i, col in enumerate(columns)
    ]
    longest_words = [
        _widest([word for row in rows for word in row[i].split(" ")]) if col.wrap else 0
        for i, col in enumerate(columns)
    ]
    shown = _fit(columns, widths, width, longest_words, order, gap)
    header = [_cut(columns[i].header, widths[i]) for i in shown]
    lines = [_line(header, columns, widths, shown, gap)]
    whole_line = _whole_lines(columns, widths, shown, gap)
    for row in rows:
        simple = whole_line(row)
        if simple is not None:
            lines.append(simple)
            continue
        wrapped = {
            i: [part.replace("\u00a0", " ") for part in _wrap(row[i], widths[i])]
            for i in shown
            if columns[i].wrap
        }
        height = max((len(parts) for parts in wrapped.values()), default=1)
        for n in range(height):
            cells = []
            for i in shown:
                if i in wrapped:
                    cells.append(wrapped[i][n] if n < len(wrapped[i]) else "")
                elif columns[i].middle:
                    cells.append(_cut_middle(row[i], widths[i]) if n == 0 else "")
                else:
                    cells.append(_cut(row[i], widths[i]) if n == 0 else "")
            lines.append(_line(cells, columns, widths, shown, gap))
    return lines


def _widest(cells: list[str]) -> int:
    """The width of the widest of ``cells`` (0 for none); ASCII text is measured by length."""
    if "".join(cells).isascii():
        return max(map(len, cells), default=0)
    return max(map(cell_width, cells), default=0)


def _whole_lines(
    columns: Sequence[Column], widths: list[int], shown: list[int], gap: int
) -> Callable[[Sequence[str]], str | None]:
    """What writes the line of a row whose shown cells are ASCII and fit whole (most rows of
    most tables), padded as :func:`_line` pads them; None for a row that needs cutting or
    wrapping."""
    limits = [widths[i] for i in shown]
    cuttable = [not (columns[i].wrap or columns[i].middle) for i in shown]
    cells = (f"{{:{'>' if columns[i].right else '<'}{widths[i]}}}" for i in shown)
    template = (" " * gap).join(cells)

    def whole_line(row: Sequence[str]) -> str | None:
        cells = [row[i] for i in shown]
        if not "".join(cells).isascii():
            return None
        if any(map(gt, map(len, cells), limits)):
            cut = _cut_ascii(cells, limits, cuttable)
            if cut is None:
                return None
            cells = cut
        return template.format(*cells).rstrip()

    return whole_line


def _cut_ascii(cells: list[str], limits: list[int], cuttable: list[bool]) -> list[str] | None:
    """ASCII ``cells`` cut as :func:`_cut` cuts them (the ellipsis takes one cell); None when
    a cell too long is in a column that wraps or is cut in the middle."""
    shown = []
    for cell, limit, cut in zip(cells, limits, cuttable, strict=True):
        if len(cell) <= limit:
            shown.append(cell)
        elif cut:
            shown.append(cell[: limit - 1] + ELLIPSIS if limit >= 1 else "")
        else:
            return None
    return shown


def _fit(
    columns: Sequence[Column],
    widths: list[int],
    width: int,
    longest_words: Sequence[int],
    order: Sequence[Kind] = FIT_ORDER,
    gap: int = 1,
) -> list[int]:
    """Squeeze (or drop) squeeze columns, narrow wrap columns (never below their longest word),
    drop drop columns, then cut middle columns, until the table fits; returns the indexes of
    the columns shown.

    ``widths`` is narrowed in place.
    """
    shown = list(range(len(columns)))

    def excess() -> int:
        return sum(widths[j] for j in shown) + gap * (len(shown) - 1) - width

    natural = list(widths)
    for kind in order:
        for i in [i for i in shown if getattr(columns[i], kind)]:
            over = excess()
            if over <= 0:
                return _give_back(columns, widths, natural, shown, -over)
            floor = columns[i].min_width
            if kind == "wrap":
                floor = max(floor, min(longest_words[i], widths[i]))
            room = widths[i] - over
            if kind == "drop" or (kind == "squeeze" and room < floor):
                shown.remove(i)
            else:
                widths[i] = max(room, min(floor, widths[i]))
    return shown


def _give_back(
    columns: Sequence[Column],
    widths: list[int],
    natural: Sequence[int],
    shown: list[int],
    spare: int,
) -> list[int]:
    """Room left over after a column was dropped goes back to the columns narrowed before it
    (Tags wrap onto fewer lines; Name shows more of itself)."""
    for i in shown:
        if spare <= 0:
            break
        if columns[i].wrap or columns[i].squeeze:
            extra = min(spare, natural[i] - widths[i])
            widths[i] += extra
            spare -= extra
    return shown


def _line(
    cells: Sequence[str], columns: Sequence[Column], widths: list[int], shown: list[int], gap: int
) -> str:
    parts = []
    for cell, i in zip(cells, shown, strict=True):
        pad = " " * (widths[i] - cell_width(cell))
        parts.append(pad + cell if columns[i].right else cell + pad)
    return (" " * gap).join(parts).rstrip()


def _cut(text: str, width: int) -> str:
    if text.isascii():  # one cell a character: no need to measure as it shrinks
        if len(text) <= width:
            return text
        return text[: width - 1] + ELLIPSIS if width >= 1 else ""
    if cell_width(text) <= width:
        return text
    if width < 1:
        return ""
    while cell_width(text) > width - 1:
        text = text[:-1]
    return text + ELLIPSIS


def _cut_middle(text: str, width: int) -> str:
    """``text`` cut to ``width`` cells by taking out its middle: ``kilocode/an…sonnet-4.5``."""
    if cell_width(text) <= width:
        return text
    if width < 1:
        return ""
    head_width = (width - 1 + 1) // 2
    head = ""
    for char in text:
        if cell_width(head + char) > head_width:
            break
        head += char
    tail = ""
    for char in reversed(text):
        if cell_width(head) + 1 + cell_width(char + tail) > width:
            break
        tail = char + tail
    return head + ELLIPSIS + tail


def _wrap(text: str, width: int) -> list[str]:
    """Words (separated by plain spaces) onto lines of at most ``width`` cells; a word longer
    than that is cut."""
    lines: list[str] = []
    current = ""
    for word in (w for w in text.split(" ") if w):
        candidate = f"{current} {word}" if current else word
        if cell_width(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = _cut(word, width)
    return [*lines, current] if current or not lines else lines
