"""``kilocli env``: the variables in each format, read back by real shells and parsers, and
raw keys only where SPEC §12 allows them."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kilocli.cli import main
from kilocli.tools.shells import fish_quote, powershell_quote, sh_quote
from tests.conftest import Run, run_kilocli
from tests.fakes import VALID_KEY
from tests.helpers import preview_of
from tests.tools.setup_helpers import ORG, store_key, store_org_profile

KILO_NAMES = ["KILOCODE_API_KEY", "KILO_API_KEY", "KILOCODE_BASE_URL"]
OPENAI_NAMES = ["OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_API_BASE"]


class TerminalStream(io.StringIO):
    """A stdout that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def on_terminal(*args: str, env: dict[str, str] | None = None) -> Run:
    """``kilocli ARGS`` with stdout (and stderr) on a "terminal"."""
    import os

    out, err = TerminalStream(), TerminalStream()
    full = dict(os.environ) | (env or {})
    code = main(list(args), env=full, stdin=io.StringIO(), stdout=out, stderr=err)
    return Run(code, out.getvalue(), err.getvalue())


def in_shell(shell: list[str], script: str, names: list[str]) -> dict[str, str]:
    """Run ``script`` (the env output) in a real shell, then print each variable."""
    printing = "".join(f'printf "%s\\0" "${name}"\n' for name in names)  # sh and fish alike
    done = subprocess.run(
        [*shell, script + "\n" + printing], capture_output=True, check=True, timeout=30
    )
    values = done.stdout.decode().split("\0")[:-1]
    return dict(zip(names, values, strict=True))


def test_sh_output_sets_every_variable_in_a_real_shell() -> None:
    store_key()
    run = run_kilocli("env")
    assert run.code == 0, run.stderr
    assert run.stderr == ""
    values = in_shell(["sh", "-c"], run.stdout, KILO_NAMES)
    assert values == {
        "KILOCODE_API_KEY": VALID_KEY,
        "KILO_API_KEY": VALID_KEY,
        "KILOCODE_BASE_URL": "https://api.kilo.ai/api/gateway",
    }


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed")
def test_fish_output_sets_every_variable_in_fish() -> None:
    store_key()
    run = run_kilocli("env", "--format", "fish", "--openai")
    assert run.code == 0, run.stderr
    values = in_shell(["fish", "-c"], run.stdout, KILO_NAMES + OPENAI_NAMES)
    assert values["OPENAI_API_KEY"] == VALID_KEY
    assert values["OPENAI_BASE_URL"] == "https://api.kilo.ai/api/gateway"
    assert values["KILO_API_KEY"] == VALID_KEY


def test_the_openai_set_only_with_openai() -> None:
    store_key()
    names = [
        line.split("=")[0].removeprefix("export ")
        for line in run_kilocli("env").stdout.splitlines()
    ]
    assert names == KILO_NAMES
    with_openai = run_kilocli("env", "--openai").stdout
    assert [line.split("=")[0].removeprefix("export ") for line in with_openai.splitlines()] == (
        KILO_NAMES + OPENAI_NAMES
    )


def test_dotenv_output_reads_back_with_python_dotenv(tmp_path: Path) -> None:
    dotenv = pytest.importorskip("dotenv")
    store_key()
    run = run_kilocli("env", "--format", "dotenv", "--openai")
    path = tmp_path / ".env"
    path.write_text(run.stdout)
    values = dotenv.dotenv_values(path)
    assert values["KILOCODE_API_KEY"] == VALID_KEY
    assert values["OPENAI_API_BASE"] == "https://api.kilo.ai/api/gateway"
    assert list(values) == KILO_NAMES + OPENAI_NAMES


def test_json_output_is_one_object() -> None:
    store_key()
    run = run_kilocli("env", "--format", "json")
    assert json.loads(run.stdout) == {
        "KILOCODE_API_KEY": VALID_KEY,
        "KILO_API_KEY": VALID_KEY,
        "KILOCODE_BASE_URL": "https://api.kilo.ai/api/gateway",
    }


def test_github_writes_lines_for_github_env_and_masks_on_stderr() -> None:
    store_key()
    run = run_kilocli("env", "--format", "github", "--openai")
    assert run.stdout.splitlines()[0] == f"KILOCODE_API_KEY={VALID_KEY}"
    assert len(run.stdout.splitlines()) == 6
    # The mask goes where the runner reads it, once per secret value, never into $GITHUB_ENV.
    assert run.stderr == f"::add-mask::{VALID_KEY}\n"
    assert "::" not in run.stdout


