"""``kilocli setup`` runs that overlap, and what they print (SPEC §12, issue 16), end to end:
parallel runs on the same file each keep their entry (one writer at a time, the file re-read
under kilocli's lock), parallel runs on different tools both hold, and no key is ever printed
but as a preview — in diffs and ``--json`` too."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

import kilocli.services.setup as setup_service
from tests.conftest import Run
from tests.fakes import OTHER_VALID_KEY, VALID_KEY
from tests.reliability.guest_helpers import (
    KEY_FILES,
    PROCESS_TIMEOUT,
    USER_SECRET,
    USERS_KEY_FILES,
    put,
    read_key,
    tool_file,
)
from tests.tools.setup_helpers import (
    continue_dir,
    files_holding,
    kilocli_home,
    llm_dir,
    load_yaml,
    setup,
    setup_ok,
    store_key,
    user_home,
)


@pytest.fixture(autouse=True)
def key_stored() -> None:
    """Every test here starts with ``VALID_KEY`` onboarded."""
    store_key()


# --- 4. One writer at a time ------------------------------------------------------------------


def start(args: list[str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "kilocli", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "COLUMNS": "1000"},
    )


def finish(processes: list[subprocess.Popen[str]]) -> list[Run]:
    runs = []
    try:
        for process in processes:
            out, err = process.communicate(timeout=PROCESS_TIMEOUT)
            runs.append(Run(process.returncode, out, err))
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.communicate()
    for run in runs:
        assert VALID_KEY not in run.output
        assert "Traceback" not in run.output
    return runs


def recorded_models(tool: str) -> list[str]:
    config = tomllib.loads((kilocli_home() / "config.toml").read_text())
    models = config["setup"][tool]["models"]
    assert isinstance(models, list)
    return [str(m) for m in models]


def test_ten_parallel_llm_setups_each_keep_their_entry() -> None:
    refs = [f"kilocode/m-{i}" for i in range(10)]

    runs = finish([start(["setup", "llm", "--model", ref]) for ref in refs])

    succeeded = [ref for ref, run in zip(refs, runs, strict=True) if run.code == 0]
    assert succeeded, [run.stderr for run in runs]
    ids = {entry["model_id"] for entry in load_yaml(llm_dir() / "extra-openai-models.yaml")}
    assert set(succeeded) <= ids
    assert set(succeeded) <= set(recorded_models("llm"))
    assert read_key(llm_dir() / "keys.json") == VALID_KEY


def test_a_setup_that_finishes_while_another_waits_for_the_lock_keeps_its_entry(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_one_writer = setup_service.one_writer

    @contextlib.contextmanager
    def after_another_run(state_dir: Path, paths: list[Path]) -> Iterator[None]:
        # Another process gets the lock first and finishes, while this run waits for it.
        other = finish([start(["setup", "llm", "--model", "kilocode/m-other"])])[0]
        assert other.code == 0, other.output
        with real_one_writer(state_dir, paths):
            yield

    monkeypatch.setattr(setup_service, "one_writer", after_another_run)

    setup_ok("llm", "--model", "kilocode/m-this")

    ids = [entry["model_id"] for entry in load_yaml(llm_dir() / "extra-openai-models.yaml")]
    assert sorted(ids) == ["kilocode/kilo-auto/balanced", "kilocode/m-other", "kilocode/m-this"]
    assert sorted(recorded_models("llm")) == sorted(ids)


def test_two_parallel_setups_of_different_tools_both_hold() -> None:
    runs = finish([start(["setup", "llm"]), start(["setup", "continue"])])

    assert [run.code for run in runs] == [0, 0], [run.stderr for run in runs]
    assert read_key(llm_dir() / "keys.json") == VALID_KEY
    assert read_key(continue_dir() / ".env") == VALID_KEY
    llm_entry = load_yaml(llm_dir() / "extra-openai-models.yaml")[0]
    assert llm_entry["model_id"] == "kilocode/kilo-auto/balanced"
    assert load_yaml(continue_dir() / "config.yaml")["models"][0]["model"] == "kilo-auto/balanced"
    assert recorded_models("llm") == recorded_models("continue") == ["kilocode/kilo-auto/balanced"]

    finish([start(["setup", "llm", "--remove"]), start(["setup", "continue", "--remove"])])

    assert files_holding(user_home(), VALID_KEY) == []
    assert "setup" not in tomllib.loads((kilocli_home() / "config.toml").read_text())


# --- 9. The key in no output -----------------------------------------------------------------

OUTPUT_CASES = [
    ("llm", ()),
    ("llm", ("--dry-run",)),
    ("llm", ("--dry-run", "--json")),
    ("llm", ("--json",)),
    ("continue", ("--dry-run",)),
    ("continue", ("--json",)),
    ("continue", ("--dry-run", "--json")),
]


@pytest.mark.parametrize(("tool", "args"), OUTPUT_CASES)
def test_the_key_is_only_ever_shown_as_a_preview(tool: str, args: tuple[str, ...]) -> None:
    run = setup(tool, *args, env={"KILOCODE_API_KEY": OTHER_VALID_KEY})

    assert run.code == 0
    for key in (VALID_KEY, OTHER_VALID_KEY):
        assert key not in run.output
        assert json.dumps(key) not in run.output
    if "--dry-run" in args:  # the diff shows what goes into the key file, as a preview
        assert "eyJh…VyZQ" in run.stdout
    setup_ok(tool, env={"KILOCODE_API_KEY": OTHER_VALID_KEY})
    for args_remove in (("--remove", "--dry-run"), ("--remove", "--dry-run", "--json")):
        run = setup(tool, *args_remove)
        assert run.code == 0
        assert "eyJh…VyZQ" in run.stdout


@pytest.mark.parametrize(("tool", "name"), KEY_FILES)
def test_the_users_own_key_is_not_shown_by_a_forced_dry_run(tool: str, name: str) -> None:
    put(tool_file(tool, name), USERS_KEY_FILES[name], 0o600)

    forced = setup(tool, "--force", "--dry-run")
    setup_ok(tool, "--force")
    removing = setup(tool, "--remove", "--dry-run")

    assert (forced.code, removing.code) == (0, 0)
    assert USER_SECRET not in forced.output
    assert USER_SECRET not in removing.output
