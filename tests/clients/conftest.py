"""The real clients against the fake gateway (SPEC §11): where to find them, a fresh home for
each test, onboarding with ``--setup TOOL``, running a client's plain command as a process, and
what the gateway must have received.

The clients are found in ``$KILOCLI_CLIENTS_BIN`` (what ``.ci/install-clients`` prints), else in
the cache that script fills (``~/.cache/kilocli-ci/bin``), else on ``PATH``. A client that is not
there skips its tests, saying so; in CI (``CI=true``) it fails them instead.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import run_kilocli
from tests.fakes import ORG_HEADER, VALID_KEY, FakeGateway, Seen

ORG = "9f4c1d2e-0000-4000-8000-000000000001"
MODEL = "kilo-auto/balanced"  # the registry's default model, as the gateway knows it
REPLY = "kilo-pong"  # what the fake gateway answers: seeing it proves the answer came back
PROMPT = "say hi"
# A guard against a client that hangs, not a measure: a client run takes a few seconds.
CLIENT_TIMEOUT = 180.0

# Read once, before any test's isolation moves HOME and trims PATH.
_CLIENT_DIRS = [
    *filter(None, [os.environ.get("KILOCLI_CLIENTS_BIN")]),
    str(Path(os.environ.get("KILOCLI_CI_CACHE") or Path.home() / ".cache" / "kilocli-ci") / "bin"),
    os.path.dirname(sys.executable),  # llm, from the test extras
    *os.environ.get("PATH", "").split(os.pathsep),
]
_OUTER_PATH = os.environ.get("PATH", "")
# The environment a client must not inherit from the outer shell: its own settings and keys.
_CLIENT_PREFIXES = (
    "ANTHROPIC_",
    "CLAUDE_",
    "CODEX_",
    "OPENCODE",
    "CONTINUE_",
    "AIDER_",
    "LLM_",
    "LITELLM_",
    "OPENAI_",
    "KILO",
    "OPENROUTER_",
)
# Each client's update checks, telemetry and downloads turned off by its own variables, so that
# a run talks to 127.0.0.1 only (measured with strace; what no variable turns off is in the
# comments of each test).
QUIET = {
    # Claude Code
    "DISABLE_AUTOUPDATER": "1",
    "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
    "DISABLE_TELEMETRY": "1",
    "DISABLE_ERROR_REPORTING": "1",
    "CLAUDE_CODE_MAX_RETRIES": "0",  # a refused request fails the run at once
    # opencode (and the npm install of its plugin package it starts in a new config dir)
    "OPENCODE_DISABLE_AUTOUPDATE": "1",
    "OPENCODE_DISABLE_MODELS_FETCH": "1",
    "OPENCODE_DISABLE_LSP_DOWNLOAD": "1",
    "OPENCODE_DISABLE_DEFAULT_PLUGINS": "1",
    "OPENCODE_DISABLE_SHARE": "1",
    "npm_config_offline": "true",
    "NO_UPDATE_NOTIFIER": "1",
    # the Continue CLI
    "CONTINUE_CLI_ENABLE_TELEMETRY": "0",
    "CONTINUE_METRICS_ENABLED": "0",
    "CONTINUE_CLI_AUTO_UPDATED": "1",
    # aider and its litellm
    "AIDER_CHECK_UPDATE": "false",
    "AIDER_ANALYTICS": "false",
    "AIDER_SHOW_RELEASE_NOTES": "false",
    "LITELLM_LOCAL_MODEL_COST_MAP": "True",
    # llm: no plugins but its own
    "LLM_LOAD_PLUGINS": "",
    # Whatever still reaches for the internet over HTTP(S) through a proxy-aware library finds a
    # closed port at once; the gateway on 127.0.0.1 is reached directly.
    "HTTPS_PROXY": "http://127.0.0.1:9",
    "HTTP_PROXY": "http://127.0.0.1:9",
    "https_proxy": "http://127.0.0.1:9",
    "http_proxy": "http://127.0.0.1:9",
    "NO_PROXY": "127.0.0.1,localhost",
    "no_proxy": "127.0.0.1,localhost",
    "NO_COLOR": "1",
    "TERM": "dumb",
}


def find_client(command: str) -> str | None:
    """The client program ``command`` (absolute path), or None when it is not installed."""
    for directory in _CLIENT_DIRS:
        candidate = os.path.join(directory, command)
        if directory and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def require_client(command: str, package: str) -> str:
    """The path of ``command``; skips the test (fails it in CI) when it is not installed."""
    found = find_client(command)
    if found is not None:
        return found
    why = (
        f"{command} ({package}) is not installed: bash .ci/install-clients installs it "
        "(or set KILOCLI_CLIENTS_BIN to the directory that holds it)"
    )
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"in CI every client must be installed; {why}")
    pytest.skip(why)


def kilocli_entry_point() -> list[str]:
    """The installed ``kilocli`` script beside this Python (as a user runs it), else ``python -m
    kilocli``."""
    script = Path(sys.executable).with_name("kilocli")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-m", "kilocli"]


@dataclass(frozen=True)
class Finished:
    """A client run that ended by itself."""

    code: int
    stdout: str
    stderr: str

    def __str__(self) -> str:
        return f"exit {self.code}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"


class Clients:
    """One test's world: a fresh home, the fake gateway, and the clients run as processes.

    Attributes:
        gateway: The fake gateway (reset; its reply is :data:`REPLY`).
        organization: The organisation onboarding chooses, or None (personal).
        work: The directory the clients run in (no git repository).
    """

    def __init__(self, gateway: FakeGateway, organization: str | None, tmp_path: Path) -> None:
        self.gateway = gateway
        self.organization = organization
        self.work = tmp_path / "work"
        self.work.mkdir()
        self._logs = tmp_path / "logs"
        self._logs.mkdir()
        self._runs = 0
        gateway.chat_reply = REPLY
        if organization is not None:
            gateway.organizations = [{"id": organization, "name": "Acme", "role": "member"}]

    def env(self, client: str | None = None) -> dict[str, str]:
        """The test's environment (fresh HOME and KILOCLI_HOME) for a client: none of the outer
        shell's client settings or keys, each client's network extras off, and ``PATH`` with the
        client's directory, kilocli's, then the outer ``PATH``."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(_CLIENT_PREFIXES)}
        env["KILOCLI_HOME"] = os.environ["KILOCLI_HOME"]
        env.update(QUIET)
        dirs = [os.path.dirname(client)] if client else []
        dirs += [os.path.dirname(sys.executable), _OUTER_PATH]
        env["PATH"] = os.pathsep.join(dirs)
        return env

    def onboard(self, *tools: str) -> None:
        """``kilocli onboard --non-interactive … --setup TOOL`` (in-process, with the clients'
        ``PATH``: the credential helper it writes names the installed ``kilocli`` found there,
        as for a user who runs it from ``PATH``), then forget the requests onboarding made:
        what follows is the client's."""
        args = [
            "onboard",
            "--non-interactive",
            "--kilocode-api-key",
            VALID_KEY,
            "--no-verify",
            "--base-url",
            self.gateway.base_url,
        ]
        if self.organization is not None:
            args += ["--organization", self.organization]
        for tool in tools:
            args += ["--setup", tool]
        done = run_kilocli(*args, env=self.env())
        assert done.code == 0, done.output
        self.gateway.requests.clear()

    def run(self, argv: Sequence[str], *, env: dict[str, str] | None = None) -> Finished:
        """Run ``argv`` in :attr:`work` with no stdin, in a session of its own, until it exits
        (or :data:`CLIENT_TIMEOUT`, which fails the test); whatever it left running in its
        session is ended. Output goes to files, so that a helper the client leaves behind
        cannot hold a pipe open."""
        self._runs += 1
        out_path = self._logs / f"{self._runs}.out"
        err_path = self._logs / f"{self._runs}.err"
        with out_path.open("wb") as out, err_path.open("wb") as err:
            process = subprocess.Popen(
                list(argv),
                cwd=self.work,
                env=env if env is not None else self.env(),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                start_new_session=True,
            )
            try:
                code = process.wait(timeout=CLIENT_TIMEOUT)
            except subprocess.TimeoutExpired:
                code = None
            finally:
                with suppress(ProcessLookupError, PermissionError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        finished = Finished(
            process.returncode,
            out_path.read_text(errors="replace"),
            err_path.read_text(errors="replace"),
        )
        assert code is not None, f"{argv[0]} still running after {CLIENT_TIMEOUT} s\n{finished}"
        return finished

    def run_client(self, client: str, *args: str) -> Finished:
        """The client's plain command, which must succeed and print the gateway's reply."""
        done = self.run([client, *args], env=self.env(client))
        assert done.code == 0, done
        return done

    def run_in_shell(self, client: str, command: str) -> Finished:
        """``command`` in bash after ``eval "$(kilocli shell-init bash)"``, as in a user's rc
        file, with ``client``'s directory on PATH."""
        script = f'eval "$(kilocli shell-init bash)" && {command}'
        done = self.run(["bash", "--norc", "--noprofile", "-c", script], env=self.env(client))
        assert done.code == 0, done
        return done

    def run_under_exec(self, *argv: str) -> Finished:
        """``kilocli exec -- ARGV``, which must succeed."""
        done = self.run([*kilocli_entry_point(), "exec", "--", *argv])
        assert done.code == 0, done
        return done

    def received(self, path: str) -> list[Seen]:
        """The requests the gateway received at ``path`` (under its origin, no query)."""
        return [seen for seen in self.gateway.requests if seen.path == path]

    def assert_reached(self, path: str, done: Finished) -> list[Seen]:
        """The client's answer is the gateway's, and every request it sent carried the key and
        the organisation (or none), and every model request the gateway's default model.
        Returns the requests at ``path`` (one at least)."""
        assert REPLY in done.stdout, done
        seen = self.received(path)
        assert seen, f"nothing reached {path}: {self.gateway.paths_requested()}\n{done}"
        for request in self.gateway.requests:
            assert request.header("Authorization") == f"Bearer {VALID_KEY}", request.path
            assert request.header(ORG_HEADER) == self.organization, request.path
        for request in seen:
            assert request.json()["model"] == MODEL
        return seen


@pytest.fixture(params=[None, ORG], ids=["personal", "organisation"])
def organization(request: pytest.FixtureRequest) -> str | None:
    """Each client test runs for a personal account and with an organisation."""
    value: str | None = request.param
    return value


@pytest.fixture
def clients(gateway: FakeGateway, organization: str | None, tmp_path: Path) -> Clients:
    return Clients(gateway, organization, tmp_path)


def which(command: str) -> str | None:
    """``command`` on the outer ``PATH``."""
    return shutil.which(command, path=_OUTER_PATH)
