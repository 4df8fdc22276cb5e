"""``kilocli setup`` over the less common, still valid, ways people write their files: YAML
layouts (blank lines, compact lists, flow lists, block scalars), TOML dotted keys and inline
tables, and settings the user changed by hand after setup."""

from __future__ import annotations

import tomllib

import pytest
import tomli_w

from tests.tools.setup_helpers import (
    DEFAULT_BASE,
    aider_file,
    codex_dir,
    continue_dir,
    kilocli_home,
    llm_dir,
    load_toml,
    load_yaml,
    setup,
    setup_json,
    setup_ok,
    store_key,
)


def assert_lines_kept(before: str, after: str) -> None:
    """Every line of ``before`` is a line of ``after``, byte for byte and in order."""
    remaining = iter(after.splitlines())
    for line in before.splitlines():
        assert any(candidate == line for candidate in remaining), (line, after)


@pytest.fixture(autouse=True)
def key_stored() -> None:
    """Every test here starts with ``VALID_KEY`` onboarded."""
    store_key()


# YAML layouts.


def test_llm_keeps_a_file_of_entries_without_blank_lines() -> None:
    text = "# mine\n- model_id: a  # first\n  model_name: x\n- model_id: b\n  model_name: y\n"
    llm_dir().mkdir(parents=True)
    (llm_dir() / "extra-openai-models.yaml").write_text(text)

    setup_ok("llm")

    assert_lines_kept(text, (llm_dir() / "extra-openai-models.yaml").read_text())


def test_llm_keeps_entries_separated_by_blank_lines() -> None:
    text = "# mine\n- model_id: a  # first\n  model_name: x\n\n- model_id: b\n  model_name: y\n"
    llm_dir().mkdir(parents=True)
    (llm_dir() / "extra-openai-models.yaml").write_text(text)

    setup_ok("llm")

    assert_lines_kept(text, (llm_dir() / "extra-openai-models.yaml").read_text())


def test_continue_keeps_a_compact_list() -> None:
    text = "name: Local  # mine\nmodels:\n- name: Claude  # the usual\n  provider: anthropic\n"
    continue_dir().mkdir()
    (continue_dir() / "config.yaml").write_text(text)

    setup_ok("continue")

    after = (continue_dir() / "config.yaml").read_text()
    assert_lines_kept(text, after)
    assert "- model: kilo-auto/balanced" in after.splitlines()  # flush, as the user's list is
    assert "  name: Auto Balanced (Kilo Gateway)" in after.splitlines()


def test_continue_keeps_a_compact_list_with_a_nested_list() -> None:
    text = (
        "name: Local\nmodels:\n- name: Claude  # the usual\n  provider: anthropic\n"
        "  roles:\n  - chat\n  - edit\n"
    )
    continue_dir().mkdir()
    (continue_dir() / "config.yaml").write_text(text)

    setup_ok("continue")

    assert_lines_kept(text, (continue_dir() / "config.yaml").read_text())


def test_continue_keeps_flow_lists_block_scalars_and_unicode() -> None:
    text = (
        "name: Zoë\u2019s config  # ünïcode\n"
        "rules: |\n  be nice\n  and brief\n"
        "models:\n  - name: a\n    roles: [chat, edit]\n    apiKey: 'x'\n"
    )
    continue_dir().mkdir()
    (continue_dir() / "config.yaml").write_text(text)

    setup_ok("continue")

    after = (continue_dir() / "config.yaml").read_text()
    assert_lines_kept(text, after)
    assert load_yaml(continue_dir() / "config.yaml")["rules"] == "be nice\nand brief\n"


# TOML: dotted keys and inline tables.


def test_codex_keeps_top_level_keys_after_a_dotted_provider() -> None:
    codex_dir().mkdir()
    (codex_dir() / "config.toml").write_text(
        'model = "o3"\n'
        'model_providers.ollama = { name = "Ollama", base_url = "http://localhost:11434/v1" }\n'
        'approval_policy = "on-request"\n'
    )

    setup_ok("codex")

    config = load_toml(codex_dir() / "config.toml")
    assert config["approval_policy"] == "on-request"
    assert "approval_policy" not in config["model_providers"]["kilocode"]


def test_codex_remove_gives_back_top_level_keys_after_a_dotted_provider() -> None:
    text = (
        'model = "o3"\n'
        'model_providers.ollama = { name = "Ollama", base_url = "http://localhost:11434/v1" }\n'
        'approval_policy = "on-request"\n'
    )
    codex_dir().mkdir()
    (codex_dir() / "config.toml").write_text(text)
    original = load_toml(codex_dir() / "config.toml")
    setup_ok("codex")

    setup_ok("codex", "--remove")

    assert load_toml(codex_dir() / "config.toml") == original


