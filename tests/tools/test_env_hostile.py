"""``kilocli env`` with hostile values — an organisation id from a gateway, a base URL from a
hand-edited config or the environment — read back by every consumer of each format: real
shells (sh, bash, dash, zsh, fish), python-dotenv, and readers of docker's ``--env-file``, the
Actions runner's ``$GITHUB_ENV`` and PowerShell written from their documented rules. Each reads
back exactly the value, nothing runs, and a value a format cannot carry is refused."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from dotenv import dotenv_values
from hypothesis import given, settings
from hypothesis import strategies as st

from kilocli.errors import ExitCode
from kilocli.providers.registry import get_provider
from kilocli.tools.shells import (
    DOTENV_SAFE,
    dotenv_value,
    github_masks,
    powershell_quote,
    render_variables,
)
from kilocli.tools.variables import Credentials, UnusableValue, Variable, variables_for
from tests.conftest import run_kilocli
from tests.fakes import VALID_KEY
from tests.tools.env_readers import (
    docker_env_file,
    github_env_file,
    in_shell,
    powershell_assignments,
    runner_masks,
)
from tests.tools.setup_helpers import kilocli_home

# Organisation ids a gateway could send that pass SPEC §13's check (printable ASCII, no space,
# no "/", at most 128 characters) and still mean something to a shell or a parser.
HOSTILE_IDS = [
    "org$(touch${IFS}PWNED)",
    "org`touch${IFS}PWNED`",
    "org';touch${IFS}PWNED;'",
    'org"$(touch${IFS}PWNED)"',
    "org\\';touch${IFS}PWNED;echo${IFS}'",
    "${HOME}%0A%25::add-mask::x<<EOF",
    "=ls",
    "~root",
    "#not-a-comment",
    "-e",
    "trailing\\",
]
HOSTILE_BASE = "https://gw.test/a$(touch${IFS}PWNED)'\"`;x;~/"
FISH = pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed")
KILO_NAMES = ["KILOCODE_API_KEY", "KILO_API_KEY", "KILOCODE_BASE_URL", "KILO_ORG_ID"]


def store_profile(organization: str) -> None:
    """A profile holding ``VALID_KEY`` with ``organization`` as a gateway sent it, written as
    a TOML basic string (JSON's escapes are TOML's)."""
    home = kilocli_home()
    home.mkdir(mode=0o700, exist_ok=True)
    store = home / "auth-profiles.toml"
    store.write_text(
        'version = 1\n[profiles."kilocode:default"]\ntype = "api_key"\n'
        f'provider = "kilocode"\nkey = "{VALID_KEY}"\n'
        f"organizationId = {json.dumps(organization)}\n"
    )
    store.chmod(0o600)
    config = '[agents.defaults.model]\nprimary = "kilocode/kilo-auto/balanced"\n'
    (home / "config.toml").write_text(config)


def expected(
    organization: str | None, base: str = "https://api.kilo.ai/api/gateway"
) -> dict[str, str]:
    values = {"KILOCODE_API_KEY": VALID_KEY, "KILO_API_KEY": VALID_KEY, "KILOCODE_BASE_URL": base}
    return values | ({"KILO_ORG_ID": organization} if organization else {})


def env_output(*args: str, env: dict[str, str] | None = None) -> str:
    run = run_kilocli("env", *args, env=env)
    assert run.code == 0, run.stderr
    return run.stdout


@pytest.mark.parametrize("organization", HOSTILE_IDS)
def test_sh_output_reads_back_exactly_in_every_shell_and_runs_nothing(
    organization: str, tmp_path: Path
) -> None:
    store_profile(organization)
    script = env_output()
    for shell in ("sh", "bash", "dash", "zsh"):
        if shutil.which(shell):
            assert in_shell([shell, "-c"], script, KILO_NAMES, tmp_path) == expected(organization)
            # eval "$(kilocli env)" as the docs say, too.
            evaluated = f"eval \"$(cat <<'KILOCLI_TEST'\n{script}KILOCLI_TEST\n)\""
            assert in_shell([shell, "-c"], evaluated, KILO_NAMES, tmp_path) == expected(
                organization
            )
    assert not (tmp_path / "PWNED").exists()


@FISH
@pytest.mark.parametrize("organization", HOSTILE_IDS)
def test_fish_output_reads_back_exactly_and_runs_nothing(organization: str, tmp_path: Path) -> None:
    store_profile(organization)
    script = env_output("--format", "fish")
    assert in_shell(["fish", "-c"], script, KILO_NAMES, tmp_path) == expected(organization)
    assert not (tmp_path / "PWNED").exists()


@pytest.mark.parametrize("organization", HOSTILE_IDS)
def test_json_github_and_powershell_read_back_exactly(organization: str) -> None:
    store_profile(organization)
    want = expected(organization)
    json_text = env_output("--format", "json")
    assert json_text.isascii()
    assert json.loads(json_text) == want
    assert github_env_file(env_output("--format", "github")) == want
    assert powershell_assignments(env_output("--format", "powershell")) == want


def test_a_hostile_base_url_reads_back_exactly_everywhere(tmp_path: Path) -> None:
    """From the environment here; the same text in config.toml takes the same path."""
    store_profile("org-1")
    env = {"KILOCODE_BASE_URL": HOSTILE_BASE}
    want = expected("org-1", HOSTILE_BASE.rstrip("/"))
    for shell in ("sh", "bash", "dash", "zsh"):
        if shutil.which(shell):
            assert in_shell([shell, "-c"], env_output(env=env), KILO_NAMES, tmp_path) == want
    if shutil.which("fish"):
        fish = env_output("--format", "fish", env=env)
        assert in_shell(["fish", "-c"], fish, KILO_NAMES, tmp_path) == want
    assert json.loads(env_output("--format", "json", env=env)) == want
    assert github_env_file(env_output("--format", "github", env=env)) == want
    assert powershell_assignments(env_output("--format", "powershell", env=env)) == want
    assert not (tmp_path / "PWNED").exists()


def test_a_hostile_base_url_in_config_is_refused_in_a_dotenv_file(tmp_path: Path) -> None:
    store_profile("org-1")
    config = kilocli_home() / "config.toml"
    config.write_text(
        config.read_text() + f"[models.providers.kilocode]\nbaseUrl = {json.dumps(HOSTILE_BASE)}\n"
    )
    run = run_kilocli("env", "--format", "dotenv")
    assert run.code == ExitCode.ERROR
    assert run.stdout == ""
    assert "KILOCODE_BASE_URL cannot be written to a .env file" in run.stderr
    assert "--format json" in run.stderr


# dotenv: one file read by a shell that sources it, python-dotenv and docker alike.


def read_dotenv_everywhere(text: str, tmp_path: Path, names: list[str]) -> list[dict[str, str]]:
    """What each consumer of a .env file makes of ``text``."""
    path = tmp_path / ".env"
    path.write_text(text)
    readings = [
        {k: v or "" for k, v in dotenv_values(path).items()},
        docker_env_file(text),
        docker_env_file(text, strip_quotes=True),
    ]
    for shell in ("sh", "bash", "dash", "zsh"):
        if shutil.which(shell):
            readings.append(in_shell([shell, "-c"], "set -a; . ./.env; set +a", names, tmp_path))
    return readings


def test_dotenv_is_read_the_same_by_a_shell_python_dotenv_and_docker(tmp_path: Path) -> None:
    store_profile("9f4c1d2e-0000-4000-8000-000000000001")
    text = env_output("--format", "dotenv", "--openai")
    want = json.loads(env_output("--format", "json", "--openai"))
    for reading in read_dotenv_everywhere(text, tmp_path, list(want)):
        assert reading == want


@pytest.mark.parametrize(
    "organization", [i for i in HOSTILE_IDS if set(i) - DOTENV_SAFE or i.startswith("=")]
)
def test_dotenv_refuses_a_value_its_readers_would_not_agree_on(organization: str) -> None:
    """Before, ``$(…)`` in a double-quoted value ran when a shell sourced the file, and docker
    kept the quotes: now such a value is refused, and nothing is written."""
    store_profile(organization)
    run = run_kilocli("env", "--format", "dotenv")
    assert run.code == ExitCode.ERROR
    assert run.stdout == ""
    assert "KILO_ORG_ID cannot be written to a .env file" in run.stderr
    assert "kilocli env --format json" in run.stderr


def test_dotenv_refuses_the_organisation_header_for_its_space() -> None:
    """``ANTHROPIC_CUSTOM_HEADERS`` is "NAME: id": a shell needs the space quoted, docker keeps
    quotes. The error names the variable; without an organisation there is no such value."""
    store_profile("org-1")
    run = run_kilocli("env", "--format", "dotenv", "--anthropic")
    assert run.code == ExitCode.ERROR
    assert "ANTHROPIC_CUSTOM_HEADERS cannot be written to a .env file: it holds a space" in (
        run.stderr.replace("\n", " ")
    )
    assert run.stdout == ""


DOTENV_ALPHABET = st.sampled_from(
    sorted(DOTENV_SAFE) + list(" \t\n\r'\"`$\\#~=!*?[]{}();&|<>^é\u00a0\u2028")
)


@settings(max_examples=60, deadline=None)
@given(st.text(DOTENV_ALPHABET, max_size=12))
def test_a_dotenv_value_is_refused_or_read_back_exactly(
    tmp_path_factory: pytest.TempPathFactory, value: str
) -> None:
    variable = Variable("X", value)
    if set(value) - DOTENV_SAFE or value.startswith("="):
        with pytest.raises(UnusableValue, match=r"X cannot be written to a \.env file"):
            dotenv_value(variable)
        return
    text = f"X={dotenv_value(variable)}\n"
    directory = tmp_path_factory.mktemp("dotenv")
    for reading in read_dotenv_everywhere(text, directory, ["X"]):
        assert reading == {"X": value}
    assert os.listdir(directory) == [".env"]  # nothing ran that made a file


# github: $GITHUB_ENV lines and heredocs, ::add-mask:: for the runner.


def test_a_value_with_line_breaks_gets_a_heredoc_with_a_random_delimiter() -> None:
    value = "line one\nKILOCLI_EOF\nline\u2028three\n\nend"
    first = render_variables([Variable("X", value), Variable("Y", "plain")], "github")
    second = render_variables([Variable("X", value)], "github")
    assert github_env_file(first) == {"X": value, "Y": "plain"}
    delimiter = first.splitlines()[0].partition("<<")[2]
    assert delimiter.startswith("KILOCLI_EOF_")
    assert len(delimiter) == len("KILOCLI_EOF_") + 32
    assert delimiter != second.splitlines()[0].partition("<<")[2]  # random, never the value's


def test_a_value_that_would_end_a_line_with_cr_is_refused_for_github() -> None:
    """A Windows runner reads CR LF as a line end and would drop the CR."""
    with pytest.raises(UnusableValue, match="carriage return"):
        render_variables([Variable("KILO_ORG_ID", "a\r\nb")], "github")


def test_masks_are_escaped_as_the_runner_unescapes_them() -> None:
    secret = "ab%0A%25c\r\nde\nf%"
    masks = github_masks([Variable("K", secret, secret=True), Variable("B", "not secret")])
    assert all(line.startswith("::add-mask::") for line in masks.splitlines())
    assert len(masks.splitlines()) == 4  # the whole value, then each of its lines
    assert runner_masks(masks) == [secret, "ab%0A%25c", "de", "f%"]


def test_github_masks_the_key_on_stderr_and_writes_the_organisation_raw() -> None:
    store_profile("${HOME}%0A::add-mask::x")
    run = run_kilocli("env", "--format", "github", "--anthropic")
    assert run.code == 0, run.stderr
    assert runner_masks(run.stderr) == [VALID_KEY]
    assert github_env_file(run.stdout)["ANTHROPIC_CUSTOM_HEADERS"] == (
        "X-KILOCODE-ORGANIZATIONID: ${HOME}%0A::add-mask::x"
    )


# PowerShell reads piped output a line at a time: no value may span lines.


@settings(max_examples=100, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\0"), max_size=30))
def test_powershell_keeps_any_value_on_one_line_and_reads_it_back(value: str) -> None:
    text = render_variables([Variable("X", value), Variable("Y", "y")], "powershell")
    assert len(text.splitlines()) == 2
    assert text.count("\n") == 2
    assert "\r" not in text
    assert powershell_assignments(text) == {"X": value, "Y": "y"}


def test_powershell_joins_a_line_break_in_as_a_char() -> None:
    assert powershell_quote("a\nb'c") == "('a' + [char]10 + 'b''c')"


def test_text_that_is_not_text_is_refused_in_every_format() -> None:
    """A lone surrogate stands for an undecodable byte in an environment variable."""
    for fmt in ("sh", "fish", "powershell", "dotenv", "json", "github"):
        with pytest.raises(UnusableValue, match="KILO_ORG_ID holds bytes that are not text"):
            render_variables([Variable("KILO_ORG_ID", "org\udcff")], fmt)  # type: ignore[arg-type]


def test_a_terminal_shows_the_refusal_too() -> None:
    """The user learns it before redirecting the output into a file."""
    from tests.tools.test_env import on_terminal

    store_profile("org$(id)")
    run = on_terminal("env", "--format", "dotenv")
    assert run.code == ExitCode.ERROR
    assert run.stdout == ""
    assert "KILO_ORG_ID cannot be written" in run.stderr


def credentials(organization: str | None) -> Credentials:
    return Credentials(
        provider=get_provider("kilocode"),
        key=VALID_KEY,
        key_source="test",
        base_url="https://gw.test/api/gateway/",
        organization_id=organization,
    )


def test_a_nul_is_refused_in_every_format_and_by_exec() -> None:
    """No environment can hold it: os.execve would raise, a shell would cut the value."""
    with pytest.raises(UnusableValue, match="KILO_ORG_ID would hold a NUL"):
        variables_for(credentials("org\0x"), openai=False)


def test_an_organisation_id_with_a_line_break_never_becomes_a_header() -> None:
    """Claude Code reads ANTHROPIC_CUSTOM_HEADERS a line per header: the rest of the id would
    be a header of its own."""
    with pytest.raises(UnusableValue, match="ANTHROPIC_CUSTOM_HEADERS"):
        variables_for(credentials("org\nAuthorization: Bearer x"), openai=False, anthropic=True)
    names = [v.name for v in variables_for(credentials("org-1"), openai=True, anthropic=True)]
    assert names[-3:] == ["ANTHROPIC_BASE_URL", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_CUSTOM_HEADERS"]


def test_openrouter_has_no_anthropic_set() -> None:
    run = run_kilocli(
        "env",
        "--provider",
        "openrouter",
        "--anthropic",
        env={"OPENROUTER_API_KEY": "sk-or-v1-x" * 3},
    )
    assert run.code == ExitCode.USAGE
    assert "OpenRouter has no Anthropic-compatible API" in run.stderr.replace("\n", " ")


def test_the_refusal_of_a_key_shows_none_of_it() -> None:
    with pytest.raises(UnusableValue) as refused:
        dotenv_value(Variable("KILOCODE_API_KEY", "eyJ$secret'part", secret=True))
    assert "$" not in refused.value.message
    assert "KILOCODE_API_KEY cannot be written" in refused.value.message