def test_powershell_output_quotes_values() -> None:
    store_key()
    run = run_kilocli("env", "--format", "powershell")
    assert (
        run.stdout.splitlines()[2] == "$env:KILOCODE_BASE_URL = 'https://api.kilo.ai/api/gateway'"
    )


def test_the_organisation_of_the_profile_is_passed_on() -> None:
    store_org_profile(ORG)
    run = run_kilocli("env", "--format", "json")
    assert json.loads(run.stdout)["KILO_ORG_ID"] == ORG


@pytest.mark.parametrize(
    "given", ["http://127.0.0.1:9/api/gateway", "http://127.0.0.1:9/api/gateway/"]
)
def test_the_base_url_in_effect_is_passed_on_without_its_trailing_slash(given: str) -> None:
    """So that ``"$KILOCODE_BASE_URL/chat/completions"`` has one slash, and the variable read
    back by kilocli itself (the next ``env``) means the same base URL."""
    store_key()
    run = run_kilocli("env", "--format", "json", env={"KILOCODE_BASE_URL": given})
    assert json.loads(run.stdout)["KILOCODE_BASE_URL"] == "http://127.0.0.1:9/api/gateway"
    again = run_kilocli("env", "--format", "json", env=json.loads(run.stdout))
    assert json.loads(again.stdout) == json.loads(run.stdout)


def test_on_a_terminal_the_key_is_a_preview_and_stderr_says_how() -> None:
    store_key()
    run = on_terminal("env", "--format", "fish")
    assert run.code == 0
    assert VALID_KEY not in run.output
    assert f"set -gx KILOCODE_API_KEY '{preview_of(VALID_KEY)}'" in run.stdout
    assert "kilocli env --format fish | source" in run.stderr


def test_reveal_prints_the_raw_key_on_a_terminal() -> None:
    store_key()
    run = on_terminal("env", "--reveal")
    assert f"export KILOCODE_API_KEY='{VALID_KEY}'" in run.stdout


def test_github_masks_never_reach_a_terminal_stderr() -> None:
    """``::add-mask::`` carries the raw key: written only when stderr is not a terminal."""
    import os

    store_key()
    out, err = io.StringIO(), TerminalStream()
    code = main(
        ["env", "--format", "github"],
        env=dict(os.environ),
        stdin=io.StringIO(),
        stdout=out,
        stderr=err,
    )
    assert code == 0
    assert VALID_KEY in out.getvalue()
    assert VALID_KEY not in err.getvalue()


def test_no_key_exits_3_and_prints_nothing() -> None:
    run = run_kilocli("env")
    assert run.code == 3
    assert run.stdout == ""
    assert "kilocli auth login kilocode" in run.stderr


def test_a_key_from_the_environment_is_used() -> None:
    run = run_kilocli("env", "--format", "json", env={"KILO_API_KEY": VALID_KEY})
    assert json.loads(run.stdout)["KILOCODE_API_KEY"] == VALID_KEY


def test_an_unknown_profile_is_a_usage_error() -> None:
    store_key()
    run = run_kilocli("env", "--profile", "kilocode:nope")
    assert run.code == 2
    assert "kilocode:default" in run.stderr


# Quoting, for any text a value could hold: the shell reads back exactly the value.
VALUES = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\0"), max_size=40
)


POSIX_SHELLS = [name for name in ("sh", "bash", "dash", "zsh") if shutil.which(name)]


@settings(max_examples=40, deadline=None)
@given(VALUES)
def test_sh_quoting_survives_any_value(value: str) -> None:
    for shell in POSIX_SHELLS:
        done = subprocess.run(
            [shell, "-c", f'X={sh_quote(value)}; printf "%s" "$X"'],
            capture_output=True,
            check=True,
        )
        assert done.stdout.decode() == value, shell


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed")
@settings(max_examples=25, deadline=None)
@given(VALUES)
def test_fish_quoting_survives_any_value(value: str) -> None:
    done = subprocess.run(
        ["fish", "-c", f'set X {fish_quote(value)}; printf "%s" "$X"'],
        capture_output=True,
        check=True,
    )
    assert done.stdout.decode() == value


def test_powershell_quoting_doubles_every_quote_character() -> None:
    assert powershell_quote("it's \u2019x\u2019") == "'it''s \u2019\u2019x\u2019\u2019'"
