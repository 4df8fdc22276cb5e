"""On a terminal, ``setup`` shows its change and asks first (``--yes`` skips the question);
``auth logout`` says where a copy of the key that ``setup`` gave another tool still is."""

from __future__ import annotations

import io
import json
import os

from kilocli.cli import main
from kilocli.cli.context import Overrides
from tests.conftest import Run, run_kilocli
from tests.fakes import VALID_KEY, ScriptedPrompter
from tests.tools.setup_helpers import aider_file, llm_dir, store_key


def on_terminal(prompter: ScriptedPrompter, *args: str) -> Run:
    out, err = io.StringIO(), io.StringIO()
    overrides = Overrides(prompter=prompter, interactive=True)
    code = main(
        list(args),
        env=dict(os.environ),
        stdin=io.StringIO(),
        stdout=out,
        stderr=err,
        overrides=overrides,
    )
    return Run(code, out.getvalue(), err.getvalue())


def test_the_change_is_shown_and_confirmed_before_it_is_written() -> None:
    store_key()
    prompter = ScriptedPrompter([True])
    run = on_terminal(prompter, "setup", "aider")
    assert run.code == 0, run.stderr
    assert [q.message for q in prompter.asked] == ["Change these files of aider?"]
    assert "+model: openai/kilo-auto/balanced" in run.stderr  # the diff, before the question
    assert aider_file().exists()


def test_saying_no_writes_nothing() -> None:
    store_key()
    run = on_terminal(ScriptedPrompter([False]), "setup", "aider")
    assert run.code == 1
    assert "Left the files of aider as they were." in run.stderr
    assert not aider_file().exists()


def test_yes_does_not_ask() -> None:
    store_key()
    prompter = ScriptedPrompter([])
    run = on_terminal(prompter, "setup", "aider", "--yes")
    assert run.code == 0, run.stderr
    assert prompter.asked == []
    assert aider_file().exists()


def test_nothing_to_change_asks_nothing() -> None:
    store_key()
    run_kilocli("setup", "aider")
    prompter = ScriptedPrompter([])
    assert on_terminal(prompter, "setup", "aider").code == 0
    assert prompter.asked == []


def test_logout_takes_out_the_copy_setup_left_and_says_so() -> None:
    store_key()
    run_kilocli("setup", "llm")
    run = run_kilocli("auth", "logout", "kilocode:default", "--yes")
    assert run.code == 0, run.stderr
    assert not (llm_dir() / "keys.json").exists()
    assert (
        "Took kilocli's entries out of llm (simonw/llm): they held a copy of a key that is "
        "gone (kilocli setup llm puts them back)."
    ) in run.stderr.replace("\n", " ")
    assert VALID_KEY not in run.output


def test_logout_still_names_a_copy_kilocli_has_no_record_of() -> None:
    store_key()
    llm_dir().mkdir(parents=True)
    (llm_dir() / "keys.json").write_text(json.dumps({"kilocode": VALID_KEY}))
    run = run_kilocli("auth", "logout", "kilocode:default", "--yes")
    assert run.code == 0, run.stderr
    keys = llm_dir() / "keys.json"
    assert (
        f"llm still holds a copy of the key in {keys} (kilocli setup put it there); "
        "take it out with: kilocli setup llm --remove"
    ) in run.stderr.replace("\n", " ")
    assert VALID_KEY not in run.output
