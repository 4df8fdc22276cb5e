"""Key expiry (SPEC §4): a JWT's ``exp`` read locally; an expired key fails fast, without a
request, in every command that uses it (exit 3, "expired on <date>", the sign-in command);
``expiresAt`` in ``auth status``/``auth list``/``doctor``; warnings before it expires, rate
limited through a state file in the cache directory. Time is injected: nothing waits."""

from __future__ import annotations

import base64
import functools
import json
import sys
from pathlib import Path

import pytest

from kilocli.credentials.expiry import key_expiry
from kilocli.errors import ExitCode
from kilocli.services import runtime as runtime_module
from tests.cli.conftest import Kilo, write_file
from tests.fakes import FakeGateway

NOW = 1_796_000_000.0  # 2026-11-30 00:53:20 UTC
DAY = 86400.0


def jwt(exp: object, signature: str = "c2lnbmF0dXJlLW9mLWFuLWV4cGlyaW5nLWtleQ") -> str:
    """A key shaped like Kilo's, whose payload holds ``exp``."""

    def part(claims: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")

    return f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part({'exp': exp, 'env': 'test'})}.{signature}"


EXPIRED = jwt(NOW - 60)  # a minute ago
EXPIRED_ON = "2026-11-30 00:52 UTC"


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Every runtime tells time from ``clock[0]`` (NOW unless a test moves it)."""
    now = [NOW]
    patched = functools.partial(runtime_module.Runtime, clock=lambda: now[0])
    monkeypatch.setattr(runtime_module, "Runtime", patched)
    return now


def store_profile(home: Path, key: str) -> None:
    write_file(
        home / "auth-profiles.toml",
        f'version = 1\n\n[profiles."kilocode:default"]\ntype = "api_key"\n'
        f'provider = "kilocode"\nkey = "{key}"\n',
    )


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        (NOW, NOW),
        (int(NOW), NOW),
        ("1796000000", None),
        (None, None),
        (True, None),
        (float("nan"), None),
        (10**400, None),
    ],
    ids=["float", "int", "string", "null", "bool", "NaN", "huge"],
)
def test_exp_is_read_locally_and_only_when_it_is_a_time(claims: object, expected: object) -> None:
    assert key_expiry(jwt(claims)) == expected


@pytest.mark.parametrize("key", ["sk-or-v1-abcdef", "eyJ.not-base64!.x", "a.b.c.d"])
def test_a_key_that_is_no_jwt_has_no_expiry(key: str) -> None:
    assert key_expiry(key) is None


COMMANDS = {
    "auth status": ("auth", "status"),
    "auth status --check": ("auth", "status", "--check"),
    "auth token": ("auth", "token", "kilocode"),
    "env": ("env", "--format", "json"),
    "models --refresh": ("models", "kilocode", "--refresh"),
    "doctor": ("doctor",),
    "doctor --probe": ("doctor", "--probe"),
    "setup --dry-run": ("setup", "llm", "--dry-run"),
}


@pytest.mark.parametrize("where", ["env", "profile"])
@pytest.mark.parametrize("args", list(COMMANDS.values()), ids=list(COMMANDS))
def test_an_expired_key_fails_fast_without_a_request(
    kilo: Kilo, gateway: FakeGateway, home: Path, tmp_path: Path, where: str, args: tuple[str, ...]
) -> None:
    env = {"LLM_USER_PATH": str(tmp_path / "llm")}
    if where == "env":
        env["KILOCODE_API_KEY"] = EXPIRED
    else:
        store_profile(home, EXPIRED)
    run = kilo(*args, env=env)
    assert run.code == ExitCode.NOT_AUTHENTICATED, run.output
    said = " ".join(run.output.split())
    assert f"expired on {EXPIRED_ON}" in said
    assert "kilocli auth login kilocode --device" in said
    assert gateway.requests == []
    assert EXPIRED not in run.output
    assert "Traceback" not in run.output


def test_exec_does_not_start_the_command_with_an_expired_key(
    kilo: Kilo, gateway: FakeGateway, tmp_path: Path
) -> None:
    marker = tmp_path / "ran"
    run = kilo(
        "exec",
        "--",
        sys.executable,
        "-c",
        f"open({str(marker)!r}, 'w')",
        env={"KILOCODE_API_KEY": EXPIRED},  # expired by the real clock too
        process=True,
    )
    assert run.code == ExitCode.NOT_AUTHENTICATED
    assert "expired on" in run.stderr
    assert not marker.exists()


def test_expires_at_is_in_every_json(kilo: Kilo, gateway: FakeGateway, home: Path) -> None:
    key = jwt(NOW + 30 * DAY)
    store_profile(home, key)
    at = "2026-12-30T00:53:20Z"
    status = json.loads(kilo("auth", "status", "--json").stdout)
    assert status["providers"][0]["expiresAt"] == at
    listed = json.loads(kilo("auth", "list", "--json").stdout)
    assert [p["expiresAt"] for p in listed["profiles"]] == [at]
    doctor = json.loads(kilo("doctor", "--json", "--offline").stdout)
    assert doctor["expiresAt"] == at


def test_expires_at_is_null_for_a_key_without_exp(
    kilo: Kilo, gateway: FakeGateway, home: Path
) -> None:
    store_profile(home, jwt(None))
    status = json.loads(kilo("auth", "status", "--json").stdout)
    assert status["providers"][0]["expiresAt"] is None
    assert json.loads(kilo("auth", "list", "--json").stdout)["profiles"][0]["expiresAt"] is None


def test_an_expired_key_shows_in_auth_list_and_status(
    kilo: Kilo, gateway: FakeGateway, home: Path
) -> None:
    store_profile(home, EXPIRED)
    status = kilo("auth", "status")
    assert status.code == ExitCode.NOT_AUTHENTICATED
    assert "Key EXPIRED    2026-11-30T00:52:20Z" in status.stdout


def warnings_of(run_stderr: str) -> list[str]:
    return [line for line in run_stderr.splitlines() if "expires on" in line]


def test_a_key_expiring_within_14_days_is_warned_about_every_12_hours(
    kilo: Kilo, gateway: FakeGateway, home: Path, clock: list[float]
) -> None:
    store_profile(home, jwt(NOW + 5 * DAY))
    before = (home / "auth-profiles.toml").read_bytes()
    first = kilo("auth", "status")
    assert first.code == ExitCode.OK, first.stderr
    assert len(warnings_of(first.stderr)) == 1
    assert "kilocli auth login kilocode --device" in " ".join(first.stderr.split())
    clock[0] += 11 * 3600
    assert warnings_of(kilo("env", "--format", "json").stderr) == []
    clock[0] += 2 * 3600  # 13 h after the first warning
    assert len(warnings_of(kilo("env", "--format", "json").stderr)) == 1
    # the time of the last warning is in the cache directory, never in the auth store
    assert (home / "cache" / "expiry-warnings.json").exists()
    assert (home / "auth-profiles.toml").read_bytes() == before


def test_a_key_expiring_within_24_hours_is_warned_about_on_every_command(
    kilo: Kilo, gateway: FakeGateway, home: Path
) -> None:
    store_profile(home, jwt(NOW + 3600))
    for _ in range(3):
        run = kilo("env", "--format", "json")
        assert run.code == ExitCode.OK, run.stderr
        assert len(warnings_of(run.stderr)) == 1


def test_a_key_expiring_later_is_not_warned_about(
    kilo: Kilo, gateway: FakeGateway, home: Path
) -> None:
    store_profile(home, jwt(NOW + 15 * DAY))
    assert warnings_of(kilo("env", "--format", "json").stderr) == []
