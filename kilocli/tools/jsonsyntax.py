"""JSON and JSONC (comments, trailing commas) parsed into nodes that know where they are in the
text, for :mod:`kilocli.tools.jsontext` to splice changes into: a key twice in one object and
nesting past :data:`MAX_DEPTH` are refused, never guessed at."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from kilocli.errors import KilocliError

MAX_DEPTH = 64

_WS = re.compile(r"[ \t\r\n]*")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?")
_LITERALS = {"true": True, "false": False, "null": None}


class JsonTextError(KilocliError):
    """The text is not JSON kilocli can edit; ``str()`` says why."""


@dataclass
class Node:
    """A value in the text: ``text[start:end]`` is its source."""

    start: int
    end: int
    value: Any = None
    members: list[Member] | None = None  # an object's, in order
    items: list[Node] | None = None  # an array's


@dataclass
class Member:
    key: str
    key_start: int
    node: Node
    comma_end: int | None = field(default=None)  # just past the comma that follows, if any


class _Parser:
    def __init__(self, text: str, *, comments: bool) -> None:
        self.text = text
        self.pos = 0
        self.comments = comments

    def skip(self) -> None:
        text = self.text
        while True:
            self.pos = _WS.match(text, self.pos).end()  # type: ignore[union-attr]
            if not self.comments or not text.startswith("/", self.pos):
                return
            if text.startswith("//", self.pos):
                newline = text.find("\n", self.pos)
                self.pos = len(text) if newline < 0 else newline
            elif text.startswith("/*", self.pos):
                close = text.find("*/", self.pos + 2)
                if close < 0:
                    raise JsonTextError("a /* comment is never closed")
                self.pos = close + 2
            else:
                return

    def fail(self, what: str) -> JsonTextError:
        line = self.text.count("\n", 0, self.pos) + 1
        return JsonTextError(f"{what} at line {line}")

    def value(self, depth: int) -> Node:
        if depth > MAX_DEPTH:
            raise JsonTextError(f"it is nested more than {MAX_DEPTH} levels deep")
        self.skip()
        start, text = self.pos, self.text
        char = text[start : start + 1]
        if char == "{":
            return self.obj(depth)
        if char == "[":
            return self.array(depth)
        if char == '"':
            value, self.pos = self.string()
            return Node(start, self.pos, value)
        for word, literal in _LITERALS.items():
            if text.startswith(word, start):
                self.pos = start + len(word)
                return Node(start, self.pos, literal)
        match = _NUMBER.match(text, start)
        if match is None:
            raise self.fail("expected a value")
        self.pos = match.end()
        return Node(start, self.pos, json.loads(match.group()))

    def string(self) -> tuple[str, int]:
        try:
            return json.decoder.scanstring(self.text, self.pos + 1)  # type: ignore[attr-defined,no-any-return]
        except json.JSONDecodeError:
            raise self.fail("a string is not valid") from None

    def obj(self, depth: int) -> Node:
        members: list[Member] = []
        node = Node(self.pos, self.pos, members=members)
        self.pos += 1
        seen: set[str] = set()
        while True:
            self.skip()
            if self.text.startswith("}", self.pos):
                break
            if not self.text.startswith('"', self.pos):
                raise self.fail("expected a key")
            key_start = self.pos
            key, self.pos = self.string()
            if key in seen:
                raise self.fail(f"the key {key!r} appears twice")
            seen.add(key)
            self.skip()
            if not self.text.startswith(":", self.pos):
                raise self.fail("expected ':'")
            self.pos += 1
            member = Member(key, key_start, self.value(depth + 1))
            members.append(member)
            self.skip()
            if self.text.startswith(",", self.pos):
                self.pos += 1
                member.comma_end = self.pos
                self.skip()
                if self.text.startswith("}", self.pos) and not self.comments:
                    raise self.fail("a trailing comma")
                continue
            if not self.text.startswith("}", self.pos):
                raise self.fail("expected ',' or '}'")
            break
        self.pos += 1
        node.end = self.pos
        node.value = {m.key: m.node.value for m in members}
        return node

    def array(self, depth: int) -> Node:
        items: list[Node] = []
        node = Node(self.pos, self.pos, items=items)
        self.pos += 1
        while True:
            self.skip()
            if self.text.startswith("]", self.pos):
                break
            items.append(self.value(depth + 1))
            self.skip()
            if self.text.startswith(",", self.pos):
                self.pos += 1
                continue
            if not self.text.startswith("]", self.pos):
                raise self.fail("expected ',' or ']'")
            break
        self.pos += 1
        node.end = self.pos
        node.value = [item.value for item in items]
        return node


def parse(text: str, *, comments: bool = False) -> Node:
    """The root node of ``text`` (``{}`` for an empty text).

    Raises:
        JsonTextError: not valid JSON (JSONC with ``comments``), a key twice in one object,
            or nested past :data:`MAX_DEPTH`.
    """
    if not text.strip():
        return Node(0, 0, {}, members=[])
    parser = _Parser(text, comments=comments)
    root = parser.value(0)
    parser.skip()
    if parser.pos != len(text):
        raise parser.fail("unexpected text after the document")
    return root
