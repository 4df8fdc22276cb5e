"""Small helpers many test modules share (the fixtures are in the conftest files)."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
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


_IMPORT_PROBE = """
import json, sys
from kilocli.cli import main
try:
    main({args!r})
except SystemExit:
    pass
watched = {watched!r}
print(json.dumps(sorted(m for m in sys.modules if m.startswith(watched))))
"""


@dataclass(frozen=True)
class Probed:
    """A ``kilocli`` run in a fresh interpreter: its output, and which watched modules it
    loaded (SPEC §10: heavy modules load only in the commands that need them)."""

    stdout: str
    stderr: str
    loaded: list[str]


def probe_imports(
    args: Sequence[str],
    watched: Sequence[str],
    env: Mapping[str, str] | None = None,
    *,
    check: bool = True,
) -> Probed:
    """Run ``kilocli *args`` in a new Python and say which modules starting with one of
    ``watched`` it loaded (the last line the probe prints)."""
    code = _IMPORT_PROBE.format(args=list(args), watched=tuple(watched))
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=check,
        timeout=30,
        env=None if env is None else dict(env),
    )
    return Probed(done.stdout, done.stderr, list(json.loads(done.stdout.splitlines()[-1])))
