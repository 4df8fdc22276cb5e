"""A denied or expired sign-in on a terminal offers "Try again" / "Enter an API key instead" /
"Cancel" instead of ending the wizard (SPEC §13); without a terminal it still ends with exit 3.
Polls wait on a virtual clock: nothing sleeps."""

from __future__ import annotations

import functools
import io
import os
from pathlib import Path

import pytest

from kilocli.cli import main
from kilocli.cli.context import Overrides
from kilocli.errors import ExitCode
from kilocli.services import runtime as runtime_module
from tests.conftest import Run, run_kilocli
from tests.fakes import VALID_KEY, FakeGateway, ScriptedPrompter
from tests.helpers import read_toml

START = "/api/device-auth/codes"
WHAT_NOW = {
    "denied": "The sign-in was denied. What would you like to do?",
    "expired": "The sign-in code expired before it was approved. What would you like to do?",
}
CHOICES = ("Try again", "Enter an API key instead", "Cancel (nothing is written)")


@pytest.fixture(autouse=True)
def virtual_time(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1_795_000_000.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    patched = functools.partial(
        runtime_module.Runtime, sleep=sleep, clock=lambda: now[0], open_url=lambda url: True
    )
    monkeypatch.setattr(runtime_module, "Runtime", patched)


def onboard_on_a_terminal(gateway: FakeGateway, prompter: ScriptedPrompter) -> Run:
    out, err = io.StringIO(), io.StringIO()
    code = main(
        ["onboard", "--auth-choice", "kilocode-device", "--no-browser"],
        env={**os.environ, "KILOCODE_BASE_URL": gateway.base_url},
        stdin=io.StringIO(),
        stdout=out,
        stderr=err,
        overrides=Overrides(prompter=prompter, interactive=True),
    )
    return Run(code, out.getvalue(), err.getvalue())


def starts(gateway: FakeGateway) -> int:
    return sum(seen.path == START for seen in gateway.requests)


@pytest.mark.parametrize("outcome", ["denied", "expired"])
def test_try_again_starts_a_new_sign_in_and_cancel_writes_nothing(
    gateway: FakeGateway, home: Path, outcome: str
) -> None:
    gateway.device_outcome = outcome  # type: ignore[assignment]
    gateway.device_pending_polls = 0
    prompter = ScriptedPrompter(["retry", "cancel"])
    run = onboard_on_a_terminal(gateway, prompter)
    assert run.code == ExitCode.NOT_AUTHENTICATED
    assert [(a.message, a.options) for a in prompter.asked] == [(WHAT_NOW[outcome], CHOICES)] * 2
    assert starts(gateway) == 2
    assert f"Cancelled after the sign-in was {outcome}; nothing was written." in run.stderr
    assert not (home / "auth-profiles.toml").exists()
    assert not (home / "config.toml").exists()


def test_enter_an_api_key_instead_stores_the_key(gateway: FakeGateway, home: Path) -> None:
    gateway.device_outcome = "denied"
    gateway.device_pending_polls = 0
    prompter = ScriptedPrompter(["key", VALID_KEY])
    run = onboard_on_a_terminal(gateway, prompter)
    assert run.code == ExitCode.OK, run.stderr
    assert [a.kind for a in prompter.asked] == ["select", "secret"]
    profile = read_toml(home / "auth-profiles.toml")["profiles"]["kilocode:default"]
    assert (profile["type"], profile["key"]) == ("api_key", VALID_KEY)
    assert "Verified: person@example.com" in run.stderr


def test_back_at_an_empty_key_prompt_returns_to_the_question_after_the_sign_in(
    gateway: FakeGateway, home: Path
) -> None:
    """As at the normal key prompt: an empty key offers "Enter the key" / "Back", and Back asks
    "What would you like to do?" again, without starting a new sign-in."""
    gateway.device_outcome = "denied"
    gateway.device_pending_polls = 0
    prompter = ScriptedPrompter(["key", "", "Back", "key", VALID_KEY])
    run = onboard_on_a_terminal(gateway, prompter)
    assert run.code == ExitCode.OK, run.stderr
    assert [(a.kind, a.message) for a in prompter.asked] == [
        ("select", WHAT_NOW["denied"]),
        ("secret", "Enter Kilo Gateway API key"),
        ("select", "No key was entered"),
        ("select", WHAT_NOW["denied"]),
        ("secret", "Enter Kilo Gateway API key"),
    ]
    assert prompter.asked[1].errors == ()  # not "Required."
    assert starts(gateway) == 1
    assert (
        read_toml(home / "auth-profiles.toml")["profiles"]["kilocode:default"]["key"] == VALID_KEY
    )


def test_without_a_terminal_a_denied_sign_in_still_ends_with_exit_3(
    gateway: FakeGateway, home: Path
) -> None:
    gateway.device_outcome = "denied"
    gateway.device_pending_polls = 0
    run = run_kilocli(
        "onboard",
        "--auth-choice",
        "kilocode-device",
        "--no-browser",
        env={"KILOCODE_BASE_URL": gateway.base_url},
    )
    assert run.code == ExitCode.NOT_AUTHENTICATED
    assert "denied" in run.stderr
    assert starts(gateway) == 1


def test_auth_login_device_offers_the_same_choices(gateway: FakeGateway, home: Path) -> None:
    """``auth login --device`` goes through the same credential flow (SPEC §8)."""
    gateway.device_outcome = "expired"
    gateway.device_pending_polls = 0
    prompter = ScriptedPrompter(["key", VALID_KEY])
    out, err = io.StringIO(), io.StringIO()
    code = main(
        ["auth", "login", "kilocode", "--device", "--no-browser"],
        env={**os.environ, "KILOCODE_BASE_URL": gateway.base_url},
        stdin=io.StringIO(),
        stdout=out,
        stderr=err,
        overrides=Overrides(prompter=prompter, interactive=True),
    )
    assert code == ExitCode.OK, err.getvalue()
    assert prompter.asked[0].message == WHAT_NOW["expired"]
    profile = read_toml(home / "auth-profiles.toml")["profiles"]["kilocode:default"]
    assert (profile["type"], profile["key"]) == ("api_key", VALID_KEY)
