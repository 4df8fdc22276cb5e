"""Kilo organisations (SPEC §13): which one onboarding picks, how it is stored, and that every
gateway request made with the profile's key speaks for it (``X-KILOCODE-ORGANIZATIONID``)."""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from kilocli.cli import main
from kilocli.cli.context import Overrides
from tests.conftest import Run, run_kilocli
from tests.fakes import ORG_HEADER, VALID_KEY, Asked, FakeGateway, ScriptedPrompter
from tests.helpers import document, read_toml

ACME = {"id": "11111111-2222-4333-8444-555555555555", "name": "Acme", "role": "owner"}
SIDE = {"id": "66666666-7777-4888-9999-000000000000", "name": "Side Project", "role": "member"}
UNLISTED = "99999999-aaaa-4bbb-8ccc-dddddddddddd"
PROFILE_EMAIL = "person@example.com"
ONBOARD_KEY = ("onboard", "--kilocode-api-key", VALID_KEY)
ORG_MODEL = "acme/private-model"


# Helpers


def kilo_env(gateway: FakeGateway) -> dict[str, str]:
    return {"KILOCODE_BASE_URL": gateway.base_url}


def two_organisations(gateway: FakeGateway, *, selected: dict[str, str] | None = SIDE) -> None:
    """The account belongs to Acme and Side Project (and has a personal account)."""
    gateway.organizations = [ACME, SIDE]
    gateway.selected_organization_id = selected["id"] if selected else None


def onboard(gateway: FakeGateway, *args: str) -> Run:
    """Non-interactive ``onboard --kilocode-api-key VALID_KEY --json ARGS``."""
    return run_kilocli(*ONBOARD_KEY, "--json", *args, env=kilo_env(gateway))


def onboard_interactively(gateway: FakeGateway, prompter: ScriptedPrompter) -> Run:
    """``onboard --kilocode-api-key VALID_KEY`` "on a terminal", answered by ``prompter``."""
    out, err = io.StringIO(), io.StringIO()
    code = main(
        list(ONBOARD_KEY),
        env={**os.environ, **kilo_env(gateway)},
        stdin=io.StringIO(),
        stdout=out,
        stderr=err,
        overrides=Overrides(prompter=prompter, interactive=True),
    )
    return Run(code, out.getvalue(), err.getvalue())


def stored_profile(home: Path) -> dict[str, Any]:
    profile: dict[str, Any] = read_toml(home / "auth-profiles.toml")["profiles"]["kilocode:default"]
    return profile


def nothing_written(home: Path) -> bool:
    return not (home / "auth-profiles.toml").exists() and not (home / "config.toml").exists()


def write_profile_with_organization(home: Path, organization: str) -> None:
    """A ``kilocode:default`` profile of VALID_KEY whose ``organizationId`` is ``organization``,
    written as a user (or an older kilocli) might have left it."""
    home.mkdir(mode=0o700, exist_ok=True)
    path = home / "auth-profiles.toml"
    descriptor = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(
            'version = 1\n\n[profiles."kilocode:default"]\ntype = "api_key"\n'
            f'provider = "kilocode"\nkey = "{VALID_KEY}"\norganizationId = "{organization}"\n'
        )


def keyed_requests(gateway: FakeGateway) -> list[tuple[str, str | None]]:
    """(path, organisation header) of every request that carried a key."""
    return [
        (seen.path, seen.header(ORG_HEADER))
        for seen in gateway.requests
        if seen.header("Authorization") is not None
    ]


@pytest.fixture
def as_acme(home: Path, gateway: FakeGateway) -> str:
    """VALID_KEY onboarded as Acme (of two organisations); the gateway's log is then cleared."""
    two_organisations(gateway)
    run = onboard(gateway, "--organization", ACME["id"])
    assert run.code == 0, run.stderr
    assert stored_profile(home)["organizationId"] == ACME["id"]
    gateway.requests.clear()
    return ACME["id"]


