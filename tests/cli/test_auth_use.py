"""``auth use`` switches the active profile; ``auth list`` shows which is active and each
profile's organisation (SPEC §8)."""

from __future__ import annotations

import json
from pathlib import Path

from kilocli.errors import ExitCode
from tests.conftest import run_kilocli
from tests.fakes import OTHER_VALID_KEY, VALID_KEY
from tests.helpers import preview_of, read_toml

ORG = "9f4c1d2e-0000-4000-8000-000000000001"


def two_profiles(home: Path) -> None:
    """kilocode:default (personal) and kilocode:work (an organisation), default in effect."""
    for key, profile in ((VALID_KEY, "kilocode:default"), (OTHER_VALID_KEY, "kilocode:work")):
        run = run_kilocli(
            "auth", "login", "kilocode", "--key", key, "--profile-id", profile, "--no-verify"
        )
        assert run.code == 0, run.stderr
    store = home / "auth-profiles.toml"
    store.write_text(store.read_text() + f'organizationId = "{ORG}"\n')  # the last profile's


def active_profiles() -> dict[str, bool]:
    rows = json.loads(run_kilocli("auth", "list", "--json").stdout)["profiles"]
    return {row["profileId"]: row["active"] for row in rows}


def test_use_makes_a_profile_active(home: Path) -> None:
    two_profiles(home)
    assert active_profiles() == {"kilocode:default": True, "kilocode:work": False}

    run = run_kilocli("auth", "use", "kilocode:work")

    assert run.code == ExitCode.OK, run.stderr
    assert (
        run.stdout == f"kilocode:work is now the active kilocode profile, as organisation {ORG}.\n"
    )
    assert read_toml(home / "config.toml")["auth"]["order"] == {"kilocode": ["kilocode:work"]}
    assert active_profiles() == {"kilocode:default": False, "kilocode:work": True}
    token = run_kilocli("auth", "token", "kilocode")
    assert token.stdout == OTHER_VALID_KEY + "\n"


def test_use_moves_a_profile_to_the_front_of_an_existing_order(home: Path) -> None:
    two_profiles(home)
    run_kilocli("auth", "use", "kilocode:work")
    run = run_kilocli("auth", "use", "kilocode:default", "--json")
    assert json.loads(run.stdout) == {
        "ok": True,
        "profileId": "kilocode:default",
        "provider": "kilocode",
        "organization": None,
        "order": ["kilocode:default", "kilocode:work"],
        "envOverride": None,
    }


def test_use_says_when_an_env_var_still_wins(home: Path) -> None:
    two_profiles(home)
    run = run_kilocli("auth", "use", "kilocode:work", env={"KILO_API_KEY": VALID_KEY})
    assert run.code == ExitCode.OK
    assert "KILO_API_KEY is set in the environment and wins over kilocode:work" in run.stderr


def test_use_of_an_unknown_profile_changes_nothing(home: Path) -> None:
    two_profiles(home)
    before = (home / "config.toml").read_bytes()
    run = run_kilocli("auth", "use", "kilocode:nope")
    assert run.code == ExitCode.USAGE
    assert "stored profiles: kilocode:default, kilocode:work" in run.stderr
    assert (home / "config.toml").read_bytes() == before


def test_list_shows_the_organisation_and_the_active_profile(home: Path) -> None:
    two_profiles(home)
    run = run_kilocli("auth", "list", env={"COLUMNS": "120"})
    lines = run.stdout.splitlines()
    assert lines[0].split() == [
        "Profile",
        "Provider",
        "Type",
        "Key",
        "Organisation",
        "In",
        "config",
        "Active",
    ]
    assert lines[1].split() == [
        "kilocode:default",
        "kilocode",
        "api_key",
        preview_of(VALID_KEY),
        "personal",
        "yes",
        "yes",
    ]
    assert lines[2].split() == [
        "kilocode:work",
        "kilocode",
        "api_key",
        preview_of(OTHER_VALID_KEY),
        ORG,
        "yes",
    ]
