"""``kilocli auth`` as a user or a CI job runs it, against the fake gateway (SPEC §4, §8, §9).

``run_kilocli`` gives the process a pipe for stdin, so no run here can prompt; the prompted
paths (a hidden key prompt, a logout confirmation) run in-process with a scripted prompter at the
end of this file and in ``tests/credentials/test_login.py``.
"""

from __future__ import annotations

import json
import os
import stat
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from kilocli.cli.app import app
from kilocli.cli.context import Overrides
from kilocli.errors import ExitCode
from tests.cli.conftest import Kilo, file_state
from tests.fakes import (
    OTHER_VALID_KEY,
    REJECTED_KEY,
    RESPONSES,
    VALID_KEY,
    FakeGateway,
    ScriptedPrompter,
)
from tests.helpers import document, preview_of, read_toml
from tests.key_sources import (
    ALPHA,
    CONFIG,
    DEFAULT,
    KILO_CHAIN,
    KILO_ENV,
    KILOCODE_ENV,
    OPENROUTER_CONFIG,
    OPENROUTER_ENV,
    OPENROUTER_PROFILE,
    ORDERED,
    ZETA,
    Place,
    arrange,
    profile,
    write_private,
)

EMAIL = RESPONSES["GET /api/profile 200"]["user"]["email"]
UNAUTHORISED_STRING = json.dumps(RESPONSES["GET /api/profile 401 (bad key)"]).encode()
UNAUTHORISED_OBJECT = json.dumps(RESPONSES["POST /api/gateway/chat/completions 401"]).encode()
NO_CREDITS = RESPONSES["POST /api/gateway/chat/completions 402"]
RATE_LIMITED = json.dumps(
    RESPONSES["POST /api/gateway/chat/completions 429 (upstream, OpenRouter shape)"]
).encode()
UNAVAILABLE = json.dumps(RESPONSES["GET /api/gateway/models 500"]).encode()
OPENROUTER_LABEL = RESPONSES["GET https://openrouter.ai/api/v1/key 200"]["data"]["label"]

NOT_REVOKED = (
    "The key itself was not revoked: it still works until you delete it in your account "
    "(https://app.kilo.ai/profile for Kilo Gateway).\n"
)
REJECTED_HINT = (
    "Check the key at https://app.kilo.ai/profile (kilocli auth status), or store another one: "
    "kilocli auth login kilocode"
)


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def kilo_block(*lines: str) -> str:
    return "kilocode (Kilo Gateway)\n" + "".join(f"  {line}\n" for line in lines)


def store_profiles(home: Path, profiles: dict[str, dict[str, Any]]) -> None:
    write_private(home / "auth-profiles.toml", {"version": 1, "profiles": profiles})


def kilo_default_profile(home: Path, key: str = VALID_KEY) -> None:
    store_profiles(home, {"kilocode:default": profile("kilocode", key)})


# auth status: the source chain of SPEC §4 --------------------------------------------------------


def status_entry(gateway: FakeGateway, places: tuple[Place, ...]) -> dict[str, Any]:
    """What ``auth status kilocode --json`` must say when ``places`` hold keys, highest first."""
    in_effect = places[0] if places else None
    return {
        "provider": "kilocode",
        "baseUrl": gateway.base_url,
        "keySource": in_effect.source if in_effect else None,
        "keyPreview": preview_of(in_effect.key) if in_effect else None,
        "shadowed": [
            {"source": place.source, "keyPreview": preview_of(place.key)} for place in places[1:]
        ],
        "organization": None,
        "expiresAt": None,  # the test keys carry no exp
        "check": None,
        "account": None,
        "balance": None,
        "usage": None,
        "keyStore": auth_file() if in_effect and in_effect.source.startswith("profile") else None,
        "exitCode": ExitCode.OK if places else ExitCode.NOT_AUTHENTICATED,
    }


@pytest.mark.parametrize(
    "removed",
    range(len(KILO_CHAIN) + 1),
    ids=[*(f"{place.source} in effect" for place in KILO_CHAIN), "none left"],
)
def test_status_json_names_the_key_in_effect_and_every_shadowed_source_in_order(
    kilo: Kilo, home: Path, gateway: FakeGateway, removed: int
) -> None:
    """Every source holds a key at once; each case takes away the highest ``removed`` ones."""
    present = KILO_CHAIN[removed:]
    env = arrange(home, present)

    run = kilo("auth", "status", "kilocode", "--json", env=env)

    expected_code = ExitCode.OK if present else ExitCode.NOT_AUTHENTICATED
    assert run.code == expected_code, run.stderr
    assert document(run) == {
        "ok": expected_code == ExitCode.OK,
        "exitCode": expected_code,
        "decidingProvider": "kilocode",
        "providers": [status_entry(gateway, present)],
    }
    assert run.stderr == ""
    assert gateway.requests == []


def test_status_shows_every_provider_and_hints_when_env_shadows_a_stored_profile(
    kilo: Kilo, home: Path
) -> None:
    env = arrange(home, [KILO_ENV, DEFAULT, CONFIG, OPENROUTER_PROFILE])

    run = kilo("auth", "status", env=env)

    assert run.code == ExitCode.OK, run.stderr
    assert run.stdout == (
        kilo_block(
            f"Key in effect  {preview_of(KILO_ENV.key)} (env: KILO_API_KEY)",
            f"Shadowed       {preview_of(DEFAULT.key)} (profile: kilocode:default)",
            f"Shadowed       {preview_of(CONFIG.key)} (config: models.providers.kilocode.apiKey)",
            "Hint           KILO_API_KEY wins over the stored profile; "
            "unset it to use the profile.",
        )
        + "\n"
        + "openrouter (OpenRouter)\n"
        + f"  Key in effect  {preview_of(OPENROUTER_PROFILE.key)} (profile: openrouter:default)\n"
    )
    assert run.stderr == ""


