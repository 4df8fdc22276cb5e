"""Every command's ``--help``, compared whole with the text in ``tests/cli/help/``.

A change to an option or a docstring shows up here as a diff to review. After a deliberate
change, rewrite the files with ``UPDATE_HELP_SNAPSHOTS=1 pytest tests/cli/test_help.py`` and read
the diff before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import run_kilocli

HELP_DIR = Path(__file__).parent / "help"
COMMANDS = [
    (),
    ("onboard",),
    ("auth",),
    ("auth", "list"),
    ("auth", "status"),
    ("auth", "login"),
    ("auth", "logout"),
    ("auth", "token"),
    ("auth", "use"),
    ("models",),
    ("models", "list"),
    ("models", "kilocode"),
    ("models", "openrouter"),
    ("models", "set"),
    ("models", "status"),
    ("models", "info"),
    ("config",),
    ("config", "path"),
    ("config", "show"),
    ("doctor",),
    ("exec",),
    ("env",),
    ("setup",),
]


def snapshot(command: tuple[str, ...]) -> Path:
    return HELP_DIR / (("-".join(command) or "kilocli") + ".txt")


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "kilocli")
def test_help_is_as_written(command: tuple[str, ...]) -> None:
    run = run_kilocli(*command, "--help", env={"COLUMNS": "100"})
    assert run.code == 0, run.stderr
    assert run.stderr == ""
    path = snapshot(command)
    if os.environ.get("UPDATE_HELP_SNAPSHOTS") == "1":
        path.write_text(run.stdout, encoding="utf-8")
    assert run.stdout == path.read_text(encoding="utf-8")


def test_no_snapshot_is_left_over() -> None:
    assert {p.name for p in HELP_DIR.glob("*.txt")} == {snapshot(c).name for c in COMMANDS}
