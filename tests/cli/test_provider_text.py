"""Every hint that says where to get or check a key comes from the provider's registry entry
(SPEC §3): an OpenRouter user is never sent to Kilo's site or told about a Kilo account."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import Kilo, write_file
from tests.fakes import REJECTED_KEY, VALID_KEY, FakeGateway

KILO_WORDS = ("kilo.ai", "Kilo Gateway", "Kilo account", "kilocode")
NO_CREDITS = json.dumps({"error": {"code": 402, "message": "Insufficient credits"}}).encode()


def assert_no_kilo_text(output: str) -> None:
    for word in KILO_WORDS:
        assert word not in output, f"{word!r} shown to an OpenRouter user:\n{output}"


def openrouter_home(home: Path) -> None:
    write_file(home / "config.toml", '[agents.defaults.model]\nprimary = "openrouter/auto"\n')


OPENROUTER_PATHS = {
    "onboard, rejected key": (
        "onboard",
        "--openrouter-api-key",
        REJECTED_KEY,
        "--auth-choice",
        "openrouter-api-key",
    ),
    "onboard, empty key": (
        "onboard",
        "--openrouter-api-key",
        " ",
        "--auth-choice",
        "openrouter-api-key",
    ),
    "onboard, no key": ("onboard", "--auth-choice", "openrouter-api-key"),
    "auth login, rejected key": ("auth", "login", "openrouter", "--key", REJECTED_KEY),
    "auth login, key with a space": ("auth", "login", "openrouter", "--key", "sk-or a b"),
    "auth status --check, rejected key": ("auth", "status", "openrouter", "--check"),
    "auth token, no key": ("auth", "token", "openrouter"),
    "doctor, rejected key": ("doctor",),
}


@pytest.mark.parametrize("case", list(OPENROUTER_PATHS))
def test_openrouter_paths_show_no_kilo_text(
    case: str, kilo: Kilo, home: Path, gateway: FakeGateway
) -> None:
    openrouter_home(home)
    env = {}
    if case in {"auth status --check, rejected key", "doctor, rejected key"}:
        env["OPENROUTER_API_KEY"] = REJECTED_KEY

    run = kilo(*OPENROUTER_PATHS[case], env=env)

    assert run.code != 0
    assert_no_kilo_text(run.output)


def test_a_rejected_openrouter_key_points_at_openrouters_key_page(
    kilo: Kilo, gateway: FakeGateway
) -> None:
    run = kilo("auth", "login", "openrouter", "--key", REJECTED_KEY)

    assert "https://openrouter.ai/settings/keys" in run.stderr


def test_no_credits_at_openrouter_points_at_openrouters_credits_page(
    kilo: Kilo, home: Path, gateway: FakeGateway
) -> None:
    openrouter_home(home)
    gateway.fail("/api/v1/key", status=402, body=NO_CREDITS)

    run = kilo("auth", "login", "openrouter", "--key", VALID_KEY)

    assert run.code == 0
    assert "https://openrouter.ai/settings/credits" in run.stderr
    assert_no_kilo_text(run.output)
