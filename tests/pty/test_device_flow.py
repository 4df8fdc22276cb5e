"""Sign in with Kilo in a real pseudo-terminal: the method list, the device flow's polls, Ctrl-C
while waiting, and the organisation question after the sign-in (SPEC §5, §13)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kilocli.errors import ExitCode
from tests.fakes import VALID_KEY, FakeGateway
from tests.helpers import read_toml
from tests.pty.conftest import DOWN, ENTER, Spawn, Terminal

pytestmark = pytest.mark.pty

ACME = {"id": "11111111-2222-4333-8444-555555555555", "name": "Acme", "role": "owner"}
SIDE = {"id": "66666666-7777-4888-9999-000000000000", "name": "Side Project", "role": "member"}
FAST_POLLS = {"KILOCLI_POLL_INTERVAL": "0.05"}
CODE_SHOWN = r"confirm the code ABCD-EF23"
WAITING = r"Waiting for you to approve the sign-in \(\d+:\d\d left\)"


def start_device_onboarding(spawn: Spawn, **env: str) -> Terminal:
    """``kilocli onboard --no-browser`` on a terminal, up to choosing "Sign in with Kilo"."""
    term = spawn("onboard", "--no-browser", **{**FAST_POLLS, **env})
    term.expect("Model/auth provider")
    term.expect("Skip for now")
    term.send(ENTER)  # Kilo Gateway is listed first
    term.expect("Kilo Gateway auth method")
    term.expect("Sign in with Kilo")
    term.expect("Back")
    term.send(ENTER)  # "Sign in with Kilo (browser)" is the first method
    return term


def nothing_written(home: Path) -> bool:
    return not (home / "auth-profiles.toml").exists() and not (home / "config.toml").exists()


def test_sign_in_with_kilo_completes_after_several_polls(
    spawn: Spawn, home: Path, gateway: FakeGateway
) -> None:
    gateway.device_pending_polls = 4

    term = start_device_onboarding(spawn)
    term.expect(CODE_SHOWN)
    term.expect("Verified: person@example.com")
    term.expect("Onboarding complete")

    assert term.finish() == ExitCode.OK
    assert gateway.device_polls == 5
    profile = read_toml(home / "auth-profiles.toml")["profiles"]["kilocode:default"]
    assert (profile["type"], profile["key"]) == ("oauth", VALID_KEY)
    assert VALID_KEY not in term.transcript


def test_back_from_the_method_list_returns_to_the_providers(
    spawn: Spawn, home: Path, gateway: FakeGateway
) -> None:
    term = spawn("onboard", "--no-browser", **FAST_POLLS)
    term.expect("Model/auth provider")
    term.expect("Skip for now")
    term.send(ENTER)
    term.expect("Kilo Gateway auth method")
    term.expect("Back")
    term.send(DOWN + DOWN + ENTER)  # Back
    term.expect("Model/auth provider")
    term.expect("Skip for now")
    term.send(DOWN + DOWN + ENTER)  # Skip for now
    term.expect("nothing was written")

    assert term.finish() == ExitCode.OK
    assert gateway.requests == []
    assert nothing_written(home)


@pytest.mark.xfail(
    strict=False,
    reason="known bug, open: in a full parallel run the Ctrl-C typed while the device wait is "
    "shown is sometimes read as a character for the whole wait (six in a minute were lost "
    "in two of five full runs; alone it passes, at times after one retry). Suspect: the "
    "terminal left without ISIG by the prompt before. Not seen again in the next session's 18 "
    "full runs (6 beside a CPU burner) and 11 pty-only runs; with --runxfail a failure prints "
    "the terminal's state. Kept running so that it shows as XPASS.",
)
def test_ctrl_c_while_waiting_for_approval_writes_nothing(
    spawn: Spawn, home: Path, gateway: FakeGateway
) -> None:
    """Driven by the screen: Ctrl-C once the wait is shown. The polls are a minute apart (the
    time is injected), so the key arrives while kilocli waits, however slow the machine."""
    gateway.device_pending_polls = 10**6

    term = start_device_onboarding(spawn, KILOCLI_POLL_INTERVAL="60")
    term.expect(CODE_SHOWN)
    term.expect(WAITING)
    term.interrupt("Interrupted; nothing was written.")

    assert term.finish() == ExitCode.INTERRUPTED
    assert "Traceback" not in term.transcript
    assert nothing_written(home)


def test_the_organisation_is_asked_after_the_sign_in_and_stored(
    spawn: Spawn, home: Path, gateway: FakeGateway
) -> None:
    gateway.organizations = [ACME, SIDE]

    term = start_device_onboarding(spawn)
    term.expect("Verified: person@example.com")
    term.expect("Use Kilo Gateway as")
    term.expect(r"Side Project \(member\)")
    term.send(DOWN + ENTER)  # from Personal (the default) to Acme
    term.expect("Onboarding complete")

    assert term.finish() == ExitCode.OK
    profile = read_toml(home / "auth-profiles.toml")["profiles"]["kilocode:default"]
    assert profile["organizationId"] == ACME["id"]


def test_a_denied_sign_in_offers_to_try_again_use_a_key_or_cancel(
    spawn: Spawn, home: Path, gateway: FakeGateway
) -> None:
    """SPEC §13: on a terminal, a denied sign-in does not end the wizard."""
    gateway.device_outcome = "denied"
    gateway.device_pending_polls = 0

    term = start_device_onboarding(spawn)
    term.expect("The sign-in was denied. What would you like to do?")
    term.expect("Try again")
    term.expect("Enter an API key instead")
    term.expect("Cancel")
    term.send(DOWN + ENTER)  # Enter an API key instead
    term.expect("Enter Kilo Gateway API key")
    term.send(VALID_KEY + ENTER)
    term.expect("Verified: person@example.com")
    term.expect("Onboarding complete")

    assert term.finish() == ExitCode.OK
    profile = read_toml(home / "auth-profiles.toml")["profiles"]["kilocode:default"]
    assert (profile["type"], profile["key"]) == ("api_key", VALID_KEY)
    assert VALID_KEY not in term.transcript
