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
    ("auth", "store"),
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
    ("shell-init",),
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


# Help built from the registries, in words, with examples, wrapped between words ---------------


def help_text(command: tuple[str, ...], columns: int = 100) -> str:
    run = run_kilocli(*command, "--help", env={"COLUMNS": str(columns)})
    assert run.code == 0, run.stderr
    return run.stdout


def test_onboard_help_lists_every_auth_choice_of_the_registry() -> None:
    from kilocli.providers.registry import AUTH_CHOICES

    words = help_text(("onboard",)).replace(",", " ").replace(".", " ").split()
    assert [c.id for c in AUTH_CHOICES if c.id not in words] == []
    assert "kilocode-device" in words


def test_setup_help_lists_every_tool_of_the_registry() -> None:
    from kilocli.tools.registry import TOOLS

    words = help_text(("setup",)).replace(",", " ").replace(";", " ").split()
    assert [tool.id for tool in TOOLS if tool.id not in words] == []


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "kilocli")
def test_help_shows_no_python_type_and_ends_with_examples(command: tuple[str, ...]) -> None:
    text = help_text(command)
    for python_type in ("<str>", "<int>", "<list", "<bool>", "<float>", "{"):
        assert python_type not in text
    assert "[[" not in text  # an optional argument's metavar is bracketed once
    examples = text.split("\nExamples:\n", 1)[1].splitlines()
    # A command line is indented by two spaces, what it does by six.
    commands = [line for line in examples if line.startswith("  ") and line[2] != " "]
    assert 1 <= len(commands) <= 2, examples


@pytest.mark.parametrize("columns", [80, 60, 40])
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "kilocli")
def test_help_wraps_between_words_at_any_width(command: tuple[str, ...], columns: int) -> None:
    """Narrower help has the same words as the widest: no word was cut or split at a hyphen."""
    assert help_text(command, columns).split() == help_text(command, 1000).split()


def test_onboard_has_a_key_option_for_every_provider_of_the_registry() -> None:
    from kilocli.providers.registry import PROVIDERS

    lines = help_text(("onboard",)).splitlines()
    assert [
        line.split()[:2]
        for line in lines
        if line.strip().startswith(tuple(p.key_flag for p in PROVIDERS))
    ] == [[p.key_flag, "KEY"] for p in PROVIDERS]
