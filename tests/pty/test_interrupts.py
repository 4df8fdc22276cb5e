"""Ctrl-C at every prompt of the interactive onboarding writes nothing and exits 130 (SPEC §5).

Each case drives ``kilocli onboard`` in a real pseudo-terminal up to one prompt, presses Ctrl-C
there, and checks the exit code, the message, and that ``config.toml`` and
``auth-profiles.toml`` are exactly as they were (absent, or the same bytes, mode and mtime).
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from kilocli.errors import ExitCode
from tests.fakes import OTHER_VALID_KEY, REJECTED_KEY, VALID_KEY, FakeGateway
from tests.pty.conftest import CTRL_C, DOWN, ENTER, Spawn

pytestmark = pytest.mark.pty

ENV_KEY = "eyJlbnYta2V5.ZnJvbS10aGUtZW52aXJvbm1lbnQ.c2lnbmF0dXJl"
FILES = ("config.toml", "auth-profiles.toml")
SEEDS = {
    "profile": (
        "auth-profiles.toml",
        f'version = 1\n\n[profiles."kilocode:default"]\ntype = "api_key"\n'
        f'provider = "kilocode"\nkey = "{OTHER_VALID_KEY}"\n',
    ),
    "primary": (
        "config.toml",
        '# mine\n[agents.defaults.model]\nprimary = "openrouter/anthropic/claude-sonnet-4.5"\n',
    ),
}
KILO_KEY_FLAGS = ("--kilocode-api-key", VALID_KEY, "--no-verify")
PICK_KILO = ("Skip for now", ENTER)  # Kilo Gateway is listed first
PICK_KEY = ("Back", DOWN + ENTER)  # its second method: an API key
STORED_METHOD = ("Back", ENTER)  # a stored API-key profile makes the key method the default


@dataclass(frozen=True)
class Case:
    """Run ``onboard *args``, answer ``steps`` (wait for a pattern, then type), and press
    Ctrl-C once ``prompt`` is on the screen."""

    prompt: str
    args: tuple[str, ...] = ()
    steps: tuple[tuple[str, str], ...] = ()
    seed: str | None = None
    env: dict[str, str] = field(default_factory=dict)


CASES = {
    "provider-select": Case("Skip for now"),
    "openrouter-key": Case("Enter OpenRouter API key", steps=(("Skip for now", DOWN + ENTER),)),
    "keep-existing-key": Case(
        r"Keep the existing Kilo Gateway key \(kilocode:default, eyJh…[^)]+\)\?",
        steps=(PICK_KILO, STORED_METHOD),
        seed="profile",
    ),
    "env-key": Case(
        r"Use existing KILOCODE_API_KEY \(env: KILOCODE_API_KEY, eyJl…dXJl\)\?",
        steps=(PICK_KILO, PICK_KEY),
        env={"KILOCODE_API_KEY": ENV_KEY},
    ),
    "auth-method": Case("Kilo Gateway auth method", steps=(PICK_KILO,)),
    "hidden-key": Case("Enter Kilo Gateway API key", steps=(PICK_KILO, PICK_KEY)),
    "no-key-entered": Case(
        "No key was entered", steps=(PICK_KILO, PICK_KEY, ("Enter Kilo Gateway API key", ENTER))
    ),
    "after-rejection": Case(
        r"Cancel \(nothing is written\)",
        steps=(PICK_KILO, PICK_KEY, ("Enter Kilo Gateway API key", REJECTED_KEY + ENTER)),
    ),
    "default-model": Case("Enter model manually", args=KILO_KEY_FLAGS, seed="primary"),
    "catalog-models": Case(
        "kilocode/kilo-auto/frontier",  # only the gateway's catalog has it
        args=KILO_KEY_FLAGS,
        steps=(("Enter model manually", DOWN + DOWN + ENTER),),
        seed="primary",
    ),
    "manual-model": Case(
        r"Model \(provider/model; empty to go back\)",
        args=KILO_KEY_FLAGS,
        steps=(("Enter model manually", DOWN * 3 + ENTER),),
        seed="primary",
    ),
}

ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|[@-Z\\-_])")


def screen_text(transcript: str) -> str:
    """The transcript without escape sequences (bold stays on under NO_COLOR) or CRs."""
    return ANSI.sub("", transcript).replace("\r", "")


FileState = dict[str, tuple[bytes, int, int] | None]


def file_state(home: Path) -> FileState:
    """Bytes, mtime (ns) and permission bits of both kilocli files; None when absent."""
    state: FileState = {}
    for name in FILES:
        path = home / name
        state[name] = (
            (path.read_bytes(), path.stat().st_mtime_ns, stat.S_IMODE(path.stat().st_mode))
            if path.exists()
            else None
        )
    return state


def seed(home: Path, name: str, text: str) -> None:
    home.mkdir(mode=0o700, exist_ok=True)
    path = home / name
    path.write_text(text)
    path.chmod(0o600)
    os.utime(path, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_ctrl_c_writes_nothing_and_exits_130(
    spawn: Spawn, home: Path, gateway: FakeGateway, case: Case
) -> None:
    if case.seed is not None:
        seed(home, *SEEDS[case.seed])
    before = file_state(home)
    term = spawn("onboard", *case.args, OPENROUTER_BASE_URL=gateway.openrouter_base_url, **case.env)
    for pattern, keys in case.steps:
        term.expect(pattern)
        term.send(keys)
    term.expect(case.prompt)
    term.send(CTRL_C)

    assert term.finish() == ExitCode.INTERRUPTED
    # The last thing on the screen, once the prompt is gone: the message, and no hint.
    assert screen_text(term.transcript).endswith("\nError: Interrupted; nothing was written.\n")
    assert "Traceback" not in term.transcript
    assert file_state(home) == before
    assert sorted(p.name for p in home.glob("*.bak")) == []
    assert sorted(p.name for p in home.glob(".*.tmp")) == []
    for key in (VALID_KEY, REJECTED_KEY, OTHER_VALID_KEY, ENV_KEY):
        assert key not in term.transcript