# Which organisation onboarding picks without a terminal


def test_the_accounts_selected_organisation_is_used(home, gateway) -> None:
    two_organisations(gateway, selected=SIDE)

    run = onboard(gateway)

    assert run.code == 0, run.stderr
    assert document(run)["organization"] == SIDE["id"]
    assert stored_profile(home)["organizationId"] == SIDE["id"]


def test_organization_personal_stores_no_organisation(home, gateway) -> None:
    two_organisations(gateway, selected=SIDE)

    run = onboard(gateway, "--organization", "personal")

    assert run.code == 0, run.stderr
    assert document(run)["organization"] is None
    assert stored_profile(home) == {"type": "api_key", "provider": "kilocode", "key": VALID_KEY}


def test_organization_with_a_listed_id_is_stored(home, gateway) -> None:
    two_organisations(gateway, selected=SIDE)

    run = onboard(gateway, "--organization", ACME["id"])

    assert run.code == 0, run.stderr
    assert document(run)["organization"] == ACME["id"]
    assert stored_profile(home)["organizationId"] == ACME["id"]


def test_an_organisation_the_account_does_not_list_is_refused(home, gateway) -> None:
    two_organisations(gateway)

    run = onboard(gateway, "--organization", UNLISTED)

    assert run.code == 2, run.stderr
    error = document(run)
    assert UNLISTED in error["error"]
    assert error["hint"] == (
        f"Use one of: personal, {ACME['id']} (Acme), {SIDE['id']} (Side Project)"
    )
    assert nothing_written(home)


def test_several_organisations_and_no_personal_account_need_the_flag(home, gateway) -> None:
    two_organisations(gateway, selected=None)
    gateway.has_personal_account = False

    run = onboard(gateway)

    assert run.code == 2, run.stderr
    hint = document(run)["hint"]
    assert hint.startswith("Pass --organization ID, one of: ")
    assert ACME["id"] in hint
    assert SIDE["id"] in hint
    assert nothing_written(home)


def test_the_only_organisation_of_an_account_without_personal_is_used(home, gateway) -> None:
    gateway.organizations = [ACME]
    gateway.has_personal_account = False

    run = onboard(gateway)

    assert run.code == 0, run.stderr
    assert stored_profile(home)["organizationId"] == ACME["id"]


def test_personal_is_the_default_without_a_selected_organisation(home, gateway) -> None:
    two_organisations(gateway, selected=None)

    run = onboard(gateway)

    assert run.code == 0, run.stderr
    assert document(run)["organization"] is None
    assert "organizationId" not in stored_profile(home)


# On a terminal


def test_use_kilo_gateway_as_offers_personal_then_each_organisation(gateway) -> None:
    two_organisations(gateway, selected=SIDE)
    prompter = ScriptedPrompter(["Side Project (member)"])

    run = onboard_interactively(gateway, prompter)

    assert run.code == 0, run.stderr
    assert prompter.asked == [
        Asked(
            "select",
            "Use Kilo Gateway as",
            ("Personal", "Acme (owner)", "Side Project (member)"),
            default=SIDE["id"],
        )
    ]


def test_the_organisation_chosen_on_a_terminal_is_stored(home, gateway) -> None:
    two_organisations(gateway, selected=SIDE)
    prompter = ScriptedPrompter(["Acme (owner)"])

    run = onboard_interactively(gateway, prompter)

    assert run.code == 0, run.stderr
    assert prompter.finished
    assert stored_profile(home)["organizationId"] == ACME["id"]


def test_choosing_personal_on_a_terminal_stores_no_organisation(home, gateway) -> None:
    two_organisations(gateway, selected=SIDE)

    run = onboard_interactively(gateway, ScriptedPrompter(["Personal"]))

    assert run.code == 0, run.stderr
    assert "organizationId" not in stored_profile(home)


# Every request made with the profile's key speaks for the organisation


