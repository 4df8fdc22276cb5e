"""``kilocli exec``: which variables the program gets — the Anthropic set, no stale variable of
the sets, and no gateway key handed to a program as another service's credential.

Stand-ins named like the real programs (``codex``, ``openclaw``) print the environment they
were given; exec becomes them, so every test runs kilocli in a process of its own.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from kilocli.tools.variables import (
    Variable,
    child_environment,
    ignored_base_urls,
    program_name,
)
from tests.conftest import Run, run_kilocli
from tests.fakes import VALID_KEY, FakeGateway
from tests.tools.setup_helpers import ORG, store_key, store_org_profile
from tests.tools.test_exec import BASE, SHOW_ENV

USERS_OWN = {
    "OPENAI_API_KEY": "sk-users-own-openai",
    "OPENAI_BASE_URL": "https://api.openai.com/v1",
    "ANTHROPIC_API_KEY": "sk-ant-users-own",
    "ANTHROPIC_BASE_URL": "https://api.anthropic.com",
}


def shown(*args: str, env: dict[str, str] | None = None) -> tuple[dict[str, str], Run]:
    """``kilocli exec ARGS -- python -c SHOW_ENV``: the set variables the program saw."""
    run = run_kilocli("exec", *args, "--", sys.executable, "-c", SHOW_ENV, env=env, process=True)
    assert run.code == 0, run.stderr
    return json.loads(run.stdout), run


def stand_in(directory: Path, name: str) -> Path:
    """An executable called ``name`` that prints the variables of the sets it was given."""
    directory.mkdir(exist_ok=True)
    script = directory / name
    script.write_text(f"#!{sys.executable}\n{SHOW_ENV}\n")
    script.chmod(0o755)
    return script


def run_stand_in(
    tmp_path: Path, name: str, *args: str, env: dict[str, str] | None = None
) -> tuple[dict[str, str], Run]:
    bin_dir = tmp_path / "bin"
    stand_in(bin_dir, name)
    path = f"{bin_dir}{os.pathsep}{os.environ['PATH']}"
    run = run_kilocli("exec", *args, "--", name, env={"PATH": path, **(env or {})}, process=True)
    assert run.code == 0, run.stderr
    return json.loads(run.stdout), run


def test_the_anthropic_set_carries_the_key_the_base_url_and_the_organisation() -> None:
    store_org_profile(ORG)
    seen, _ = shown(env=USERS_OWN)
    assert seen["ANTHROPIC_BASE_URL"] == BASE  # Claude Code appends /v1/messages
    assert seen["ANTHROPIC_AUTH_TOKEN"] == VALID_KEY
    assert seen["ANTHROPIC_CUSTOM_HEADERS"] == f"X-KILOCODE-ORGANIZATIONID: {ORG}"
    # Anthropic's SDKs would send the user's own key to the gateway beside the token.
    assert "ANTHROPIC_API_KEY" not in seen


def test_no_anthropic_leaves_the_users_anthropic_variables_alone() -> None:
    store_org_profile(ORG)
    seen, _ = shown("--no-anthropic", env=USERS_OWN)
    assert seen["ANTHROPIC_API_KEY"] == "sk-ant-users-own"
    assert seen["ANTHROPIC_BASE_URL"] == "https://api.anthropic.com"
    assert "ANTHROPIC_AUTH_TOKEN" not in seen
    assert "ANTHROPIC_CUSTOM_HEADERS" not in seen
    assert seen["OPENAI_API_KEY"] == VALID_KEY


def test_a_leftover_organisation_never_reaches_the_program() -> None:
    """A personal key, and a header of an earlier organisation still in the shell. (An
    inherited ``KILO_ORG_ID`` is not left over: it is the organisation in effect, SPEC §13,
    and the program gets it as requests carry it; see the next test.)"""
    store_org_profile(None)
    stale = {"ANTHROPIC_CUSTOM_HEADERS": "X-KILOCODE-ORGANIZATIONID: org-left-over"}
    seen, _ = shown(env=stale)
    assert "org-left-over" not in json.dumps(seen)
    assert set(seen) == {
        "KILOCODE_API_KEY",
        "KILO_API_KEY",
        "KILOCODE_BASE_URL",
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
        "OPENAI_API_BASE",
        "ANTHROPIC_BASE_URL",
        "ANTHROPIC_AUTH_TOKEN",
    }


def test_kilo_org_id_in_the_shell_is_the_organisation_the_program_gets() -> None:
    """SPEC §13: ``KILO_ORG_ID`` overrides the stored choice (as Kilo's own client lets it), so
    the program is handed that organisation — what kilocli's own requests carry — and a stale
    header of another one is replaced."""
    store_org_profile(None)
    env = {
        "KILO_ORG_ID": "org-from-the-shell",
        "ANTHROPIC_CUSTOM_HEADERS": "X-KILOCODE-ORGANIZATIONID: org-left-over",
    }
    seen, _ = shown(env=env)
    assert seen["KILO_ORG_ID"] == "org-from-the-shell"
    assert seen["ANTHROPIC_CUSTOM_HEADERS"] == "X-KILOCODE-ORGANIZATIONID: org-from-the-shell"
    assert "org-left-over" not in json.dumps(seen)


def test_only_the_sets_being_set_are_cleared() -> None:
    """With --no-openai and --no-anthropic the user's own variables of those sets stay, even
    the ones the gateway would not define."""
    store_org_profile(None)
    env = USERS_OWN | {"OPENAI_API_BASE": "https://api.openai.com/v1"}
    seen, _ = shown("--no-openai", "--no-anthropic", env=env)
    assert {k: seen[k] for k in USERS_OWN} == USERS_OWN
    assert seen["OPENAI_API_BASE"] == "https://api.openai.com/v1"
    assert "KILO_ORG_ID" not in seen  # a personal profile, and no KILO_ORG_ID to override it


@pytest.mark.parametrize("name", ["codex", "CODEX"])
def test_codex_gets_no_openai_set_and_stderr_says_why(tmp_path: Path, name: str) -> None:
    """Codex's built-in provider would send OPENAI_API_KEY to api.openai.com."""
    store_org_profile(ORG)
    seen, run = run_stand_in(tmp_path, name, env=USERS_OWN)
    assert seen["OPENAI_API_KEY"] == "sk-users-own-openai"  # the user's, untouched
    assert seen["OPENAI_BASE_URL"] == "https://api.openai.com/v1"
    assert "OPENAI_API_BASE" not in seen
    assert seen["KILOCODE_API_KEY"] == VALID_KEY
    assert seen["ANTHROPIC_AUTH_TOKEN"] == VALID_KEY
    assert run.stderr.count("Left out the OpenAI variables for codex") == 1
    assert "OPENAI_BASE_URL" in run.stderr
    assert "Anthropic" not in run.stderr
    assert VALID_KEY not in run.stderr


def test_openclaw_gets_neither_compatible_set(tmp_path: Path) -> None:
    store_org_profile(ORG)
    seen, run = run_stand_in(tmp_path, "openclaw")
    assert set(seen) == {"KILOCODE_API_KEY", "KILO_API_KEY", "KILOCODE_BASE_URL", "KILO_ORG_ID"}
    lines = run.stderr.splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "Left out the OpenAI variables for openclaw",
        "Left out the Anthropic variables for openclaw",
    ]


