"""``auth token`` and ``shell-init`` are answered without the command framework (SPEC §10); what
they print must be exactly what the full commands print."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest

from kilocli.cli.app import run
from kilocli.cli.context import Overrides
from tests.conftest import Run, run_kilocli
from tests.fakes import OTHER_VALID_KEY, VALID_KEY
from tests.tools.setup_helpers import setup_ok, store_key


def full(*args: str, env: dict[str, str] | None = None) -> Run:
    """The command through Typer, as it runs when the fast path steps aside."""
    out, err = io.StringIO(), io.StringIO()
    overrides = Overrides(
        env={**os.environ, **(env or {})}, stdin=io.StringIO(""), stdout=out, stderr=err
    )
    code = run(list(args), overrides)
    return Run(code, out.getvalue(), err.getvalue())


CASES = [
    pytest.param(("auth", "token", "kilocode"), {}, id="stored key"),
    pytest.param(("auth", "token", "kilocode"), {"KILOCODE_API_KEY": OTHER_VALID_KEY}, id="env"),
    pytest.param(("auth", "token", "openrouter"), {}, id="no key"),
    pytest.param(("auth", "token", "nosuch"), {}, id="unknown provider"),
    pytest.param(("shell-init", "bash"), {}, id="shell-init bash"),
    pytest.param(("shell-init", "fish"), {}, id="shell-init fish"),
    pytest.param(("shell-init",), {"SHELL": "/usr/bin/zsh"}, id="shell-init from SHELL"),
]


@pytest.mark.parametrize(("args", "env"), CASES)
def test_the_fast_answer_is_the_full_commands(args: tuple[str, ...], env: dict[str, str]) -> None:
    store_key()
    setup_ok("aider")

    fast = run_kilocli(*args, env=env)

    assert fast == full(*args, env=env)


def test_the_token_is_the_key_alone_on_stdout() -> None:
    store_key()

    assert run_kilocli("auth", "token", "kilocode") == Run(0, VALID_KEY + "\n", "")


def test_a_real_process_answers_without_importing_typer_or_rich() -> None:
    store_key()
    code = (
        "import sys; from kilocli.cli import main; main(); "
        "print(sorted(m for m in ('typer', 'click', 'rich', 'httpx') if m in sys.modules), "
        "file=sys.stderr)"
    )

    done = subprocess.run(
        [sys.executable, "-c", code, "auth", "token", "kilocode"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout == VALID_KEY + "\n"
    assert done.stderr.strip() == "[]"


def test_token_of_a_named_profile() -> None:
    store_key()
    run_kilocli(
        "auth",
        "login",
        "kilocode",
        "--key",
        OTHER_VALID_KEY,
        "--no-verify",
        "--profile-id",
        "kilocode:work",
    )

    assert run_kilocli("auth", "token", "kilocode", "--profile", "kilocode:work") == Run(
        0, OTHER_VALID_KEY + "\n", ""
    )
    assert run_kilocli("auth", "token", "kilocode") == Run(0, VALID_KEY + "\n", "")
    other = run_kilocli("auth", "token", "openrouter", "--profile", "kilocode:work")
    assert other.code == 2
    assert "belongs to kilocode" in other.stderr