@pytest.mark.parametrize(
    ("args", "paths"),
    [
        (("models", "kilocode", "--refresh"), ["/api/gateway/models"]),
        (
            ("auth", "status", "--check", "--json"),
            ["/api/profile", "/api/profile/balance", "/api/gateway/usage"],
        ),
        (("doctor",), ["/api/profile"]),
        (("doctor", "--probe"), ["/api/profile", "/api/gateway/chat/completions"]),
    ],
    ids=["models", "auth-status-check", "doctor", "doctor-probe"],
)
def test_every_keyed_request_carries_the_organisation(gateway, as_acme, args, paths) -> None:
    run = run_kilocli(*args, env=kilo_env(gateway))

    assert run.code == 0, run.output
    assert keyed_requests(gateway) == [(path, as_acme) for path in paths]


def test_a_personal_profile_sends_no_organisation_header(home, gateway) -> None:
    two_organisations(gateway)
    assert onboard(gateway, "--organization", "personal").code == 0
    gateway.requests.clear()

    run = run_kilocli("auth", "status", "--check", "--json", env=kilo_env(gateway))

    assert run.code == 0, run.stderr
    assert [header for _, header in keyed_requests(gateway)] == [None, None, None]


def test_the_model_list_is_the_organisations_and_cached_apart(home, gateway, as_acme) -> None:
    gateway.org_models_bodies = {as_acme: json.dumps({"data": [{"id": ORG_MODEL}]}).encode()}

    run = run_kilocli("models", "kilocode", "--refresh", "--json", env=kilo_env(gateway))

    listing = document(run)
    assert listing["organization"] == as_acme
    assert ORG_MODEL in [model["id"] for model in listing["models"]]
    cache = home / "cache"
    assert sorted(path.name for path in cache.glob("models-*.json")) == [
        f"models-kilocode-{as_acme}.json"
    ]
    assert ORG_MODEL in (cache / f"models-kilocode-{as_acme}.json").read_text()


def test_the_organisations_cache_is_read_back_offline(home, gateway, as_acme) -> None:
    gateway.org_models_bodies = {as_acme: json.dumps({"data": [{"id": ORG_MODEL}]}).encode()}
    run_kilocli("models", "kilocode", "--refresh", env=kilo_env(gateway))

    run = run_kilocli("models", "kilocode", "--offline", "--json", env=kilo_env(gateway))

    listing = document(run)
    assert (listing["source"], listing["organization"]) == ("cache", as_acme)
    assert ORG_MODEL in [model["id"] for model in listing["models"]]


def test_auth_status_check_shows_the_account_as_the_organisation(gateway, as_acme) -> None:
    gateway.org_balances = {as_acme: {"balance": 7.5, "isDepleted": False}}

    run = run_kilocli("auth", "status", "--check", "--json", env=kilo_env(gateway))

    assert run.code == 0, run.stderr
    (entry,) = document(run)["providers"]
    assert entry["organization"] == as_acme
    assert entry["account"] == {
        "email": PROFILE_EMAIL,
        "organizations": [ACME, SIDE],
        "organization": as_acme,
    }
    assert entry["balance"] == "$7.50"
    assert entry["usage"] == {
        "limits": [
            {"period": "daily", "used": 1.5, "limit": 2.0, "resetAt": "2026-12-02T00:00:00.000Z"}
        ],
        "plan": "pro",
    }


def test_auth_list_shows_the_profiles_organisation(gateway, as_acme) -> None:
    run = run_kilocli("auth", "list", "--json", env=kilo_env(gateway))

    assert run.code == 0, run.stderr
    (row,) = document(run)["profiles"]
    assert (row["profileId"], row["organization"]) == ("kilocode:default", as_acme)


# An organisation the gateway refuses


