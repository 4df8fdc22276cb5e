"""Shared fixtures: every test runs in an isolated home, with no real keys in sight."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.fakes import FakeGateway

if TYPE_CHECKING:
    from kilocli.cli.context import Overrides

ISOLATED_PREFIXES = (
    "KILOCODE_",
    "KILO_",
    "OPENROUTER_",
    "KILOCLI_",
    "XDG_",
    "OPENAI_",
    "ANTHROPIC_",
)
# Where the tools kilocli setup writes for keep their files (HOME itself is moved too).
TOOL_HOMES = (
    "LLM_USER_PATH",
    "CODEX_HOME",
    "CLAUDE_CONFIG_DIR",
    "CONTINUE_GLOBAL_DIR",
    "GITHUB_ENV",
)


@pytest.fixture(autouse=True, scope="session")
def command_tree_built_once() -> Iterator[None]:
    """Typer's ``CliRunner.invoke(app, …)`` builds the whole command tree again on every call;
    the tests that use it get the tree the CLI builds once a process (``command_tree``), the
    same commands, without rebuilding every command's parameters from its signature."""
    import typer.testing

    from kilocli.cli.app import app, command_tree

    build = getattr(typer.testing, "_get_command", None)
    if build is None:  # a Typer that builds it some other way: nothing to spare
        yield
        return
    typer.testing._get_command = lambda given: command_tree() if given is app else build(given)
    yield
    typer.testing._get_command = build


@pytest.fixture(scope="session")
def one_ca_certificate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A file of one CA certificate, the first of certifi's bundle, for ``SSL_CERT_FILE``
    (SPEC §6: it is honoured). Every command that talks to the gateway builds a real client,
    and loading the whole bundle for each would be a fifth of the suite's time; only plain
    HTTP to 127.0.0.1 happens in the tests, so trust is never exercised."""
    import re

    import certifi

    bundle = Path(certifi.where()).read_text()
    first = re.search(r"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----\n", bundle, re.S)
    assert first is not None
    cert = tmp_path_factory.mktemp("ca") / "one-ca.pem"
    cert.write_text(first.group(0))
    return cert


@pytest.fixture(autouse=True)
def isolation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, one_ca_certificate: Path) -> Path:
    """A fresh ``KILOCLI_HOME`` and ``HOME``; no keys, base URLs, tool directories or debug
    switches from the outer shell, so no test can touch the user's own files."""
    for name in list(os.environ):
        if name.startswith(ISOLATED_PREFIXES) or name in TOOL_HOMES:
            monkeypatch.delenv(name)
    home = tmp_path / "home"
    monkeypatch.setenv("KILOCLI_HOME", str(home))
    user_home = tmp_path / "user"
    user_home.mkdir()
    monkeypatch.setenv("HOME", str(user_home))
    # The test extras install llm (a tool setup writes for) beside python: kept off PATH, so
    # that onboarding finds no tools unless a test puts one there.
    path = os.environ.get("PATH", "").split(os.pathsep)
    monkeypatch.setenv("PATH", os.pathsep.join(d for d in path if not _holds_a_tool(d)))
    # Never the user's keyring (SPEC §14): no bus to reach it, a backend that refuses, and keys
    # in the file unless a test asks for the keyring (the secret_service fixture gives one).
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.setenv("KILOCLI_STORE", "file")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("TERM", "dumb")
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    for proxy in ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "https_proxy", "http_proxy"):
        monkeypatch.delenv(proxy, raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    monkeypatch.setenv("SSL_CERT_FILE", str(one_ca_certificate))
    return home


TOOL_PROGRAMS = ("llm", "codex", "claude", "opencode", "aider", "cn")


def _holds_a_tool(directory: str) -> bool:
    return any(os.access(os.path.join(directory, name), os.X_OK) for name in TOOL_PROGRAMS)


@pytest.fixture
def home(isolation: Path) -> Path:
    """The isolated ``KILOCLI_HOME`` (not created until kilocli writes to it)."""
    return isolation


@pytest.fixture(scope="session")
def session_secret_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A real, unlocked Secret Service on a private bus, for this worker's tests. Missing
    programs skip the tests that need it, saying which; in CI (``CI`` set) they fail."""
    from tests.secret_service import missing_programs, secret_service

    missing = missing_programs()
    if missing:
        reason = f"no Secret Service here: {', '.join(missing)} not installed (gnome-keyring, dbus)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; .ci/run installs them, and in CI none may be missing")
        pytest.skip(reason)
    with secret_service(tmp_path_factory.mktemp("secret-service")) as env:
        yield env


@pytest.fixture
def secret_service(
    session_secret_service: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[dict[str, str]]:
    """This test reaches the real Secret Service (and keeps keys there by default); every
    kilocli entry is removed afterwards. Yields the variables a process needs to reach it."""
    from tests.secret_service import clear

    for name, value in session_secret_service.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND")
    monkeypatch.delenv("KILOCLI_STORE")
    monkeypatch.delenv("CI", raising=False)  # CI keeps keys in the file by default
    yield {**session_secret_service}
    clear()


@pytest.fixture(scope="session")
def shared_gateway() -> Iterator[FakeGateway]:
    """One fake gateway server for the whole session."""
    with FakeGateway() as fake:
        yield fake


@pytest.fixture
def gateway(shared_gateway: FakeGateway) -> FakeGateway:
    """A fake Kilo Gateway on 127.0.0.1, reset to a fresh one's state for this test."""
    shared_gateway.reset()
    return shared_gateway


@dataclass(frozen=True)
class Run:
    """A finished ``kilocli`` process."""

    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def run_kilocli(
    *args: str,
    env: Mapping[str, str] | None = None,
    stdin: str | None = None,
    timeout: float = 30,
    process: bool = False,
    overrides: Overrides | None = None,
) -> Run:
    """Run kilocli with the test's environment: in-process through ``kilocli.cli.main`` (argv,
    environment and streams injected), or, with ``process=True``, as ``python -m kilocli`` in
    a separate process, for what only a process shows (start-up imports, signals, exit
    status of the interpreter). ``overrides`` (in-process only) brings a test's own clock,
    sleep, browser or prompter."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    if not process:
        return run_in_process(list(args), full_env, stdin, overrides)
    assert overrides is None, "a separate process cannot take overrides"
    done = subprocess.run(
        [sys.executable, "-m", "kilocli", *args],
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        check=False,
    )
    return Run(done.returncode, done.stdout, done.stderr)


def run_in_process(
    args: list[str], env: Mapping[str, str], stdin: str | None, overrides: Overrides | None = None
) -> Run:
    """``kilocli.cli.main`` with string streams: no terminal, as under ``subprocess``."""
    from kilocli.cli import main

    # exec replaces the process it runs in: in-process, that would be pytest itself.
    runs_a_program = args[:1] == ["exec"] and not {"--help", "-h"} & set(args)
    assert not runs_a_program, "run kilocli exec with process=True"

    out, err = io.StringIO(), io.StringIO()
    code = main(
        args, env=env, stdin=io.StringIO(stdin or ""), stdout=out, stderr=err, overrides=overrides
    )
    return Run(code, out.getvalue(), err.getvalue())
