"""``kilocli onboard`` and ``kilocli config`` as a user or a CI job runs them (SPEC §2 to §5, §9).

``run_kilocli`` gives the process a pipe for stdin, so every run here is non-interactive.
"""

from __future__ import annotations

import json
import os
import stat
import tomllib
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from kilocli.cli.app import app
from kilocli.cli.context import Overrides
from kilocli.errors import ExitCode, Interrupted
from tests.cli.conftest import Kilo, file_state, write_file
from tests.fakes import (
    KILO_AUTO_ENTRIES,
    OTHER_VALID_KEY,
    REJECTED_KEY,
    RESPONSES,
    VALID_KEY,
    FakeGateway,
    ScriptedPrompter,
)
from tests.helpers import document, preview_of, read_toml

MISSING = (
    "Missing --kilocode-api-key (or KILOCODE_API_KEY in env, or existing kilocode API-key profile)."
)
JSON_KEYS = [
    "ok",
    "authChoice",
    "provider",
    "profileId",
    "keySource",
    "keyPreview",
    "verified",
    "organization",
    "defaultModel",
    "defaultModelChanged",
    "configPath",
    "authStorePath",
    "keyStore",
    "tools",
]
EMAIL = RESPONSES["GET /api/profile 200"]["user"]["email"]
KILO_AUTO = "kilocode/kilo-auto/balanced"
DEFAULT_BASE_URL = "https://api.kilo.ai/api/gateway/"


def stored_keys(home: Path) -> dict[str, str]:
    profiles = read_toml(home / "auth-profiles.toml")["profiles"]
    return {profile_id: profile["key"] for profile_id, profile in profiles.items()}


def success(home: Path, **fields: Any) -> dict[str, Any]:
    """The ``--json`` document of a Kilo Gateway onboarding, with ``fields`` changed."""
    expected = {
        "ok": True,
        "authChoice": "kilocode-api-key",
        "provider": "kilocode",
        "profileId": "kilocode:default",
        "keySource": "flag: --kilocode-api-key",
        "keyPreview": preview_of(VALID_KEY),
        "verified": True,
        "organization": None,
        "defaultModel": KILO_AUTO,
        "defaultModelChanged": True,
        "configPath": str(home / "config.toml"),
        "authStorePath": str(home / "auth-profiles.toml"),
        "keyStore": str(home / "auth-profiles.toml"),  # the tests keep keys in the file
        "tools": [],
    }
    return expected | fields


def assert_nothing_written(home: Path) -> None:
    assert not (home / "config.toml").exists()
    assert not (home / "auth-profiles.toml").exists()


# Where the key comes from -------------------------------------------------------------------


def test_key_by_flag_prints_the_summary(kilo: Kilo, home: Path, gateway: FakeGateway) -> None:
    run = kilo("onboard", "--kilocode-api-key", VALID_KEY)

    assert run.code == ExitCode.OK, run.stderr
    assert run.stdout == (
        "Onboarding complete.\n"
        "  Provider       kilocode\n"
        "  Profile        kilocode:default\n"
        f"  Key            {preview_of(VALID_KEY)} (flag: --kilocode-api-key)\n"
        f"  Verified       yes: {EMAIL}\n"
        f"  Gateway        {gateway.base_url}\n"  # not the default one
        f"  Default model  {KILO_AUTO} (changed)\n"
        f"  Wrote          {home / 'auth-profiles.toml'}\n"
        f"                 {home / 'config.toml'}\n"
        "Next: kilocli models kilocode\n"
        "      kilocli exec -- <your tool>\n"
    )
    assert str(home) in run.stderr  # the header names the config directory
    assert f"Verified: {EMAIL}" in run.stderr
    assert stored_keys(home) == {"kilocode:default": VALID_KEY}


