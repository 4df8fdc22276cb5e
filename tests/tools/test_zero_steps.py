"""After one ``setup``, each tool's plain command gets the gateway (SPEC §12): the credential
helper it runs prints the key, the tool's default is the gateway's model (and comes back with
``--remove``), and ``shell-init`` wraps the tools that read the key from the environment."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import tomllib

import pytest

from tests.conftest import run_kilocli
from tests.fakes import VALID_KEY
from tests.tools.setup_helpers import (
    claude_dir,
    codex_dir,
    llm_dir,
    load_json,
    opencode_file,
    setup,
    setup_ok,
    store_key,
    user_home,
)


@pytest.fixture(autouse=True)
def key_stored() -> None:
    store_key()


def test_codex_runs_kilocli_for_the_key_and_gets_it() -> None:
    setup_ok("codex")

    auth = tomllib.loads((codex_dir() / "config.toml").read_text())["model_providers"]["kilocode"]
    done = subprocess.run(
        [auth["auth"]["command"], *auth["auth"]["args"]],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert (done.returncode, done.stdout, done.stderr) == (0, VALID_KEY + "\n", "")


def test_claude_runs_its_api_key_helper_in_a_shell_and_gets_the_key() -> None:
    setup_ok("claude")

    helper = load_json(claude_dir() / "settings.json")["apiKeyHelper"]
    done = subprocess.run(
        ["/bin/sh", "-c", helper], capture_output=True, text=True, timeout=60, check=False
    )

    assert (done.returncode, done.stdout.strip()) == (0, VALID_KEY)


def test_claude_config_dir_moves_the_settings(tmp_path: os.PathLike[str]) -> None:
    moved = user_home() / "claude-elsewhere"

    setup_ok("claude", env={"CLAUDE_CONFIG_DIR": str(moved)})

    assert (moved / "settings.json").exists()
    assert not claude_dir().exists()


def test_claude_stops_at_an_anthropic_key_of_the_users_in_the_settings() -> None:
    text = '{"env": {"ANTHROPIC_API_KEY": "sk-ant-mine"}}\n'
    claude_dir().mkdir()
    (claude_dir() / "settings.json").write_text(text)

    run = setup("claude")

    assert run.code == 1
    assert "env.ANTHROPIC_API_KEY" in run.stderr
    assert "kilocli setup claude --force" in run.stderr
    assert (claude_dir() / "settings.json").read_text() == text
    setup_ok("claude", "--force")
    assert load_json(claude_dir() / "settings.json")["env"]["ANTHROPIC_API_KEY"] == ""
    setup_ok("claude", "--remove")
    assert (claude_dir() / "settings.json").read_text() == text


def test_llm_default_is_the_gateway_model_and_remove_gives_back_the_users() -> None:
    llm_dir().mkdir(parents=True)
    (llm_dir() / "default_model.txt").write_text("gpt-4o-mini")

    run = setup_ok("llm")

    assert (llm_dir() / "default_model.txt").read_text() == "kilocode/kilo-auto/balanced\n"
    assert "Replaced your default" in run.stderr
    setup_ok("llm", "--remove")
    assert (llm_dir() / "default_model.txt").read_text() == "gpt-4o-mini"


def test_keep_default_leaves_the_tools_default_alone() -> None:
    llm_dir().mkdir(parents=True)
    (llm_dir() / "default_model.txt").write_text("gpt-4o-mini\n")

    setup_ok("llm", "--keep-default")

    assert (llm_dir() / "default_model.txt").read_text() == "gpt-4o-mini\n"


def test_opencode_edits_the_users_jsonc_and_writes_no_json_beside_it() -> None:
    jsonc = opencode_file().with_suffix(".jsonc")
    jsonc.parent.mkdir(parents=True)
    text = '{\n  // my theme\n  "theme": "tokyonight",\n}\n'
    jsonc.write_text(text)

    setup_ok("opencode")

    assert not opencode_file().exists()
    after = jsonc.read_text()
    assert "  // my theme\n" in after
    assert '"model": "kilocode/kilo-auto/balanced"' in after
    setup_ok("opencode", "--remove")
    assert jsonc.read_text() == text


@pytest.mark.parametrize("tool", ["aider", "opencode"])
def test_setup_names_shell_init_for_a_tool_that_reads_the_environment(tool: str) -> None:
    run = setup_ok(tool)

    assert 'eval "$(kilocli shell-init bash)"' in run.stderr


def test_shell_init_prints_nothing_before_any_tool_needs_it() -> None:
    setup_ok("codex")  # a helper tool needs no wrapper

    run = run_kilocli("shell-init", "bash")

    assert (run.code, run.stdout) == (0, "")


def test_shell_init_wraps_aider_and_opencode_once_set_up() -> None:
    setup_ok("aider")
    setup_ok("opencode")

    run = run_kilocli("shell-init", "bash")

    lines = [line for line in run.stdout.splitlines() if not line.startswith("#")]
    assert [line.split("(")[0] for line in lines] == ["opencode", "aider"]
    assert all(" exec -- " in line and line.endswith('"$@"; }') for line in lines)


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_shell_init_in_bash_runs_the_tool_through_kilocli_exec(tmp_path: os.PathLike[str]) -> None:
    setup_ok("aider")
    bin_dir = user_home() / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "aider"
    fake.write_text('#!/bin/sh\nprintf \'%s|%s\\n\' "$OPENAI_API_KEY" "$*"\n')
    fake.chmod(0o755)
    functions = run_kilocli("shell-init", "bash").stdout
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}

    done = subprocess.run(
        ["bash", "-c", f"{functions}\naider --yes 'two words'; echo \"shell:$OPENAI_API_KEY\""],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )

    assert done.stdout.splitlines() == [f"{VALID_KEY}|--yes two words", "shell:"], done.stderr


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed")
def test_shell_init_for_fish_defines_a_function_fish_reads() -> None:
    setup_ok("opencode")
    functions = run_kilocli("shell-init", "fish").stdout

    done = subprocess.run(
        ["fish", "-c", f"{functions}\nfunctions -q opencode; and echo defined"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.stdout.strip() == "defined", done.stderr


def test_setup_list_says_how_each_tool_gets_the_key() -> None:
    setup_ok("codex")
    setup_ok("aider")

    tools = {t["tool"]: t for t in json.loads(setup("list", "--json").stdout)["tools"]}

    assert {t: (row["keyBy"], row["works"]) for t, row in tools.items()} == {
        "llm": ("copy", False),
        "codex": ("helper", True),
        "claude": ("helper", False),
        "opencode": ("env", False),
        "aider": ("env", False),  # no key in this environment: it needs exec or shell-init
        "continue": ("copy", False),
    }


def test_the_helper_command_is_quoted_for_a_shell() -> None:
    setup_ok("claude")

    helper = load_json(claude_dir() / "settings.json")["apiKeyHelper"]

    assert shlex.split(helper)[-3:] == ["auth", "token", "kilocode"]
