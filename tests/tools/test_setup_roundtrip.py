"""``kilocli setup`` over files full of the user's own settings and comments (SPEC §12: merge,
never replace): every key, entry and comment survives, a second run changes nothing, and
``--remove`` takes out only kilocli's entries and gives the user's content back."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.tools.setup_helpers import (
    DEFAULT_BASE,
    TOOLS,
    aider_file,
    codex_dir,
    comment_lines,
    continue_dir,
    llm_dir,
    load_dotenv,
    load_json,
    load_toml,
    load_yaml,
    opencode_file,
    setup_json,
    setup_ok,
    store_key,
    tool_files,
    tree,
    user_home,
)

LLM_MODELS = """\
# Models I run besides OpenAI's (llm reads this file)
- model_id: my-ollama  # through ollama
  model_name: llama3.1:8b
  api_base: "http://localhost:11434/v1"
  # no key needed for this one
  headers:
    X-Team: research
- model_id: work-gpt
  model_name: gpt-4o
  api_base: https://proxy.example.com/v1
  api_key_name: work
  vision: true
"""
LLM_KEYS = json.dumps({"openai": "sk-user-own-openai", "work": "w-123"}, indent=2) + "\n"
CODEX_CONFIG = """\
# Codex settings, by hand
model = "o3"  # my default
approval_policy = "on-request"

[model_providers.ollama]
# local models
name = "Ollama"
base_url = "http://localhost:11434/v1"

[mcp_servers.docs]
command = "npx"
args = ["-y", "docs-mcp"]  # pinned
"""
OPENCODE = (
    json.dumps(
        {
            "$schema": "https://opencode.ai/config.json",
            "theme": "tokyonight",
            "model": "anthropic/claude-sonnet-4-5",
            "provider": {"anthropic": {"options": {"timeout": 600000}}},
            "mcp": {"docs": {"type": "local", "command": ["npx", "docs"]}},
        },
        indent=2,
    )
    + "\n"
)
CLAUDE = (
    json.dumps(
        {
            "permissions": {"allow": ["Bash(git diff:*)"]},
            "env": {"BASH_DEFAULT_TIMEOUT_MS": "60000"},
            "model": "opus",
        },
        indent=2,
    )
    + "\n"
)
AIDER = """\
# aider settings
model: gpt-4o  # the one I like
dark-mode: true
# files I always want
read:
  - CONVENTIONS.md
  - docs/style.md
auto-commits: false
"""
CONTINUE_CONFIG = """\
# Continue config
name: My Config
version: 1.0.0
schema: v1
models:
  # my own models
  - name: Claude
    provider: anthropic
    model: claude-sonnet-4-5
    apiKey: ${{ secrets.ANTHROPIC_API_KEY }}
    roles:
      - chat
      - edit
context:
  - provider: code  # the code context
  - provider: docs