def test_key_by_env_is_stored_as_a_copy(kilo: Kilo, home: Path) -> None:
    run = kilo("onboard", env={"KILOCODE_API_KEY": VALID_KEY})

    assert run.code == ExitCode.OK, run.stderr
    key_line = next(line for line in run.stdout.splitlines() if "env: KILOCODE_API_KEY" in line)
    assert preview_of(VALID_KEY) in key_line
    assert "copy" in key_line
    assert stored_keys(home) == {"kilocode:default": VALID_KEY}


def test_kilo_api_key_works_too(kilo: Kilo, home: Path) -> None:
    run = kilo("onboard", "--json", env={"KILO_API_KEY": VALID_KEY})

    assert run.code == ExitCode.OK, run.stderr
    assert document(run) == success(home, keySource="env: KILO_API_KEY")


def test_json_is_the_only_thing_on_stdout_with_the_keys_of_the_spec(kilo: Kilo, home: Path) -> None:
    run = kilo("onboard", "--kilocode-api-key", VALID_KEY, "--json")

    assert run.code == ExitCode.OK, run.stderr
    assert list(document(run)) == JSON_KEYS
    assert run.stdout.startswith("{")
    assert run.stdout.rstrip().endswith("}")
    assert "{" not in run.stderr


def test_kilocode_api_key_wins_over_kilo_api_key_and_a_profile(kilo: Kilo, home: Path) -> None:
    kilo("onboard", "--kilocode-api-key", REJECTED_KEY, "--no-verify")

    run = kilo(
        "onboard", "--json", env={"KILOCODE_API_KEY": VALID_KEY, "KILO_API_KEY": OTHER_VALID_KEY}
    )

    assert run.code == ExitCode.OK, run.stderr
    assert document(run)["keySource"] == "env: KILOCODE_API_KEY"
    assert stored_keys(home) == {"kilocode:default": VALID_KEY}


def test_key_from_stdin_is_normalised(kilo: Kilo, home: Path) -> None:
    run = kilo(
        "onboard", "--api-key-stdin", "--json", stdin=f'  export KILOCODE_API_KEY="{VALID_KEY}";\n'
    )

    assert run.code == ExitCode.OK, run.stderr
    assert document(run) == success(home, keySource="stdin")
    assert stored_keys(home) == {"kilocode:default": VALID_KEY}


def test_key_by_token_and_token_provider(kilo: Kilo, home: Path) -> None:
    run = kilo("onboard", "--token", VALID_KEY, "--token-provider", "kilocode", "--json")

    assert run.code == ExitCode.OK, run.stderr
    assert document(run) == success(home, keySource="flag: --token")
    assert stored_keys(home) == {"kilocode:default": VALID_KEY}


def test_token_for_openrouter_onboards_openrouter(
    kilo: Kilo, home: Path, gateway: FakeGateway
) -> None:
    run = kilo("onboard", "--token", VALID_KEY, "--token-provider", "openrouter", "--json")

    assert run.code == ExitCode.OK, run.stderr
    assert document(run)["provider"] == "openrouter"
    assert gateway.paths_requested() == ["/api/v1/key", "/api/v1/models"]  # + the list, cached


def test_a_second_run_uses_the_existing_profile(
    kilo: Kilo, home: Path, gateway: FakeGateway
) -> None:
    kilo("onboard", "--kilocode-api-key", VALID_KEY)

    run = kilo("onboard", "--json")

    assert run.code == ExitCode.OK, run.stderr
    assert document(run) == success(
        home, keySource="profile: kilocode:default", defaultModelChanged=False
    )
    verified = [("/api/profile", f"Bearer {VALID_KEY}"), ("/api/defaults", None)]
    listed = [("/api/gateway/models", f"Bearer {VALID_KEY}")]  # the second run's cache is fresh
    assert [(seen.path, seen.headers.get("Authorization")) for seen in gateway.requests] == [
        *verified,
        *listed,
        *verified,
    ]
    assert stored_keys(home) == {"kilocode:default": VALID_KEY}


