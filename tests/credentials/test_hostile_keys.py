"""Hostile "keys": what normalising, the preview and the command line make of them (SPEC §4).

Each input is either stored normalised, or refused with exit code 2 and a message that never
contains the input, with nothing written. The command-line cases run in real processes, so
that argv and stdin go through the operating system as a user's would (a NUL cannot be an
argument at all: those inputs are piped in through ``--api-key-stdin`` / ``--stdin``).
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

from kilocli.credentials.keys import normalise_key, preview
from kilocli.errors import ExitCode, InvalidKey
from tests.cli.conftest import file_state
from tests.conftest import Run, run_kilocli

# A JWT-shaped key of a little over 10 kB: accepted as it is.
LONG_KEY = "eyJ" + "a" * 5_000 + "." + "b" * 5_000 + ".Zz9Q"
ELLIPSIS = "…"


@dataclass(frozen=True)
class Hostile:
    """``raw`` is stored as ``stored``, or refused because of ``problem`` ("Required" when
    nothing is left). ``secret`` is a part of the input that must never be shown."""

    raw: str
    stored: str | None = None
    problem: str | None = None
    secret: str | None = None

    @property
    def needs_stdin(self) -> bool:
        return "\x00" in self.raw


HOSTILE = {
    "10-kB-key": Hostile(LONG_KEY, stored=LONG_KEY),
    "10-kB-key-pasted-with-export-and-quotes": Hostile(
        f'export KILOCODE_API_KEY="{LONG_KEY}";\n', stored=LONG_KEY
    ),
    "nul": Hostile(
        "SECRETaa\x00SECRETbb", problem="a control character at character 9", secret="SECRET"
    ),
    "terminal-escape": Hostile(
        "SECRETaa\x1b[2J\x1b]0;pwned\x07SECRETbb",
        problem="a control character at character 9",
        secret="pwned",
    ),
    "backspace": Hostile(
        "SECRETaa\x08SECRETbb", problem="a control character at character 9", secret="SECRET"
    ),
    "vertical-tab": Hostile(
        "SECRETaa\x0bSECRETbb", problem="whitespace at character 9", secret="SECRET"
    ),
    "emoji": Hostile(
        "SECRETaa\U0001f511SECRETbb",
        problem="a non-ASCII character at character 9",
        secret="SECRET",
    ),
    "smart-quotes": Hostile(
        "\u201cSECRETaaSECRETbb\u201d",
        problem="a non-ASCII character at character 1",
        secret="SECRET",
    ),
    "only-quotes": Hostile('""', problem="Required"),
    "only-quotes-and-semicolon": Hostile("'';", problem="Required"),
    "export-without-value": Hostile("export KILOCODE_API_KEY=", problem="Required"),
    "assignment-without-value": Hostile("KILOCODE_API_KEY=", problem="Required"),
    "only-line-breaks": Hostile("\r\n\u2028\r\n", problem="Required"),
    "inner-space": Hostile(
        "SECRETaa SECRETbb", problem="whitespace at character 9", secret="SECRET"
    ),
    "zero-width-space": Hostile(
        "SECRETaa\u200bSECRETbb", problem="a control character at character 9", secret="SECRET"
    ),
    "byte-order-mark": Hostile(
        "\ufeffSECRETaaSECRETbb", problem="a control character at character 1", secret="SECRET"
    ),
}


def spec_preview(key: str) -> str:
    """SPEC §4 for a long key: the first four and the last four characters."""
    return f"{key[:4]}{ELLIPSIS}{key[-4:]}"


def shows_input(case: Hostile, text: str) -> bool:
    """Whether ``text`` shows the input, or the part of it that stands for a secret."""
    visible = case.raw.strip()
    return (len(visible) > 2 and visible in text) or bool(case.secret and case.secret in text)


# --- the functions -----------------------------------------------------------------------------


@pytest.mark.parametrize("case", HOSTILE.values(), ids=HOSTILE.keys())
def test_normalise_key(case: Hostile) -> None:
    if case.stored is not None:
        assert normalise_key(case.raw, source="--key") == case.stored
        return
    with pytest.raises(InvalidKey) as caught:
        normalise_key(case.raw, source="--key")
    error = caught.value
    assert error.exit_code is ExitCode.USAGE
    if case.problem == "Required":
        assert error.message == "--key: Required."
    else:
        assert error.message == (
            f"--key contains {case.problem}, so it cannot be a key; it was not used."
        )
    assert not shows_input(case, f"{error.message} {error.hint} {error!r}")


def test_preview_of_a_10_kB_key_is_still_four_and_four() -> None:
    assert preview(LONG_KEY) == "eyJa…Zz9Q"


# --- the command line --------------------------------------------------------------------------


def onboard(case: Hostile) -> Run:
    if case.needs_stdin:
        args = ("onboard", "--non-interactive", "--api-key-stdin", "--no-verify", "--json")
        return run_kilocli(*args, stdin=case.raw)
    args = ("onboard", "--non-interactive", "--kilocode-api-key", case.raw, "--no-verify")
    return run_kilocli(*args, "--json")


def login(case: Hostile) -> Run:
    if case.needs_stdin:
        return run_kilocli("auth", "login", "kilocode", "--stdin", "--no-verify", stdin=case.raw)
    return run_kilocli("auth", "login", "kilocode", "--key", case.raw, "--no-verify")


COMMANDS = {
    # (run, how the source of the key is named in a message)
    "onboard": (onboard, "--kilocode-api-key"),
    "auth-login": (login, "--key"),
}


def stored_key(home: Path) -> str:
    store = tomllib.loads((home / "auth-profiles.toml").read_text())
    key = store["profiles"]["kilocode:default"]["key"]
    assert isinstance(key, str)
    return key


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("case", HOSTILE.values(), ids=HOSTILE.keys())
def test_the_command_line(home: Path, case: Hostile, command: str) -> None:
    run, flag = COMMANDS[command]
    source = "stdin" if case.needs_stdin else flag

    result = run(case)

    if case.stored is not None:
        assert result.code == ExitCode.OK, result.stderr
        assert stored_key(home) == case.stored
        assert case.stored not in result.output
        if command == "onboard":
            assert json.loads(result.stdout)["keyPreview"] == spec_preview(case.stored)
        else:
            assert f"({spec_preview(case.stored)})" in result.stdout
        return
    assert result.code == ExitCode.USAGE
    if case.problem == "Required":
        message = f"{source}: Required."
        hint = "Paste the whole key, and only the key."
    else:
        message = f"{source} contains {case.problem}, so it cannot be a key; it was not used."
        hint = "Copy the key again from your account page and paste only the key."
    error = f"Error: {message}\n{hint}\n"
    if command == "onboard" and not case.needs_stdin:
        assert json.loads(result.stdout) == {
            "ok": False,
            "error": message,
            "hint": hint,
            "exitCode": ExitCode.USAGE,
        }
    assert result.stderr.endswith(error)
    assert not shows_input(case, result.output)
    assert file_state(home) == {}


@pytest.mark.parametrize(
    "args",
    [
        ("auth", "login", "kilocode", "--stdin", "--no-verify"),
        ("onboard", "--api-key-stdin", "--no-verify"),
    ],
    ids=["auth-login", "onboard"],
)
def test_more_than_64_kib_on_stdin_is_refused_not_cut(home: Path, args: tuple[str, ...]) -> None:
    too_long = "eyJ" + "a" * (64 * 1024)  # one character past the limit
    run = run_kilocli(*args, stdin=too_long)
    assert run.code == ExitCode.USAGE
    assert "stdin holds more than 64 KiB" in run.stderr
    assert too_long[:40] not in run.output
    assert not (home / "auth-profiles.toml").exists()
