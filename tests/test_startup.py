"""Start-up stays light: heavy modules load only inside the commands that need them (SPEC §10).

The root ``--help`` and ``--version`` load none of questionary, prompt_toolkit, httpx or
pydantic; a command's own ``--help`` may load pydantic (Typer 0.29 converts options through it)
but nothing that prompts or talks to the network.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import probe_imports

# Installed, so that a test which finds none of them loaded proves something.
importlib.import_module("pydantic")
importlib.import_module("httpx")
importlib.import_module("questionary")

PROMPTS_AND_NETWORK = ("questionary", "prompt_toolkit", "httpx")
HEAVY = (
    *PROMPTS_AND_NETWORK,
    "pydantic",
    "filelock",
    "tomli_w",
    "kilocli.services",
    "kilocli.onboarding",
)


def loaded_after(args: list[str], heavy: tuple[str, ...] = HEAVY) -> list[str]:
    return probe_imports(args, heavy).loaded


def test_root_help_loads_no_heavy_module() -> None:
    assert loaded_after(["--help"]) == []


@pytest.mark.parametrize("args", [["onboard", "--help"], ["config", "--help"]], ids=" ".join)
def test_command_help_loads_nothing_that_prompts_or_talks_to_the_network(args: list[str]) -> None:
    loaded = loaded_after(args, heavy=(*PROMPTS_AND_NETWORK, "kilocli.services"))
    assert loaded == []


def test_version_loads_no_command_framework() -> None:
    code = (
        "import sys; from kilocli.cli import main; main(['--version']); print(sorted(sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=30
    )
    assert done.stdout.startswith("kilocli ")
    modules = done.stdout.splitlines()[-1]
    for framework in ("typer", "rich", "pydantic", *HEAVY):
        assert f"'{framework}'" not in modules


def test_listing_cached_models_loads_no_network_or_prompt_module(tmp_path: Path) -> None:
    env = {**os.environ, "KILOCLI_HOME": str(tmp_path)}
    listing = ["models", "kilocode", "--json", "--offline"]
    assert probe_imports(listing, PROMPTS_AND_NETWORK, env).loaded == []


def test_a_cached_json_listing_loads_neither_the_key_chain_nor_the_table(tmp_path: Path) -> None:
    """SPEC §10: a listing from the cache loads only what it uses. Without an organisation in
    the store it needs no key (the credential modules stay out), and ``--json`` draws no
    table."""
    env = {**os.environ, "KILOCLI_HOME": str(tmp_path)}
    unused = (
        *PROMPTS_AND_NETWORK,
        "kilocli.credentials",
        "kilocli.gateway.http",
        "kilocli.cli.columns",
        "kilocli.cli.render_models",
        "kilocli.prompting",
        "rich",
    )
    assert probe_imports(["models", "kilocode", "--json", "--offline"], unused, env).loaded == []


KEY = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzdGFydHVwIn0.c3RhcnR1cC1zaWduYXR1cmU"


def onboarded_home(tmp_path: Path) -> dict[str, str]:
    env = {**os.environ, "KILOCLI_HOME": str(tmp_path), "KILOCLI_STORE": "file"}
    argv = ["onboard", "--non-interactive", "--kilocode-api-key", KEY, "--no-verify"]
    subprocess.run(
        [sys.executable, "-m", "kilocli", *argv], env=env, check=True, capture_output=True
    )
    return env


def loaded_in(
    env: dict[str, str], args: list[str], heavy: tuple[str, ...]
) -> tuple[str, list[str]]:
    """What ``args`` printed, and which of ``heavy`` it loaded."""
    probed = probe_imports(args, heavy, env)
    return probed.stdout, probed.loaded


def test_auth_token_reads_kilocli_s_own_files_without_pydantic(tmp_path: Path) -> None:
    """SPEC §10: the credential helper tools run on every request reads the store and config
    kilocli wrote through their shapes (kilocli.shapes), not through pydantic; and it needs
    neither the command framework nor the lock of a write."""
    env = onboarded_home(tmp_path)
    out, loaded = loaded_in(
        env,
        ["auth", "token", "kilocode"],
        (
            "pydantic",
            "typer",
            "rich",
            "filelock",
            "kilocli.config.model",
            "kilocli.credentials.model",
        ),
    )
    assert out.startswith(KEY + "\n")
    assert loaded == []


def test_a_store_that_does_not_fit_its_shape_still_goes_through_the_model(tmp_path: Path) -> None:
    """The cheap read never refuses: a store it does not take is the model's to judge."""
    env = onboarded_home(tmp_path)
    store = tmp_path / "auth-profiles.toml"
    store.write_text(store.read_text() + '\n[profiles."other:x"]\ntype = "api_key"\nprovider = 3\n')
    probed = probe_imports(
        ["auth", "token", "kilocode"], ("kilocli.credentials.model",), env, check=False
    )
    assert 'profiles."other:x".provider: should be a string' in probed.stderr
    assert probed.loaded == ["kilocli.credentials.model"]


@pytest.mark.parametrize(
    "args",
    [["auth", "status", "--json"], ["env"], ["models", "status", "--json"]],
    ids=" ".join,
)
def test_read_only_commands_build_no_model_of_kilocli_s_files(
    tmp_path: Path, args: list[str]
) -> None:
    """Typer loads pydantic for every command, but the read-only ones leave kilocli's file
    models (and their validators, a tenth of such a command) unbuilt, and take no lock."""
    env = onboarded_home(tmp_path)
    _, loaded = loaded_in(
        env, args, ("kilocli.config.model", "kilocli.credentials.model", "filelock")
    )
    assert loaded == []


def test_onboarding_without_setup_loads_no_tool_editor_nor_filelock(tmp_path: Path) -> None:
    """SPEC §10: onboarding builds its help from :data:`kilocli.tools.TOOL_IDS` and loads the
    tools' registry (every tool's editors) only with ``--setup``; on POSIX the lock of a write
    is ``flock`` itself."""
    env = {**os.environ, "KILOCLI_HOME": str(tmp_path), "KILOCLI_STORE": "file"}
    args = ["onboard", "--non-interactive", "--kilocode-api-key", KEY, "--no-verify"]
    out, loaded = loaded_in(
        env, args, ("kilocli.tools.registry", "kilocli.tools.edits", "filelock")
    )
    assert "Onboarding complete." in out
    assert loaded == []
    assert (tmp_path / "config.toml.lock").exists()


def test_tool_ids_are_the_registry_s() -> None:
    from kilocli.tools import TOOL_IDS
    from kilocli.tools.registry import TOOLS

    assert tuple(tool.id for tool in TOOLS) == TOOL_IDS
