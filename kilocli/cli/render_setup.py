"""How ``kilocli setup`` shows what it changed in other tools' files."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kilocli.cli.columns import Column, cell_width, render_table
from kilocli.cli.render import escape

if TYPE_CHECKING:
    from kilocli.cli.context import Session
    from kilocli.services.setup_list import ToolList
    from kilocli.services.setup_result import SetupResult


def setup_text(session: Session, result: SetupResult) -> None:
    """What changed (or would, or could not), file by file, and how to run the tool."""
    out, err = session.out, session.err
    if not result.ok:
        for entry in result.files:
            if entry.problem is None:
                continue
            err.print(
                f"[red]Error:[/red] {escape(entry.path)}: {escape(entry.problem)}, so kilocli "
                "left it as it is (and changed no other file)."
            )
            if entry.fix:
                err.print(f"To let kilocli change it, run: {escape(entry.fix)}")
            if entry.snippet:
                err.print("Add this to it yourself:")
                out.print(escape(entry.snippet.rstrip("\n")))
        return
    if result.action == "dry-run":
        for entry in result.files:
            if entry.diff:
                out.print(escape(entry.diff.rstrip("\n")))
        err.print("Dry run: nothing was written.")
        return
    verb = {
        "configured": f"Set up {result.tool} for {result.provider}",
        "removed": f"Removed kilocli's {result.provider} entries from {result.tool}",
        "unchanged": f"{result.tool} was already set up that way; nothing changed",
        "absent": f"{result.tool} has no kilocli entries for {result.provider}; nothing changed",
    }[result.action]
    models = (
        f" ({', '.join(result.models)})" if result.models and result.action != "removed" else ""
    )
    out.print(escape(f"{verb}{models}."))
    for entry in result.files:
        if not entry.changed and not entry.exists:
            continue  # --remove where there is no file: nothing to say about it
        state = "removed" if entry.deleted else "changed" if entry.changed else "unchanged"
        key = " (holds the key, 0600)" if entry.holds_key and entry.changed else ""
        out.print(f"  {state:<9} {escape(entry.path)}{key}")
    if result.run:
        out.print(f"Next: {escape(result.run)}")


TOOL_COLUMNS = (
    Column("Tool"),
    Column("Detected"),
    Column("Set up"),
    Column("Key"),
    Column("Works"),
    Column("Files", wrap=True),
)


def tools_text(session: Session, result: ToolList) -> None:
    """``setup list``: a line per tool, its files (``~`` for your home) in the last column, or,
    where that column cannot hold a path whole, one under the other beneath the tool's line."""
    from kilocli.text import one_line

    home = session.env.get("HOME", "").rstrip("/")

    def shown(path: str) -> str:
        path = one_line(path)
        return "~" + path[len(home) :] if home and path.startswith(home + "/") else path

    rows = [
        [
            row.tool,
            "yes" if row.detected else "no",
            "yes" if row.configured else "no",
            row.key_by,
            "yes" if row.works else "no",
            # A path is one word: its own spaces are non-breaking.
            ", ".join(shown(path).replace(" ", "\u00a0") for path in row.files),
        ]
        for row in result.tools
    ]
    width = session.out.width
    lines = render_table(TOOL_COLUMNS, rows, width, gap=2)
    if max(cell_width(line) for line in lines) <= width:
        for line in lines:
            session.out.print(escape(line))
        return
    header, *body = render_table(TOOL_COLUMNS[:-1], [row[:-1] for row in rows], width, gap=2)
    session.out.print(escape(header))
    for line, row in zip(body, result.tools, strict=True):
        session.out.print(escape(line))
        for path in row.files:
            session.out.print(escape(f"  {shown(path)}"))
