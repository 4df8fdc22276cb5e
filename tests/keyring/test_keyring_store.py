"""Keys in the OS keyring (SPEC §14), against a real Secret Service on a private bus, and the
fallbacks with keyring's fail backend and a stand-in that never answers."""

from __future__ import annotations

import json
import os
import threading
import tomllib
from pathlib import Path
from typing import Any

import pytest
from keyring.backends.fail import Keyring as FailKeyring

from kilocli.cli.context import Overrides
from kilocli.credentials.keyring_access import entry_name
from kilocli.errors import ExitCode
from tests.conftest import Run, run_kilocli
from tests.fakes import OTHER_VALID_KEY, VALID_KEY
from tests.helpers import preview_of

ONBOARD = ("onboard", "--non-interactive", "--kilocode-api-key", VALID_KEY, "--no-verify")


def on_disk(home: Path) -> str:
    """Every byte of every file kilocli keeps (the .bak and temp files included)."""
    return "".join(p.read_text(errors="replace") for p in home.rglob("*") if p.is_file())


def profiles(home: Path) -> dict[str, Any]:
    return tomllib.loads((home / "auth-profiles.toml").read_text())


def entry(account: str) -> str:
    """The keyring account of a profile of this test's home (its KILOCLI_HOME is set)."""
    return entry_name(account, os.environ)


def secret_service_entry(account: str) -> str | None:
    from keyring.backends.SecretService import Keyring

    value: str | None = Keyring().get_password("kilocli", entry(account))  # type: ignore[no-untyped-call]
    return value


def test_onboarding_stores_the_key_in_the_keyring_and_nowhere_on_disk(
    home: Path, secret_service: dict[str, str]
) -> None:
    run = run_kilocli(*ONBOARD, process=True)

    assert run.code == 0, run.stderr
    assert secret_service_entry("kilocode:default") == VALID_KEY
    assert VALID_KEY not in on_disk(home)
    stored = profiles(home)
    assert stored["profiles"]["kilocode:default"]["store"] == "keyring"
    assert stored["keyringAccounts"] == ["kilocode:default"]
    assert "keyring" not in run.stderr.lower()  # no note: nothing was downgraded
    assert "  Kept in        keyring (Secret Service)\n" in run.stdout


def test_onboarding_json_says_where_the_key_is_kept(
    home: Path, tmp_path: Path, secret_service: dict[str, str]
) -> None:
    in_keyring = run_kilocli(*ONBOARD, "--json")
    file_home = tmp_path / "file-home"
    in_file = run_kilocli(
        *ONBOARD, "--json", env={"KILOCLI_STORE": "file", "KILOCLI_HOME": str(file_home)}
    )
    in_file_text = run_kilocli(
        *ONBOARD, env={"KILOCLI_STORE": "file", "KILOCLI_HOME": str(tmp_path / "text-home")}
    )

    assert json.loads(in_keyring.stdout)["keyStore"] == "keyring (Secret Service)"
    assert json.loads(in_file.stdout)["keyStore"] == str(file_home / "auth-profiles.toml")
    assert in_file_text.code == 0, in_file_text.stderr
    assert "Kept in" not in in_file_text.stdout  # "Wrote" names the file that holds it


def test_every_command_that_needs_the_key_finds_it_in_the_keyring(
    home: Path, secret_service: dict[str, str]
) -> None:
    assert run_kilocli(*ONBOARD).code == 0

    token = run_kilocli("auth", "token", "kilocode", process=True)
    env = run_kilocli("env")
    status = run_kilocli("auth", "status", "--json")
    listed = run_kilocli("auth", "list", "--json")
    executed = run_kilocli(
        "exec", "--", "sh", "-c", 'test "$KILOCODE_API_KEY" = "$0"', VALID_KEY, process=True
    )

    assert (token.code, token.stdout) == (0, VALID_KEY + "\n"), token.stderr
    assert VALID_KEY in env.stdout
    assert executed.code == 0, executed.stderr
    assert '"keyStore": "keyring (Secret Service)"' in status.stdout
    assert preview_of(VALID_KEY) in listed.stdout
    assert '"keyStore": "keyring (Secret Service)"' in listed.stdout
    assert VALID_KEY not in status.stdout + listed.stdout


def test_logout_removes_the_keyring_entry(home: Path, secret_service: dict[str, str]) -> None:
    assert run_kilocli(*ONBOARD).code == 0

    run = run_kilocli("auth", "logout", "kilocode:default", "--yes")

    assert run.code == 0, run.stderr
    assert secret_service_entry("kilocode:default") is None
    assert "keyringAccounts" not in profiles(home)


