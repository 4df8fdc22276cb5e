"""Files kilocli edits as text, as :class:`~kilocli.tools.documents.Document`: JSON and JSONC
(through :mod:`kilocli.tools.jsontext`, so everything but the changed members is kept byte for
byte), ``.env`` files (a line each) and a file of one value."""

from __future__ import annotations

import re
from typing import Any

from kilocli.tools.documents import MISSING, Path, Select, Unreadable
from kilocli.tools.jsonsyntax import JsonTextError
from kilocli.tools.jsontext import JsonText

# JSON and JSONC: edited as text.


class JsonDocument:
    def __init__(self, text: str, *, comments: bool) -> None:
        try:
            self.json = JsonText(text, comments=comments)
        except JsonTextError as exc:
            if not comments and re.search(r"^\s*//|/\*|,\s*[}\]]", text, re.MULTILINE):
                raise Unreadable(
                    "it holds comments or trailing commas (JSONC), which a rewrite would lose"
                ) from None
            raise Unreadable(f"it is not valid JSON ({exc})") from None
        except RecursionError:
            raise Unreadable("it is nested too deeply") from None

    @staticmethod
    def _keys(path: Path) -> tuple[str, ...]:
        if any(isinstance(step, Select) for step in path):
            raise Unreadable("kilocli does not edit lists in JSON files")
        return tuple(str(step) for step in path)

    def get(self, path: Path) -> Any:
        node = self.json.get(self._keys(path))
        return MISSING if node is None else node.value

    def set(self, path: Path, value: Any) -> int:
        keys = self._keys(path)
        existed = next(
            (depth for depth in range(len(keys)) if self.json.get(keys[: depth + 1]) is None),
            len(keys),
        )
        try:
            self.json.set(keys, value)
        except JsonTextError as exc:
            raise Unreadable(str(exc)) from None
        return existed

    def delete(self, path: Path) -> None:
        self.json.delete(self._keys(path))

    def is_empty(self, path: Path) -> bool:
        value = self.get(path)
        return isinstance(value, dict | list) and not value

    def dump(self) -> str:
        return self.json.text


# .env: a line each; comments and other variables stay as written.


_NAME = re.compile(r"\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=")
_SAFE_VALUE = re.compile(r"[A-Za-z0-9_\-.:/+=@,%~]*")


class DotenvDocument:
    def __init__(self, lines: list[str]) -> None:
        self.lines = lines

    def _index(self, name: str) -> int | None:
        found = None
        for index, line in enumerate(self.lines):
            match = _NAME.match(line)
            if match and match.group(1) == name:
                found = index  # the last one wins, as in every reader
        return found

    def get(self, path: Path) -> Any:
        index = self._index(str(path[0]))
        if index is None:
            return MISSING
        raw = self.lines[index].partition("=")[2].strip()
        if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"":
            return raw[1:-1]
        return raw

    def set(self, path: Path, value: Any) -> int:
        text = str(value)
        quoted = text if _SAFE_VALUE.fullmatch(text) else "'" + text + "'"
        if "'" in text or "\n" in text:
            raise Unreadable("the value cannot be written to a .env file safely")
        line = f"{path[0]}={quoted}"
        index = self._index(str(path[0]))
        if index is None:
            self.lines.append(line)
            return 0
        self.lines[index] = line
        return 1

    def delete(self, path: Path) -> None:
        index = self._index(str(path[0]))
        if index is not None:
            del self.lines[index]

    def is_empty(self, path: Path) -> bool:
        return False

    def dump(self) -> str:
        return "".join(line + "\n" for line in self.lines)


# A file of one value (llm's default_model.txt): the path is ("content",).


class TextDocument:
    def __init__(self, text: str) -> None:
        self.text = text

    def get(self, path: Path) -> Any:
        return self.text.strip() or MISSING

    def set(self, path: Path, value: Any) -> int:
        existed = 1 if self.text.strip() else 0
        self.text = f"{value}\n"
        return existed

    def delete(self, path: Path) -> None:
        self.text = ""

    def is_empty(self, path: Path) -> bool:
        return not self.text.strip()

    def dump(self) -> str:
        return self.text