def test_nothing_is_said_when_the_set_was_not_asked_for(tmp_path: Path) -> None:
    store_key()
    seen, run = run_stand_in(tmp_path, "codex", "--no-openai")
    assert "OPENAI_API_KEY" not in seen
    assert run.stderr == ""


def test_a_program_of_another_name_gets_both_sets(tmp_path: Path) -> None:
    store_key()
    seen, run = run_stand_in(tmp_path, "codex-wrapper")
    assert seen["OPENAI_API_KEY"] == VALID_KEY
    assert seen["ANTHROPIC_AUTH_TOKEN"] == VALID_KEY
    assert run.stderr == ""


@pytest.mark.parametrize(
    ("argv0", "windows", "name"),
    [
        ("/usr/local/bin/codex", False, "codex"),
        ("Codex", False, "codex"),
        ("codex.exe", False, "codex.exe"),  # a file of that name on POSIX is another program
        ("C:\\Tools\\Codex.EXE", True, "codex"),
        ("C:\\npm\\codex.cmd", True, "codex"),
        ("openclaw.ps1", True, "openclaw"),
        ("codex.js", True, "codex.js"),
    ],
)
def test_programs_are_known_by_their_basename(argv0: str, windows: bool, name: str) -> None:
    assert program_name(argv0, windows=windows) == name


def test_the_table_gives_a_reason_for_each_entry() -> None:
    entries = ignored_base_urls("codex") + ignored_base_urls("openclaw")
    assert {(e.program, e.compatible_set) for e in entries} == {
        ("codex", "OpenAI"),
        ("openclaw", "OpenAI"),
        ("openclaw", "Anthropic"),
    }
    assert all(e.reason and "\n" not in e.reason for e in entries)


def test_windows_clears_a_stale_variable_in_any_case() -> None:
    env = child_environment(
        {"kilo_org_id": "stale", "Path": "x"},
        [Variable("KILOCODE_API_KEY", "k")],
        frozenset({"KILO_ORG_ID", "KILOCODE_API_KEY"}),
        windows=True,
    )
    assert env == {"Path": "x", "KILOCODE_API_KEY": "k"}


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
@pytest.mark.parametrize("slash", ["", "/"])
def test_curl_as_the_docs_show_it_reaches_the_gateway(gateway: FakeGateway, slash: str) -> None:
    """``"$KILOCODE_BASE_URL/chat/completions"`` with no --openai: one slash, whatever the
    base URL in effect ended with."""
    store_org_profile(ORG)
    gateway.organizations = [{"id": ORG, "name": "Acme", "role": "member"}]
    script = (
        'curl -sS --fail "$KILOCODE_BASE_URL/chat/completions" '
        '-H "Authorization: Bearer $KILOCODE_API_KEY" '
        '-H "X-KILOCODE-ORGANIZATIONID: $KILO_ORG_ID" -H "Content-Type: application/json" '
        """-d '{"model": "kilo-auto/balanced", "messages": [{"role": "user", "content": "hi"}]}'"""
    )
    env = {"KILOCODE_BASE_URL": gateway.base_url.rstrip("/") + slash}
    run = run_kilocli("exec", "--no-openai", "--", "sh", "-c", script, env=env, process=True)
    assert run.code == 0, run.stderr
    chats = [seen for seen in gateway.requests if seen.method == "POST"]
    assert [seen.path for seen in chats] == ["/api/gateway/chat/completions"]
    assert chats[0].header("Authorization") == f"Bearer {VALID_KEY}"
    assert chats[0].header("X-KILOCODE-ORGANIZATIONID") == ORG
