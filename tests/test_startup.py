"""Start-up stays light: heavy modules load only inside the commands that need them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = (
    "questionary",
    "prompt_toolkit",
    "httpx",
    "pydantic",
    "filelock",
    "tomli_w",
    "kilocli.config.shape",
    "kilocli.credentials.shape",
    "kilocli.validation",
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


def loaded_after(args: list[str]) -> list[str]:
    code = PROBE.format(args=args, heavy=HEAVY)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=30
    )
    return list(json.loads(done.stdout.splitlines()[-1]))


@pytest.mark.parametrize(
    "args", [["--help"], ["onboard", "--help"], ["config", "--help"]], ids=" ".join
)
def test_help_loads_no_heavy_module(args: list[str]) -> None:
    assert loaded_after(args) == []


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
    code = PROBE.format(args=["models", "kilocode", "--json", "--offline"], heavy=HEAVY[:4])
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
        env=env,
    )
    assert json.loads(done.stdout.splitlines()[-1]) == []