def test_openrouter_by_flag_is_verified_at_base_key(
    kilo: Kilo, home: Path, gateway: FakeGateway
) -> None:
    run = kilo("onboard", "--openrouter-api-key", VALID_KEY, "--json")

    assert run.code == ExitCode.OK, run.stderr
    assert document(run) == success(
        home,
        authChoice="openrouter-api-key",
        provider="openrouter",
        profileId="openrouter:default",
        keySource="flag: --openrouter-api-key",
        defaultModel="openrouter/auto",
    )
    assert gateway.paths_requested() == ["/api/v1/key", "/api/v1/models"]  # + the list, cached
    assert gateway.requests[0].headers["Authorization"] == f"Bearer {VALID_KEY}"
    config = read_toml(home / "config.toml")
    assert config["models"]["providers"]["openrouter"]["baseUrl"] == "https://openrouter.ai/api/v1/"
    assert config["agents"]["defaults"]["model"] == {"primary": "openrouter/auto"}
    assert stored_keys(home) == {"openrouter:default": VALID_KEY}


# No key, two keys, a rejected key -----------------------------------------------------------


def test_no_key_anywhere_exits_3_and_writes_nothing(kilo: Kilo, home: Path) -> None:
    run = kilo("onboard")

    assert run.code == ExitCode.NOT_AUTHENTICATED
    assert MISSING in run.stderr
    assert run.stdout == ""
    assert not home.exists()


def test_no_key_leaves_existing_files_byte_identical(kilo: Kilo, home: Path) -> None:
    assert kilo("onboard", "--openrouter-api-key", VALID_KEY).code == ExitCode.OK
    before = file_state(home)

    run = kilo("onboard", "--auth-choice", "kilocode-api-key")

    assert run.code == ExitCode.NOT_AUTHENTICATED
    assert MISSING in run.stderr
    assert file_state(home) == before


def test_no_key_with_json_is_a_json_error(kilo: Kilo, home: Path) -> None:
    run = kilo("onboard", "--json")

    assert run.code == ExitCode.NOT_AUTHENTICATED
    assert document(run) == {
        "ok": False,
        "error": MISSING,
        "hint": 'Run: kilocli onboard --kilocode-api-key "$KEY"  '
        "(or pipe it: ... | kilocli onboard --api-key-stdin)",
        "exitCode": ExitCode.NOT_AUTHENTICATED,
    }
    assert not home.exists()


def test_two_provider_key_flags_are_a_usage_error_naming_both(kilo: Kilo, home: Path) -> None:
    run = kilo("onboard", "--kilocode-api-key", VALID_KEY, "--openrouter-api-key", VALID_KEY)

    assert run.code == ExitCode.USAGE
    assert "--kilocode-api-key" in run.stderr
    assert "--openrouter-api-key" in run.stderr
    assert_nothing_written(home)


def test_a_key_flag_and_piped_key_together_are_a_usage_error(kilo: Kilo, home: Path) -> None:
    run = kilo("onboard", "--kilocode-api-key", VALID_KEY, "--api-key-stdin", stdin=VALID_KEY)

    assert run.code == ExitCode.USAGE
    assert "--kilocode-api-key" in run.stderr
    assert "stdin" in run.stderr
    assert_nothing_written(home)


def test_a_rejected_key_exits_3_and_writes_nothing(kilo: Kilo, home: Path) -> None:
    run = kilo("onboard", "--kilocode-api-key", REJECTED_KEY, "--json")

    assert run.code == ExitCode.NOT_AUTHENTICATED
    error = document(run)
    assert (error["ok"], error["exitCode"]) == (False, ExitCode.NOT_AUTHENTICATED)
    assert "rejected" in error["error"]
    assert "rejected" in run.stderr
    assert_nothing_written(home)