"""
CONTINUE_ENV = '# my secrets\nANTHROPIC_API_KEY=sk-ant-user\nexport OTHER="x y"\n'

# The user's files of each tool, by index into tool_files(tool) (codex's profile is kilocli's).
USER_FILES: dict[str, dict[int, str]] = {
    "llm": {0: LLM_MODELS, 1: LLM_KEYS},
    "codex": {0: CODEX_CONFIG},
    "claude": {0: CLAUDE},
    "opencode": {0: OPENCODE},
    "aider": {0: AIDER},
    "continue": {0: CONTINUE_CONFIG, 1: CONTINUE_ENV},
}
SECRET_REFERENCE = "${{ secrets.KILOCODE_API_KEY }}"


def squeezed(line: str) -> str:
    """``line`` with each run of spaces as one: a comment after a value kilocli changed and
    changed back may move to another column (ruamel keeps its column from the longer value)."""
    return re.sub(r" +", " ", line)


def parse(path: Path) -> Any:
    """``path`` read by the real parser of its format."""
    if path.suffix in (".yaml", ".yml"):
        return load_yaml(path)
    if path.suffix == ".toml":
        return load_toml(path)
    if path.suffix == ".json":
        return load_json(path)
    return load_dotenv(path)


def _without_kilocode_provider(document: dict[str, Any], table: str) -> dict[str, Any]:
    providers = {k: v for k, v in document[table].items() if k != "kilocode"}
    return {**document, table: providers}


# What is left of each file when kilocli's entries are taken out of it, parsed.
USER_PART: dict[str, Callable[[Any], Any]] = {
    "extra-openai-models.yaml": lambda d: [e for e in d if e.get("api_key_name") != "kilocode"],
    "keys.json": lambda d: {k: v for k, v in d.items() if k != "kilocode"},
    "config.toml": lambda d: {
        k: v
        for k, v in _without_kilocode_provider(d, "model_providers").items()
        if k != "model_provider"
    },
    "settings.json": lambda d: {
        **{k: v for k, v in d.items() if k not in ("apiKeyHelper", "env")},
        "env": {k: v for k, v in d["env"].items() if not k.startswith("ANTHROPIC_")},
    },
    "opencode.json": lambda d: _without_kilocode_provider(d, "provider"),
    ".aider.conf.yml": lambda d: {k: v for k, v in d.items() if k != "openai-api-base"},
    "config.yaml": lambda d: {
        **d,
        "models": [m for m in d["models"] if m.get("apiKey") != SECRET_REFERENCE],
    },
    ".env": lambda d: {k: v for k, v in d.items() if k != "KILOCODE_API_KEY"},
}


def write_user_files(tool: str) -> dict[Path, str]:
    """Write the user's own files of ``tool``; returns them by path."""
    paths = tool_files(tool)
    written = {paths[index]: text for index, text in USER_FILES[tool].items()}
    for path, text in written.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        if path.name in ("keys.json", ".env"):
            path.chmod(0o600)  # as llm writes it; kilocli refuses a key file others can read
    return written


@pytest.fixture(autouse=True)
def key_stored() -> None:
    """Every test here starts with ``VALID_KEY`` onboarded."""
    store_key()


DEFAULTS: dict[str, dict[str, str]] = {
    ".aider.conf.yml": {"model": "openai/kilo-auto/balanced"},
    "config.toml": {"model": "kilo-auto/balanced"},
    "opencode.json": {"model": "kilocode/kilo-auto/balanced"},
}


@pytest.mark.parametrize("tool", TOOLS)
def test_setup_keeps_every_user_setting_and_adds_its_own(tool: str) -> None:
    written = write_user_files(tool)
    originals = {path: parse(path) for path in written}

    setup_ok(tool)

    for path, original in originals.items():
        after = parse(path)
        user_part = USER_PART[path.name](after)
        # setup made the gateway the tool's default (restored by --remove)
        default = DEFAULTS.get(path.name)
        expected = {**original, **default} if default else original
        assert user_part == expected, path
        assert after != user_part, f"no kilocli entry in {path}"


@pytest.mark.parametrize("tool", ["llm", "codex", "aider", "continue"])
def test_setup_keeps_every_comment_line_byte_for_byte(tool: str) -> None:
    written = write_user_files(tool)

    setup_ok(tool)

    for path, text in written.items():
        new_text = path.read_text()
        for line in comment_lines(text):
            if tool == "aider" and line.startswith("model:"):  # the default setup changed
                assert re.search(
                    r"^model: openai/kilo-auto/balanced +# the one I like$", new_text, re.M
                )
                continue
            if tool == "codex" and line.startswith("model ="):
                assert 'model = "kilo-auto/balanced"  # my default' in new_text.splitlines()
                continue
            assert line in new_text.splitlines(), (line, new_text)


def test_setup_keeps_every_line_of_the_users_env_file() -> None:
    write_user_files("continue")

    setup_ok("continue")

    new_lines = (continue_dir() / ".env").read_text().splitlines()
    assert new_lines[:3] == CONTINUE_ENV.splitlines()
    assert load_dotenv(continue_dir() / ".env")["OTHER"] == "x y"


