"""``kilocli setup TOOL`` in a fresh home (SPEC §12): exactly the documented keys in each
tool's files, the key only where the tool cannot read it from the environment, ``--dry-run``
writing nothing, an unparseable file left alone, ``.bak`` files, and symbolic links."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fakes import OTHER_VALID_KEY, VALID_KEY
from tests.helpers import preview_of
from tests.tools.setup_helpers import (
    DEFAULT_BASE,
    TOOLS,
    aider_file,
    claude_dir,
    codex_dir,
    continue_dir,
    files_holding,
    kilocli_home,
    llm_dir,
    load_dotenv,
    load_json,
    load_toml,
    load_yaml,
    mode_of,
    opencode_file,
    setup,
    setup_json,
    setup_ok,
    store_key,
    tool_files,
    tree,
    user_home,
    written_files,
)

KILO_AUTO_LLM = {
    "model_id": "kilocode/kilo-auto/balanced",
    "model_name": "kilo-auto/balanced",
    "api_base": DEFAULT_BASE,
    "api_key_name": "kilocode",
}
SECRET_REFERENCE = "${{ secrets.KILOCODE_API_KEY }}"


@pytest.fixture(autouse=True)
def key_stored() -> None:
    """Every test here starts with ``VALID_KEY`` onboarded."""
    store_key()


# 1. A fresh home: exactly the documented keys.


def test_llm_gets_one_model_entry_and_the_key_in_keys_json() -> None:
    setup_ok("llm")

    assert load_yaml(llm_dir() / "extra-openai-models.yaml") == [KILO_AUTO_LLM]
    keys = load_json(llm_dir() / "keys.json")
    assert keys["kilocode"] == VALID_KEY
    assert set(keys) <= {"kilocode", "// Note"}
    assert mode_of(llm_dir() / "keys.json") == 0o600
    assert files_holding(llm_dir(), VALID_KEY) == [llm_dir() / "keys.json"]


def test_llm_api_base_is_the_base_url_in_effect_without_its_trailing_slash() -> None:
    setup_ok("llm", env={"KILOCODE_BASE_URL": "http://127.0.0.1:9/api/gateway/"})

    [entry] = load_yaml(llm_dir() / "extra-openai-models.yaml")
    assert entry["api_base"] == "http://127.0.0.1:9/api/gateway"


def test_llm_takes_the_key_in_effect_from_the_environment() -> None:
    setup_ok("llm", env={"KILOCODE_API_KEY": OTHER_VALID_KEY})

    assert load_json(llm_dir() / "keys.json")["kilocode"] == OTHER_VALID_KEY


TOKEN_ARGS = ["auth", "token", "kilocode"]


def test_codex_gets_the_provider_with_kilocli_as_its_credential_helper_and_no_key() -> None:
    setup_ok("codex")

    config = load_toml(codex_dir() / "config.toml")
    command = config["model_providers"]["kilocode"]["auth"]["command"]
    assert config == {
        "model_provider": "kilocode",
        "model": "kilo-auto/balanced",
        "model_providers": {
            "kilocode": {
                "name": "Kilo Gateway",
                "base_url": DEFAULT_BASE,
                "wire_api": "responses",
                "auth": {
                    "command": command,
                    "args": [*(["-m", "kilocli"] if "python" in command else []), *TOKEN_ARGS],
                },
            }
        },
    }
    assert Path(command).is_absolute()
    assert files_holding(user_home(), VALID_KEY) == []


def test_claude_gets_kilocli_as_its_api_key_helper_and_the_gateway_in_env() -> None:
    setup_ok("claude")

    settings = load_json(claude_dir() / "settings.json")
    assert settings["apiKeyHelper"].endswith(" auth token kilocode")
    assert settings["env"] == {
        "ANTHROPIC_BASE_URL": DEFAULT_BASE,
        "ANTHROPIC_MODEL": "kilo-auto/balanced",
        # an Anthropic key exported in the shell must not go to the gateway beside it
        "ANTHROPIC_API_KEY": "",
        "ANTHROPIC_AUTH_TOKEN": "",
    }
    assert files_holding(user_home(), VALID_KEY) == []


def test_opencode_gets_a_provider_that_reads_the_key_from_the_environment() -> None:
    setup_ok("opencode")

    provider = load_json(opencode_file())["provider"]["kilocode"]
    assert provider["npm"] == "@ai-sdk/openai-compatible"
    assert provider["name"] == "Kilo Gateway"
    assert provider["options"] == {"baseURL": DEFAULT_BASE, "apiKey": "{env:KILOCODE_API_KEY}"}
    assert list(provider["models"]) == ["kilo-auto/balanced"]
    assert files_holding(user_home(), VALID_KEY) == []


def test_aider_gets_the_base_and_the_model_and_no_key() -> None:
    setup_ok("aider")

    assert load_yaml(aider_file()) == {
        "openai-api-base": DEFAULT_BASE,
        "model": "openai/kilo-auto/balanced",
    }
    assert files_holding(user_home(), VALID_KEY) == []


def test_continue_gets_a_model_entry_and_the_key_in_its_env_file() -> None:
    setup_ok("continue")

    [entry] = load_yaml(continue_dir() / "config.yaml")["models"]
    assert {k: entry[k] for k in ("provider", "model", "apiBase", "apiKey")} == {
        "provider": "openai",
        "model": "kilo-auto/balanced",
        "apiBase": DEFAULT_BASE,
        "apiKey": SECRET_REFERENCE,
    }
    assert load_dotenv(continue_dir() / ".env") == {"KILOCODE_API_KEY": VALID_KEY}
    assert mode_of(continue_dir() / ".env") == 0o600
    assert files_holding(user_home(), VALID_KEY) == [continue_dir() / ".env"]


@pytest.mark.parametrize("tool", TOOLS)
def test_the_result_names_every_file_and_says_configured(tool: str) -> None:
    result = setup_json(tool)

    assert result["ok"] is True
    assert result["action"] == "configured"
    assert result["models"] == ["kilocode/kilo-auto/balanced"]
    assert [f["path"] for f in result["files"]] == [str(p) for p in tool_files(tool)]
    changed = [f["path"] for f in result["files"] if f["changed"]]
    assert changed == [str(p) for p in written_files(tool)]


# 3. --dry-run: a diff, keys as previews, nothing written.


@pytest.mark.parametrize("tool", TOOLS)
def test_dry_run_prints_a_diff_and_writes_nothing(tool: str) -> None:
    before = tree(user_home())

    run = setup_ok(tool, "--dry-run")

    assert tree(user_home()) == before
    for path in written_files(tool):
        assert f"--- {path}\n+++ {path}\n" in run.stdout
    assert "\n+" in run.stdout
    assert "Dry run: nothing was written." in run.stderr


@pytest.mark.parametrize("tool", ["llm", "continue"])
def test_dry_run_shows_the_key_as_a_preview(tool: str) -> None:
    run = setup_ok(tool, "--dry-run")

    assert preview_of(VALID_KEY) in run.stdout


def test_dry_run_over_a_user_file_shows_the_lines_replaced() -> None:
    aider_file().write_text("model: gpt-4o\n")
    before, kilocli_before = tree(user_home()), tree(kilocli_home())

    run = setup_ok("aider", "--dry-run")

    assert "-model: gpt-4o\n" in run.stdout
    assert "+model: openai/kilo-auto/balanced\n" in run.stdout
    assert tree(user_home()) == before
    assert tree(kilocli_home()) == kilocli_before  # no record of a replaced setting either


def test_dry_run_json_says_dry_run_with_the_diffs() -> None:
    before = tree(user_home())

    result = setup_json("continue", "--dry-run")

    assert result["action"] == "dry-run"
    assert [bool(f["diff"]) for f in result["files"]] == [True, True]
    assert preview_of(VALID_KEY) in result["files"][1]["diff"]
    assert tree(user_home()) == before


def test_remove_with_dry_run_prints_the_diff_and_writes_nothing() -> None:
    setup_ok("llm")
    before = tree(user_home())

    run = setup_ok("llm", "--remove", "--dry-run")

    assert "-  api_key_name: kilocode\n" in run.stdout
    assert f'-  "kilocode": "{preview_of(VALID_KEY)}"' in run.stdout
    assert tree(user_home()) == before


@pytest.mark.parametrize("tool", TOOLS)
def test_remove_in_a_fresh_home_creates_nothing(tool: str) -> None:
    before = tree(user_home())

    result = setup_json(tool, "--remove")

    assert [f["changed"] for f in result["files"]] == [False] * len(tool_files(tool))
    assert tree(user_home()) == before


def test_remove_with_nothing_to_remove_says_so() -> None:
    setup_ok("llm")
    setup_ok("llm", "--remove")

    run = setup_ok("llm", "--remove")

    assert run.stdout.startswith("llm has no kilocli entries for kilocode; nothing changed.")


def test_remove_says_removed_for_a_file_it_deletes_and_nothing_of_absent_files() -> None:
    """codex's config.toml holds only kilocli's entries: --remove deletes it and says
    "removed", not "changed"; a second --remove says nothing of files that are not there."""
    setup_ok("codex", "--yes")
    config = codex_dir() / "config.toml"
    assert config.exists()

    run = setup_ok("codex", "--remove", "--yes")

    assert not config.exists()
    assert f"  removed   {config}" in run.stdout
    assert f"changed   {config}" not in run.stdout
    again = setup_ok("codex", "--remove", "--yes")
    assert str(config) not in again.stdout
    assert "unchanged" not in again.stdout
    [entry] = [f for f in setup_json("codex", "--remove")["files"] if f["path"] == str(config)]
    assert (entry["changed"], entry["deleted"], entry["exists"]) == (False, False, False)


def test_remove_json_says_which_file_it_deleted() -> None:
    setup_ok("codex", "--yes")
    config = codex_dir() / "config.toml"

    result = setup_json("codex", "--remove", "--yes")

    [entry] = [f for f in result["files"] if f["path"] == str(config)]
    assert (entry["changed"], entry["deleted"], entry["exists"]) == (True, True, False)


# 4. A file that cannot be parsed: left byte-identical, nothing else written, a snippet.

UNPARSEABLE = [
    pytest.param(
        "llm",
        0,
        "- model_id: [unclosed\n",
        "YAML",
        "model_id: kilocode/kilo-auto/balanced",
        id="llm-yaml",
    ),
    pytest.param(
        "llm",
        1,
        '["not", "an", "object"]\n',
        "JSON object",
        "kilocli auth token kilocode",
        id="llm-keys-list",
    ),
    pytest.param(
        "codex",
        0,
        'model = "o3\n[broken\n',
        "TOML",
        "[model_providers.kilocode]",
        id="codex-toml",
    ),
    pytest.param(
        "claude",
        0,
        '{"model": "opus", "model": "sonnet"}\n',
        "appears twice",
        '"apiKeyHelper"',
        id="claude-duplicate-key",
    ),
    pytest.param(
        "opencode",
        0,
        '{\n  // mine\n  "theme": "tokyonight",\n}\n',
        "comments",
        '"baseURL"',
        id="opencode-jsonc",
    ),
    pytest.param(
        "aider",
        0,
        "model: [gpt-4o\n",
        "YAML",
        "openai-api-base:",
        id="aider-yaml",
    ),
    pytest.param(
        "continue",
        0,
        "models: [unclosed\n",
        "YAML",
        "apiBase:",
        id="continue-yaml",
    ),
]


@pytest.mark.parametrize(("tool", "index", "text", "reason", "snippet"), UNPARSEABLE)
def test_an_unparseable_file_is_left_as_it_is_and_nothing_else_is_written(
    tool: str, index: int, text: str, reason: str, snippet: str
) -> None:
    paths = tool_files(tool)
    bad = paths[index]
    bad.parent.mkdir(parents=True, exist_ok=True)
    bad.write_text(text)
    bad.chmod(0o600)  # private, as a key file must be: only its contents are at fault
    before = tree(user_home())

    run = setup(tool)

    assert run.code == 1
    assert bad.read_text() == text
    assert tree(user_home()) == before
    assert [p for p in paths if p != bad and p.exists()] == []
    assert str(bad) in run.stderr
    assert reason in run.stderr
    assert snippet in run.stdout


def test_the_keys_json_snippet_holds_a_placeholder_not_the_key() -> None:
    llm_dir().mkdir(parents=True)
    (llm_dir() / "keys.json").write_text("[]\n")

    run = setup("llm")

    assert run.code == 1
    assert json.loads(run.stdout)["kilocode"] == "<the key: kilocli auth token kilocode>"


def test_an_unparseable_file_gives_a_json_result_that_is_not_ok() -> None:
    aider_file().write_text("model: [gpt-4o\n")

    result = setup_json("aider")

    assert result["ok"] is False
    assert result["action"] == "not-changed"
    entry, settings = result["files"]
    assert settings["problem"] is None
    assert entry["changed"] is False
    assert "YAML" in entry["problem"]
    assert "openai-api-base:" in entry["snippet"]


# 5. .bak files.


def test_a_new_model_keeps_the_previous_models_file_as_bak() -> None:
    setup_ok("llm")
    models = llm_dir() / "extra-openai-models.yaml"
    before = models.read_bytes()

    setup_ok("llm", "--model", "kilocode/anthropic/claude-sonnet-4.5")

    assert models.read_bytes() != before
    assert (llm_dir() / "extra-openai-models.yaml.bak").read_bytes() == before


@pytest.mark.parametrize("tool", TOOLS)
def test_every_changed_file_keeps_its_previous_version_as_bak(tool: str) -> None:
    setup_ok(tool)
    paths = written_files(tool)
    before = {p: p.read_bytes() for p in paths}

    setup_ok(
        tool,
        env={
            "KILOCODE_BASE_URL": "http://127.0.0.1:9/api/gateway/",
            "KILOCODE_API_KEY": OTHER_VALID_KEY,
        },
    )

    changed = [p for p in paths if p.read_bytes() != before[p]]
    assert changed == [p for p in paths if p.name != "default_model.txt"]  # no URL in it
    for path in paths:
        bak = path.with_name(path.name + ".bak")
        if path in changed and path.name not in ("keys.json", ".env"):
            assert bak.read_bytes() == before[path]
        else:  # a version holding a key of kilocli's is never kept as .bak
            assert not bak.exists()


@pytest.mark.parametrize(
    ("tool", "name", "initial"), [("llm", "keys.json", "{}\n"), ("continue", ".env", "# mine\n")]
)
def test_the_bak_of_a_file_that_holds_the_key_is_private(
    tool: str, name: str, initial: str
) -> None:
    path = next(p for p in tool_files(tool) if p.name == name)
    path.parent.mkdir(parents=True)
    path.write_text(initial)
    path.chmod(0o600)

    setup_ok(tool)

    assert mode_of(path) == 0o600
    bak = path.with_name(name + ".bak")
    assert bak.read_text() == initial
    assert mode_of(bak) == 0o600


@pytest.mark.parametrize(("tool", "name"), [("llm", "keys.json"), ("continue", ".env")])
def test_a_key_file_others_can_read_is_refused_with_the_chmod_that_fixes_it(
    tool: str, name: str
) -> None:
    path = next(p for p in tool_files(tool) if p.name == name)
    path.parent.mkdir(parents=True)
    path.write_text("{}\n" if name == "keys.json" else "# mine\n")
    path.chmod(0o644)
    before = tree(user_home())

    run = setup(tool)

    assert run.code == 1
    assert "other users can read it (mode 0644)" in run.stderr
    assert f"chmod 600 '{path}'" in run.stderr
    assert tree(user_home()) == before  # the mode too: kilocli never changes it
    assert VALID_KEY not in run.stdout + run.stderr


def test_llm_remove_leaves_no_copy_of_the_key_in_its_directory() -> None:
    setup_ok("llm")
    setup_ok("llm", "--model", "kilocode/anthropic/claude-sonnet-4.5")
    setup_ok("llm", env={"KILOCODE_API_KEY": OTHER_VALID_KEY})
    assert files_holding(llm_dir(), VALID_KEY) == []  # no .bak of a version with the old key

    setup_ok("llm", "--remove")

    assert files_holding(llm_dir(), VALID_KEY) == []
    assert files_holding(llm_dir(), OTHER_VALID_KEY) == []
    assert not (llm_dir() / "keys.json").exists()  # kilocli made it: it goes, .bak and all
    assert not llm_dir().exists()  # and so does the directory it made for them


def test_continue_remove_leaves_no_copy_of_the_key_in_its_directory() -> None:
    continue_dir().mkdir()
    (continue_dir() / ".env").write_text("OTHER=1\n")
    (continue_dir() / ".env").chmod(0o600)
    setup_ok("continue")
    setup_ok("continue", env={"KILOCODE_API_KEY": OTHER_VALID_KEY})
    assert (continue_dir() / ".env.bak").read_text() == "OTHER=1\n"  # the user's own version

    setup_ok("continue", "--remove")

    assert files_holding(continue_dir(), VALID_KEY) == []
    assert files_holding(continue_dir(), OTHER_VALID_KEY) == []
    assert load_dotenv(continue_dir() / ".env") == {"OTHER": "1"}


# 6. A symbolic link.


def test_a_linked_aider_file_is_written_through_the_link() -> None:
    dotfiles = user_home() / "dotfiles"  # a dotfiles repository in the home, as people keep it
    dotfiles.mkdir()
    target = dotfiles / "aider.conf.yml"
    target.write_text("# mine\ndark-mode: true\n")
    aider_file().symlink_to(target)

    setup_ok("aider")

    assert aider_file().is_symlink()
    assert aider_file().readlink() == target
    assert load_yaml(target) == {
        "dark-mode": True,
        "openai-api-base": DEFAULT_BASE,
        "model": "openai/kilo-auto/balanced",
    }
    assert target.read_text().startswith("# mine\ndark-mode: true\n")


def test_a_link_to_a_file_not_yet_there_is_written_at_its_target() -> None:
    target = user_home() / "dotfiles" / "aider.conf.yml"
    target.parent.mkdir()
    aider_file().symlink_to(target)

    setup_ok("aider")

    assert aider_file().is_symlink()
    assert load_yaml(target) == {
        "openai-api-base": DEFAULT_BASE,
        "model": "openai/kilo-auto/balanced",
    }
