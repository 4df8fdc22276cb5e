"""The interactive onboarding, driven in a real pseudo-terminal with pexpect."""

from __future__ import annotations

import pytest

from kilocli.errors import ExitCode
from tests.fakes import REJECTED_KEY, VALID_KEY
from tests.helpers import read_toml
from tests.pty.conftest import CTRL_C, DOWN, ENTER

pytestmark = pytest.mark.pty

ENV_KEY = "eyJlbnYta2V5.ZnJvbS10aGUtZW52aXJvbm1lbnQ.c2lnbmF0dXJl"


def test_choose_kilo_decline_env_key_type_a_hidden_key(spawn, home, gateway) -> None:
    term = spawn("onboard", KILOCODE_API_KEY=ENV_KEY)
    term.expect("Model/auth provider")
    term.expect("Skip for now")
    term.send(ENTER)  # Kilo Gateway is listed first
    term.expect("Kilo Gateway auth method")
    term.expect("Back")
    term.send(DOWN + ENTER)  # "Sign in with Kilo (browser)" is first; the key is second
    term.expect(r"Use existing KILOCODE_API_KEY \(env: KILOCODE_API_KEY, eyJl…dXJl\)\?")
    term.send("n")
    term.expect("Enter Kilo Gateway API key")
    term.send(VALID_KEY + ENTER)
    term.expect("Verified: person@example.com")
    term.expect("Onboarding complete")
    assert term.finish() == ExitCode.OK

    assert VALID_KEY not in term.transcript  # typed, never echoed
    assert ENV_KEY not in term.transcript
    store = read_toml(home / "auth-profiles.toml")
    assert store["profiles"] == {
        "kilocode:default": {"type": "api_key", "provider": "kilocode", "key": VALID_KEY}
    }
    config = read_toml(home / "config.toml")
    assert config["agents"]["defaults"]["model"] == {"primary": "kilocode/kilo-auto/balanced"}
    assert config["auth"]["profiles"]["kilocode:default"] == {
        "provider": "kilocode",
        "mode": "api_key",
    }
    profile_requests = [seen for seen in gateway.requests if seen.path == "/api/profile"]
    assert [seen.headers["Authorization"] for seen in profile_requests] == [f"Bearer {VALID_KEY}"]


def test_rejected_key_then_another_key(spawn, home, gateway) -> None:
    term = spawn("onboard")
    term.expect("Model/auth provider")
    term.send(ENTER)
    term.expect("Back")
    term.send(DOWN + ENTER)
    term.expect("Enter Kilo Gateway API key")
    term.send(REJECTED_KEY + ENTER)
    term.expect(r"Kilo Gateway rejected this key \(HTTP 401: Invalid token")
    term.expect("What would you like to do")
    term.expect("Cancel")
    term.send(ENTER)  # "Enter another key" is the default
    term.expect("Enter Kilo Gateway API key")
    term.send(VALID_KEY + ENTER)
    term.expect("Verified: person@example.com")
    assert term.finish() == ExitCode.OK

    assert REJECTED_KEY not in term.transcript
    assert VALID_KEY not in term.transcript
    store = read_toml(home / "auth-profiles.toml")
    assert store["profiles"]["kilocode:default"]["key"] == VALID_KEY
    auth_headers = [
        s.headers.get("Authorization") for s in gateway.requests if s.path == "/api/profile"
    ]
    assert auth_headers == [f"Bearer {REJECTED_KEY}", f"Bearer {VALID_KEY}"]


def test_an_empty_key_offers_to_type_it_again(spawn, home) -> None:
    term = spawn("onboard", "--no-verify")
    term.expect("Model/auth provider")
    term.send(ENTER)
    term.expect("Back")
    term.send(DOWN + ENTER)
    term.expect("Enter Kilo Gateway API key")
    term.send(ENTER)
    term.expect("No key was entered")
    term.expect("Back")
    term.send(ENTER)  # "Enter the key" is the default
    term.expect("Enter Kilo Gateway API key")
    term.send(VALID_KEY + ENTER)
    term.expect("Onboarding complete")
    assert term.finish() == ExitCode.OK
    assert (home / "auth-profiles.toml").exists()


