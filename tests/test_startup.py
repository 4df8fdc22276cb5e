"""Start-up stays light: heavy modules load only inside the commands that need them (SPEC §10).

The root ``--help`` and ``--version`` load none of questionary, prompt_toolkit, httpx or
pydantic; a command's own ``--help`` may load pydantic (Typer 0.29 converts options through it)
but nothing that prompts or talks to the network.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

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

PROBE = """
import json, sys
from kilocli.cli import main
try:
    main({args!r})
except SystemExit:
    pass
heavy = {heavy!r}
print(json.dumps(sorted(m for m in sys.modules if m.startswith(heavy))))
"""


def loaded_after(args: list[str], heavy: tuple[str, ...] = HEAVY) -> list[str]:
    code = PROBE.format(args=args, heavy=heavy)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=30
    )
    return list(json.loads(done.stdout.splitlines()[-1]))


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
    code = PROBE.format(
        args=["models", "kilocode", "--json", "--offline"], heavy=PROMPTS_AND_NETWORK
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
        env=env,
    )
    assert json.loads(done.stdout.splitlines()[-1]) == []


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
    code = PROBE.format(args=["models", "kilocode", "--json", "--offline"], heavy=unused)
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
        env=env,
    )
    assert json.loads(done.stdout.splitlines()[-1]) == []