def test_a_rejected_key_leaves_existing_files_untouched(kilo: Kilo, home: Path) -> None:
    assert kilo("onboard", "--kilocode-api-key", VALID_KEY).code == ExitCode.OK
    before = file_state(home)

    run = kilo("onboard", "--kilocode-api-key", REJECTED_KEY, "--set-default")

    assert run.code == ExitCode.NOT_AUTHENTICATED
    assert file_state(home) == before


# The gateway cannot answer ------------------------------------------------------------------


@pytest.mark.parametrize("trouble", ["503", "malformed body", "connection refused"])
def test_gateway_trouble_warns_and_goes_on(
    kilo: Kilo, home: Path, gateway: FakeGateway, closed_port_url: str, trouble: str
) -> None:
    env = {}
    if trouble == "503":
        gateway.fail("/api/profile", status=503, body=b'{"error": "Service Unavailable"}')
    elif trouble == "malformed body":
        gateway.fail("/api/profile", status=200, body=b"<html>not json")
    else:
        env["KILOCODE_BASE_URL"] = closed_port_url

    run = kilo("onboard", "--kilocode-api-key", VALID_KEY, "--json", env=env)

    assert run.code == ExitCode.OK, run.stderr
    assert "Warning:" in run.stderr
    assert document(run) == success(home, verified=None)
    assert stored_keys(home) == {"kilocode:default": VALID_KEY}


def test_no_verify_asks_the_gateway_nothing(kilo: Kilo, home: Path, gateway: FakeGateway) -> None:
    run = kilo("onboard", "--kilocode-api-key", REJECTED_KEY, "--no-verify", "--json")

    assert run.code == ExitCode.OK, run.stderr
    assert document(run) == success(home, verified=None, keyPreview=preview_of(REJECTED_KEY))
    assert gateway.requests == []
    assert stored_keys(home) == {"kilocode:default": REJECTED_KEY}


# Files kilocli will not touch ---------------------------------------------------------------


def test_a_corrupt_config_stops_with_its_path_and_line(kilo: Kilo, home: Path) -> None:
    config = home / "config.toml"
    write_file(config, '[models]\nmode = "merge"\n[models.providers\n')
    before = file_state(home)

    run = kilo("onboard", "--kilocode-api-key", VALID_KEY)

    assert run.code == ExitCode.ERROR
    assert str(config) in run.stderr
    assert "line 3" in run.stderr
    assert file_state(home) == before
    assert "Traceback" not in run.stderr


def test_a_config_value_of_the_wrong_type_is_named(kilo: Kilo, home: Path) -> None:
    config = home / "config.toml"
    write_file(config, "[models.providers.kilocode]\nbaseUrl = 3\n")
    before = file_state(home)

    run = kilo("onboard", "--kilocode-api-key", VALID_KEY, "--json")

    assert run.code == ExitCode.ERROR
    assert document(run)["exitCode"] == ExitCode.ERROR
    assert str(config) in run.stderr
    assert "models.providers.kilocode.baseUrl" in run.stderr
    assert file_state(home) == before


def test_an_auth_store_from_a_newer_kilocli_is_refused(kilo: Kilo, home: Path) -> None:
    store = home / "auth-profiles.toml"
    write_file(store, 'version = 2\n\n[profiles."kilocode:default"]\nfuture = true\n')
    before = file_state(home)

    run = kilo("onboard", "--kilocode-api-key", VALID_KEY)

    assert run.code == ExitCode.ERROR
    assert str(store) in run.stderr
    assert file_state(home) == before


# Re-onboarding merges, never replaces -------------------------------------------------------