def test_status_gives_no_hint_when_env_shadows_only_config(kilo: Kilo, home: Path) -> None:
    env = arrange(home, [KILOCODE_ENV, CONFIG])

    run = kilo("auth", "status", "kilocode", env=env)

    assert run.code == ExitCode.OK, run.stderr
    assert run.stdout == kilo_block(
        f"Key in effect  {preview_of(KILOCODE_ENV.key)} (env: KILOCODE_API_KEY)",
        f"Shadowed       {preview_of(CONFIG.key)} (config: models.providers.kilocode.apiKey)",
    )


def test_status_without_any_key_says_where_it_looked(kilo: Kilo, home: Path) -> None:
    """Only the providers in use are shown (here: the default model's, Kilo Gateway)."""
    run = kilo("auth", "status")

    assert run.code == ExitCode.NOT_AUTHENTICATED
    assert run.stdout == kilo_block(
        "Key in effect  none (looked in KILOCODE_API_KEY, KILO_API_KEY, profiles, config)",
        "Next           kilocli auth login kilocode",
    )
    assert not home.exists()


def test_status_all_shows_every_provider(kilo: Kilo, home: Path) -> None:
    run = kilo("auth", "status", "--all")

    assert run.code == ExitCode.NOT_AUTHENTICATED
    assert run.stdout == (
        kilo_block(
            "Key in effect  none (looked in KILOCODE_API_KEY, KILO_API_KEY, profiles, config)",
            "Next           kilocli auth login kilocode",
        )
        + "\n"
        + "openrouter (OpenRouter)\n"
        + "  Key in effect  none (looked in OPENROUTER_API_KEY, profiles, config)\n"
        + "  Next           kilocli auth login openrouter\n"
    )
    assert not home.exists()


# auth status: exit codes (SPEC §8), keyed to the credential in effect ----------------------------

STATUS_EXIT_CODES: dict[
    str, tuple[tuple[str, ...], dict[str, str], str | None, ExitCode, str | None]
] = {
    # name: (arguments after "auth status", env, key of kilocode:default, exit code,
    #        the key sent to the gateway, if one is)
    "nothing anywhere": ((), {}, None, ExitCode.NOT_AUTHENTICATED, None),
    "nothing anywhere, --check": (("--check",), {}, None, ExitCode.NOT_AUTHENTICATED, None),
    "a stored profile": ((), {}, VALID_KEY, ExitCode.OK, None),
    "a key in env": (("kilocode",), {"KILO_API_KEY": VALID_KEY}, None, ExitCode.OK, None),
    "another provider's key only": (
        ("openrouter",),
        {"KILOCODE_API_KEY": VALID_KEY},
        VALID_KEY,
        ExitCode.NOT_AUTHENTICATED,
        None,
    ),
    "another provider's key only, --check": (
        ("openrouter", "--check"),
        {},
        VALID_KEY,
        ExitCode.NOT_AUTHENTICATED,
        None,
    ),
    "accepted": (("kilocode", "--check"), {}, VALID_KEY, ExitCode.OK, VALID_KEY),
    "rejected env key over an accepted profile": (
        ("kilocode", "--check"),
        {"KILOCODE_API_KEY": REJECTED_KEY},
        VALID_KEY,
        ExitCode.NOT_AUTHENTICATED,
        REJECTED_KEY,
    ),
    "accepted env key over a rejected profile": (
        ("--check",),
        {"KILO_API_KEY": OTHER_VALID_KEY},
        REJECTED_KEY,
        ExitCode.OK,
        OTHER_VALID_KEY,
    ),
}


@pytest.mark.parametrize(
    ("args", "env", "profile_key", "exit_code", "sent"),
    STATUS_EXIT_CODES.values(),
    ids=STATUS_EXIT_CODES.keys(),
)
def test_status_exit_code(
    kilo: Kilo,
    home: Path,
    gateway: FakeGateway,
    args: tuple[str, ...],
    env: dict[str, str],
    profile_key: str | None,
    exit_code: ExitCode,
    sent: str | None,
) -> None:
    if profile_key:
        kilo_default_profile(home, profile_key)

    run = kilo("auth", "status", *args, env=env)

    assert run.code == exit_code, run.output
    assert {seen.headers.get("Authorization") for seen in gateway.requests} == (
        {f"Bearer {sent}"} if sent else set()
    )


@pytest.mark.parametrize(
    ("fault", "check_line"),
    [
        (
            {"status": 403, "body": b'{"error": "Forbidden", "success": false}'},
            "REJECTED: Kilo Gateway rejected this key (HTTP 403: Forbidden)",
        ),
        ({"status": 401}, "REJECTED: Kilo Gateway rejected this key (HTTP 401)"),
    ],
    ids=["403", "401 with an empty object"],
)
def test_status_check_exits_3_when_the_gateway_refuses_a_key_it_knows(
    kilo: Kilo, home: Path, gateway: FakeGateway, fault: dict[str, Any], check_line: str
) -> None:
    kilo_default_profile(home)
    gateway.fail("/api/profile", **fault)

    run = kilo("auth", "status", "--check")

    assert run.code == ExitCode.NOT_AUTHENTICATED
    assert f"  Check          {check_line}\n" in run.stdout


def test_status_exit_code_follows_the_default_models_provider(kilo: Kilo, home: Path) -> None:
    kilo_default_profile(home)
    write_private(
        home / "config.toml", {"agents": {"defaults": {"model": {"primary": "openrouter/auto"}}}}
    )

    run = kilo("auth", "status", "--json")

    assert run.code == ExitCode.NOT_AUTHENTICATED
    assert document(run)["decidingProvider"] == "openrouter"
    assert [entry["exitCode"] for entry in document(run)["providers"]] == [
        ExitCode.OK,
        ExitCode.NOT_AUTHENTICATED,
    ]


def test_status_check_exits_4_when_nothing_listens(
    kilo: Kilo, home: Path, closed_port_url: str
) -> None:
    kilo_default_profile(home)
    verify_url = closed_port_url.removesuffix("/api/gateway/") + "/api/profile"

    run = kilo("auth", "status", "kilocode", "--check", env={"KILOCODE_BASE_URL": closed_port_url})

    assert run.code == ExitCode.UNREACHABLE
    assert run.stdout.startswith(
        kilo_block(
            f"Key in effect  {preview_of(VALID_KEY)} (profile: kilocode:default)",
            f"Check          could not check: could not reach {verify_url} (ConnectError",
        ).removesuffix("\n")
    )


