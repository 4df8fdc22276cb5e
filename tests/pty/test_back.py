"""Back and the manual model prompt in a real pseudo-terminal (SPEC §5)."""

from __future__ import annotations

import pytest

from kilocli.errors import ExitCode
from tests.fakes import FakeGateway
from tests.helpers import read_toml
from tests.pty.conftest import DOWN, ENTER, Spawn

pytestmark = pytest.mark.pty

SONNET = "openrouter/anthropic/claude-sonnet-4.5"
TYPED = "kilocode/vendor/typed-model"


def test_back_at_an_empty_openrouter_key_returns_to_the_providers(
    spawn: Spawn, home, gateway: FakeGateway
) -> None:
    term = spawn("onboard", OPENROUTER_BASE_URL=gateway.openrouter_base_url)
    term.expect("Model/auth provider")
    term.expect("Skip for now")
    term.send(DOWN + ENTER)  # OpenRouter: one method, so no method list
    term.expect("Enter OpenRouter API key")
    term.send(ENTER)
    term.expect("No key was entered")
    term.expect("Back")
    term.send(DOWN + ENTER)  # Back
    term.expect("Model/auth provider")
    term.expect("Skip for now")
    term.send(DOWN + DOWN + ENTER)  # Skip for now
    term.expect("nothing was written")

    assert term.finish() == ExitCode.OK
    assert gateway.requests == []
    assert not (home / "auth-profiles.toml").exists()


def test_the_manual_model_prompt_starts_empty(spawn: Spawn, home) -> None:
    """What is typed is the whole ref: nothing of the current one is left in front of it."""
    home.mkdir(mode=0o700)
    (home / "config.toml").write_text(f'[agents.defaults.model]\nprimary = "{SONNET}"\n')
    term = spawn("onboard", "--no-verify", "--kilocode-api-key", "k" * 40)
    term.expect("Default model")
    term.expect("Enter model manually")
    term.send(DOWN * 3 + ENTER)
    term.expect(r"Model \(provider/model; empty to go back\)")
    term.send(TYPED + ENTER)
    term.expect("Use it anyway")
    term.send("y")
    term.expect("Onboarding complete")

    assert term.finish() == ExitCode.OK
    assert read_toml(home / "config.toml")["agents"]["defaults"]["model"]["primary"] == TYPED