REFUSED = {
    "not-a-uuid": ("not-a-uuid", "HTTP 400: Invalid organization ID format"),
    "not-a-member": (UNLISTED, "HTTP 403: Access denied (not a member of the organization)"),
}
FIX = "Choose another: kilocli auth login kilocode --organization ID|personal"


@pytest.mark.parametrize(("organization", "answer"), REFUSED.values(), ids=REFUSED.keys())
def test_auth_status_check_reports_a_refused_organisation(
    home, gateway, organization, answer
) -> None:
    two_organisations(gateway)
    write_profile_with_organization(home, organization)

    run = run_kilocli("auth", "status", "--check", env=kilo_env(gateway))

    assert run.code == 3, run.output
    assert (
        f"Check          REJECTED: Kilo Gateway refused the organisation {organization} ({answer})"
    ) in run.stdout
    assert f"Next           {FIX}" in run.stdout


def test_doctor_reports_a_refused_organisation(home, gateway) -> None:
    write_profile_with_organization(home, "not-a-uuid")

    run = run_kilocli("doctor", "--json", env=kilo_env(gateway))

    assert run.code == 1, run.output
    (finding,) = [f for f in document(run)["findings"] if f["check"] == "gateway"]
    assert finding["severity"] == "error"
    assert finding["message"] == (
        "Kilo Gateway refused the organisation not-a-uuid "
        "(HTTP 400: Invalid organization ID format)"
    )
    assert finding["fix"].startswith(FIX)


@pytest.mark.parametrize("organization", ["not-a-uuid", UNLISTED], ids=["400", "403"])
def test_the_probe_reports_a_refused_organisation(home, gateway, organization) -> None:
    write_profile_with_organization(home, organization)

    run = run_kilocli("doctor", "--probe", "--json", env=kilo_env(gateway))

    (finding,) = [f for f in document(run)["findings"] if f["check"] == "probe"]
    assert "organisation" in finding["message"]
    assert "--organization" in finding["fix"]


def test_the_model_list_names_the_fix_for_a_refused_organisation(home, gateway) -> None:
    write_profile_with_organization(home, "not-a-uuid")

    run = run_kilocli("models", "kilocode", "--refresh", "--json", env=kilo_env(gateway))

    assert run.code == 0, run.stderr
    assert any("--organization" in warning for warning in document(run)["warnings"])


# Handing the organisation to other programs


def test_env_passes_the_organisation_on(gateway, as_acme) -> None:
    run = run_kilocli("env", "--format", "json", env=kilo_env(gateway))

    assert run.code == 0, run.stderr
    assert json.loads(run.stdout)["KILO_ORG_ID"] == as_acme


def test_exec_passes_the_organisation_on(gateway, as_acme) -> None:
    show = "import os; print(os.environ['KILO_ORG_ID'])"

    run = run_kilocli("exec", "--", sys.executable, "-c", show, env=kilo_env(gateway), process=True)

    assert run.code == 0, run.stderr
    assert run.stdout == f"{as_acme}\n"


def test_env_passes_no_organisation_for_personal(home, gateway) -> None:
    two_organisations(gateway)
    assert onboard(gateway, "--organization", "personal").code == 0

    run = run_kilocli("env", "--format", "json", env=kilo_env(gateway))

    assert "KILO_ORG_ID" not in json.loads(run.stdout)


# The organisation in effect: one rule (SPEC §13)


