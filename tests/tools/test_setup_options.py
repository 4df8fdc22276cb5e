"""``kilocli setup list``, ``--model`` refs, running without a key, and the organisation
header handed to each tool (SPEC §12, §13)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.fakes import OTHER_VALID_KEY
from tests.tools.setup_helpers import (
    DEFAULT_BASE,
    ORG,
    ORG_HEADER,
    TOOLS,
    aider_file,
    claude_dir,
    codex_dir,
    continue_dir,
    llm_dir,
    load_json,
    load_toml,
    load_yaml,
    opencode_file,
    setup,
    setup_json,
    setup_ok,
    store_key,
    store_org_profile,
    tool_files,
    tree,
    user_home,
)


def empty_path(tmp_path: Path) -> dict[str, str]:
    """An environment whose ``PATH`` is an empty directory: no tool's program is found."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    return {"PATH": str(bin_dir)}


def fake_program(tmp_path: Path, name: str) -> dict[str, str]:
    """An environment whose ``PATH`` holds only an executable ``name`` that does nothing."""
    env = empty_path(tmp_path)
    program = Path(env["PATH"]) / name
    program.write_text("#!/bin/sh\nexit 0\n")
    program.chmod(0o755)
    return env


def rows(env: dict[str, str], *args: str) -> dict[str, dict[str, Any]]:
    """``setup list --json`` as its rows by tool id."""
    result = setup_json("list", *args, env=env)
    return {row["tool"]: row for row in result["tools"]}


def llm_entries() -> list[dict[str, Any]]:
    """The entries of llm's ``extra-openai-models.yaml``."""
    return load_yaml(llm_dir() / "extra-openai-models.yaml")


# 7. setup list.


def test_list_in_a_fresh_home_names_every_tool_and_its_files(tmp_path: Path) -> None:
    found = rows(empty_path(tmp_path))

    assert list(found) == list(TOOLS)
    for tool, row in found.items():
        assert row["files"] == [str(p) for p in tool_files(tool)]
        assert row["configured"] is False
        assert row["detected"] is False


def test_list_detects_aider_by_its_settings_file(tmp_path: Path) -> None:
    aider_file().write_text("dark-mode: true\n")

    found = rows(empty_path(tmp_path))

    assert found["aider"]["detected"] is True
    assert found["aider"]["configured"] is False


def test_list_detects_a_program_on_path(tmp_path: Path) -> None:
    found = rows(fake_program(tmp_path, "llm"))

    assert found["llm"]["detected"] is True
    assert found["codex"]["detected"] is False
    assert not llm_dir().exists()


def test_list_detects_a_config_directory(tmp_path: Path) -> None:
    codex_dir().mkdir()

    found = rows(empty_path(tmp_path))

    assert found["codex"]["detected"] is True
    assert found["opencode"]["detected"] is False


def test_list_says_which_tools_are_configured(tmp_path: Path) -> None:
    store_key()
    setup_ok("llm")
    setup_ok("continue")

    found = rows(empty_path(tmp_path))

    assert {t: row["configured"] for t, row in found.items()} == {
        "llm": True,
        "codex": False,
        "claude": False,
        "opencode": False,
        "aider": False,
        "continue": True,
    }
    assert found["llm"]["detected"] is True  # its directory exists now


def test_list_says_an_unparseable_file_is_not_configured(tmp_path: Path) -> None:
    aider_file().write_text("model: [gpt-4o\n")

    found = rows(empty_path(tmp_path))

    assert found["aider"]["detected"] is True
    assert found["aider"]["configured"] is False


def test_list_is_per_provider(tmp_path: Path) -> None:
    store_key()
    setup_ok("llm")

    assert rows(empty_path(tmp_path), "--provider", "openrouter")["llm"]["configured"] is False


