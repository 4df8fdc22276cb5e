"""Onboarding's read-only offer of a Kilo CLI sign-in (SPEC §4, §5 step 3c')."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.conftest import run_kilocli
from tests.fakes import OTHER_VALID_KEY, VALID_KEY
from tests.helpers import preview_of, read_toml
from tests.onboarding.conftest import WizardFactory


def kilo_cli_store(entry: dict[str, object]) -> Path:
    path = Path(os.environ["HOME"]) / ".local/share/kilo/auth.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"kilo": entry}))
    path.chmod(0o600)
    return path


def test_onboarding_offers_a_kilo_cli_sign_in_and_never_writes_it(
    wizard: WizardFactory, home: Path
) -> None:
    store = kilo_cli_store(
        {"type": "oauth", "access": VALID_KEY, "refresh": VALID_KEY, "expires": 0}
    )
    before = store.read_bytes()
    w = wizard(["Kilo Gateway", "Kilo Gateway API key", True])

    result = w.run()

    question = w.prompter.asked[2]
    assert question.message == f"Use your Kilo CLI sign-in ({store}, {preview_of(VALID_KEY)})?"
    assert result.key_source == f"kilo-cli: {store}"
    profile = read_toml(home / "auth-profiles.toml")["profiles"]["kilocode:default"]
    assert (profile["type"], profile["key"]) == ("oauth", VALID_KEY)
    assert store.read_bytes() == before


def test_an_api_entry_is_offered_as_a_key(wizard: WizardFactory, home: Path) -> None:
    kilo_cli_store({"type": "api", "key": OTHER_VALID_KEY})
    w = wizard(["Kilo Gateway", "Kilo Gateway API key", True])
    w.run()
    profile = read_toml(home / "auth-profiles.toml")["profiles"]["kilocode:default"]
    assert (profile["type"], profile["key"]) == ("api_key", OTHER_VALID_KEY)


def test_declining_the_kilo_cli_sign_in_asks_for_a_key(wizard: WizardFactory) -> None:
    kilo_cli_store({"type": "api", "key": OTHER_VALID_KEY})
    w = wizard(["Kilo Gateway", "Kilo Gateway API key", False, VALID_KEY])
    result = w.run()
    assert result.key_source == "prompt"


def test_a_broken_kilo_cli_store_is_passed_over(wizard: WizardFactory) -> None:
    path = Path(os.environ["HOME"]) / ".local/share/kilo/auth.json"
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    w = wizard(["Kilo Gateway", "Kilo Gateway API key", VALID_KEY])
    assert w.run().key_source == "prompt"


def test_the_kilo_cli_store_is_not_a_source_of_other_commands() -> None:
    kilo_cli_store({"type": "api", "key": OTHER_VALID_KEY})
    assert run_kilocli("auth", "token", "kilocode").code == 3