def test_status_check_exits_4_when_the_gateway_does_not_answer_in_time(
    kilo: Kilo, home: Path, gateway: FakeGateway
) -> None:
    """The 5 s of SPEC §6, shortened through KILOCLI_HTTP_TIMEOUT (the answer would come after
    6 timeouts, so a run that waits for it fails the bound)."""
    kilo_default_profile(home)
    gateway.fail("/api/profile", status=None, delay=3, times=1)

    started = time.monotonic()
    run = kilo(
        "auth", "status", "kilocode", "--check", "--json", env={"KILOCLI_HTTP_TIMEOUT": "0.5"}
    )
    elapsed = time.monotonic() - started

    assert run.code == ExitCode.UNREACHABLE
    check = document(run)["providers"][0]["check"]
    assert check["outcome"] == "unverified"
    assert check["detail"] == "Kilo Gateway did not answer within 0.5 s"
    assert 0.5 <= elapsed < 3


# auth status --check: what the gateway says about the account ------------------------------------


def test_check_shows_email_organisations_and_balance(
    kilo: Kilo, home: Path, gateway: FakeGateway
) -> None:
    kilo_default_profile(home)
    gateway.profile = {
        "user": {"id": "u1", "email": "dev@example.org", "name": "Dev"},
        "organizations": [{"id": "o1", "name": "Team"}, {"id": "o2", "name": "Side project"}],
    }
    gateway.balance = {"balance": 1234.5, "isDepleted": False}

    run = kilo("auth", "status", "kilocode", "--check")

    assert run.code == ExitCode.OK, run.stderr
    assert run.stdout == kilo_block(
        f"Key in effect  {preview_of(VALID_KEY)} (profile: kilocode:default)",
        "Check          accepted: dev@example.org",
        "Organisations  Team, Side project",
        "Using as       Personal",
        "Balance        $1,234.50",
        "Usage          daily: $1.50 of $2.00, resets 2026-12-02T00:00:00.000Z",
        "Plan           pro",
    )
    assert [(seen.path, seen.headers["Authorization"]) for seen in gateway.requests] == [
        ("/api/profile", f"Bearer {VALID_KEY}"),
        ("/api/profile/balance", f"Bearer {VALID_KEY}"),
        ("/api/gateway/usage", f"Bearer {VALID_KEY}"),
    ]


def test_check_without_organisations_and_with_a_depleted_balance(
    kilo: Kilo, home: Path, gateway: FakeGateway
) -> None:
    kilo_default_profile(home)
    gateway.profile = {"user": {"email": "solo@example.org"}}
    gateway.balance = {"balance": 0, "isDepleted": True}
    gateway.usage = None  # an older gateway, without /api/gateway/usage

    run = kilo("auth", "status", "kilocode", "--check")

    assert run.code == ExitCode.OK, run.stderr
    assert run.stdout == kilo_block(
        f"Key in effect  {preview_of(VALID_KEY)} (profile: kilocode:default)",
        "Check          accepted: solo@example.org",
        "Balance        $0.00 (depleted)",
    )


def test_check_json_leaves_the_balance_out_when_the_gateway_gives_none(
    kilo: Kilo, home: Path, gateway: FakeGateway
) -> None:
    kilo_default_profile(home)
    gateway.fail("/api/profile/balance", status=500, body=UNAVAILABLE)

    run = kilo("auth", "status", "kilocode", "--check", "--json")

    assert run.code == ExitCode.OK, run.stderr
    entry = document(run)["providers"][0]
    assert entry["check"] == {"outcome": "verified", "detail": EMAIL, "details": {}}
    assert entry["account"] == {"email": EMAIL, "organizations": [], "organization": None}
    assert entry["balance"] is None
    assert entry["usage"] == {
        "limits": [
            {"period": "daily", "used": 1.5, "limit": 2.0, "resetAt": "2026-12-02T00:00:00.000Z"}
        ],
        "plan": "pro",
    }


def test_check_of_an_openrouter_key_shows_usage_and_limits_but_never_the_label(
    kilo: Kilo, gateway: FakeGateway
) -> None:
    gateway.valid_keys.add(OPENROUTER_ENV.key)

    run = kilo(
        "auth", "status", "openrouter", "--check", env={"OPENROUTER_API_KEY": OPENROUTER_ENV.key}
    )

    assert run.code == ExitCode.OK, run.stderr
    assert run.stdout == (
        "openrouter (OpenRouter)\n"
        f"  Key in effect  {preview_of(OPENROUTER_ENV.key)} (env: OPENROUTER_API_KEY)\n"
        "  Check          accepted: key accepted\n"
        "  Usage          $25.50\n"
        "  Limit          $100.00\n"
        "  Remaining      $74.50\n"
        "  Free tier      no\n"
    )
    assert OPENROUTER_LABEL not in run.output
    assert OPENROUTER_LABEL.partition("…")[0] not in run.output
    assert gateway.paths_requested() == ["/api/v1/key"]


def test_check_retries_once_after_a_429_with_retry_after_0(
    kilo: Kilo, home: Path, gateway: FakeGateway
) -> None:
    kilo_default_profile(home)
    gateway.fail(
        "/api/profile", status=429, body=RATE_LIMITED, headers={"Retry-After": "0"}, times=1
    )

    run = kilo("auth", "status", "kilocode", "--check")

    assert run.code == ExitCode.OK, run.output
    assert f"Check          accepted: {EMAIL}" in run.stdout
    assert gateway.paths_requested() == [
        "/api/profile",
        "/api/profile",
        "/api/profile/balance",
        "/api/gateway/usage",
    ]


# The gateway's error answers, as SPEC §9 maps them -----------------------------------------------


def no_credits_body(url: str) -> bytes:
    return json.dumps({"error": {**NO_CREDITS["error"], "buyCreditsUrl": url}}).encode()