def test_list_text_shows_a_line_per_tool(tmp_path: Path) -> None:
    store_key()
    setup_ok("codex")

    run = setup_ok("list", env=fake_program(tmp_path, "llm"))

    lines = run.stdout.splitlines()
    assert lines[0].split() == ["Tool", "Detected", "Set", "up", "Key", "Works", "Files"]
    assert lines[1].split()[:5] == ["llm", "yes", "no", "copy", "no"]
    home = os.environ["HOME"]
    codex_files = ", ".join("~" + str(p).removeprefix(home) for p in tool_files("codex"))
    assert lines[2] == f"{'codex':<10}{'yes':<10}{'yes':<8}{'helper':<8}{'yes':<7}{codex_files}"
    assert [line.split()[0] for line in lines[1:]] == list(TOOLS)


# 8. --model refs, and no key.


def test_model_adds_a_second_llm_entry() -> None:
    store_key()

    run = setup_ok("llm", "--model", "kilocode/x/y")

    assert llm_entries() == [
        {
            "model_id": "kilocode/kilo-auto/balanced",
            "model_name": "kilo-auto/balanced",
            "api_base": DEFAULT_BASE,
            "api_key_name": "kilocode",
        },
        {
            "model_id": "kilocode/x/y",
            "model_name": "x/y",
            "api_base": DEFAULT_BASE,
            "api_key_name": "kilocode",
        },
    ]
    assert "kilocode/x/y is not in the cached catalog" in run.stderr


def test_a_later_setup_keeps_an_extra_llm_entry() -> None:
    store_key()
    setup_ok("llm", "--model", "kilocode/x/y")

    result = setup_json("llm")

    assert result["action"] == "unchanged"
    assert [e["model_id"] for e in llm_entries()] == ["kilocode/kilo-auto/balanced", "kilocode/x/y"]


def test_a_later_setup_moves_an_extra_llm_entry_to_the_base_url_in_effect() -> None:
    store_key()
    setup_ok("llm", "--model", "kilocode/x/y")

    setup_ok("llm", env={"KILOCODE_BASE_URL": "http://127.0.0.1:9/api/gateway/"})

    assert [(e["model_id"], e["api_base"]) for e in llm_entries()] == [
        ("kilocode/kilo-auto/balanced", "http://127.0.0.1:9/api/gateway"),
        ("kilocode/x/y", "http://127.0.0.1:9/api/gateway"),
    ]


def test_a_later_setup_takes_the_organisation_out_of_an_extra_llm_entry() -> None:
    store_org_profile(ORG)
    setup_ok("llm", "--model", "kilocode/x/y")
    store_org_profile(None)

    setup_ok("llm")

    assert [e.get("headers") for e in llm_entries()] == [None, None]


def test_the_provider_of_a_model_ref_is_case_insensitive() -> None:
    store_key()

    setup_ok("llm", "--model", "KiloCode/x/Y")

    assert [e["model_id"] for e in llm_entries()] == ["kilocode/kilo-auto/balanced", "kilocode/x/Y"]


def test_a_model_of_another_provider_is_a_usage_error() -> None:
    store_key()
    before = tree(user_home())

    run = setup("llm", "--model", "openrouter/auto")

    assert run.code == 2
    assert "--provider openrouter" in run.stderr
    assert tree(user_home()) == before


def test_an_unknown_tool_is_a_usage_error() -> None:
    store_key()

    run = setup("vim")

    assert run.code == 2
    assert "llm, codex, claude, opencode, aider, continue" in run.stderr


@pytest.mark.parametrize("tool", TOOLS)
def test_no_key_exits_3_and_writes_nothing(tool: str) -> None:
    before = tree(user_home())

    run = setup(tool)

    assert run.code == 3
    assert "kilocli onboard" in run.stderr or "kilocli auth login" in run.stderr
    assert tree(user_home()) == before


@pytest.mark.parametrize("tool", TOOLS)
def test_remove_works_without_a_key(tool: str) -> None:
    setup_ok(tool, env={"KILOCODE_API_KEY": OTHER_VALID_KEY})

    result = setup_json(tool, "--remove")

    assert result["action"] == "removed"
    assert rows({}, "--provider", "kilocode")[tool]["configured"] is False