HAND_WRITTEN = """\
# Written by hand; kilocli must keep what it does not own.
[models]
mode = "replace"
note = "mine"

[models.providers.kilocode]
baseUrl = "{base_url}"
apiKey = "  config-key-kept-trimmed  "
headers = {{ X-Team = "infra" }}

[[models.providers.kilocode.models]]
id = "anthropic/claude-sonnet-4.5"
name = "Claude Sonnet 4.5"

[models.providers.other]
baseUrl = "https://llm.example.com/v1/"
api = "anthropic-messages"

[agents.defaults.model]
primary = "openrouter/anthropic/claude-opus-4"
fallbacks = ["kilocode/anthropic/claude-sonnet-4.5", "other/fast"]

[agents.defaults.models."kilocode/kilo-auto/balanced"]
alias = "auto"

[agents.defaults.models."kilocode/anthropic/claude-sonnet-4.5"]
alias = "sonnet"

[auth.order]
kilocode = ["kilocode:work", "kilocode:default"]
openrouter = ["openrouter:default"]

[auth.profiles."kilocode:work"]
provider = "kilocode"
mode = "api_key"

[tools.editor]
command = "vim"
"""

PRIMARY_CASES = {
    "no flag": ((), "openrouter/anthropic/claude-opus-4"),
    "--model": (
        ("--model", "kilocode/anthropic/claude-sonnet-4.5"),
        "kilocode/anthropic/claude-sonnet-4.5",
    ),
    "--set-default": (("--set-default",), KILO_AUTO),
}


@pytest.mark.parametrize(("flags", "primary"), PRIMARY_CASES.values(), ids=PRIMARY_CASES.keys())
def test_re_onboarding_keeps_everything_the_user_wrote(
    kilo: Kilo, home: Path, gateway: FakeGateway, flags: tuple[str, ...], primary: str
) -> None:
    config_path = home / "config.toml"
    write_file(config_path, HAND_WRITTEN.format(base_url=gateway.base_url))
    expected = read_toml(config_path)

    run = kilo("onboard", "--kilocode-api-key", VALID_KEY, "--json", *flags, base_urls=False)

    assert run.code == ExitCode.OK, run.stderr
    kilocode = expected["models"]["providers"]["kilocode"]
    kilocode["apiKey"] = "config-key-kept-trimmed"
    kilocode["api"] = "openai-completions"
    kilocode["models"].extend(KILO_AUTO_ENTRIES)
    expected["agents"]["defaults"]["model"]["primary"] = primary
    expected["auth"]["order"]["kilocode"] = ["kilocode:default", "kilocode:work"]
    expected["auth"]["profiles"]["kilocode:default"] = {"provider": "kilocode", "mode": "api_key"}
    assert read_toml(config_path) == expected
    # the custom base URL in config is the gateway that was asked (its key, its default)
    assert gateway.paths_requested() == ["/api/profile", "/api/defaults", "/api/gateway/models"]
    assert document(run) == success(
        home,
        defaultModel=primary,
        defaultModelChanged=primary != "openrouter/anthropic/claude-opus-4",
    )


def test_base_url_flag_is_saved(kilo: Kilo, home: Path, gateway: FakeGateway) -> None:
    given = gateway.base_url.rstrip("/")

    run = kilo("onboard", "--kilocode-api-key", VALID_KEY, "--base-url", given, base_urls=False)

    assert run.code == ExitCode.OK, run.stderr
    assert gateway.paths_requested() == ["/api/profile", "/api/defaults", "/api/gateway/models"]
    provider = read_toml(home / "config.toml")["models"]["providers"]["kilocode"]
    assert provider["baseUrl"] == gateway.base_url


def test_base_url_env_applies_to_the_run_but_is_not_saved(
    kilo: Kilo, home: Path, gateway: FakeGateway
) -> None:
    run = kilo("onboard", "--kilocode-api-key", VALID_KEY)

    assert run.code == ExitCode.OK, run.stderr
    assert gateway.paths_requested() == ["/api/profile", "/api/defaults", "/api/gateway/models"]
    provider = read_toml(home / "config.toml")["models"]["providers"]["kilocode"]
    assert provider["baseUrl"] == DEFAULT_BASE_URL
    assert gateway.origin not in (home / "config.toml").read_text()


