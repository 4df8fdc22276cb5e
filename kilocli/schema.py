"""The pydantic base of kilocli's files, and one readable line per bad field.

The known keys of ``config.toml`` and ``auth-profiles.toml`` are pydantic models
(:mod:`kilocli.config.model`, :mod:`kilocli.credentials.model`); unknown keys are allowed
anywhere (``extra="allow"``) and survive every rewrite. Types are strict, as TOML's are: a
string is never read as a number, and ``true`` is not an integer. A document that misses the
model becomes a :class:`~kilocli.errors.FileProblem` that names every key at fault by its TOML
path, and never its value (it may be a key).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar, cast

from pydantic import BaseModel, ConfigDict, ValidationError

from kilocli.errors import FileProblem
from kilocli.shapes import Shape, Shapes, holds_tables, trusted
from kilocli.storage import moved_aside_hint


class FileModel(BaseModel):
    """A table of one of kilocli's TOML files: known keys typed, unknown keys kept."""

    model_config = ConfigDict(
        extra="allow",
        strict=True,
        populate_by_name=True,
        validate_by_alias=True,
        defer_build=True,
    )

    def document(self) -> dict[str, Any]:
        """The table as written: the keys it was read with (unknown ones included), no defaults
        added."""
        return self.model_dump(by_alias=True, exclude_unset=True)


Model = TypeVar("Model", bound=FileModel)
Location = tuple[str | int, ...]

_PROBLEMS = {
    "string_type": "should be a string",
    "int_type": "should be an integer",
    "bool_type": "should be true or false",
    "list_type": "should be an array",
    "dict_type": "should be a table",
    "model_type": "should be a table",
    "model_attributes_type": "should be a table",
    "missing": "is required",
}


def validate_file(
    model: type[Model], document: dict[str, Any], path: Path, *, known_version: int
) -> Model:
    """``document`` read from ``path``, as a ``model``.

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
    try:
        return model.model_validate(document)
    except ValidationError as exc:
        lines = [f"  {toml_path(loc)}: {problem}" for loc, problem in problems_of(exc)]
        raise FileProblem(
            f"{path} has {len(lines)} invalid value(s); it was left untouched:\n"
            + "\n".join(lines),
            hint=moved_aside_hint(path),
        ) from None


def parse_file(
    model: type[Model], document: dict[str, Any], path: Path, shapes: Shapes, *, known_version: int
) -> Model:
    """:func:`validate_file`, without building the model's validator (a tenth of a command)
    when ``document`` fits the model's shape (:mod:`kilocli.shapes`): then the model would
    take it as it is, and it is built as it stands (pydantic's ``model_construct``, at every
    depth), which gives the same object. Any other document is validated.

    Raises:
        FileProblem: as :func:`validate_file`.
    """
    if trusted(document, model.__name__, shapes, known_version=known_version):
        return _constructed(model, document, shapes)
    return validate_file(model, document, path, known_version=known_version)


def _constructed(model: type[Model], table: dict[str, Any], shapes: Shapes) -> Model:
    values = dict(table)
    present: set[str] = set()
    module = sys.modules[model.__module__]
    for name, (key, shape, default) in shapes[model.__name__].items():
        if key in values:
            present.add(name)
            if holds_tables(shape):
                values[key] = _constructed_value(module, values[key], shape, shapes)
        elif default[0] == "factory" and default[1][0] == "@":  # not the factory: it validates
            values[key] = _constructed(getattr(module, default[1][1:]), {}, shapes)
    return cast("Model", model.model_construct(present, **values))


def _constructed_value(module: Any, value: Any, shape: Shape, shapes: Shapes) -> Any:
    if isinstance(shape, str):
        return _constructed(getattr(module, shape[1:]), value, shapes)
    kind, inner = shape
    if value is None:
        return None
    if kind == "list":
        return [_constructed_value(module, item, inner, shapes) for item in value]
    if kind == "dict":
        return {key: _constructed_value(module, item, inner, shapes) for key, item in value.items()}
    return _constructed_value(module, value, inner, shapes)


def problems_of(error: ValidationError) -> Iterator[tuple[Location, str]]:
    """Each field at fault, once, in document order, with what it should be."""
    seen: set[Location] = set()
    for item in error.errors(include_url=False, include_input=False):
        loc = tuple(item["loc"])
        if loc not in seen:
            seen.add(loc)
            yield loc, _PROBLEMS.get(item["type"], "has the wrong type")


def toml_path(loc: Location) -> str:
    """``models.providers.kilocode.models[0].maxTokens``; keys that are not bare are quoted."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + (part if _bare(part) else f'"{part}"')
    return text or "(top level)"


def _bare(key: str) -> bool:
    return key.replace("_", "").replace("-", "").isalnum()
