"""Small helpers many test modules share (the fixtures are in the conftest files)."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any, Protocol


class HasStdout(Protocol):
    @property
    def stdout(self) -> str: ...


def read_toml(path: Path) -> dict[str, Any]:
    """A TOML file as the standard library reads it (what another program would see)."""
    return tomllib.loads(path.read_text(encoding="utf-8"))


def preview_of(key: str) -> str:
    """SPEC §4, written out independently of kilocli: a long key (24 characters or more) shows
    its first and last four characters only."""
    assert len(key) >= 24, "use a long key: short keys show fewer characters"
    return f"{key[:4]}…{key[-4:]}"


def document(run: HasStdout) -> dict[str, Any]:
    """The one JSON object on stdout (json.loads refuses anything after it)."""
    parsed = json.loads(run.stdout)
    assert isinstance(parsed, dict), parsed
    return parsed