@pytest.mark.parametrize("ref", ["gpt-5", "acme/gpt-5", "kilocode/", "kilocode/a b"])
def test_a_bad_model_ref_is_a_usage_error(kilo: Kilo, home: Path, ref: str) -> None:
    run = kilo("onboard", "--kilocode-api-key", VALID_KEY, "--model", ref)

    assert run.code == ExitCode.USAGE
    assert ref.split("/", maxsplit=1)[0] in run.stderr
    assert_nothing_written(home)


def test_a_bad_base_url_is_a_usage_error(kilo: Kilo, home: Path) -> None:
    run = kilo("onboard", "--kilocode-api-key", VALID_KEY, "--base-url", "api.kilo.ai/gateway")

    assert run.code == ExitCode.USAGE
    assert "--base-url" in run.stderr
    assert_nothing_written(home)


# How files are written ----------------------------------------------------------------------


def test_files_are_private_even_with_a_permissive_umask(kilo: Kilo, home: Path) -> None:
    previous = os.umask(0)
    try:
        run = kilo("onboard", "--kilocode-api-key", VALID_KEY)
    finally:
        os.umask(previous)

    assert run.code == ExitCode.OK, run.stderr
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    modes = {name: mode for name, (_, _, mode) in file_state(home).items()}
    assert modes["config.toml"] == 0o600
    assert modes["auth-profiles.toml"] == 0o600
    assert set(modes.values()) == {0o600}


def test_the_previous_version_is_kept_as_bak(kilo: Kilo, home: Path) -> None:
    kilo("onboard", "--kilocode-api-key", VALID_KEY)
    first = file_state(home)
    assert "auth-profiles.toml.bak" not in first
    assert "config.toml.bak" not in first

    run = kilo("onboard", "--kilocode-api-key", OTHER_VALID_KEY, "--model", "kilocode/openai/gpt-5")

    assert run.code == ExitCode.OK, run.stderr
    second = file_state(home)
    for name in ("auth-profiles.toml", "config.toml"):
        data, _, mode = second[f"{name}.bak"]
        assert data == first[name][0]
        assert mode == 0o600
    assert stored_keys(home) == {"kilocode:default": OTHER_VALID_KEY}


def test_ctrl_c_at_a_prompt_exits_130_and_writes_nothing(home: Path) -> None:
    overrides = Overrides(
        env={"KILOCLI_HOME": str(home)},
        prompter=ScriptedPrompter([Interrupted]),
        interactive=True,
    )

    result = CliRunner().invoke(app, ["onboard"], obj=overrides)

    assert result.exit_code == ExitCode.INTERRUPTED
    assert "Interrupted" in result.stderr
    assert result.stdout == ""
    assert not home.exists()


# kilocli config -----------------------------------------------------------------------------


def test_config_path_names_every_file(kilo: Kilo, home: Path) -> None:
    text = kilo("config", "path")
    as_json = kilo("config", "path", "--json")

    expected = {
        "configDir": str(home),
        "configFile": str(home / "config.toml"),
        "authStore": str(home / "auth-profiles.toml"),
        "cacheDir": str(home / "cache"),
    }
    assert (text.code, as_json.code) == (ExitCode.OK, ExitCode.OK)
    assert document(as_json) == expected
    shown = [line.split()[-1] for line in text.stdout.splitlines()]
    assert shown == list(expected.values())
    assert not home.exists()


def test_config_show_without_a_config_says_so_on_stderr(kilo: Kilo, home: Path) -> None:
    run = kilo("config", "show")

    assert run.code == ExitCode.OK
    assert run.stdout == ""
    assert str(home / "config.toml") in run.stderr
    assert not home.exists()