@pytest.mark.parametrize("tool", TOOLS)
def test_a_second_setup_changes_nothing(tool: str) -> None:
    write_user_files(tool)
    setup_ok(tool)
    before = tree(user_home())

    run = setup_ok(tool)

    assert tree(user_home()) == before
    assert f"{tool} was already set up that way; nothing changed" in run.stdout


@pytest.mark.parametrize("tool", TOOLS)
def test_a_second_setup_says_unchanged_in_json(tool: str) -> None:
    setup_ok(tool)
    before = tree(user_home())

    result = setup_json(tool)

    assert result["action"] == "unchanged"
    assert [f["changed"] for f in result["files"]] == [False] * len(tool_files(tool))
    assert tree(user_home()) == before


@pytest.mark.parametrize("tool", TOOLS)
def test_remove_gives_back_the_users_content(tool: str) -> None:
    written = write_user_files(tool)
    originals = {path: parse(path) for path in written}
    setup_ok(tool)

    result = setup_json(tool, "--remove")

    assert result["action"] == "removed"
    for path, text in written.items():
        assert parse(path) == originals[path], path
        new_text = path.read_text()
        for line in comment_lines(text):
            if tool == "aider" and line.startswith("model:"):  # changed, then changed back
                assert squeezed(line) in map(squeezed, new_text.splitlines()), new_text
                continue
            assert line in new_text.splitlines(), (line, new_text)
        if path.suffix == ".json" or path.name == ".env":  # no layout of their own to keep
            assert new_text == text


def test_remove_takes_out_kilocli_s_codex_profile_file() -> None:
    write_user_files("codex")
    setup_ok("codex")

    setup_ok("codex", "--remove")

    assert not (codex_dir() / "kilocode.config.toml").exists()


def test_remove_puts_the_users_aider_model_back() -> None:
    write_user_files("aider")
    setup_ok("aider")
    assert load_yaml(aider_file())["model"] == "openai/kilo-auto/balanced"

    setup_ok("aider", "--remove")

    settings = load_yaml(aider_file())
    assert settings["model"] == "gpt-4o"
    assert "openai-api-base" not in settings
    assert re.search(r"^model: gpt-4o +# the one I like$", aider_file().read_text(), re.M)


def test_remove_puts_the_aider_model_back_after_several_setups() -> None:
    write_user_files("aider")
    setup_ok("aider")
    setup_ok("aider", env={"KILOCODE_BASE_URL": "http://127.0.0.1:9/api/gateway/"})

    setup_ok("aider", "--remove")

    assert load_yaml(aider_file()) == load_yaml_text(AIDER)


def test_remove_keeps_a_user_model_entry_of_another_provider_in_llm() -> None:
    write_user_files("llm")
    setup_ok("llm", "--model", "kilocode/anthropic/claude-sonnet-4.5")
    assert len(load_yaml(llm_dir() / "extra-openai-models.yaml")) == 4

    setup_ok("llm", "--remove")

    assert [e["model_id"] for e in load_yaml(llm_dir() / "extra-openai-models.yaml")] == [
        "my-ollama",
        "work-gpt",
    ]


def test_opencode_keeps_the_users_indentation() -> None:
    opencode_file().parent.mkdir(parents=True)
    opencode_file().write_text(json.dumps({"theme": "x"}, indent=4) + "\n")

    setup_ok("opencode")

    text = opencode_file().read_text()
    assert text.startswith(
        '{\n    "theme": "x",\n    "model": "kilocode/kilo-auto/balanced",\n    "provider": {\n'
        '        "kilocode": {\n            "npm"'
    )
    assert load_json(opencode_file())["provider"]["kilocode"]["options"]["baseURL"] == DEFAULT_BASE


def load_yaml_text(text: str) -> Any:
    """YAML text as plain Python data."""
    from ruamel.yaml import YAML

    return YAML(typ="safe", pure=True).load(text)
