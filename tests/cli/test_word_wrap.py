"""On a terminal, prose — warnings, errors, doctor's findings — wraps between words at any width
(the terminal itself would break a long line in the middle of a word), and says the same words
as at any other width."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator

import pytest

from tests.cli.conftest import Kilo
from tests.conftest import Run

TERMINAL = {"TTY_COMPATIBLE": "1", "NO_COLOR": "1", "TERM": "xterm"}


@pytest.fixture
def short_home() -> Iterator[str]:
    """A home whose paths fit in 40 columns (a word longer than the line can only be cut)."""
    home = tempfile.mkdtemp(prefix="k", dir="/tmp")
    yield home
    shutil.rmtree(home)


def on_terminal(kilo: Kilo, home: str, columns: int, *args: str) -> Run:
    return kilo(*args, env={**TERMINAL, "COLUMNS": str(columns), "KILOCLI_HOME": home})


@pytest.mark.parametrize("columns", [80, 50, 40])
def test_doctors_findings_wrap_between_words(kilo: Kilo, short_home: str, columns: int) -> None:
    wide = on_terminal(kilo, short_home, 1000, "doctor", "--offline")

    narrow = on_terminal(kilo, short_home, columns, "doctor", "--offline")

    assert max(len(line.rstrip()) for line in narrow.stdout.splitlines()) <= columns
    assert narrow.stdout.split() == wide.stdout.split()
    if max(len(line) for line in wide.stdout.splitlines()) > columns:  # there was wrapping
        assert len(narrow.stdout.splitlines()) > len(wide.stdout.splitlines())


@pytest.mark.parametrize("columns", [80, 50, 40])
def test_warnings_wrap_between_words(kilo: Kilo, short_home: str, columns: int) -> None:
    wide = on_terminal(kilo, short_home, 1000, "models", "kilocode", "--offline")

    narrow = on_terminal(kilo, short_home, columns, "models", "kilocode", "--offline")

    assert "Offline and no cached Kilo Gateway model list" in " ".join(narrow.stderr.split())
    assert max(len(line.rstrip()) for line in narrow.stderr.splitlines()) <= columns
    assert narrow.stderr.split() == wide.stderr.split()


def test_setup_list_puts_each_file_whole_on_a_line_at_80_columns(kilo: Kilo) -> None:
    """Paths too long for a column at 80 columns go beneath their tool's line, one a line,
    whole, your home shown as ~; every line fits."""
    home = os.environ["HOME"]
    tools = json.loads(kilo("setup", "list", "--json").stdout)["tools"]

    run = kilo("setup", "list", env={"COLUMNS": "80"})

    lines = run.stdout.splitlines()
    assert lines[0].split() == ["Tool", "Detected", "Set", "up", "Key", "Works"]
    expected = []
    for row in tools:
        expected.append(row["tool"])
        expected += ["~" + path.removeprefix(home) for path in row["files"]]
    assert [line.split()[0] for line in lines[1:]] == expected
    assert max(len(line) for line in lines) <= 80


@pytest.mark.parametrize("args", [("models", "status"), ("auth", "status", "--all")], ids=" ".join)
def test_status_blocks_wrap_between_words(
    kilo: Kilo, short_home: str, args: tuple[str, ...]
) -> None:
    wide = on_terminal(kilo, short_home, 1000, *args)

    narrow = on_terminal(kilo, short_home, 40, *args)

    assert max(len(line.rstrip()) for line in narrow.stdout.splitlines()) <= 40
    assert narrow.stdout.split() == wide.stdout.split()
