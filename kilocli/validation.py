"""Checking a parsed TOML document against a declared shape, once, at the edge.

The document itself stays a plain dict (so unknown keys survive a rewrite); the shape only
decides whether the known keys have the right types, and each bad field becomes one readable
line of a :class:`~kilocli.errors.FileProblem`.

The shapes are small declarative tables (see ``config/shape.py`` and ``credentials/shape.py``)
rather than pydantic models: building pydantic validators for them cost more start-up time
than everything else a command does (SPEC §10), and a table of types says the same thing.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kilocli.errors import FileProblem
from kilocli.storage import moved_aside_hint


@dataclass(frozen=True)
class Required:
    """A key that must be present."""

    shape: Shape


@dataclass(frozen=True)
class TableOf:
    """A table whose every value has ``shape`` (keys are names the user chose)."""

    shape: Shape


@dataclass(frozen=True)
class ArrayOf:
    """An array whose every item has ``shape``."""

    shape: Shape


Shape = type | Mapping[str, Any] | Required | TableOf | ArrayOf
"""``str``, ``int``, ``bool``; a mapping of known keys to shapes (other keys are allowed);
``TableOf``, ``ArrayOf``; ``Required`` around a key's shape."""

_NAMES = {str: "a string", int: "an integer", bool: "true or false"}


def check_document(
    shape: Mapping[str, Any], document: dict[str, Any], path: Path, *, known_version: int
) -> None:
    """Validate ``document`` read from ``path``.

    Raises:
        FileProblem: a newer ``version`` than ``known_version``, or known keys of the wrong
            type; the message names every key at fault and never a value.
    """
    version = document.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and version > known_version:
        raise FileProblem(
            f"{path} was written by a newer kilocli (version {version}; this one knows "
            f"version {known_version}). It was left untouched.",
            hint="Upgrade kilocli (pip install --upgrade kilocli), "
            "or point KILOCLI_HOME elsewhere.",
        )
    problems = [f"  {_location(loc)}: {problem}" for loc, problem in find_problems(shape, document)]
    if problems:
        raise FileProblem(
            f"{path} has {len(problems)} invalid value(s); it was left untouched:\n"
            + "\n".join(problems),
            hint=moved_aside_hint(path),
        )


Location = tuple[str | int, ...]


def find_problems(shape: Shape, value: Any, loc: Location = ()) -> Iterator[tuple[Location, str]]:
    """Every place where ``value`` does not have ``shape``, with what it should be."""
    if isinstance(shape, Required):
        yield from find_problems(shape.shape, value, loc)
    elif isinstance(shape, type):
        # TOML booleans are not integers, whatever Python thinks.
        if not isinstance(value, shape) or (shape is int and isinstance(value, bool)):
            yield loc, f"should be {_NAMES[shape]}"
    elif isinstance(shape, ArrayOf):
        if not isinstance(value, list):
            yield loc, "should be an array"
            return
        for index, item in enumerate(value):
            yield from find_problems(shape.shape, item, (*loc, index))
    elif not isinstance(value, dict):
        yield loc, "should be a table"
    else:
        yield from _table_problems(shape, value, loc)


def _table_problems(
    shape: TableOf | Mapping[str, Any], table: dict[str, Any], loc: Location
) -> Iterator[tuple[Location, str]]:
    if isinstance(shape, TableOf):
        for key, item in table.items():
            yield from find_problems(shape.shape, item, (*loc, key))
        return
    for key, key_shape in shape.items():
        if key in table:
            yield from find_problems(key_shape, table[key], (*loc, key))
        elif isinstance(key_shape, Required):
            yield (*loc, key), "is required"


def _location(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + (part if _bare(part) else f'"{part}"')
    return text or "(top level)"


def _bare(key: str) -> bool:
    return key.replace("_", "").replace("-", "").isalnum()