CHECK_ERRORS: dict[str, tuple[dict[str, Any], ExitCode, str, str]] = {
    # name: (fault on /api/profile, exit code, the "Check" line, the "Next" line)
    "401, error as a string": (
        {"status": 401, "body": UNAUTHORISED_STRING},
        ExitCode.NOT_AUTHENTICATED,
        "REJECTED: Kilo Gateway rejected this key (HTTP 401: Invalid token (6a0e…))",
        REJECTED_HINT,
    ),
    "401, error as an object": (
        {"status": 401, "body": UNAUTHORISED_OBJECT},
        ExitCode.NOT_AUTHENTICATED,
        "REJECTED: Kilo Gateway rejected this key (HTTP 401: Invalid token (INVALID_TOKEN))",
        REJECTED_HINT,
    ),
    "402": (  # the key is accepted (SPEC §8): exit 0, with the warning
        {"status": 402, "body": no_credits_body("https://app.kilo.ai/credits?from=kilocli")},
        ExitCode.OK,
        "accepted, but no credits left: Kilo Gateway says there are no credits left "
        "(HTTP 402: Low credit warning!: Add credits to continue, or switch to a free model)",
        "Add credits at https://app.kilo.ai/credits?from=kilocli, "
        "or pick a free model: kilocli models kilocode --free",
    ),
    "429 with a long Retry-After": (
        {"status": 429, "body": RATE_LIMITED, "headers": {"Retry-After": "120"}},
        ExitCode.UNREACHABLE,
        "could not check: Kilo Gateway rate limited the request (HTTP 429: Rate limit exceeded)",
        "Wait a moment and try again.",
    ),
    "503": (
        {"status": 503, "body": UNAVAILABLE},
        ExitCode.UNREACHABLE,
        "could not check: Kilo Gateway is unavailable "
        "(HTTP 503: Failed to fetch models: Error from OpenRouter API)",
        "Try again in a few minutes.",
    ),
    "502, not JSON": (
        {"status": 502, "body": b"<html>Bad gateway</html>"},
        ExitCode.UNREACHABLE,
        "could not check: Kilo Gateway is unavailable (HTTP 502)",
        "Try again in a few minutes.",
    ),
}


@pytest.mark.parametrize(
    ("fault", "exit_code", "check_line", "next_line"),
    CHECK_ERRORS.values(),
    ids=CHECK_ERRORS.keys(),
)
def test_check_reports_the_gateways_error(
    kilo: Kilo,
    home: Path,
    gateway: FakeGateway,
    fault: dict[str, Any],
    exit_code: ExitCode,
    check_line: str,
    next_line: str,
) -> None:
    kilo_default_profile(home)
    gateway.fail("/api/profile", **fault)
    slept: list[float] = []

    run = kilo("auth", "status", "kilocode", "--check", overrides=Overrides(sleep=slept.append))

    assert run.code == exit_code
    assert run.stdout == kilo_block(
        f"Key in effect  {preview_of(VALID_KEY)} (profile: kilocode:default)",
        f"Check          {check_line}",
        f"Next           {next_line}",
    )
    # A 402 answers for an accepted key (exit 0), with the warning on stderr.
    accepted = check_line.removeprefix("accepted, but no credits left: ")
    warning = f"Warning: {accepted}; the key itself is accepted. {next_line}\n"
    assert run.stderr == (warning if fault["status"] == 402 else "")
    # One request: no balance for a refused key, and a long Retry-After is not waited for.
    assert gateway.paths_requested() == ["/api/profile"]
    assert slept == []


def test_check_of_a_rejected_openrouter_key_points_at_openrouter(
    kilo: Kilo, gateway: FakeGateway
) -> None:
    run = kilo("auth", "status", "openrouter", "--check", env={"OPENROUTER_API_KEY": REJECTED_KEY})

    assert run.code == ExitCode.NOT_AUTHENTICATED
    assert run.stdout.endswith(
        "  Next           Check the key at https://openrouter.ai/settings/keys (kilocli auth "
        "status), or store another one: kilocli auth login openrouter\n"
    )


# auth login, auth list, auth logout --------------------------------------------------------------


def test_login_list_logout_round_trip(kilo: Kilo, home: Path, gateway: FakeGateway) -> None:
    store, config = home / "auth-profiles.toml", home / "config.toml"

    login = kilo("auth", "login", "kilocode", "--key", VALID_KEY)

    assert login.code == ExitCode.OK, login.stderr
    assert login.stdout == f"Stored kilocode:default ({preview_of(VALID_KEY)}), verified: {EMAIL}\n"
    assert login.stderr == ""
    assert [(seen.path, seen.headers["Authorization"]) for seen in gateway.requests] == [
        ("/api/profile", f"Bearer {VALID_KEY}")
    ]
    assert read_toml(store) == {
        "version": 1,
        "profiles": {
            "kilocode:default": {"type": "api_key", "provider": "kilocode", "key": VALID_KEY}
        },
    }
    assert read_toml(config) == {
        "auth": {"profiles": {"kilocode:default": {"provider": "kilocode", "mode": "api_key"}}}
    }
    assert VALID_KEY not in config.read_text()
    assert (mode_of(store), mode_of(config), mode_of(home)) == (0o600, 0o600, 0o700)

    listed = kilo("auth", "list", "--json")

    assert listed.code == ExitCode.OK, listed.stderr
    assert document(listed) == {
        "profiles": [
            {
                "profileId": "kilocode:default",
                "provider": "kilocode",
                "type": "api_key",
                "keyPreview": preview_of(VALID_KEY),
                "organization": None,
                "referencedByConfig": True,
                "active": True,
                "expiresAt": None,
                "keyStore": auth_file(),
            }
        ]
    }

    logout = kilo("auth", "logout", "kilocode:default", "--yes")

    assert logout.code == ExitCode.OK, logout.stderr
    assert logout.stdout == "Removed kilocode:default from this machine.\n" + NOT_REVOKED
    assert logout.stderr == ""
    assert read_toml(store) == {"version": 1, "profiles": {}}
    assert read_toml(config) == {"auth": {"profiles": {}}}
    assert mode_of(store) == 0o600

    relisted = kilo("auth", "list", "--json")

    assert document(relisted) == {"profiles": []}


