"""The replace rule of SPEC §8 in a real terminal: a different key stored under the profile id
is replaced only after a question (default No), in ``auth login`` and in ``onboard`` alike.
Driven by what appears on the screen."""

from __future__ import annotations

import pytest

from kilocli.errors import ExitCode
from tests.cli.conftest import file_state
from tests.fakes import OTHER_VALID_KEY, VALID_KEY
from tests.helpers import read_toml
from tests.pty.conftest import ENTER

pytestmark = pytest.mark.pty

OLD, NEW = OTHER_VALID_KEY, VALID_KEY


def stored_key(home) -> str:
    return str(read_toml(home / "auth-profiles.toml")["profiles"]["kilocode:default"]["key"])


def seed(spawn) -> None:
    term = spawn("auth", "login", "kilocode", "--key", OLD, "--no-verify")
    term.expect("Stored kilocode:default")
    assert term.finish() == ExitCode.OK


def test_auth_login_asks_before_replacing_and_no_writes_nothing(spawn, home) -> None:
    seed(spawn)
    before = file_state(home)
    term = spawn("auth", "login", "kilocode", "--key", NEW, "--no-verify")
    term.expect(r"kilocode:default already holds another key \(eyJh…VyZQ\)")
    term.expect(r"\(y/N\)")
    term.send("n")
    term.expect("Kept the key of kilocode:default; nothing was written.")
    assert term.finish() == ExitCode.ERROR
    assert file_state(home) == before
    assert NEW not in term.transcript
    assert OLD not in term.transcript


def test_onboarding_again_offers_the_key_then_asks_before_replacing(spawn, home) -> None:
    seed(spawn)
    term = spawn("onboard", "--no-verify")
    term.expect("Model/auth provider")
    term.send(ENTER)
    term.expect("Back")
    term.send(ENTER)  # the stored API-key profile makes the key method the default
    term.expect(r"Keep the existing Kilo Gateway key \(kilocode:default, eyJh…VyZQ\)\?")
    term.send("n")
    term.expect("Enter Kilo Gateway API key")
    term.send(NEW + ENTER)
    term.expect(r"kilocode:default already holds another key \(eyJh…VyZQ\)")
    term.send("y")
    term.expect("Onboarding complete")
    assert term.finish() == ExitCode.OK
    assert stored_key(home) == NEW
