"""Back, from every question that offers it, returns to the question before (SPEC §5), and the
manual model prompt starts empty; driven through the injected prompter."""

from __future__ import annotations

from pathlib import Path

import pytest

from kilocli.onboarding.prompts import MANUAL_QUESTION
from kilocli.providers.registry import PROVIDERS, SKIP_CHOICE, Provider, choices_for
from kilocli.services.onboard import OnboardRequest
from tests.fakes import VALID_KEY
from tests.onboarding.conftest import Wizard, WizardFactory

GROUPS = "Model/auth provider"
NO_KEY = "No key was entered"
# A provider's own group and its key prompt, as the registry describes them.
WITH_KEYS = [p for p in PROVIDERS if any(c.method == "api_key" for c in choices_for(p.id))]
SKIP = "Skip for now"


def questions(w: Wizard) -> list[tuple[str, str]]:
    return [(q.kind, q.message) for q in w.prompter.asked]


def to_the_key_prompt(provider: Provider) -> list[str]:
    """The answers that lead from the group list to ``provider``'s hidden key prompt."""
    choices = choices_for(provider.id)
    key_choice = next(c for c in choices if c.method == "api_key")
    return [provider.label] if len(choices) == 1 else [provider.label, key_choice.label]


@pytest.mark.parametrize("provider", WITH_KEYS, ids=[p.id for p in WITH_KEYS])
def test_back_at_an_empty_key_prompt_returns_to_the_question_before(
    wizard: WizardFactory, home: Path, provider: Provider
) -> None:
    """A group with several methods goes back to its method list (whose Back leads up to the
    groups); a group with one method has no list, so Back leads to the groups at once. Never
    the same key prompt again."""
    several = len(choices_for(provider.id)) > 1
    back_up = ["Back"] if several else []
    w = wizard([*to_the_key_prompt(provider), "", "Back", *back_up, SKIP])

    result = w.run()

    key_prompt = ("secret", f"Enter {provider.label} API key")
    methods = [("select", f"{provider.label} auth method")] if several else []
    assert questions(w) == [
        ("select", GROUPS),
        *methods,
        key_prompt,
        ("select", NO_KEY),
        *methods,
        ("select", GROUPS),
    ]
    assert result.auth_choice == SKIP_CHOICE
    assert not (home / "auth-profiles.toml").exists()


@pytest.mark.parametrize("provider", WITH_KEYS, ids=[p.id for p in WITH_KEYS])
def test_after_back_another_provider_can_be_chosen(
    wizard: WizardFactory, home: Path, provider: Provider
) -> None:
    other = next(p for p in WITH_KEYS if p is not provider)
    up = ["Back"] if len(choices_for(provider.id)) > 1 else []
    answers = [*to_the_key_prompt(provider), "", "Back", *up, *to_the_key_prompt(other)]
    w = wizard([*answers, VALID_KEY])

    result = w.run(OnboardRequest(verify=False))

    assert result.provider == other.id
    assert questions(w)[-1] == ("secret", f"Enter {other.label} API key")


def test_the_empty_key_prompt_may_also_be_typed_again(wizard: WizardFactory) -> None:
    kilo = next(p for p in WITH_KEYS if p.id == "kilocode")
    w = wizard([*to_the_key_prompt(kilo), "", "Enter the key", VALID_KEY])

    result = w.run(OnboardRequest(verify=False))

    assert result.provider == "kilocode"
    assert [m for _, m in questions(w)][-3:] == [
        "Enter Kilo Gateway API key",
        NO_KEY,
        "Enter Kilo Gateway API key",
    ]


CUSTOM = "kilocode/anthropic/claude-sonnet-4.5"
CONFIG = f"""\
[agents.defaults.model]
primary = "{CUSTOM}"
"""
STORE = f"""\
version = 1

[profiles."kilocode:default"]
type = "api_key"
provider = "kilocode"
key = "{VALID_KEY}"
"""


def seeded(home: Path) -> None:
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    (home / "config.toml").write_text(CONFIG)
    (home / "auth-profiles.toml").write_text(STORE)
    (home / "auth-profiles.toml").chmod(0o600)


KILO = OnboardRequest(auth_choice="kilocode-api-key", verify=False)


def test_the_manual_model_prompt_starts_empty(wizard: WizardFactory, home: Path) -> None:
    seeded(home)
    w = wizard([True, "Enter model manually", "kilocode/vendor/typed", True])

    result = w.run(KILO)

    manual = w.prompter.asked[2]
    assert (manual.kind, manual.message, manual.default) == ("text", MANUAL_QUESTION, "")
    assert result.default_model == "kilocode/vendor/typed"


def test_an_empty_manual_model_goes_back_to_the_default_model_question(
    wizard: WizardFactory, home: Path
) -> None:
    seeded(home)
    w = wizard([True, "Enter model manually", "", f"Keep current ({CUSTOM})"])

    result = w.run(KILO)

    assert questions(w)[1:] == [
        ("select", "Default model"),
        ("text", MANUAL_QUESTION),
        ("select", "Default model"),
    ]
    assert result.default_model == CUSTOM
    assert w.prompter.asked[2].errors == ()  # empty means Back, not "Required"


def test_back_from_the_catalog_list_returns_to_the_default_model_question(
    wizard: WizardFactory, home: Path
) -> None:
    seeded(home)
    w = wizard([True, "Choose from Kilo Gateway models…", "Back", f"Keep current ({CUSTOM})"])

    result = w.run(KILO)

    assert questions(w)[1:] == [
        ("select", "Default model"),
        ("select", "Kilo Gateway model"),
        ("select", "Default model"),
    ]
    assert result.default_model == CUSTOM