def test_login_with_a_profile_id_joins_the_order_and_logout_takes_it_out_again(
    kilo: Kilo, home: Path
) -> None:
    kilo_default_profile(home, VALID_KEY)
    write_private(
        home / "config.toml",
        {
            "mine": {"kept": True},
            "auth": {
                "profiles": {"kilocode:default": {"provider": "kilocode", "mode": "api_key"}},
                "order": {"kilocode": ["kilocode:default"]},
            },
        },
    )

    login = kilo(
        "auth", "login", "kilocode", "--key", OTHER_VALID_KEY, "--profile-id", "kilocode:work"
    )

    assert login.code == ExitCode.OK, login.stderr
    assert login.stdout == (
        f"Stored kilocode:work ({preview_of(OTHER_VALID_KEY)}), verified: {EMAIL}\n"
    )
    assert read_toml(home / "auth-profiles.toml")["profiles"] == {
        "kilocode:default": {"type": "api_key", "provider": "kilocode", "key": VALID_KEY},
        "kilocode:work": {"type": "api_key", "provider": "kilocode", "key": OTHER_VALID_KEY},
    }
    assert read_toml(home / "config.toml") == {
        "mine": {"kept": True},
        "auth": {
            "profiles": {
                "kilocode:default": {"provider": "kilocode", "mode": "api_key"},
                "kilocode:work": {"provider": "kilocode", "mode": "api_key"},
            },
            "order": {"kilocode": ["kilocode:work", "kilocode:default"]},
        },
    }
    status = kilo("auth", "status", "kilocode", "--json")
    assert document(status)["providers"][0]["keySource"] == "profile: kilocode:work"

    logout = kilo("auth", "logout", "kilocode:work", "--yes")

    assert logout.code == ExitCode.OK, logout.stderr
    assert read_toml(home / "auth-profiles.toml")["profiles"] == {
        "kilocode:default": {"type": "api_key", "provider": "kilocode", "key": VALID_KEY}
    }
    assert read_toml(home / "config.toml") == {
        "mine": {"kept": True},
        "auth": {
            "profiles": {"kilocode:default": {"provider": "kilocode", "mode": "api_key"}},
            "order": {"kilocode": ["kilocode:default"]},
        },
    }


def test_login_stdin_reads_all_of_it_and_trims_it(kilo: Kilo, home: Path) -> None:
    # A key wrapped over two lines, as a terminal might paste it, inside an export line.
    piped = f"  export KILOCODE_API_KEY='{VALID_KEY[:50]}\n{VALID_KEY[50:]}'\n\n"

    run = kilo("auth", "login", "kilocode", "--stdin", "--json", stdin=piped)

    assert run.code == ExitCode.OK, run.stderr
    assert document(run) == {
        "ok": True,
        "profileId": "kilocode:default",
        "provider": "kilocode",
        "replaced": False,
        "keyPreview": preview_of(VALID_KEY),
        "verified": True,
        "organization": None,
        "envOverride": None,
    }
    assert read_toml(home / "auth-profiles.toml")["profiles"]["kilocode:default"]["key"] == (
        VALID_KEY
    )


def test_login_no_verify_makes_no_request(kilo: Kilo, home: Path, gateway: FakeGateway) -> None:
    run = kilo("auth", "login", "kilocode", "--key", REJECTED_KEY, "--no-verify")

    assert run.code == ExitCode.OK, run.stderr
    assert run.stdout == (
        f"Stored kilocode:default ({preview_of(REJECTED_KEY)}), not checked (--no-verify)\n"
    )
    assert gateway.requests == []
    assert read_toml(home / "auth-profiles.toml")["profiles"]["kilocode:default"]["key"] == (
        REJECTED_KEY
    )


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        (None, "Kilo Gateway rejected this key (HTTP 401: Invalid token (6a0e…))"),
        (
            {"status": 401, "body": UNAUTHORISED_OBJECT},
            "Kilo Gateway rejected this key (HTTP 401: Invalid token (INVALID_TOKEN))",
        ),
    ],
    ids=["error as a string", "error as an object"],
)
def test_login_of_a_rejected_key_exits_3_and_changes_nothing(
    kilo: Kilo, home: Path, gateway: FakeGateway, fault: dict[str, Any] | None, message: str
) -> None:
    arrange(home, [DEFAULT, ORDERED])
    before = file_state(home)
    if fault:
        gateway.fail("/api/profile", **fault)

    run = kilo("auth", "login", "kilocode", "--key", VALID_KEY if fault else REJECTED_KEY)

    assert run.code == ExitCode.NOT_AUTHENTICATED
    assert run.stdout == ""
    assert run.stderr == (
        f"Error: {message}. Nothing was written.\n"
        "Check the key at https://app.kilo.ai/profile, or pass --no-verify to store it anyway.\n"
    )
    assert file_state(home) == before


def test_login_with_the_gateway_unreachable_warns_and_stores(
    kilo: Kilo, home: Path, closed_port_url: str
) -> None:
    verify_url = closed_port_url.removesuffix("/api/gateway/") + "/api/profile"

    run = kilo(
        "auth", "login", "kilocode", "--key", VALID_KEY, env={"KILOCODE_BASE_URL": closed_port_url}
    )

    assert run.code == ExitCode.OK, run.stderr
    assert run.stderr.startswith(
        f"Warning: Could not verify the key: could not reach {verify_url} (ConnectError"
    )
    assert run.stderr.endswith(". Storing it anyway.\n")
    assert run.stdout.startswith(
        f"Stored kilocode:default ({preview_of(VALID_KEY)}), could not verify: "
    )
    assert read_toml(home / "auth-profiles.toml")["profiles"]["kilocode:default"]["key"] == (
        VALID_KEY
    )


