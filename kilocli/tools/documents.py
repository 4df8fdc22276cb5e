"""Other tools' files as documents kilocli can read and change in place without losing what
their users wrote.

Every format gets the same small interface (:class:`Document`): get, set and delete a value
at a path, where a path step is a key or a list item chosen by some of its fields
(:class:`Select`). Behind it, each format has a round-trip editor: ruamel.yaml (YAML: comments,
quoting and the file's own indentation kept) and tomlkit (TOML: comments and layout kept) in
:mod:`kilocli.tools.tree_document`; a text editor for JSON and JSONC
(:mod:`kilocli.tools.jsontext`: everything but the changed members kept byte for byte), a line
editor for ``.env`` files and a one-value text file in :mod:`kilocli.tools.text_documents`.
:func:`load` imports each only when a file of its kind is read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from kilocli.errors import KilocliError

FileFormat = Literal["yaml", "toml", "json", "jsonc", "dotenv", "text"]


class Unreadable(KilocliError):
    """The file cannot be parsed, or not rewritten without losing what is in it; ``str()`` is
    the reason, for "…, so it was left as it is"."""


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()
"""What :meth:`Document.get` returns for a path that is not there."""


@dataclass(frozen=True)
class Select:
    """A list item chosen by the values of some of its fields (llm's ``model_id``, Continue's
    ``model`` and ``apiKey``); a new one is put ``first`` in its list, or last."""

    fields: tuple[tuple[str, str], ...]
    first: bool = False

    def matches(self, item: Any) -> bool:
        return isinstance(item, Mapping) and all(item.get(k) == v for k, v in self.fields)

    def __str__(self) -> str:
        return "[" + ", ".join(f"{k}={v}" for k, v in self.fields) + "]"


Step = str | Select
Path = tuple[Step, ...]


def path_text(path: Path) -> str:
    """``provider.kilocode.options`` / ``[model_id=kilocode/x].api_base``, for messages."""
    return ".".join(str(step) for step in path).replace(".[", "[")


class Document(Protocol):
    """A file's contents, changed in place."""

    def get(self, path: Path) -> Any:
        """The plain value at ``path`` (dicts, lists, scalars), or :data:`MISSING`."""

    def set(self, path: Path, value: Any) -> int:
        """Set ``path`` to ``value``, creating what is missing on the way; returns how many
        steps of ``path`` were there before (the containers past them are new)."""

    def delete(self, path: Path) -> None:
        """Take out ``path`` (a key, or a list item); nothing when it is not there."""

    def is_empty(self, path: Path) -> bool:
        """The container at ``path`` holds nothing (a list item: nothing but the fields it
        is chosen by)."""

    def dump(self) -> str:
        """The document as text."""


def is_blank(document: Document) -> bool:
    """The document holds nothing (a file kilocli created may then go)."""
    text = document.dump().strip()
    return not text or text in ("{}", "[]")


def load(fmt: FileFormat, text: str) -> Document:
    """The document in ``text`` (an empty one for an empty file).

    Raises:
        Unreadable: it is not valid ``fmt``, or holds what a rewrite would lose (a key twice,
            nesting too deep).
    """
    # Each editor is imported with the first file of its kind: the listing and status
    # commands that import this module for its types never pay for ruamel or tomlkit.
    if fmt in ("json", "jsonc"):
        from kilocli.tools.text_documents import JsonDocument

        return JsonDocument(text, comments=fmt == "jsonc")
    if fmt == "dotenv":
        from kilocli.tools.text_documents import DotenvDocument

        return DotenvDocument(text.splitlines())
    if fmt == "text":
        from kilocli.tools.text_documents import TextDocument

        return TextDocument(text)
    from kilocli.tools.tree_document import TreeDocument

    return TreeDocument("yaml" if fmt == "yaml" else "toml", text)


def plain(value: Any) -> Any:
    """A value of a round-trip editor (ruamel's and tomlkit's keep their style in
    subclasses) as plain Python data."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    for kind in (bool, int, float, str):
        if isinstance(value, kind):
            return kind(value)
    return value