def test_an_empty_key_goes_back_to_the_method_list_and_back_up(spawn, home) -> None:
    term = spawn("onboard", "--no-verify")
    term.expect("Model/auth provider")
    term.send(ENTER)
    term.expect("Back")
    term.send(DOWN + ENTER)
    term.expect("Enter Kilo Gateway API key")
    term.send(ENTER)
    term.expect("No key was entered")
    term.expect("Back")
    term.send(DOWN + ENTER)  # Back: to the Kilo Gateway method list
    term.expect("Kilo Gateway auth method")
    term.expect("Back")
    term.send(DOWN + DOWN + ENTER)  # Back again: to the groups
    term.expect("Model/auth provider")
    term.expect("Skip for now")
    term.send(DOWN + DOWN + ENTER)  # Skip for now
    term.expect("nothing was written")
    assert term.finish() == ExitCode.OK
    assert not (home / "auth-profiles.toml").exists()


def test_openrouter_is_second_in_the_provider_list(spawn, home, gateway) -> None:
    term = spawn("onboard", OPENROUTER_BASE_URL=gateway.openrouter_base_url)
    term.expect("Model/auth provider")
    term.expect("Skip for now")
    term.send(DOWN + ENTER)
    term.expect("Enter OpenRouter API key")
    term.send(VALID_KEY + ENTER)
    term.expect("Verified")
    assert term.finish() == ExitCode.OK
    assert gateway.paths_requested() == ["/api/v1/key", "/api/v1/models"]  # + the list, cached
    config = read_toml(home / "config.toml")
    assert config["agents"]["defaults"]["model"]["primary"] == "openrouter/auto"


def test_existing_default_model_is_kept_when_asked(spawn, home) -> None:
    home.mkdir(mode=0o700)
    (home / "config.toml").write_text(
        '[agents.defaults.model]\nprimary = "openrouter/anthropic/claude-sonnet-4.5"\n'
        'fallbacks = ["kilocode/kilo-auto/balanced"]\n'
    )
    term = spawn("onboard", "--no-verify", "--kilocode-api-key", VALID_KEY)
    term.expect("Default model")
    term.expect(r"Keep current \(openrouter/anthropic/claude-sonnet-4.5\)")
    term.expect("Enter model manually")
    term.send(ENTER)
    term.expect("Onboarding complete")
    assert term.finish() == ExitCode.OK
    model = read_toml(home / "config.toml")["agents"]["defaults"]["model"]
    assert model == {
        "primary": "openrouter/anthropic/claude-sonnet-4.5",
        "fallbacks": ["kilocode/kilo-auto/balanced"],
    }


@pytest.mark.parametrize(
    ("answers", "stop_at"),
    [
        ([], "Model/auth provider"),
        ([("Model/auth provider", ENTER)], "Kilo Gateway auth method"),
        ([("Model/auth provider", ENTER), ("Back", DOWN + ENTER)], "Use existing KILOCODE_API_KEY"),
        (
            [("Model/auth provider", ENTER), ("Back", DOWN + ENTER), ("Use existing", "n")],
            "Enter Kilo Gateway API key",
        ),
    ],
    ids=["provider", "method", "env-key", "hidden-key"],
)
def test_ctrl_c_writes_nothing_and_exits_130(spawn, home, answers, stop_at) -> None:
    term = spawn("onboard", KILOCODE_API_KEY=ENV_KEY)
    for prompt, keys in answers:
        term.expect(prompt)
        term.send(keys)
    term.expect(stop_at)
    term.send(CTRL_C)
    assert term.finish() == ExitCode.INTERRUPTED
    assert "Interrupted; nothing was written." in term.transcript
    assert not (home / "config.toml").exists()
    assert not (home / "auth-profiles.toml").exists()
