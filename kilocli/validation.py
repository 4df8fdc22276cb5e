"""Checking a parsed TOML document against a pydantic model, once, at the edge.

The document itself stays a plain dict (so unknown keys survive a rewrite); the model only
decides whether the known keys have the right types, and each bad field becomes one readable
line of a :class:`~kilocli.errors.FileProblem`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from kilocli.errors import FileProblem
from kilocli.storage import moved_aside_hint

if TYPE_CHECKING:
    from pydantic import BaseModel
    from pydantic_core import ErrorDetails


def check_document(
    model: type[BaseModel], document: dict[str, Any], path: Path, *, known_version: int
) -> None:
    """Validate ``document`` read from ``path``.

    Raises:
        FileProblem: a newer ``version`` than ``known_version``, or known keys of the wrong
            type; the message names every key at fault and never a value.
    """
    from pydantic import ValidationError

    version = document.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and version > known_version:
        raise FileProblem(
            f"{path} was written by a newer kilocli (version {version}; this one knows "
            f"version {known_version}). It was left untouched.",
            hint="Upgrade kilocli (pip install --upgrade kilocli), "
            "or point KILOCLI_HOME elsewhere.",
        )
    try:
        model.model_validate(document)
    except ValidationError as exc:
        problems = [f"  {_location(error['loc'])}: {_problem(error)}" for error in exc.errors()]
        raise FileProblem(
            f"{path} has {len(problems)} invalid value(s); it was left untouched:\n"
            + "\n".join(problems),
            hint=moved_aside_hint(path),
        ) from None


def _problem(error: ErrorDetails) -> str:
    # pydantic names the model class ("a valid dictionary or instance of ModelsSection"); the
    # user wrote TOML, where that is a table.
    if error["type"] in {"model_type", "dict_type"}:
        return "Input should be a table"
    return error["msg"]


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
