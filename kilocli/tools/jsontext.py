"""Editing JSON (and JSONC: comments, trailing commas) as text, so that everything kilocli does
not change stays byte for byte as the user wrote it: indentation, compact objects, key order,
spacing, comments.

The text is parsed into nodes that know where they start and end; a change splices new text
into the old. Only objects are edited (the settings files ``setup`` writes are objects of
objects); a value kilocli inserts is written in the layout of its neighbours.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from kilocli.tools.jsonsyntax import JsonTextError, Member, Node, parse


@dataclass
class JsonText:
    """A JSON(C) document as text, edited in place."""

    text: str
    comments: bool = False
    root: Node = field(init=False)

    def __post_init__(self) -> None:
        if not self.text.strip():
            self.text = "{}\n"
        self.root = parse(self.text, comments=self.comments)
        if self.root.members is None:
            raise JsonTextError("it is not a JSON object")

    @property
    def value(self) -> Any:
        return self.root.value

    def _find(self, path: tuple[str, ...]) -> tuple[Node | None, Member | None]:
        node: Node | None = self.root
        member: Member | None = None
        for key in path:
            if node is None or node.members is None:
                return None, None
            member = next((m for m in node.members if m.key == key), None)
            node = member.node if member else None
        return node, member

    def get(self, path: tuple[str, ...]) -> Node | None:
        return self._find(path)[0]

    def _splice(self, start: int, end: int, new: str) -> None:
        self.text = self.text[:start] + new + self.text[end:]
        self.root = parse(self.text, comments=self.comments)

    def set(self, path: tuple[str, ...], value: Any) -> None:
        """Set the value at ``path``, creating the objects on the way (as ``{}``)."""
        for depth in range(1, len(path)):
            node = self.get(path[:depth])
            if node is None:
                self.set(path[:depth], {})
            elif node.members is None:
                raise JsonTextError(f"{'.'.join(path[:depth])} is not an object")
        existing = self.get(path)
        compact = self._compact_at(path[:-1])
        if existing is not None:
            indent = self._indent_at(existing.start)
            self._splice(existing.start, existing.end, self._render(value, indent, compact))
            return
        parent = self.get(path[:-1])
        if parent is None or parent.members is None:
            raise JsonTextError(f"{'.'.join(path[:-1])} is not an object")
        self._insert(parent, parent.members, path[-1], value, compact)

    def delete(self, path: tuple[str, ...]) -> None:
        """Take out the member at ``path`` (with its comma); nothing when it is not there."""
        parent = self.get(path[:-1])
        if parent is None or parent.members is None:
            return
        members = parent.members
        index = next((i for i, m in enumerate(members) if m.key == path[-1]), None)
        if index is None:
            return
        member = members[index]
        if len(members) == 1:
            self._splice(parent.start + 1, parent.end - 1, "")
        elif index == len(members) - 1:
            before = members[index - 1]
            # from the comma after the previous member (keeping a trailing comma's style)
            cut_end = member.comma_end if member.comma_end is not None else member.node.end
            start = before.node.end
            if member.comma_end is not None:  # JSONC trailing comma: keep one
                self._splice(before.comma_end or start, cut_end, "")
            else:
                self._splice(start, cut_end, "")
        else:
            self._splice(member.key_start, members[index + 1].key_start, "")

    # layout

    def _line_start(self, pos: int) -> int:
        return self.text.rfind("\n", 0, pos) + 1

    def _indent_at(self, pos: int) -> str:
        line = self.text[self._line_start(pos) : pos]
        return line[: len(line) - len(line.lstrip(" \t"))]

    def _unit(self) -> str:
        match = re.search(r"\n([ \t]+)\S", self.text)
        if match is None:
            return "  "
        first = match.group(1)
        return "\t" if first.startswith("\t") else " " * min(len(first), 8)

    def _colon(self) -> str:
        match = re.search(r'"\s*:(\s?)', self.text)
        return ":" + (match.group(1) if match else " ")

    def _compact(self) -> bool:
        """Whether the user wrote the whole document on one line (an empty one is not)."""
        return "\n" not in self.text.strip() and bool(self.root.members)

    def _compact_at(self, path: tuple[str, ...]) -> bool:
        """Whether a member added to the object at ``path`` goes on the line of its
        neighbours: the whole document is on one line, or the nearest object around it (or
        itself) that holds members is written on one line."""
        if self._compact():
            return True
        for depth in range(len(path), -1, -1):
            node = self.get(path[:depth])
            if node is not None and node.members:
                return "\n" not in self.text[node.start : node.end]
        return False

    def _separator(self) -> str:
        """``", "`` or ``","``, as the user separates members written on one line."""
        match = re.search(r",( ?)(?=[^\s])", self.text)
        return "," + (match.group(1) if match else self._colon()[1:])  # "a":1,"b":2

    def _render(self, value: Any, indent: str, compact: bool = False) -> str:
        if not isinstance(value, dict) or not value:
            return json.dumps(value, ensure_ascii=False)
        if compact or self._compact():
            inner = self._separator().join(
                json.dumps(k, ensure_ascii=False) + self._colon() + self._render(v, indent, True)
                for k, v in value.items()
            )
            return "{" + inner + "}"
        unit = self._unit()
        lines = [
            indent
            + unit
            + json.dumps(k, ensure_ascii=False)
            + self._colon()
            + self._render(v, indent + unit)
            for k, v in value.items()
        ]
        return "{\n" + ",\n".join(lines) + "\n" + indent + "}"

    def _insert(
        self, parent: Node, members: list[Member], key: str, value: Any, compact: bool
    ) -> None:
        name = json.dumps(key, ensure_ascii=False) + self._colon()
        if not members:
            # what is inside the braces: nothing, or a comment of the user's (kept before ours)
            kept = self.text[parent.start + 1 : parent.end - 1].rstrip(" \t\r\n")
            if compact:
                body = kept + name + self._render(value, "", compact)
                self._splice(parent.start + 1, parent.end - 1, body)
                return
            outer = self._indent_at(parent.start)
            inner = outer + self._unit()
            body = kept + "\n" + inner + name + self._render(value, inner) + "\n" + outer
            self._splice(parent.start + 1, parent.end - 1, body)
            return
        last = members[-1]
        on_own_line = not self.text[self._line_start(last.key_start) : last.key_start].strip()
        indent = self._indent_at(last.key_start)
        gap = "\n" + indent if on_own_line and not compact else self._separator()[1:]
        entry = name + self._render(value, indent, compact)
        end = last.comma_end if last.comma_end is not None else last.node.end
        at = self._past_comments_on_the_line(end)  # a comment after the last member stays its
        comma = "" if last.comma_end is not None else ","
        trailing = "," if last.comma_end is not None else ""  # JSONC trailing comma: ours too
        self._replace(
            self.text[:end] + comma + self.text[end:at] + gap + entry + trailing + self.text[at:]
        )

    def _past_comments_on_the_line(self, pos: int) -> int:
        """Just past the comments that follow ``pos`` on its line (``pos`` when none)."""
        if not self.comments:
            return pos
        text, at = self.text, pos
        while True:
            probe = at + len(text[at:]) - len(text[at:].lstrip(" \t"))
            if text.startswith("//", probe):
                newline = text.find("\n", probe)
                return len(text) if newline < 0 else newline
            close = text.find("*/", probe + 2) if text.startswith("/*", probe) else -1
            if close < 0 or "\n" in text[probe:close]:
                return at
            at = close + 2

    def _replace(self, text: str) -> None:
        self.text = text
        self.root = parse(self.text, comments=self.comments)