def test_config_show_prints_the_config_with_keys_as_previews(kilo: Kilo, home: Path) -> None:
    config = f"""\
[models.providers.kilocode]
baseUrl = "https://api.kilo.ai/api/gateway/"
apiKey = "{VALID_KEY}"

[agents.defaults.model]
primary = "kilocode/kilo-auto/balanced"
"""
    write_file(home / "config.toml", config)
    expected = tomllib.loads(config)
    expected["models"]["providers"]["kilocode"]["apiKey"] = preview_of(VALID_KEY)

    text = kilo("config", "show")
    as_json = kilo("config", "show", "--json")

    assert (text.code, as_json.code) == (ExitCode.OK, ExitCode.OK)
    assert tomllib.loads(text.stdout) == expected
    assert document(as_json) == {
        "path": str(home / "config.toml"),
        "exists": True,
        "config": expected,
    }
    for run in (text, as_json):
        assert VALID_KEY not in run.output


def test_config_show_matches_what_onboarding_wrote(kilo: Kilo, home: Path) -> None:
    kilo("onboard", "--kilocode-api-key", VALID_KEY)

    run = kilo("config", "show")

    assert run.code == ExitCode.OK
    assert tomllib.loads(run.stdout) == read_toml(home / "config.toml")


def test_config_show_prints_values_as_written(kilo: Kilo, home: Path) -> None:
    """No emoji codes or console markup are interpreted in what the user wrote."""
    config = (
        '[agents.defaults.models."kilocode/kilo-auto/balanced"]\n'
        'alias = "fast :rocket: [bold]x[/bold]"\n'
    )
    write_file(home / "config.toml", config)

    run = kilo("config", "show")

    assert run.code == ExitCode.OK
    assert tomllib.loads(run.stdout) == tomllib.loads(config)


# The model list, once the key is verified (SPEC §12) ------------------------------------------


def test_a_verified_onboarding_caches_the_model_list(
    kilo: Kilo, home: Path, gateway: FakeGateway
) -> None:
    run = kilo("onboard", "--non-interactive", "--kilocode-api-key", VALID_KEY)

    assert run.code == ExitCode.OK, run.stderr
    assert gateway.paths_requested().count("/api/gateway/models") == 1
    cache = json.loads((home / "cache" / "models-kilocode.json").read_text())
    assert len(cache["models"]) > 1  # the gateway's list, not only the built-in one
    listed = kilo("models", "kilocode", "--offline", "--json")
    assert document(listed)["source"] == "cache"


def test_an_unverified_onboarding_fetches_no_model_list(
    kilo: Kilo, home: Path, gateway: FakeGateway
) -> None:
    run = kilo("onboard", "--non-interactive", "--kilocode-api-key", VALID_KEY, "--no-verify")

    assert run.code == ExitCode.OK, run.stderr
    assert not (home / "cache").exists()


def test_a_model_list_that_fails_only_warns(kilo: Kilo, home: Path, gateway: FakeGateway) -> None:
    gateway.fail("/api/gateway/models", status=500)

    run = kilo("onboard", "--non-interactive", "--kilocode-api-key", VALID_KEY, "--json")

    assert run.code == ExitCode.OK, run.stderr
    assert document(run)["verified"] is True
    assert "HTTP 500" in run.stderr
    assert stored_keys(home) == {"kilocode:default": VALID_KEY}


def test_skipping_names_each_provider_with_its_article(kilo: Kilo, home: Path) -> None:
    """ "Get a Kilo Gateway key", "Get an OpenRouter key": the article follows the name."""
    run = kilo("onboard", "--auth-choice", "skip")

    assert run.code == ExitCode.OK, run.stderr
    assert "  Get a Kilo Gateway key at " in run.stdout
    assert "  Get an OpenRouter key at " in run.stdout
    assert "Get a OpenRouter" not in run.stdout


def test_a_or_an_follows_the_first_letter() -> None:
    from kilocli.text import a_or_an

    assert [a_or_an(w) for w in ("Kilo Gateway", "OpenRouter", "openrouter")] == [
        "a Kilo Gateway",
        "an OpenRouter",
        "an openrouter",
    ]
