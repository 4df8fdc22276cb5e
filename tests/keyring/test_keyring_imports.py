"""``keyring`` is imported only when a key is read from or written to the keyring (SPEC §1,
§14): with every key in the file, no command loads it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import run_kilocli
from tests.fakes import VALID_KEY
from tests.helpers import probe_imports

KEYRING_MODULES = ("keyring", "secretstorage", "jeepney")


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["models", "kilocode", "--offline"],
        ["models", "kilocode", "--json", "--offline"],
        ["env"],
        ["auth", "token", "kilocode"],
        ["auth", "status", "--json"],
    ],
    ids=" ".join,
)
def test_commands_with_a_file_stored_key_do_not_import_keyring(home: Path, args: list[str]) -> None:
    stored = run_kilocli(
        "onboard", "--non-interactive", "--kilocode-api-key", VALID_KEY, "--no-verify"
    )
    assert stored.code == 0, stored.stderr
    env = {**os.environ, "KILOCLI_HOME": str(home)}
    assert probe_imports(args, KEYRING_MODULES, env).loaded == []