@pytest.mark.parametrize(
    ("fault", "warning"),
    [
        (
            {"status": 402, "body": no_credits_body("https://app.kilo.ai/credits?from=login")},
            "Warning: Could not verify the key: Kilo Gateway says there are no credits left "
            "(HTTP 402: Low credit warning!: Add credits to continue, or switch to a free "
            "model). Storing it anyway.\n"
            "Add credits at https://app.kilo.ai/credits?from=login, "
            "or pick a free model: kilocli models kilocode --free\n",
        ),
        (
            {"status": 503, "body": UNAVAILABLE},
            "Warning: Could not verify the key: Kilo Gateway is unavailable "
            "(HTTP 503: Failed to fetch models: Error from OpenRouter API). Storing it anyway.\n",
        ),
    ],
    ids=["402", "503"],
)
def test_login_when_the_gateway_cannot_answer_warns_and_stores(
    kilo: Kilo, home: Path, gateway: FakeGateway, fault: dict[str, Any], warning: str
) -> None:
    gateway.fail("/api/profile", **fault)

    run = kilo("auth", "login", "kilocode", "--key", VALID_KEY)

    assert run.code == ExitCode.OK, run.stderr
    assert run.stderr == warning
    assert "kilocode:default" in read_toml(home / "auth-profiles.toml")["profiles"]


def test_login_while_an_env_var_is_set_stores_the_key_and_says_the_env_var_wins(
    kilo: Kilo, home: Path, gateway: FakeGateway
) -> None:
    run = kilo(
        "auth", "login", "kilocode", "--key", VALID_KEY, env={"KILOCODE_API_KEY": OTHER_VALID_KEY}
    )

    assert run.code == ExitCode.OK, run.stderr
    assert run.stderr == (
        "Warning: KILOCODE_API_KEY is set in the environment and wins over this profile "
        "until you unset it.\n"
    )
    assert read_toml(home / "auth-profiles.toml")["profiles"]["kilocode:default"]["key"] == (
        VALID_KEY
    )
    # The key given is the one verified, not the one in env.
    assert gateway.requests[0].headers["Authorization"] == f"Bearer {VALID_KEY}"


def test_login_without_a_key_or_a_terminal_names_the_flags(kilo: Kilo, home: Path) -> None:
    run = kilo("auth", "login", "kilocode")

    assert run.code == ExitCode.USAGE
    assert run.stdout == ""
    assert run.stderr == (
        "Error: No Kilo Gateway key was given, and there is no terminal to ask on.\n"
        'Pass --key "$KEY", or pipe the key into: kilocli auth login kilocode --stdin\n'
    )
    assert not home.exists()


# auth logout -------------------------------------------------------------------------------------


def test_logout_provider_removes_every_profile_of_that_provider(kilo: Kilo, home: Path) -> None:
    arrange(home, [ORDERED, DEFAULT, ALPHA, OPENROUTER_PROFILE])

    run = kilo("auth", "logout", "--provider", "kilocode", "--yes")

    assert run.code == ExitCode.OK, run.stderr
    assert run.stdout == (
        "Removed kilocode:default, kilocode:alpha, kilocode:work from this machine.\n" + NOT_REVOKED
    )
    assert read_toml(home / "auth-profiles.toml")["profiles"] == {
        "openrouter:default": profile("openrouter", OPENROUTER_PROFILE.key)
    }
    assert read_toml(home / "config.toml")["auth"] == {
        "profiles": {},
        "order": {"kilocode": ["kilocode:gone"]},
    }


def test_logout_json_warns_when_an_env_var_still_supplies_a_key(kilo: Kilo, home: Path) -> None:
    kilo_default_profile(home)

    run = kilo(
        "auth", "logout", "kilocode:default", "--yes", "--json", env={"KILO_API_KEY": VALID_KEY}
    )

    assert run.code == ExitCode.OK, run.stderr
    assert document(run) == {
        "ok": True,
        "removed": ["kilocode:default"],
        "keyRevoked": False,
        "envStillSet": ["KILO_API_KEY"],
    }
    assert run.stderr == (
        "Warning: KILO_API_KEY is still set in the environment and still supplies a key.\n"
    )


def test_logout_of_an_openrouter_profile_points_at_openrouters_key_page(
    kilo: Kilo, home: Path
) -> None:
    arrange(home, [OPENROUTER_PROFILE])

    run = kilo("auth", "logout", "openrouter:default", "--yes")

    assert run.code == ExitCode.OK, run.stderr
    assert run.stdout == (
        "Removed openrouter:default from this machine.\n"
        "The key itself was not revoked: it still works until you delete it in your account "
        "(https://openrouter.ai/settings/keys for OpenRouter).\n"
    )


LOGOUT_REFUSALS: dict[str, tuple[tuple[str, ...], ExitCode, str]] = {
    "a missing profile": (
        ("kilocode:nope", "--yes"),
        ExitCode.ERROR,
        "Error: No stored profile kilocode:nope (stored: kilocode:default, kilocode:work). "
        "Nothing was changed.\n"
        "See the stored profiles with: kilocli auth list\n",
    ),
    "a provider without profiles": (
        ("--provider", "openrouter", "--yes"),
        ExitCode.ERROR,
        "Error: No stored profile for openrouter (stored: kilocode:default, kilocode:work). "
        "Nothing was changed.\n"
        "See the stored profiles with: kilocli auth list\n",
    ),
    "no --yes and no terminal": (
        ("kilocode:work",),
        ExitCode.USAGE,
        "Error: Removing kilocode:work needs a confirmation, and there is no terminal.\n"
        "Pass --yes to remove it without asking.\n",
    ),
    "neither a profile nor --provider": (
        ("--yes",),
        ExitCode.USAGE,
        "Error: Name a profile id or --provider, not both and not neither.\n"
        "For example: kilocli auth logout kilocode:default\n",
    ),
    "both a profile and --provider": (
        ("kilocode:work", "--provider", "kilocode", "--yes"),
        ExitCode.USAGE,
        "Error: Name a profile id or --provider, not both and not neither.\n"
        "For example: kilocli auth logout kilocode:default\n",
    ),
}


