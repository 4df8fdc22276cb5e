"""The replace rule of SPEC §8 when the stored key lives in the OS keyring (SPEC §14): the key
it would replace is read from there, so a different one is never replaced unsaid."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_kilocli
from tests.fakes import OTHER_VALID_KEY, VALID_KEY
from tests.helpers import preview_of
from tests.keyring.test_keyring_store import secret_service_entry


def test_replacing_a_key_kept_in_the_keyring_is_said(
    home: Path, secret_service: dict[str, str]
) -> None:
    first = run_kilocli(
        "auth", "login", "kilocode", "--key", OTHER_VALID_KEY, "--no-verify", process=True
    )
    assert first.code == 0, first.stderr
    assert secret_service_entry("kilocode:default") == OTHER_VALID_KEY

    again = run_kilocli(
        "onboard", "--kilocode-api-key", VALID_KEY, "--no-verify", "--json", process=True
    )

    assert again.code == 0, again.stderr
    was = preview_of(OTHER_VALID_KEY)
    assert f"Replaced the key of kilocode:default (was {was})" in again.stderr
    assert secret_service_entry("kilocode:default") == VALID_KEY
