"""``doctor`` warns when the default model is not in its provider's model list: the cached
list of any age, else the built-in one; it never asks the gateway for it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kilocli.errors import ExitCode
from tests.cli.conftest import Kilo, write_file
from tests.fakes import VALID_KEY, FakeGateway

GATEWAY_ONLY = "kilocode/openai/gpt-5.4"  # the gateway lists it; the built-in list does not
STORE = (
    'version = 1\n\n[profiles."kilocode:default"]\n'
    f'type = "api_key"\nprovider = "kilocode"\nkey = "{VALID_KEY}"\n'
)


def home_with_default(home: Path, ref: str) -> None:
    write_file(home / "config.toml", f'[agents.defaults.model]\nprimary = "{ref}"\n')
    write_file(home / "auth-profiles.toml", STORE)


def default_model_finding(kilo: Kilo) -> tuple[int, dict[str, Any]]:
    run = kilo("doctor", "--json", "--offline")
    [found] = [f for f in json.loads(run.stdout)["findings"] if f["check"] == "default model"]
    return run.code, found


def test_a_default_model_no_list_has_is_a_warning(kilo: Kilo, home: Path) -> None:
    home_with_default(home, "kilocode/vendor/retired-model")

    code, found = default_model_finding(kilo)

    assert code == ExitCode.ERROR
    assert found == {
        "check": "default model",
        "severity": "warning",
        "message": "kilocode/vendor/retired-model is not in the built-in Kilo Gateway model list.",
        "fix": "kilocli models kilocode --refresh, then kilocli models set REF",
        "fixed": False,
    }


def test_the_cached_list_is_the_one_consulted(kilo: Kilo, home: Path, gateway: FakeGateway) -> None:
    home_with_default(home, GATEWAY_ONLY)
    _, before = default_model_finding(kilo)
    assert kilo("models", "kilocode", "--plain").code == ExitCode.OK  # fills the cache
    gateway.reset()

    code, after = default_model_finding(kilo)

    assert before["severity"] == "warning"
    assert (code, after["severity"]) == (ExitCode.OK, "ok")
    assert after["message"] == f"{GATEWAY_ONLY} is in the cached Kilo Gateway list."
    assert gateway.requests == []  # never a request for it


def test_a_model_of_the_built_in_list_is_fine(kilo: Kilo, home: Path) -> None:
    home_with_default(home, "openrouter/auto")

    _, found = default_model_finding(kilo)

    assert (found["severity"], found["message"]) == (
        "ok",
        "openrouter/auto is in the built-in OpenRouter list.",
    )