@pytest.mark.parametrize(
    ("args", "exit_code", "stderr"), LOGOUT_REFUSALS.values(), ids=LOGOUT_REFUSALS.keys()
)
def test_logout_refuses_and_changes_nothing(
    kilo: Kilo, home: Path, args: tuple[str, ...], exit_code: ExitCode, stderr: str
) -> None:
    arrange(home, [DEFAULT, ORDERED])
    before = file_state(home)

    run = kilo("auth", "logout", *args)

    assert run.code == exit_code
    assert run.stdout == ""
    assert run.stderr == stderr
    assert file_state(home) == before


# auth list ---------------------------------------------------------------------------------------


def listed(profile_id: str, key: str | None, *, referenced: bool, active: bool) -> dict[str, Any]:
    provider = profile_id.partition(":")[0]
    return {
        "profileId": profile_id,
        "provider": provider,
        "type": "api_key" if key else "oauth",
        "keyPreview": preview_of(key) if key else None,
        "organization": None,
        "referencedByConfig": referenced,
        "active": active,
        "expiresAt": None,
        "keyStore": auth_file(),
    }


def auth_file() -> str:
    """Where a file-stored key is kept, as lists and status name it (SPEC §14)."""
    return str(Path(os.environ["KILOCLI_HOME"]) / "auth-profiles.toml")


def arrange_for_list(home: Path) -> None:
    """Every kind of profile: ordered, default, unreferenced, keyless, another provider's."""
    arrange(home, [ZETA, OPENROUTER_PROFILE, DEFAULT, ALPHA, ORDERED])
    store = read_toml(home / "auth-profiles.toml")
    store["profiles"]["kilocode:sso"] = profile("kilocode", None, "oauth")
    write_private(home / "auth-profiles.toml", store)


@pytest.mark.parametrize(
    ("env", "kilocode_active"),
    [({}, "kilocode:work"), ({"KILOCODE_API_KEY": VALID_KEY}, None)],
    ids=["no env var", "KILOCODE_API_KEY set"],
)
def test_list_json_marks_one_active_profile_per_provider_unless_env_wins(
    kilo: Kilo, home: Path, env: dict[str, str], kilocode_active: str | None
) -> None:
    arrange_for_list(home)

    run = kilo("auth", "list", "--json", env=env)

    assert run.code == ExitCode.OK, run.stderr
    assert document(run) == {
        "profiles": [
            listed(pid, key, referenced=pid in {"kilocode:work", "kilocode:default"}, active=act)
            for pid, key, act in [
                ("kilocode:zeta", ZETA.key, False),
                ("openrouter:default", OPENROUTER_PROFILE.key, True),
                ("kilocode:default", DEFAULT.key, kilocode_active == "kilocode:default"),
                ("kilocode:alpha", ALPHA.key, False),
                ("kilocode:work", ORDERED.key, kilocode_active == "kilocode:work"),
                ("kilocode:sso", None, False),
            ]
        ]
    }


def test_list_prints_a_table(kilo: Kilo, home: Path) -> None:
    arrange(home, [ORDERED, DEFAULT, OPENROUTER_PROFILE])

    run = kilo("auth", "list")

    assert run.code == ExitCode.OK, run.stderr
    w, d, o = (preview_of(p.key) for p in (ORDERED, DEFAULT, OPENROUTER_PROFILE))
    assert [line.rstrip() for line in run.stdout.splitlines()] == [
        "Profile             Provider    Type     Key        Organisation  In config  Active",
        f"openrouter:default  openrouter  api_key  {o}  personal      no         yes",
        f"kilocode:default    kilocode    api_key  {d}  personal      yes",
        f"kilocode:work       kilocode    api_key  {w}  personal      yes        yes",
    ]


def test_list_without_profiles_says_how_to_store_one(kilo: Kilo) -> None:
    run = kilo("auth", "list")

    assert run.code == ExitCode.OK
    assert run.stdout == ""
    assert run.stderr == "No stored profiles. Store one with: kilocli auth login kilocode\n"


# auth token --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("places", "expected"),
    [(KILO_CHAIN[1:], KILO_ENV), (KILO_CHAIN[2:], ORDERED)],
    ids=["env over profiles and config", "the ordered profile over the rest"],
)
def test_token_prints_exactly_the_key_in_effect(
    kilo: Kilo, home: Path, places: tuple[Place, ...], expected: Place
) -> None:
    env = arrange(home, places)

    run = kilo("auth", "token", "kilocode", env=env)

    assert run.code == ExitCode.OK, run.stderr
    assert run.stdout == expected.key + "\n"
    assert run.stderr == ""


def test_token_without_a_key_exits_3_with_nothing_on_stdout(kilo: Kilo) -> None:
    run = kilo("auth", "token", "openrouter")

    assert run.code == ExitCode.NOT_AUTHENTICATED
    assert run.stdout == ""
    assert run.stderr == (
        "Error: No OpenRouter key: none in OPENROUTER_API_KEY, in a stored profile or in config.\n"
        "Store one with: kilocli auth login openrouter\n"
    )


# Prompted paths, in-process ----------------------------------------------------------------------


def invoke(
    home: Path, gateway: FakeGateway, prompter: ScriptedPrompter, *args: str
) -> tuple[int, str, str]:
    env = {"KILOCLI_HOME": str(home), "KILOCODE_BASE_URL": gateway.base_url}
    overrides = Overrides(env=env, prompter=prompter, interactive=True)
    result = CliRunner().invoke(app, ["auth", *args], obj=overrides)
    assert prompter.finished
    return result.exit_code, result.stdout, result.stderr


def test_login_on_a_terminal_asks_for_the_key(home: Path, gateway: FakeGateway) -> None:
    prompter = ScriptedPrompter([f"Bearer {VALID_KEY}"])

    code, stdout, _ = invoke(home, gateway, prompter, "login", "kilocode")

    assert code == ExitCode.OK
    assert [(asked.kind, asked.message) for asked in prompter.asked] == [
        ("secret", "Enter Kilo Gateway API key")
    ]
    assert stdout == f"Stored kilocode:default ({preview_of(VALID_KEY)}), verified: {EMAIL}\n"
    assert read_toml(home / "auth-profiles.toml")["profiles"]["kilocode:default"]["key"] == (
        VALID_KEY
    )


