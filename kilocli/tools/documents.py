"""Other tools' files, read and written back without losing what their users wrote.

Each format has a round-trip editor: ruamel.yaml (YAML, comments and layout kept), tomlkit
(TOML, comments and layout kept), the standard ``json`` module (strict JSON has no comments;
the indentation is kept, and a file with comments or trailing commas is refused rather than
stripped of them), and a line editor for ``.env`` files. They are imported only here, and only
``setup`` imports this module.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

FileFormat = Literal["yaml", "toml", "json", "dotenv"]


class Unreadable(Exception):
    """The file cannot be parsed, or not rewritten without losing what is in it; ``str()`` is
    the reason, for "…, so it was left as it is"."""


@dataclass
class Dotenv:
    """A ``.env`` file as its lines, so that comments and other variables stay as written."""

    lines: list[str]

    def get(self, name: str) -> str | None:
        for line in self.lines:
            found = _dotenv_name(line)
            if found == name:
                return line.partition("=")[2]
        return None

    def set(self, name: str, quoted_value: str) -> None:
        line = f"{name}={quoted_value}"
        for index, existing in enumerate(self.lines):
            if _dotenv_name(existing) == name:
                self.lines[index] = line
                return
        self.lines.append(line)

    def remove(self, name: str) -> None:
        self.lines = [line for line in self.lines if _dotenv_name(line) != name]


def _dotenv_name(line: str) -> str | None:
    match = re.match(r"\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=", line)
    return match.group(1) if match else None


def load(fmt: FileFormat, text: str) -> Any:
    """The document in ``text`` (an empty one for an empty file).

    Raises:
        Unreadable: it is not valid ``fmt``, or holds what a rewrite would lose.
    """
    return _LOADERS[fmt](text)


def dump(fmt: FileFormat, document: Any, original: str) -> str:
    """``document`` as text, in the layout of ``original`` where the format allows."""
    return _DUMPERS[fmt](document, original)


def empty(fmt: FileFormat) -> Any:
    """A new, empty document."""
    return load(fmt, "")


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a long line (a URL, a header) the user did not fold
    return yaml


def _load_yaml(text: str) -> Any:
    from ruamel.yaml.error import YAMLError

    try:
        return _yaml().load(text)
    except YAMLError as exc:
        raise Unreadable(f"it is not valid YAML ({_first_line(exc)})") from None


def _dump_yaml(document: Any, original: str) -> str:
    import io

    yaml = _yaml()
    indented = _lists_indented(original)
    if indented or (indented is None and not isinstance(document, list)):
        yaml.indent(mapping=2, sequence=4, offset=2)  # "key:\n  - item", as people write it
    out = io.StringIO()
    yaml.dump(document, out)
    return out.getvalue()


def _lists_indented(text: str) -> bool | None:
    """Whether the file writes a list under a key indented (``key:\n  - item``) or flush
    (``key:\n- item``), judged by the first list that follows a key; None when it has none."""
    previous: str | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("- ") and previous is not None:
            key_indent = len(previous) - len(previous.lstrip(" "))
            if re.match(r"^\s*[^\s#-][^#]*:\s*(#.*)?$", previous):
                return len(line) - len(line.lstrip(" ")) > key_indent
        previous = line
    return None


def _load_toml(text: str) -> Any:
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    try:
        return tomlkit.parse(text)
    except TOMLKitError as exc:
        raise Unreadable(f"it is not valid TOML ({_first_line(exc)})") from None


def _dump_toml(document: Any, original: str) -> str:
    import tomlkit

    return tomlkit.dumps(document)


def _load_json(text: str) -> Any:
    if not text.strip():
        return {}
    try:
        return json.loads(text)
    except RecursionError:
        raise Unreadable("it is nested too deeply") from None
    except ValueError as exc:
        if re.search(r"^\s*//|/\*|,\s*[}\]]", text, re.MULTILINE):
            raise Unreadable(
                "it holds comments or trailing commas (JSONC), which a rewrite would lose"
            ) from None
        raise Unreadable(f"it is not valid JSON ({exc})") from None


def _dump_json(document: Any, original: str) -> str:
    indent: int | str = 2
    match = re.search(r"^([ \t]+)\S", original, re.MULTILINE)
    if match:
        indent = match.group(1) if "\t" in match.group(1) else len(match.group(1))
    return json.dumps(document, indent=indent, ensure_ascii=False) + "\n"


def _load_dotenv(text: str) -> Dotenv:
    return Dotenv(text.splitlines())


def _dump_dotenv(document: Dotenv, original: str) -> str:
    return "".join(line + "\n" for line in document.lines)


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


_LOADERS: dict[FileFormat, Callable[[str], Any]] = {
    "yaml": _load_yaml,
    "toml": _load_toml,
    "json": _load_json,
    "dotenv": _load_dotenv,
}
_DUMPERS: dict[FileFormat, Callable[[Any, str], str]] = {
    "yaml": _dump_yaml,
    "toml": _dump_toml,
    "json": _dump_json,
    "dotenv": _dump_dotenv,
}
