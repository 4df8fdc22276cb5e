"""Keys the machine already has (SPEC §4): the opt-in login-shell import, with a throwaway
``$SHELL`` script, and onboarding's read-only offer of a Kilo CLI sign-in."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from kilocli.credentials.shell_env import read_login_shell
from tests.conftest import run_kilocli
from tests.fakes import OTHER_VALID_KEY, VALID_KEY
from tests.helpers import preview_of, read_toml


def fake_shell(tmp_path: Path, body: str) -> str:
    """A ``$SHELL`` that runs ``body`` (it gets ``-l -i -c 'env -0'`` as arguments)."""
    script = tmp_path / "fake-shell"
    script.write_text("#!/bin/sh\n" + body)
    script.chmod(0o755)
    return str(script)


def exporting(tmp_path: Path, **variables: str) -> str:
    """A login shell whose start-up files export ``variables`` (and one more secret)."""
    exports = "".join(f"export {name}='{value}'\n" for name, value in variables.items())
    return fake_shell(tmp_path, exports + "export UNRELATED_SECRET=s3cret\nexec env -0\n")


def test_the_login_shell_supplies_a_key_when_the_environment_has_none(tmp_path: Path) -> None:
    shell = exporting(tmp_path, KILOCODE_API_KEY=VALID_KEY)
    env = {"SHELL": shell, "KILOCLI_SHELL_ENV": "1"}
    run = run_kilocli("auth", "status", "--json", env=env)
    entry = json.loads(run.stdout)["providers"][0]
    assert run.code == 0, run.stderr
    assert entry["keySource"] == "shell-env: KILOCODE_API_KEY"
    assert entry["keyPreview"] == preview_of(VALID_KEY)


def test_only_the_registrys_names_are_taken(tmp_path: Path) -> None:
    shell = exporting(tmp_path, KILOCODE_API_KEY=VALID_KEY)
    answer = read_login_shell({"SHELL": shell, "PATH": os.environ["PATH"]}, {"KILOCODE_API_KEY"})
    assert dict(answer.values) == {"KILOCODE_API_KEY": VALID_KEY}
    assert answer.problem is None


def test_the_environment_wins_and_the_shell_is_not_asked(tmp_path: Path) -> None:
    marker = tmp_path / "asked"
    shell = fake_shell(tmp_path, f"touch {marker}\nexec env -0\n")
    env = {"SHELL": shell, "KILOCLI_SHELL_ENV": "1", "KILO_API_KEY": OTHER_VALID_KEY}
    run = run_kilocli("auth", "status", "kilocode", "--json", env=env)
    assert json.loads(run.stdout)["providers"][0]["keySource"] == "env: KILO_API_KEY"
    assert not marker.exists()


def test_off_by_default(tmp_path: Path) -> None:
    shell = exporting(tmp_path, KILOCODE_API_KEY=VALID_KEY)
    run = run_kilocli("auth", "status", "--json", env={"SHELL": shell})
    assert json.loads(run.stdout)["providers"][0]["keySource"] is None


def test_on_by_config(tmp_path: Path, home: Path) -> None:
    home.mkdir(mode=0o700)
    (home / "config.toml").write_text("[env]\nshellEnv = true\n")
    shell = exporting(tmp_path, KILO_API_KEY=VALID_KEY)
    run = run_kilocli("auth", "status", "--json", env={"SHELL": shell})
    assert json.loads(run.stdout)["providers"][0]["keySource"] == "shell-env: KILO_API_KEY"


def test_a_shell_that_hangs_is_given_up_after_2_s_with_one_warning(tmp_path: Path) -> None:
    shell = fake_shell(tmp_path, "sleep 30\n")
    started = time.monotonic()
    run = run_kilocli("auth", "status", env={"SHELL": shell, "KILOCLI_SHELL_ENV": "1"})
    elapsed = time.monotonic() - started
    assert 1.5 < elapsed < 6  # the 2 s limit, with room for a busy machine
    assert run.stderr.count("Could not read keys from your login shell") == 1
    assert "did not answer within 2 s" in run.stderr
    assert run.code == 3  # no key anywhere else


def test_a_shell_that_prints_garbage_is_ignored_with_a_warning(tmp_path: Path) -> None:
    shell = fake_shell(tmp_path, "echo 'welcome to my shell'\n")
    run = run_kilocli("auth", "status", env={"SHELL": shell, "KILOCLI_SHELL_ENV": "1"})
    assert "printed something that is not an environment" in run.stderr
    assert run.code == 3


def test_a_shell_that_fails_is_ignored_with_a_warning(tmp_path: Path) -> None:
    shell = fake_shell(tmp_path, "exit 7\n")
    run = run_kilocli("auth", "status", env={"SHELL": shell, "KILOCLI_SHELL_ENV": "1"})
    assert "exited with status 7" in run.stderr


def test_onboarding_stores_a_copy_of_a_shell_key(tmp_path: Path, home: Path) -> None:
    shell = exporting(tmp_path, KILOCODE_API_KEY=VALID_KEY)
    env = {"SHELL": shell, "KILOCLI_SHELL_ENV": "1"}
    run = run_kilocli("onboard", "--no-verify", "--json", env=env)
    assert json.loads(run.stdout)["keySource"] == "shell-env: KILOCODE_API_KEY"
    assert (
        read_toml(home / "auth-profiles.toml")["profiles"]["kilocode:default"]["key"] == VALID_KEY
    )