@pytest.mark.parametrize("tool", ["aider", "codex"])
def test_a_one_model_tool_gets_the_model_named_and_says_so(tool: str) -> None:
    store_key()

    result = setup_json(tool, "--model", "kilocode/anthropic/claude-sonnet-4.5")

    if tool == "aider":
        written = load_yaml(aider_file())["model"].removeprefix("openai/")
    else:
        written = load_toml(codex_dir() / "config.toml")["model"]
    assert written == "anthropic/claude-sonnet-4.5"
    assert result["models"] == ["kilocode/anthropic/claude-sonnet-4.5"]


# 9. The organisation.

ORG_HEADERS: dict[str, Callable[[], Any]] = {
    "llm": lambda: llm_entries()[0].get("headers"),
    "codex": lambda: load_toml(codex_dir() / "config.toml")["model_providers"]["kilocode"].get(
        "http_headers"
    ),
    "claude": lambda: load_json(claude_dir() / "settings.json")["env"].get(
        "ANTHROPIC_CUSTOM_HEADERS"
    ),
    "aider": lambda: aider_model_settings(),  # noqa: PLW0108 (defined below)
    "opencode": lambda: load_json(opencode_file())["provider"]["kilocode"]["options"].get(
        "headers"
    ),
    "continue": lambda: load_yaml(continue_dir() / "config.yaml")["models"][0].get(
        "requestOptions"
    ),
}
EXPECTED_ORG_HEADERS = {
    "llm": {ORG_HEADER: ORG},
    "codex": {ORG_HEADER: ORG},
    "claude": f"{ORG_HEADER}: {ORG}",
    "aider": [
        {
            "name": "openai/kilo-auto/balanced",
            "extra_params": {"extra_headers": {ORG_HEADER: ORG}},
        }
    ],
    "opencode": {ORG_HEADER: ORG},
    "continue": {"headers": {ORG_HEADER: ORG}},
}


@pytest.mark.parametrize("tool", list(ORG_HEADERS))
def test_the_organisation_of_the_profile_goes_into_the_headers(tool: str) -> None:
    store_org_profile(ORG)

    result = setup_json(tool)

    assert result["organization"] == ORG
    assert ORG_HEADERS[tool]() == EXPECTED_ORG_HEADERS[tool]


@pytest.mark.parametrize("tool", list(ORG_HEADERS))
def test_the_header_goes_again_when_the_profile_loses_its_organisation(tool: str) -> None:
    store_org_profile(ORG)
    setup_ok(tool)
    store_org_profile(None)

    result = setup_json(tool)

    assert result["action"] == "configured"
    assert result["organization"] is None
    assert ORG_HEADERS[tool]() is None


def aider_model_settings() -> Any:
    """aider's model settings file, parsed (None when there is none)."""
    path = user_home() / ".aider.model.settings.yml"
    return load_yaml(path) if path.exists() else None


def test_other_headers_stay_when_the_organisation_goes() -> None:
    store_org_profile(ORG)
    setup_ok("opencode")
    document = load_json(opencode_file())
    document["provider"]["kilocode"]["options"]["headers"]["X-Mine"] = "1"
    opencode_file().write_text(json.dumps(document, indent=2) + "\n")
    store_org_profile(None)

    setup_ok("opencode")

    assert ORG_HEADERS["opencode"]() == {"X-Mine": "1"}


def test_the_organisation_from_the_environment_goes_with_a_key_from_it() -> None:
    setup_ok("llm", env={"KILOCODE_API_KEY": OTHER_VALID_KEY, "KILO_ORG_ID": ORG})

    assert ORG_HEADERS["llm"]() == {ORG_HEADER: ORG}


def test_aider_sends_the_organisation_from_its_model_settings() -> None:
    store_org_profile(ORG)

    run = setup_ok("aider")

    assert "organisation" not in run.stderr
    assert aider_model_settings() == EXPECTED_ORG_HEADERS["aider"]
    assert load_yaml(aider_file()) == {
        "openai-api-base": DEFAULT_BASE,
        "model": "openai/kilo-auto/balanced",
    }