def test_an_env_key_keeps_the_organisation_chosen_for_it(home, gateway) -> None:
    """Onboarding with the key from KILOCODE_API_KEY and an organisation picked: while the
    variable stays set, every request, ``env`` and the summary carry that organisation (it is
    kept in config for the env key)."""
    two_organisations(gateway)
    env = {**kilo_env(gateway), "KILOCODE_API_KEY": VALID_KEY}
    run = run_kilocli(
        "onboard", "--non-interactive", "--json", "--organization", ACME["id"], env=env
    )
    assert run.code == 0, run.stderr
    assert document(run)["organization"] == ACME["id"]
    config = read_toml(home / "config.toml")
    assert config["models"]["providers"]["kilocode"]["organizationId"] == ACME["id"]

    gateway.requests.clear()
    listing = run_kilocli("models", "kilocode", "--refresh", "--json", env=env)
    assert document(listing)["organization"] == ACME["id"]
    assert [seen.header(ORG_HEADER) for seen in gateway.requests] == [ACME["id"]]
    exported = json.loads(run_kilocli("env", "--format", "json", env=env).stdout)
    assert exported["KILO_ORG_ID"] == ACME["id"]
    status = document(run_kilocli("auth", "status", "--json", env=env))
    assert status["providers"][0]["organization"] == ACME["id"]


def test_the_summary_names_the_organisation_and_where_it_comes_from(home, gateway) -> None:
    two_organisations(gateway)
    env = {**kilo_env(gateway), "KILOCODE_API_KEY": VALID_KEY}
    run = run_kilocli("onboard", "--non-interactive", "--organization", ACME["id"], env=env)
    assert run.code == 0, run.stderr
    assert (
        "  Organisation   Acme (config: models.providers.kilocode.organizationId)\n" in run.stdout
    )


@pytest.mark.parametrize("name", ["KILO_ORG_ID", "KILOCODE_ORGANIZATION_ID"])
def test_kilo_org_id_overrides_the_stored_choice_everywhere(home, gateway, name) -> None:
    """Kilo's own client lets KILO_ORG_ID override a stored choice; so does kilocli, for a
    stored key too, and what requests carry is what auth status and env say."""
    write_profile_with_organization(home, ACME["id"])
    env = {**kilo_env(gateway), name: SIDE["id"]}
    run = run_kilocli("models", "kilocode", "--refresh", "--json", env=env)
    assert document(run)["organization"] == SIDE["id"]
    assert [seen.header(ORG_HEADER) for seen in gateway.requests] == [SIDE["id"]]
    status = document(run_kilocli("auth", "status", "--json", env=env))
    assert status["providers"][0]["organization"] == SIDE["id"]
    said = run_kilocli("auth", "status", env=env).stdout
    assert f"  Organisation   {SIDE['id']} (env: {name})\n" in said  # with its source
    exported = json.loads(run_kilocli("env", "--format", "json", env=env).stdout)
    assert exported["KILO_ORG_ID"] == SIDE["id"]


def test_organisations_are_shown_by_name_and_kept_as_ids_in_json(home, gateway) -> None:
    two_organisations(gateway)
    assert onboard(gateway, "--organization", ACME["id"]).code == 0
    assert stored_profile(home)["organizationName"] == "Acme"

    listing = run_kilocli("auth", "list", env={**kilo_env(gateway), "COLUMNS": "80"})
    assert "Acme" in listing.stdout
    assert ACME["id"] not in listing.stdout
    status = run_kilocli("auth", "status", env=kilo_env(gateway))
    assert "  Organisation   Acme\n" in status.stdout
    as_json = document(run_kilocli("auth", "list", "--json", env=kilo_env(gateway)))
    assert as_json["profiles"][0]["organization"] == ACME["id"]


def test_two_organisations_of_the_same_name_are_told_apart_by_id(home, gateway) -> None:
    twin = {**SIDE, "name": ACME["name"]}
    gateway.organizations = [ACME, twin]
    prompter = ScriptedPrompter([twin["id"]])
    run = onboard_interactively(gateway, prompter)
    assert run.code == 0, run.stderr
    (asked,) = [a for a in prompter.asked if a.message == "Use Kilo Gateway as"]
    assert asked.options == (
        "Personal",
        f"Acme ({ACME['id']}) (owner)",
        f"Acme ({twin['id']}) (member)",
    )
    assert stored_profile(home)["organizationName"] == f"Acme ({twin['id']})"
    assert f"  Organisation   Acme ({twin['id']})\n" in run.stdout
