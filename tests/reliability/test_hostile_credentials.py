"""Credentials and organisation ids from outside, end to end (SPEC §4, §13; issue 16, items
6 to 8).

- Every credential, however it arrives (a device sign-in's token, a flag, stdin, the
  environment, the Kilo CLI's store, the login shell), passes one normalise-and-check before
  it is stored or sent: printable ASCII, no whitespace, at most 16 KiB. A refusal never shows
  any part of the value, and writes nothing.
- Organisation ids from the gateway (and from the environment or a flag) are checked before
  they are stored, sent, put in a file name or shown: a bad one is skipped with a warning, or
  refused when given by flag.
- The login-shell import reads at most 1 MiB, within its 2 s, and leaves no process of the
  shell's group behind.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import select
import signal
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kilocli.credentials.kilo_cli import read_kilo_cli_sign_in
from kilocli.services import runtime as runtime_module
from tests.cli import conftest as cli_conftest
from tests.cli.conftest import Kilo
from tests.conftest import Run
from tests.fakes import VALID_KEY, FakeGateway

kilo = cli_conftest.kilo

SIGNATURE = VALID_KEY.rsplit(".", 1)[1]
BIG = 8 * 2**20


@pytest.fixture(autouse=True)
def no_real_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    """The device sign-in's polls wait on a virtual clock (nothing sleeps)."""
    now = [1_795_000_000.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    patched = functools.partial(runtime_module.Runtime, sleep=sleep, clock=lambda: now[0])
    monkeypatch.setattr(runtime_module, "Runtime", patched)


def assert_refused_quietly(run: Run, home: Path, *secrets: str) -> None:
    """Exit non-zero with a short message, no traceback, none of ``secrets`` (nor a long part
    of one) on either stream, and nothing written."""
    assert run.code != 0, run.stdout
    assert "Traceback" not in run.stderr
    assert len(run.stderr) < 2_000, run.stderr[:300]
    for secret in secrets:
        for part in {secret[i : i + 16] for i in range(0, max(len(secret) - 16, 1), 16)}:
            assert part not in run.stderr
            assert part not in run.stdout
    assert not (home / "auth-profiles.toml").exists()


# --- 6. One check for every credential ---------------------------------------------------------

HOSTILE_TOKENS = {
    "inner space": VALID_KEY[:40] + " " + VALID_KEY[40:],
    "tab": VALID_KEY[:40] + "\t" + VALID_KEY[40:],
    "non-ASCII": VALID_KEY[:40] + "é" + VALID_KEY[40:],
    "NUL": VALID_KEY[:40] + "\x00" + VALID_KEY[40:],
    "escape sequence": VALID_KEY[:40] + "\x1b[31m" + VALID_KEY[40:],
    "8 MiB": VALID_KEY + "A" * BIG,
}


@pytest.mark.parametrize("token", list(HOSTILE_TOKENS.values()), ids=list(HOSTILE_TOKENS))
def test_a_device_token_that_cannot_be_a_key_is_refused_and_never_stored(
    kilo: Kilo, gateway: FakeGateway, home: Path, token: str
) -> None:
    gateway.device_token = token
    gateway.device_pending_polls = 0
    run = kilo("onboard", "--auth-choice", "kilocode-device", "--no-browser", "--json")
    assert_refused_quietly(run, home, token, SIGNATURE)
    assert run.code == 3
    assert "sign-in token" in json.loads(run.stdout)["error"]
    assert SIGNATURE not in run.stderr
    # ...and the gateway never saw it as a key
    assert all(seen.header("Authorization") is None for seen in gateway.requests)


def test_a_device_token_with_a_line_break_is_normalised_like_a_pasted_key(
    kilo: Kilo, gateway: FakeGateway, home: Path
) -> None:
    """SPEC §4's normalising drops CR/LF anywhere: the key stored (and sent) has none."""
    gateway.device_token = VALID_KEY[:40] + "\r\n" + VALID_KEY[40:] + "\n"
    gateway.device_pending_polls = 0
    run = kilo("onboard", "--auth-choice", "kilocode-device", "--no-browser", "--json")
    assert run.code == 0, run.stderr
    stored = (home / "auth-profiles.toml").read_text()
    assert f'key = "{VALID_KEY}"' in stored
    profile_requests = [seen for seen in gateway.requests if seen.path == "/api/profile"]
    assert [seen.header("Authorization") for seen in profile_requests] == [f"Bearer {VALID_KEY}"]


TOO_LONG = VALID_KEY + "A" * (16 * 1024)


@pytest.mark.parametrize("where", ["flag", "stdin", "env"])
def test_a_key_longer_than_16_kib_is_refused_wherever_it_comes_from(
    kilo: Kilo, gateway: FakeGateway, home: Path, where: str
) -> None:
    if where == "flag":
        run = kilo("onboard", "--kilocode-api-key", TOO_LONG, "--no-verify")
    elif where == "stdin":
        run = kilo("onboard", "--api-key-stdin", "--no-verify", stdin=TOO_LONG)
    else:
        run = kilo(
            "onboard", "--non-interactive", "--no-verify", env={"KILOCODE_API_KEY": TOO_LONG}
        )
    assert_refused_quietly(run, home, TOO_LONG)
    assert run.code == 2
    assert "16 KiB" in run.stderr
    assert gateway.requests == []


@pytest.mark.parametrize(
    "value", [TOO_LONG, VALID_KEY + " x", VALID_KEY + "é"], ids=["too long", "space", "non-ASCII"]
)
def test_the_kilo_cli_store_is_checked_the_same_way(tmp_path: Path, value: str) -> None:
    store = tmp_path / "kilo" / "auth.json"
    store.parent.mkdir()
    store.write_text(json.dumps({"kilo": {"type": "oauth", "access": value}}))
    assert read_kilo_cli_sign_in({"XDG_DATA_HOME": str(tmp_path)}) is None


def write_shell(path: Path, body: str) -> Path:
    """An executable stand-in for the user's login shell (it ignores ``-l -i -c 'env -0'``)."""
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_a_login_shell_key_that_cannot_be_a_key_is_ignored_with_a_warning(
    kilo: Kilo, gateway: FakeGateway, home: Path, tmp_path: Path
) -> None:
    hostile = VALID_KEY[:40] + " " + VALID_KEY[40:]
    shell = write_shell(tmp_path / "shell", f"printf 'KILOCODE_API_KEY={hostile}\\0HOME=/x\\0'\n")
    env = {"KILOCLI_SHELL_ENV": "1", "SHELL": str(shell)}
    run = kilo("auth", "status", "--json", env=env)
    assert run.code == 3, run.stderr  # no key in effect: the shell's was not taken
    assert "KILOCODE_API_KEY in your login shell contains whitespace" in run.stderr
    assert SIGNATURE not in run.stderr
    assert SIGNATURE not in run.stdout
    assert hostile[:40] not in run.stderr


# --- 7. Organisation ids from the gateway ------------------------------------------------------

BAD_ORGANIZATION_IDS = {
    "NUL": "org\x00id",
    "non-ASCII": "orgé",
    "newline": "org\nid",
    "space": "org id",
    "slash": "../../etc/org",
    "escape": "org\x1b[2Jid",
    "129 characters": "o" * 129,
}
GOOD_ORGANIZATION = "11111111-2222-4333-8444-555555555555"


@pytest.mark.parametrize(
    "bad_id", list(BAD_ORGANIZATION_IDS.values()), ids=list(BAD_ORGANIZATION_IDS)
)
def test_a_bad_organisation_id_from_the_gateway_is_skipped_with_a_warning(
    kilo: Kilo, gateway: FakeGateway, home: Path, bad_id: str
) -> None:
    """The account's selected organisation has an id no header or file name should carry:
    onboarding skips it (with a warning) and takes the only usable one; the bad id is in no
    file, no request and no output."""
    gateway.organizations = [
        {"id": bad_id, "name": "Evil", "role": "owner"},
        {"id": GOOD_ORGANIZATION, "name": "Acme", "role": "member"},
    ]
    gateway.selected_organization_id = bad_id
    gateway.has_personal_account = False
    run = kilo("onboard", "--kilocode-api-key", VALID_KEY, "--json")
    assert run.code == 0, run.stderr
    assert json.loads(run.stdout)["organization"] == GOOD_ORGANIZATION
    assert "Skipped 1 organisation(s)" in run.stderr
    assert bad_id not in run.stderr
    assert bad_id not in run.stdout
    for path in home.rglob("*"):
        if path.is_file():
            assert bad_id not in path.read_text(errors="replace"), path
    assert all(bad_id not in seen.path for seen in gateway.requests)
    assert all(
        seen.header("X-KILOCODE-ORGANIZATIONID") in {None, GOOD_ORGANIZATION}
        for seen in gateway.requests
    )
    # ...and the next commands still work, speaking for the good organisation
    listing = kilo("models", "kilocode", "--json")
    assert listing.code == 0, listing.stderr
    assert json.loads(listing.stdout)["organization"] == GOOD_ORGANIZATION


@pytest.mark.parametrize(
    "bad_id", list(BAD_ORGANIZATION_IDS.values()), ids=list(BAD_ORGANIZATION_IDS)
)
def test_a_bad_organisation_id_by_flag_is_refused(
    kilo: Kilo, gateway: FakeGateway, home: Path, bad_id: str
) -> None:
    if "\x00" in bad_id:
        pytest.skip("no argv can hold a NUL")
    run = kilo("onboard", "--kilocode-api-key", VALID_KEY, "--organization", bad_id)
    assert run.code == 2
    assert "--organization is not an organisation id" in run.stderr
    assert not (home / "auth-profiles.toml").exists()


@pytest.mark.parametrize("name", ["KILO_ORG_ID", "KILOCODE_ORGANIZATION_ID"])
@pytest.mark.parametrize(
    "bad_id",
    [v for v in BAD_ORGANIZATION_IDS.values() if "\x00" not in v],  # no environment holds NUL
    ids=[k for k, v in BAD_ORGANIZATION_IDS.items() if "\x00" not in v],
)
def test_a_bad_organisation_id_in_the_environment_is_ignored_with_a_warning(
    kilo: Kilo, gateway: FakeGateway, name: str, bad_id: str
) -> None:
    run = kilo("models", "kilocode", "--json", env={"KILOCODE_API_KEY": VALID_KEY, name: bad_id})
    assert run.code == 0, run.stderr
    assert f"Ignored the organisation id of env: {name}" in run.stderr
    assert json.loads(run.stdout)["organization"] is None
    assert all(seen.header("X-KILOCODE-ORGANIZATIONID") is None for seen in gateway.requests)


# --- 8. The login-shell import is bounded -------------------------------------------------------


@pytest.fixture
def leftover_pids() -> Iterator[list[int]]:
    """Processes a test's shell left behind, killed at the end whatever happened."""
    pids: list[int] = []
    yield pids
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def ended(pid: int, within: float) -> bool:
    """Whether process ``pid`` has ended (or ends within ``within`` seconds: signals take a
    moment to land). Waits on a pidfd, never polls."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        readable, _, _ = select.select([fd], [], [], within)
        return bool(readable)
    finally:
        os.close(fd)


@pytest.mark.skipif(not hasattr(os, "pidfd_open"), reason="needs pidfd_open (Linux)")
def test_the_login_shell_process_group_is_gone_afterwards(
    kilo: Kilo, gateway: FakeGateway, tmp_path: Path, leftover_pids: list[int]
) -> None:
    """A shell whose rc files start a background job that outlives it: kilocli kills the whole
    group once it has its answer."""
    pid_file = tmp_path / "background.pid"
    shell = write_shell(
        tmp_path / "shell",
        f"sleep 300 >/dev/null 2>&1 &\necho $! > {pid_file}\n"
        f"printf 'KILOCODE_API_KEY={VALID_KEY}\\0HOME=/x\\0'\n",
    )
    run = kilo("auth", "status", "--json", env={"KILOCLI_SHELL_ENV": "1", "SHELL": str(shell)})
    assert run.code == 0, run.stderr
    assert json.loads(run.stdout)["providers"][0]["keySource"] == "shell-env: KILOCODE_API_KEY"
    background = int(pid_file.read_text())
    leftover_pids.append(background)
    assert ended(background, within=10), "the shell's background job is still running"


def test_a_shell_that_prints_hundreds_of_megabytes_is_cut_at_1_mib(tmp_path: Path) -> None:
    """The import reads at most 1 MiB: kilocli's memory stays small (the old reader kept all
    300 MB), the shell's output is not read to the end, and the key is not taken from it."""
    shell = write_shell(
        tmp_path / "shell",
        f"printf 'KILOCODE_API_KEY={VALID_KEY}\\0'\nhead -c 300000000 /dev/zero\n",
    )
    env = {
        **os.environ,
        "KILOCLI_HOME": str(tmp_path / "home"),
        "KILOCLI_SHELL_ENV": "1",
        "SHELL": str(shell),
    }
    env.pop("KILOCODE_API_KEY", None)
    env.pop("KILO_API_KEY", None)
    # A wrapper process runs kilocli and reports the peak memory of its one child (kilocli,
    # with the shell it waited for): the test worker's own children do not count.
    wrapper = (
        "import json, resource, subprocess, sys\n"
        "done = subprocess.run([sys.executable, '-m', 'kilocli', 'auth', 'status', '--json'],"
        " capture_output=True, stdin=subprocess.DEVNULL)\n"
        "print(json.dumps({'code': done.returncode, 'stdout': done.stdout.decode(),"
        " 'stderr': done.stderr.decode(errors='replace'),"
        " 'peak': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", wrapper], capture_output=True, text=True, env=env, check=True
    )
    report = json.loads(done.stdout)
    said = " ".join(report["stderr"].split())  # the warning may wrap at the terminal's width
    assert report["code"] == 3, said
    # cut at 1 MiB (or, on a machine too busy to print 1 MiB in time, at the 2 s limit)
    assert "printed more than 1 MiB" in said or "did not answer within 2 s" in said, said
    assert json.loads(report["stdout"])["ok"] is False
    peak_mib = report["peak"] / 1024 if sys.platform != "darwin" else report["peak"] / 2**20
    assert peak_mib < 150, f"kilocli peaked at {peak_mib:.0f} MiB"
