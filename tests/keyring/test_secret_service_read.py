"""``auth token``'s own read of the Secret Service (jeepney alone, a plain session) against a
real gnome-keyring: it finds exactly what keyring wrote, and a locked collection goes to the
full client, which says so instead of prompting or hanging (SPEC §10, §14)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from kilocli.credentials.keyring_access import SERVICE, entry_name
from kilocli.credentials.secret_service import NotPlain, read_secret
from kilocli.errors import ExitCode
from tests.conftest import run_kilocli
from tests.fakes import OTHER_VALID_KEY, VALID_KEY


def keyring_writes(service: str, account: str, key: str) -> None:
    from keyring.backends.SecretService import Keyring

    Keyring().set_password(service, account, key)  # type: ignore[no-untyped-call]


def test_it_reads_what_keyring_wrote_and_only_that(secret_service: dict[str, str]) -> None:
    keyring_writes(SERVICE, "kilocode:default", VALID_KEY)
    keyring_writes("another-program", "kilocode:default", OTHER_VALID_KEY)

    assert read_secret(SERVICE, "kilocode:default") == VALID_KEY
    assert read_secret(SERVICE, "kilocode:work") is None
    assert read_secret("another-program", "kilocode:default") == OTHER_VALID_KEY


@pytest.fixture
def locked_keyring(
    secret_service: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """A Secret Service of this test's own (locking the shared one could not be undone without
    a prompt), holding kilocli's key, then locked."""
    from tests.secret_service import secret_service as start_secret_service

    # The shared bus comes back before the shared fixture's own clean-up runs.
    with start_secret_service(tmp_path / "locked") as env, monkeypatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        keyring_writes(SERVICE, entry_name("kilocode:default", os.environ), VALID_KEY)
        import secretstorage

        connection = secretstorage.dbus_init()
        try:
            secretstorage.get_default_collection(connection).lock()
        finally:
            connection.close()
        yield


def test_a_locked_collection_is_left_to_the_full_client_which_says_it_is_locked(
    locked_keyring: None, home: Path
) -> None:
    with pytest.raises(NotPlain, match="locked"):
        read_secret(SERVICE, "kilocode:default")

    home.mkdir(parents=True, exist_ok=True)
    (home / "auth-profiles.toml").write_text(
        'version = 1\n[profiles."kilocode:default"]\ntype = "api_key"\nprovider = "kilocode"\n'
        'store = "keyring"\n'
    )
    run = run_kilocli("auth", "token", "kilocode")

    assert run.code == ExitCode.ERROR
    assert run.stdout == ""
    assert "The keyring (Secret Service) failed while reading a key" in run.stderr
    assert "locked" in run.stderr
    assert "kilocli auth store file" in run.stderr


def test_a_locked_keyring_is_not_the_default_store(locked_keyring: None, home: Path) -> None:
    """SPEC §14: the keyring is the default only when it can be used; a locked one that
    cannot be unlocked here sends the key to the file, with the one note saying why."""
    run = run_kilocli(
        "onboard", "--non-interactive", "--kilocode-api-key", VALID_KEY, "--no-verify"
    )

    assert run.code == 0, run.stderr
    assert run.stderr.count("not in the OS keyring") == 1
    assert "locked" in run.stderr
    assert VALID_KEY in (home / "auth-profiles.toml").read_text()
