"""Pressing Enter through a re-run of ``onboard`` changes nothing (SPEC §8: a re-run "starts
from what is there"): the method question defaults to the way the stored profile was made, an
API key's first question offers to keep it, and a sign-in's offers to keep the sign-in rather
than starting a new one."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from kilocli.paths import resolve_paths
from kilocli.prompting import Option, Validator
from kilocli.services.onboard import OnboardRequest, run_onboarding
from kilocli.services.onboard_result import OnboardingResult
from kilocli.services.runtime import Runtime
from tests.fakes import VALID_KEY, Asked, FakeGateway, RecordingFeedback
from tests.helpers import preview_of, read_toml


class EnterPrompter:
    """Answers every question as Enter does: a select's default (else its first option), a
    confirm's default, no box ticked. A hidden prompt fails the test: Enter keeps no key."""

    def __init__(self) -> None:
        self.asked: list[Asked] = []

    def select(
        self,
        message: str,
        options: Sequence[Option],
        *,
        default: str | None = None,
        searchable: bool = False,
    ) -> str:
        self.asked.append(Asked("select", message, tuple(o.title for o in options), default))
        return default if default is not None else options[0].value

    def confirm(self, message: str, *, default: bool = True) -> bool:
        self.asked.append(Asked("confirm", message, default=default))
        return default

    def secret(self, message: str, *, validate: Validator) -> str:
        raise AssertionError(f"Enter through a re-run reached a key prompt: {message}")

    def text(self, message: str, *, validate: Validator, default: str = "") -> str:
        raise AssertionError(f"unexpected text prompt: {message}")

    def checkbox(self, message: str, options: Sequence[Option]) -> list[str]:
        self.asked.append(Asked("checkbox", message))
        return []


def enter_through(home: Path, gateway: FakeGateway) -> tuple[OnboardingResult, EnterPrompter]:
    env = {
        "KILOCLI_HOME": str(home),
        "KILOCODE_BASE_URL": gateway.base_url,
        "OPENROUTER_BASE_URL": gateway.openrouter_base_url,
        "KILOCLI_STORE": "file",
    }
    prompter = EnterPrompter()
    runtime = Runtime(
        env=env, paths=resolve_paths(env), feedback=RecordingFeedback(), prompter=prompter
    )
    return run_onboarding(runtime, OnboardRequest()), prompter


def seeded(home: Path, kind: str) -> None:
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    email = 'email = "person@example.com"\n' if kind == "oauth" else ""
    (home / "auth-profiles.toml").write_text(
        f'version = 1\n[profiles."kilocode:default"]\ntype = "{kind}"\n'
        f'provider = "kilocode"\nkey = "{VALID_KEY}"\n{email}'
    )
    (home / "auth-profiles.toml").chmod(0o600)
    (home / "config.toml").write_text(
        '[agents.defaults.model]\nprimary = "kilocode/kilo-auto/balanced"\n'
    )


def device_requests(gateway: FakeGateway) -> list[str]:
    return [r.path for r in gateway.requests if "device-auth" in r.path]


def test_enter_through_a_re_run_keeps_an_api_key_profile(home: Path, gateway: FakeGateway) -> None:
    seeded(home, "api_key")
    store_before = read_toml(home / "auth-profiles.toml")

    result, prompter = enter_through(home, gateway)

    assert prompter.asked[0].message == "Model/auth provider"
    assert prompter.asked[0].default == "kilocode"
    assert (prompter.asked[1].message, prompter.asked[1].default) == (
        "Kilo Gateway auth method",
        "kilocode-api-key",
    )
    assert prompter.asked[2].message == (
        f"Keep the existing Kilo Gateway key (kilocode:default, {preview_of(VALID_KEY)})?"
    )
    assert device_requests(gateway) == []
    assert result.auth_choice == "kilocode-api-key"
    assert read_toml(home / "auth-profiles.toml") == store_before


def test_enter_through_a_re_run_keeps_a_sign_in(home: Path, gateway: FakeGateway) -> None:
    seeded(home, "oauth")
    store_before = read_toml(home / "auth-profiles.toml")

    result, prompter = enter_through(home, gateway)

    assert prompter.asked[1].default == "kilocode-device"
    assert prompter.asked[2].message == (
        "Keep the current Kilo Gateway sign-in "
        f"(kilocode:default, person@example.com, {preview_of(VALID_KEY)})?"
    )
    assert device_requests(gateway) == []
    assert result.auth_choice == "kilocode-device"
    assert read_toml(home / "auth-profiles.toml") == store_before


def test_a_first_run_still_defaults_to_the_first_method(home: Path, gateway: FakeGateway) -> None:
    """Nothing stored: the lists start at their first entry, as before."""
    prompter = EnterPrompter()
    from kilocli.onboarding.prompts import ask_auth_choice

    choice = ask_auth_choice(prompter, None, None)

    assert choice.id == "kilocode-device"
    assert [q.default for q in prompter.asked] == [None, None]
