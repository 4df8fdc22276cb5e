"""Onboarding hands over to other tools (SPEC §5 steps 6-7): the "Also set up these tools?"
checkbox for detected tools, ``--setup TOOL`` without a prompt, and the tools in the result."""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path

from kilocli.services.onboard import OnboardRequest
from kilocli.services.onboard_result import ToolSetUp
from tests.conftest import run_kilocli
from tests.fakes import VALID_KEY
from tests.onboarding.conftest import WizardFactory


def user_home() -> Path:
    return Path(os.environ["HOME"])


def test_no_tool_found_means_no_question(wizard: WizardFactory) -> None:
    w = wizard(["Kilo Gateway", "Kilo Gateway API key", VALID_KEY])
    result = w.run()
    assert [a.kind for a in w.prompter.asked] == ["select", "select", "secret"]
    assert result.tools == []


def test_detected_tools_are_offered_with_their_file_and_none_ticked(wizard: WizardFactory) -> None:
    (user_home() / ".codex").mkdir()
    (user_home() / ".aider.conf.yml").write_text("dark-mode: true\n")
    w = wizard(["Kilo Gateway", "Kilo Gateway API key", VALID_KEY, []])
    result = w.run()
    question = w.prompter.asked[-1]
    assert question.kind == "checkbox"
    assert question.message == "Also set up these tools?"
    assert question.options == ("Codex CLI", "aider")
    assert result.tools == []
    assert not (user_home() / ".codex" / "config.toml").exists()
    assert (user_home() / ".aider.conf.yml").read_text() == "dark-mode: true\n"


def test_a_ticked_tool_is_set_up_after_kilocli_own_files(wizard: WizardFactory) -> None:
    (user_home() / ".codex").mkdir()
    w = wizard(["Kilo Gateway", "Kilo Gateway API key", VALID_KEY, ["Codex CLI"]])
    result = w.run()
    config = tomllib.loads((user_home() / ".codex" / "config.toml").read_text())
    assert config["model_provider"] == "kilocode"
    assert config["model_providers"]["kilocode"]["auth"]["args"][-3:] == [
        "auth",
        "token",
        "kilocode",
    ]
    assert result.tools == [
        ToolSetUp(
            tool="codex",
            ok=True,
            files=[str(user_home() / ".codex" / "config.toml")],
            run="codex",
        )
    ]


def test_a_tool_set_up_already_is_not_offered_again(wizard: WizardFactory) -> None:
    (user_home() / ".codex").mkdir()
    wizard(["Kilo Gateway", "Kilo Gateway API key", VALID_KEY, ["codex"]]).run()
    again = wizard(
        ["Kilo Gateway", "Kilo Gateway API key", True]
    )  # keep the stored key; no checkbox
    again.run()
    assert [a.kind for a in again.prompter.asked] == ["select", "select", "confirm"]
    assert again.prompter.finished


def test_setup_flag_answers_the_question(wizard: WizardFactory) -> None:
    (user_home() / ".codex").mkdir()
    w = wizard(["Kilo Gateway", "Kilo Gateway API key", VALID_KEY])
    result = w.run(OnboardRequest(setup_tools=("llm",)))
    assert [a.kind for a in w.prompter.asked] == ["select", "select", "secret"]
    assert [t.tool for t in result.tools] == ["llm"]


def test_non_interactive_setup_in_ci() -> None:
    run = run_kilocli(
        "onboard",
        "--kilocode-api-key",
        VALID_KEY,
        "--no-verify",
        "--setup",
        "aider",
        "--setup",
        "llm",
        "--json",
    )
    assert run.code == 0, run.stderr
    tools = json.loads(run.stdout)["tools"]
    assert [(t["tool"], t["ok"], t["run"]) for t in tools] == [
        ("aider", True, "aider"),
        ("llm", True, "llm 'Say hello'"),
    ]
    assert (user_home() / ".aider.conf.yml").read_text() == (
        "openai-api-base: https://api.kilo.ai/api/gateway\nmodel: openai/kilo-auto/balanced\n"
    )
    assert VALID_KEY not in run.output


def test_the_summary_says_what_to_run_next() -> None:
    run = run_kilocli("onboard", "--kilocode-api-key", VALID_KEY, "--no-verify", "--setup", "codex")
    assert run.code == 0, run.stderr
    lines = run.stdout.splitlines()
    assert "  Tools set up   codex" in lines
    assert lines[-2:] == [
        "Next: kilocli models kilocode",
        "      codex",
    ]


def test_an_unknown_tool_stops_before_anything_is_written(home: Path) -> None:
    run = run_kilocli("onboard", "--kilocode-api-key", VALID_KEY, "--no-verify", "--setup", "vim")
    assert run.code == 2
    assert "Unknown tool 'vim'" in run.stderr
    assert not (home / "auth-profiles.toml").exists()


def test_a_tool_that_cannot_be_set_up_fails_the_run_but_keeps_the_key(home: Path) -> None:
    (user_home() / ".aider.conf.yml").write_text("model: [unclosed\n")
    run = run_kilocli("onboard", "--kilocode-api-key", VALID_KEY, "--no-verify", "--setup", "aider")
    assert run.code == 1
    assert "Could not set up aider" in run.stderr
    assert (home / "auth-profiles.toml").exists()
    assert (user_home() / ".aider.conf.yml").read_text() == "model: [unclosed\n"