def test_logout_on_a_terminal_declined_removes_nothing(home: Path, gateway: FakeGateway) -> None:
    kilo_default_profile(home)
    before = file_state(home)
    prompter = ScriptedPrompter([False])

    code, stdout, stderr = invoke(home, gateway, prompter, "logout", "kilocode:default")

    assert code == ExitCode.ERROR
    assert [(a.kind, a.message, a.default) for a in prompter.asked] == [
        ("confirm", "Remove kilocode:default from this machine?", False)
    ]
    assert stdout == ""
    assert stderr == "Error: Nothing was removed.\n"
    assert file_state(home) == before


# No command but auth token ever shows a key ------------------------------------------------------

NEW_KEY = "eyJhbGciOiJIUzI1NiJ9.eyJuZXciOiJrZXkifQ.a-new-key-given-to-auth-login-zNEW"
EVERYWHERE = (*KILO_CHAIN, OPENROUTER_ENV, OPENROUTER_PROFILE, OPENROUTER_CONFIG)


def echoing(status: int, key: str) -> dict[str, Any]:
    """A fault whose body repeats the key it was sent, in both of the gateway's shapes."""
    body = {"error": {"code": "ECHO", "message": f"Bearer {key} is {key}"}, "message": key}
    return {"status": status, "body": json.dumps(body).encode()}


LEAK_RUNS: dict[str, tuple[tuple[str, ...], str | None, int | None]] = {
    # name: (arguments, stdin, the status of an answer that repeats the key, else None)
    "status": (("status",), None, None),
    "status --check, accepted": (("status", "--check"), None, None),
    "status --check, rejected": (("status", "--check"), None, 401),
    "status --check, no credits": (("status", "--check"), None, 402),
    "status openrouter --check, forbidden": (("status", "openrouter", "--check"), None, 403),
    "list": (("list",), None, None),
    "login --key": (("login", "kilocode", "--key", NEW_KEY), None, None),
    "login --key, rejected": (("login", "kilocode", "--key", NEW_KEY), None, 401),
    "login --stdin, unavailable": (
        ("login", "kilocode", "--stdin", "--profile-id", "kilocode:piped"),
        f"KILOCODE_API_KEY={NEW_KEY}\n",
        503,
    ),
    "login, key with inner whitespace": (
        ("login", "kilocode", "--key", f"{NEW_KEY[:40]} {NEW_KEY[40:]}"),
        None,
        None,
    ),
    "logout": (("logout", "kilocode:default", "--yes"), None, None),
    "logout --provider": (("logout", "--provider", "openrouter", "--yes"), None, None),
    "logout, no such profile": (("logout", "kilocode:nope", "--yes"), None, None),
    "logout, no --yes": (("logout", "kilocode:default"), None, None),
}


@pytest.mark.parametrize("debug_json", [False, True], ids=["plain", "json and debug"])
@pytest.mark.parametrize(("args", "stdin", "status"), LEAK_RUNS.values(), ids=LEAK_RUNS.keys())
def test_no_auth_command_but_token_shows_a_key(
    kilo: Kilo,
    home: Path,
    gateway: FakeGateway,
    args: tuple[str, ...],
    stdin: str | None,
    status: int | None,
    debug_json: bool,
) -> None:
    env = arrange(home, EVERYWHERE)
    gateway.valid_keys |= {KILOCODE_ENV.key, OPENROUTER_ENV.key, NEW_KEY}
    # The gateway's answers repeat the key they were sent, as a careless server might.
    kilo_sent = NEW_KEY if args[0] == "login" else KILOCODE_ENV.key
    gateway.profile = {
        "user": {"email": f"{kilo_sent}@example.com"},
        "organizations": [{"name": kilo_sent}],
    }
    if status:
        gateway.fail("/api/profile", **echoing(status, kilo_sent))
        gateway.fail("/api/v1/key", **echoing(status, OPENROUTER_ENV.key))
    extra = ("--json",) if debug_json else ()
    if debug_json:
        env["KILOCLI_DEBUG"] = "1"

    run = kilo("auth", *args, *extra, env=env, stdin=stdin)

    for key in (*(place.key for place in EVERYWHERE), NEW_KEY, NEW_KEY[:40], NEW_KEY[40:]):
        assert key not in run.output
    assert "Unexpected error" not in run.stderr
    if debug_json:
        assert isinstance(document(run), dict)


def test_an_unexpected_error_in_auth_never_shows_a_key_even_in_a_debug_traceback(
    home: Path, gateway: FakeGateway
) -> None:
    env = arrange(home, EVERYWHERE)
    env |= {"KILOCLI_HOME": str(home), "KILOCLI_DEBUG": "1", "KILOCODE_BASE_URL": gateway.base_url}

    def broken_client() -> Any:
        raise RuntimeError(f"client setup failed while holding {KILOCODE_ENV.key}")

    overrides = Overrides(env=env, interactive=False, http_client=broken_client)
    result = CliRunner().invoke(app, ["auth", "status", "--check"], obj=overrides)

    assert result.exit_code == ExitCode.ERROR
    assert "Traceback" in result.stderr
    assert f"client setup failed while holding {preview_of(KILOCODE_ENV.key)}" in result.stderr
    for place in EVERYWHERE:
        assert place.key not in result.stdout + result.stderr


def test_a_key_given_as_a_bare_argument_is_a_usage_error_that_names_key_and_stdin(
    kilo: Kilo, home: Path
) -> None:
    run = kilo("auth", "login", "kilocode", VALID_KEY)

    assert run.code == ExitCode.USAGE
    assert VALID_KEY not in run.output
    assert preview_of(VALID_KEY) in run.stderr
    assert "pass it with --key KEY, or pipe it in with --stdin" in run.stderr
    assert not home.exists()
