"""Re-running ``onboard`` on an onboarded home starts from what is there (SPEC §8): it offers
to keep the current key, organisation and default model, each question defaulting to keeping,
and a run without a terminal keeps what it is not told to change."""

from __future__ import annotations

import json
from pathlib import Path

from kilocli.services.onboard import OnboardRequest
from tests.account.test_organizations import (
    ACME,
    SIDE,
    onboard,
    onboard_interactively,
    stored_profile,
    two_organisations,
)
from tests.fakes import VALID_KEY, FakeGateway, ScriptedPrompter
from tests.helpers import preview_of, read_toml
from tests.onboarding.conftest import WizardFactory


def test_a_re_run_without_a_terminal_keeps_the_organisation_chosen_before(
    home: Path, gateway: FakeGateway
) -> None:
    two_organisations(gateway, selected=SIDE)
    first = onboard(gateway, "--organization", ACME["id"])
    assert first.code == 0, first.stderr

    again = onboard(gateway)  # the account's selected organisation is Side Project

    assert again.code == 0, again.stderr
    assert json.loads(again.stdout)["organization"] == ACME["id"]
    assert stored_profile(home)["organizationId"] == ACME["id"]


def test_a_re_run_without_a_terminal_keeps_personal(home: Path, gateway: FakeGateway) -> None:
    two_organisations(gateway, selected=SIDE)
    assert onboard(gateway, "--organization", "personal").code == 0

    again = onboard(gateway)

    assert json.loads(again.stdout)["organization"] is None
    assert "organizationId" not in stored_profile(home)


def test_a_re_run_on_a_terminal_offers_the_current_organisation_first(
    home: Path, gateway: FakeGateway
) -> None:
    two_organisations(gateway, selected=SIDE)
    assert onboard(gateway, "--organization", ACME["id"]).code == 0
    prompter = ScriptedPrompter(["Acme (owner)"])

    run = onboard_interactively(gateway, prompter)

    assert run.code == 0, run.stderr
    [question] = prompter.asked
    assert (question.message, question.default) == ("Use Kilo Gateway as", ACME["id"])


def test_a_re_run_offers_the_key_and_keeps_the_model_and_organisation(
    wizard: WizardFactory, home: Path, gateway: FakeGateway
) -> None:
    two_organisations(gateway, selected=SIDE)
    first = wizard(["Side Project (member)"])
    first.run(OnboardRequest(flag_keys={"kilocode": VALID_KEY}, model="kilocode/acme/private"))
    w = wizard([True, "Side Project (member)", "Keep current (kilocode/acme/private)"])

    result = w.run(OnboardRequest(auth_choice="kilocode-api-key"))

    asked = [(q.kind, q.message, q.default) for q in w.prompter.asked]
    assert asked == [
        (
            "confirm",
            f"Keep the existing Kilo Gateway key (kilocode:default, {preview_of(VALID_KEY)})?",
            True,
        ),
        ("select", "Use Kilo Gateway as", SIDE["id"]),
        ("select", "Default model", "keep"),
    ]
    assert (result.profile_id, result.organization, result.default_model) == (
        "kilocode:default",
        SIDE["id"],
        "kilocode/acme/private",
    )
    assert result.default_model_changed is False
    config = read_toml(home / "config.toml")
    assert config["agents"]["defaults"]["model"]["primary"] == "kilocode/acme/private"


def test_a_re_run_keeps_a_sign_in_profile_a_sign_in(wizard: WizardFactory, home: Path) -> None:
    (home).mkdir(parents=True, exist_ok=True)
    (home / "auth-profiles.toml").write_text(
        'version = 1\n[profiles."kilocode:default"]\n'
        f'type = "oauth"\nprovider = "kilocode"\nkey = "{VALID_KEY}"\n'
        'email = "person@example.com"\n'
    )
    (home / "auth-profiles.toml").chmod(0o600)
    w = wizard([True])

    w.run(OnboardRequest(auth_choice="kilocode-api-key", verify=False))

    profile = read_toml(home / "auth-profiles.toml")["profiles"]["kilocode:default"]
    assert (profile["type"], profile["email"]) == ("oauth", "person@example.com")


def test_back_at_the_organisation_question_returns_to_the_key_question(
    wizard: WizardFactory, home: Path, gateway: FakeGateway
) -> None:
    """The question just before "Use Kilo Gateway as" on the API-key route is the key's."""
    two_organisations(gateway, selected=SIDE)
    answers = ["Kilo Gateway", "Kilo Gateway API key", VALID_KEY, "Back", ""]
    w = wizard([*answers, "Back", "Back", "Skip for now"])

    result = w.run()

    assert [(q.kind, q.message) for q in w.prompter.asked] == [
        ("select", "Model/auth provider"),
        ("select", "Kilo Gateway auth method"),
        ("secret", "Enter Kilo Gateway API key"),
        ("select", "Use Kilo Gateway as"),
        ("secret", "Enter Kilo Gateway API key"),
        ("select", "No key was entered"),
        ("select", "Kilo Gateway auth method"),
        ("select", "Model/auth provider"),
    ]
    assert w.prompter.selects[2].options[-1] == ("Back", "__back__")
    assert result.auth_choice == "skip"
    assert not (home / "auth-profiles.toml").exists()