def test_moving_between_the_stores_works_both_ways_and_twice(
    home: Path, secret_service: dict[str, str]
) -> None:
    assert run_kilocli(*ONBOARD).code == 0
    for _ in range(2):
        to_file = run_kilocli("auth", "store", "file", "--json")
        assert to_file.code == 0, to_file.stderr
        assert secret_service_entry("kilocode:default") is None
        assert profiles(home)["profiles"]["kilocode:default"]["key"] == VALID_KEY
        assert run_kilocli("auth", "token", "kilocode").stdout == VALID_KEY + "\n"

        to_keyring = run_kilocli("auth", "store", "keyring", "--json")
        assert to_keyring.code == 0, to_keyring.stderr
        assert secret_service_entry("kilocode:default") == VALID_KEY
        assert VALID_KEY not in on_disk(home)
        assert run_kilocli("auth", "token", "kilocode").stdout == VALID_KEY + "\n"
    again = run_kilocli("auth", "store", "keyring", "--json")  # nothing left to move
    assert '"moved": []' in again.stdout


def test_a_file_key_stored_again_into_the_keyring_leaves_no_copy_on_disk(
    home: Path, secret_service: dict[str, str]
) -> None:
    """Onboarded where there was no keyring (the key went to the file), then signed in again
    at the desktop with the same key: the .bak must not keep it either."""
    login = ("auth", "login", "kilocode", "--key", VALID_KEY, "--no-verify")
    assert run_kilocli(*login, env={"KILOCLI_STORE": "file"}).code == 0
    run = run_kilocli(*login)

    assert run.code == 0, run.stderr
    assert secret_service_entry("kilocode:default") == VALID_KEY
    assert VALID_KEY not in on_disk(home)


def test_a_move_interrupted_after_the_copy_loses_nothing_and_finishes_when_run_again(
    home: Path, secret_service: dict[str, str]
) -> None:
    """Killed after the keyring had its copy but before the file forgot the key: both hold
    it, the profile still names the file, and the next run finishes the move."""
    run_kilocli("auth", "login", "kilocode", "--key", VALID_KEY, "--no-verify", env=FILE)
    from keyring.backends.SecretService import Keyring

    Keyring().set_password("kilocli", entry("kilocode:default"), VALID_KEY)  # type: ignore[no-untyped-call]
    assert run_kilocli("auth", "token", "kilocode").stdout == VALID_KEY + "\n"

    run = run_kilocli("auth", "store", "keyring")

    assert run.code == 0, run.stderr
    assert VALID_KEY not in on_disk(home)
    assert run_kilocli("auth", "token", "kilocode").stdout == VALID_KEY + "\n"


FILE = {"KILOCLI_STORE": "file"}


def test_doctor_notices_an_entry_removed_behind_its_back_and_an_orphan(
    home: Path, secret_service: dict[str, str]
) -> None:
    assert run_kilocli(*ONBOARD).code == 0
    from keyring.backends.SecretService import Keyring

    Keyring().delete_password("kilocli", entry("kilocode:default"))  # type: ignore[no-untyped-call]

    run = run_kilocli("doctor", "--offline", "--json")

    assert run.code != 0
    assert "kilocode:default keeps its key in the keyring (Secret Service), but" in run.stdout
    token = run_kilocli("auth", "token", "kilocode")
    assert token.code == ExitCode.NOT_AUTHENTICATED
    assert "missing from the keyring" in token.stderr
    assert "Traceback" not in token.stderr

    # an entry of kilocli's that no profile names (an interrupted logout)
    Keyring().set_password("kilocli", entry("kilocode:old"), OTHER_VALID_KEY)  # type: ignore[no-untyped-call]
    text = (home / "auth-profiles.toml").read_text()
    text = text.replace(
        'keyringAccounts = [\n    "kilocode:default",\n]',
        'keyringAccounts = [\n    "kilocode:default",\n    "kilocode:old",\n]',
    )
    (home / "auth-profiles.toml").write_text(text)
    found = run_kilocli("doctor", "--offline", "--json")
    assert "holds a key of kilocli's as kilocode:old, and no profile names it" in found.stdout
    run_kilocli("doctor", "--offline", "--fix")
    assert secret_service_entry("kilocode:old") is None


