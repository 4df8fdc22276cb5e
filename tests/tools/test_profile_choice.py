"""``env --profile`` and ``exec --profile`` hand over the key (and organisation) of the profile
named, not the one in effect, when two profiles of a provider are stored."""

from __future__ import annotations

import json
import sys

import pytest

from tests.conftest import run_kilocli
from tests.fakes import OTHER_VALID_KEY, VALID_KEY
from tests.tools.setup_helpers import kilocli_home

DEFAULT_ORG = "9f4c1d2e-0000-4000-8000-00000000000a"
WORK_ORG = "9f4c1d2e-0000-4000-8000-00000000000b"
# profile id -> (its key, its organisation)
PROFILES = {
    "kilocode:default": (VALID_KEY, DEFAULT_ORG),
    "kilocode:work": (OTHER_VALID_KEY, WORK_ORG),
}
SHOW_ENV = (
    "import json, os; print(json.dumps({k: os.environ.get(k) for k in "
    "['KILOCODE_API_KEY', 'KILO_API_KEY', 'KILO_ORG_ID', 'OPENAI_API_KEY']}))"
)


def store_two_profiles(active: str) -> None:
    """Both profiles of ``PROFILES``, with ``active`` first in ``auth.order.kilocode``."""
    home = kilocli_home()
    home.mkdir(mode=0o700, exist_ok=True)
    store = "version = 1\n"
    for profile_id, (key, org) in PROFILES.items():
        store += (
            f'\n[profiles."{profile_id}"]\ntype = "api_key"\nprovider = "kilocode"\n'
            f'key = "{key}"\norganizationId = "{org}"\n'
        )
    (home / "auth-profiles.toml").write_text(store)
    (home / "auth-profiles.toml").chmod(0o600)
    other = next(p for p in PROFILES if p != active)
    (home / "config.toml").write_text(
        '[agents.defaults.model]\nprimary = "kilocode/anthropic/claude-sonnet-4.5"\n\n'
        f'[auth.order]\nkilocode = ["{active}", "{other}"]\n'
    )


def handed_over(profile_id: str) -> dict[str, str]:
    key, org = PROFILES[profile_id]
    return {"KILOCODE_API_KEY": key, "KILO_API_KEY": key, "KILO_ORG_ID": org}


# Each profile named while the other one is in effect, so handing over the key in effect (or
# the first stored) instead of the one named fails.
CASES = [("kilocode:default", "kilocode:work"), ("kilocode:work", "kilocode:default")]


@pytest.mark.parametrize(("named", "active"), CASES, ids=["default", "work"])
def test_env_profile_prints_the_named_profiles_key(named: str, active: str) -> None:
    store_two_profiles(active)

    run = run_kilocli("env", "--profile", named, "--format", "json")

    assert run.code == 0, run.stderr
    printed = json.loads(run.stdout)
    assert {k: printed.get(k) for k in handed_over(named)} == handed_over(named)


@pytest.mark.parametrize(("named", "active"), CASES, ids=["default", "work"])
def test_without_profile_env_prints_the_key_in_effect(named: str, active: str) -> None:
    store_two_profiles(active)

    run = run_kilocli("env", "--format", "json")

    printed = json.loads(run.stdout)
    assert {k: printed.get(k) for k in handed_over(active)} == handed_over(active)


@pytest.mark.parametrize(("named", "active"), CASES, ids=["default", "work"])
def test_exec_profile_hands_the_named_profiles_key_to_the_program(named: str, active: str) -> None:
    store_two_profiles(active)

    run = run_kilocli(
        "exec", "--profile", named, "--", sys.executable, "-c", SHOW_ENV, process=True
    )

    assert run.code == 0, run.stderr
    key = PROFILES[named][0]
    assert json.loads(run.stdout) == {**handed_over(named), "OPENAI_API_KEY": key}
    assert key not in run.stderr