def test_codex_an_inline_providers_table_gets_an_inline_entry() -> None:
    """``model_providers = { … }`` on one line: kilocli's provider joins it inline (a table
    cannot go inside an inline table), and the user's entry stays."""
    text = 'model_providers = { ollama = { name = "Ollama" } }\nmodel = "o3"\n'
    codex_dir().mkdir()
    (codex_dir() / "config.toml").write_text(text)

    setup_ok("codex", "--keep-default")

    written = load_toml(codex_dir() / "config.toml")
    assert written["model"] == "o3"
    assert written["model_providers"]["ollama"] == {"name": "Ollama"}
    assert written["model_providers"]["kilocode"]["wire_api"] == "responses"
    setup_ok("codex", "--remove")
    assert (codex_dir() / "config.toml").read_text() == text


def test_codex_the_users_default_model_is_replaced_and_given_back() -> None:
    text = 'model = "o3"  # mine\n\n[tui]\ntheme = "dark"\n'
    codex_dir().mkdir()
    (codex_dir() / "config.toml").write_text(text)

    run = setup_ok("codex")

    written = load_toml(codex_dir() / "config.toml")
    assert (written["model"], written["model_provider"]) == ("kilo-auto/balanced", "kilocode")
    assert written["tui"] == {"theme": "dark"}
    assert "Replaced your default model" in run.stderr
    setup_ok("codex", "--remove")
    assert (codex_dir() / "config.toml").read_text() == text


def test_codex_a_hand_written_kilocode_provider_is_left_alone_without_force() -> None:
    text = (
        '[model_providers.kilocode]\n# by hand\nname = "Kilo"\nbase_url = "https://old/api"\n'
        'env_key = "KILO_API_KEY"\nwire_api = "chat"\n'
    )
    codex_dir().mkdir()
    (codex_dir() / "config.toml").write_text(text)

    run = setup("codex")

    assert run.code == 1
    assert "model_providers.kilocode.name" in run.stderr
    assert "kilocli setup codex --force" in run.stderr
    assert (codex_dir() / "config.toml").read_text() == text
    assert not (codex_dir() / "kilocode.config.toml").exists()


def test_codex_force_updates_a_hand_written_provider_and_remove_gives_it_back() -> None:
    text = (
        '[model_providers.kilocode]\n# by hand\nname = "Kilo"\nbase_url = "https://old/api"\n'
        'env_key = "KILO_API_KEY"\nwire_api = "chat"\n'
    )
    codex_dir().mkdir()
    (codex_dir() / "config.toml").write_text(text)

    setup_ok("codex", "--force")

    after = (codex_dir() / "config.toml").read_text()
    assert after.count("[model_providers.kilocode]") == 1
    assert "# by hand" in after.splitlines()
    provider = load_toml(codex_dir() / "config.toml")["model_providers"]["kilocode"]
    assert "env_key" not in provider  # Codex would take the key from it, not from kilocli
    assert (provider["name"], provider["base_url"], provider["wire_api"]) == (
        "Kilo Gateway",
        DEFAULT_BASE,
        "responses",
    )

    setup_ok("codex", "--remove")

    assert (codex_dir() / "config.toml").read_text() == text


# Settings the user changed by hand after setup.


def test_aider_remove_keeps_a_model_the_user_chose_after_setup() -> None:
    aider_file().write_text("model: gpt-4o\n")
    setup_ok("aider")
    aider_file().write_text(aider_file().read_text().replace("openai/kilo-auto/balanced", "o3-pro"))

    setup_ok("aider", "--remove")

    assert load_yaml(aider_file()) == {"model": "o3-pro"}


def test_aider_remove_without_a_record_leaves_the_file_alone() -> None:
    aider_file().write_text("dark-mode: true\n")
    setup_ok("aider")
    config = kilocli_home() / "config.toml"
    settings = tomllib.loads(config.read_text())
    del settings["setup"]  # as if kilocli's record of what it wrote were lost
    config.write_text(tomli_w.dumps(settings))
    before = aider_file().read_bytes()

    result = setup_json("aider", "--remove")

    # Without its record kilocli cannot tell its values from the user's: it takes out nothing.
    assert result["action"] == "absent"
    assert aider_file().read_bytes() == before
