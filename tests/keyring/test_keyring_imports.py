"""``keyring`` is imported only when a key is read from or written to the keyring (SPEC §1,
§14): with every key in the file, no command loads it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import run_kilocli
from tests.fakes import VALID_KEY

KEYRING_MODULES = ("keyring", "secretstorage", "jeepney")

PROBE = """
import json, sys
from kilocli.cli import main
try:
    main({args!r})
except SystemExit:
    pass
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in {modules!r})))
"""


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
    code = PROBE.format(args=args, modules=set(KEYRING_MODULES))
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
        env={**os.environ, "KILOCLI_HOME": str(home)},
    )
    assert json.loads(done.stdout.splitlines()[-1]) == []