# Fallbacks: CI, no keyring, a keyring that fails or never answers --------------------------


def test_ci_keeps_the_key_in_the_file_and_says_so_once(
    home: Path, secret_service: dict[str, str]
) -> None:
    run = run_kilocli(*ONBOARD, env={"CI": "true"})

    assert run.code == 0, run.stderr
    assert run.stderr.count("not in the OS keyring: CI is set") == 1
    assert profiles(home)["profiles"]["kilocode:default"]["key"] == VALID_KEY
    assert secret_service_entry("kilocode:default") is None


def without_store_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KILOCLI_STORE")
    monkeypatch.delenv("CI", raising=False)


def test_no_keyring_backend_keeps_the_key_in_the_file_with_one_note(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    without_store_choice(monkeypatch)
    overrides = Overrides(keyring_backend=FailKeyring)

    run = run_kilocli(*ONBOARD, overrides=overrides)

    assert run.code == 0, run.stderr
    assert run.stderr.count("not in the OS keyring: the keyring (no keyring backend) cannot") == 1
    assert "Nothing was written to a file" not in run.stderr  # it just was: no contradiction
    assert profiles(home)["profiles"]["kilocode:default"]["key"] == VALID_KEY


def test_a_session_without_a_bus_keeps_the_key_in_the_file_without_loading_keyring(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    without_store_choice(monkeypatch)
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND")

    run = run_kilocli(*ONBOARD, process=True)

    assert run.code == 0, run.stderr
    assert run.stderr.count("no D-Bus session bus") == 1
    assert profiles(home)["profiles"]["kilocode:default"]["key"] == VALID_KEY


def test_a_forced_keyring_that_is_missing_fails_and_writes_no_key(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    overrides = Overrides(keyring_backend=FailKeyring)

    run = run_kilocli(*ONBOARD, env={"KILOCLI_STORE": "keyring"}, overrides=overrides)

    assert run.code == ExitCode.ERROR
    assert "The keyring (no keyring backend) failed while storing a key" in run.stderr
    assert "kilocli auth store file" in run.stderr
    assert "Traceback" not in run.stderr
    assert not (home / "auth-profiles.toml").exists()


class NeverAnswers:
    """A keyring backend stuck on a locked keyring's prompt nobody answers."""

    released = threading.Event()
    calls = 0

    def get_password(self, service: str, account: str, *password: str) -> str | None:
        type(self).calls += 1
        self.released.wait(30)
        return None

    set_password = delete_password = get_password  # type: ignore[assignment]


@pytest.fixture
def hanging() -> Any:
    NeverAnswers.calls = 0
    yield NeverAnswers
    NeverAnswers.released.set()  # let the stuck helper threads end
    NeverAnswers.released = threading.Event()


def test_a_forced_keyring_that_hangs_fails_fast_and_writes_no_key(home: Path, hanging: Any) -> None:
    overrides = Overrides(keyring_backend=hanging, keyring_timeout=0.2)

    run = run_kilocli(*ONBOARD, env={"KILOCLI_STORE": "keyring"}, overrides=overrides)

    assert run.code == ExitCode.ERROR
    assert "did not answer within 0.2 s" in run.stderr
    assert not (home / "auth-profiles.toml").exists()


def test_a_default_keyring_that_hangs_falls_back_to_the_file_with_one_note(
    home: Path, hanging: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    without_store_choice(monkeypatch)
    overrides = Overrides(keyring_backend=hanging, keyring_timeout=0.2)

    run = run_kilocli(*ONBOARD, overrides=overrides)

    assert run.code == 0, run.stderr
    assert run.stderr.count("did not answer within 0.2 s") == 1
    assert profiles(home)["profiles"]["kilocode:default"]["key"] == VALID_KEY


def test_a_key_in_a_hanging_keyring_is_an_error_for_auth_token(home: Path, hanging: Any) -> None:
    (home).mkdir(parents=True, exist_ok=True)
    (home / "auth-profiles.toml").write_text(
        'version = 1\n[profiles."kilocode:default"]\ntype = "api_key"\nprovider = "kilocode"\n'
        'store = "keyring"\n'
    )
    overrides = Overrides(keyring_backend=hanging, keyring_timeout=0.2)

    run: Run = run_kilocli("auth", "token", "kilocode", overrides=overrides)

    assert run.code == ExitCode.ERROR
    assert run.stdout == ""
    assert "did not answer within 0.2 s while reading a key" in run.stderr


KEYRING_PROFILE = (
    'version = 1\n[profiles."kilocode:default"]\ntype = "api_key"\nprovider = "kilocode"\n'
    'store = "keyring"\n'
)


def test_a_keyring_that_did_not_answer_is_not_asked_again_in_the_same_run(
    home: Path, hanging: Any
) -> None:
    """doctor reads the key twice (where keys are kept, then the key in effect): one bounded
    wait, not one per read."""
    home.mkdir(parents=True, exist_ok=True)
    (home / "auth-profiles.toml").write_text(KEYRING_PROFILE)
    overrides = Overrides(keyring_backend=hanging, keyring_timeout=0.2)

    run = run_kilocli("doctor", "--offline", overrides=overrides)

    assert run.code == ExitCode.ERROR
    assert "did not answer within 0.2 s" in run.stdout + run.stderr
    assert hanging.calls == 1


def test_auth_token_asks_a_failing_keyring_once_and_says_so_on_one_line(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The credential helper's form (no overrides, stderr not a terminal) fails as the full
    command would, without asking the keyring a second time on the way."""
    from tests.keyring.backends import RefusesAndCounts

    home.mkdir(parents=True, exist_ok=True)
    (home / "auth-profiles.toml").write_text(KEYRING_PROFILE)
    (home / "auth-profiles.toml").chmod(0o600)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.keyring.backends.RefusesAndCounts")
    monkeypatch.setattr("keyring.core._keyring_backend", None)  # chosen anew, from the env
    RefusesAndCounts.calls = 0

    run = run_kilocli("auth", "token", "kilocode")

    assert run.code == ExitCode.ERROR
    assert run.stdout == ""
    assert RefusesAndCounts.calls == 1, run.stderr
    assert len(run.stderr.splitlines()) == 1, run.stderr
    assert "the test keyring refuses" in run.stderr
    assert run.stderr.rstrip().endswith("kilocli auth store file")


def test_two_homes_keep_their_own_keys(
    home: Path, tmp_path: Path, secret_service: dict[str, str]
) -> None:
    """KILOCLI_HOME moves everything (SPEC §2), its keyring entries included: one home's
    login, replacement or logout never reaches another's key."""
    other = {"KILOCLI_HOME": str(tmp_path / "other-home")}
    assert run_kilocli("auth", "login", "kilocode", "--key", VALID_KEY, "--no-verify").code == 0
    login = ("auth", "login", "kilocode", "--key", OTHER_VALID_KEY, "--no-verify")
    assert run_kilocli(*login, env=other).code == 0

    assert run_kilocli("auth", "token", "kilocode").stdout == VALID_KEY + "\n"
    assert run_kilocli("auth", "token", "kilocode", env=other).stdout == OTHER_VALID_KEY + "\n"
    assert run_kilocli("auth", "logout", "kilocode:default", "--yes", env=other).code == 0
    assert run_kilocli("auth", "token", "kilocode").stdout == VALID_KEY + "\n"


def test_a_missing_entry_still_lists_every_profile_and_provider(
    home: Path, secret_service: dict[str, str]
) -> None:
    """The key in effect gone from the keyring: list and status still show every profile and
    provider (and say what is wrong); status ends as a missing key does."""
    from keyring.backends.SecretService import Keyring

    login = ("auth", "login", "kilocode", "--no-verify", "--key")
    assert run_kilocli(*login, VALID_KEY).code == 0
    assert run_kilocli(*login, OTHER_VALID_KEY, "--profile-id", "kilocode:work").code == 0
    assert run_kilocli("auth", "use", "kilocode:work").code == 0
    Keyring().delete_password("kilocli", entry("kilocode:work"))  # type: ignore[no-untyped-call]

    listed = run_kilocli("auth", "list", "--json")
    status = run_kilocli("auth", "status", "--all", "--json")

    assert listed.code == 0, listed.stderr
    rows = {row["profileId"]: row for row in json.loads(listed.stdout)["profiles"]}
    assert rows["kilocode:default"]["keyPreview"] == preview_of(VALID_KEY)
    assert rows["kilocode:work"]["keyPreview"] is None
    assert "kilocode:work is missing from the keyring" in listed.stderr
    assert status.code == ExitCode.NOT_AUTHENTICATED
    providers = {p["provider"] for p in json.loads(status.stdout)["providers"]}
    assert providers == {"kilocode", "openrouter"}
    assert "kilocode:work is missing from the keyring" in status.stderr
