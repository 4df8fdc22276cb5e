"""Many kilocli processes writing one home at once lose nothing (SPEC §2).

Every write is a read-modify-write under a lock on a sibling ``.lock`` file, so processes that
start together must each find their change on disk afterwards, in files that still parse, are
private, and have no temp files beside them.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import stat
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kilocli.config.files import load_config
from kilocli.credentials import store as credential_store
from kilocli.errors import ExitCode
from kilocli.paths import resolve_paths
from kilocli.services.onboard import OnboardRequest, run_onboarding
from kilocli.services.runtime import Runtime
from tests.fakes import VALID_KEY, RecordingFeedback
from tests.helpers import read_toml

LOGINS_PER_ROUND = 20
ONBOARDS_PER_ROUND = 4
# One round costs about 3.5 s on 2 cores, nearly all of it interpreter start-up (24 runs of
# "auth list", which writes nothing, take as long), and one round already catches a store that
# skips its lock every time. Set KILOCLI_TEST_ROUNDS for a longer soak.
ROUNDS = int(os.environ.get("KILOCLI_TEST_ROUNDS", "1"))
OPENROUTER_DEFAULT_BASE_URL = "https://openrouter.ai/api/v1/"


def jwt_like(label: str) -> str:
    """A distinct key of the Kilo shape (``eyJ…``, three dot-separated parts)."""

    def part(text: str) -> str:
        return base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode()

    payload = part(json.dumps({"key": label}))
    return f"eyJhbGciOiJIUzI1NiJ9.{payload}.{part('sig-' + label)}"


def closed_port_url() -> str:
    """A base URL on a local port nothing listens on, so that no run could reach a network."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/api/v1/"


@dataclass(frozen=True)
class Started:
    """One kilocli process of a round."""

    args: tuple[str, ...]
    process: subprocess.Popen[str]


def start_all(commands: list[tuple[str, ...]], env: Mapping[str, str]) -> list[Started]:
    """Start every command before waiting for any, so that their writes overlap."""
    return [
        Started(
            args,
            subprocess.Popen(
                [sys.executable, "-m", "kilocli", *args],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=dict(env),
            ),
        )
        for args in commands
    ]


def wait_all(started: list[Started]) -> None:
    failures = []
    for item in started:
        _, stderr = item.process.communicate(timeout=60)
        if item.process.returncode != ExitCode.OK:
            failures.append(f"{item.args[:2]} exited {item.process.returncode}: {stderr}")
    assert failures == []


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_processes_started_together_lose_no_profile(home: Path) -> None:
    """In the first round the home does not exist yet: every process creates the directory and
    the locks at once, and all but the first writer of each file rewrite one that is already
    there. Further rounds (KILOCLI_TEST_ROUNDS) add to the same files."""
    env = {
        **os.environ,
        "KILOCLI_HOME": str(home),
        "OPENROUTER_BASE_URL": closed_port_url(),
        "KILOCODE_BASE_URL": closed_port_url(),
    }
    logins: dict[str, str] = {}
    onboard_keys: set[str] = set()
    for round_number in range(ROUNDS):
        commands: list[tuple[str, ...]] = []
        for n in range(LOGINS_PER_ROUND):
            profile_id = f"p{round_number * LOGINS_PER_ROUND + n}"
            logins[profile_id] = key = jwt_like(profile_id)
            commands.append(("auth", "login", "kilocode", "--profile-id", profile_id))
            commands[-1] += ("--key", key, "--no-verify")
            # Onboarding runs spread among the logins, so that they race rather than queue.
            if n % (LOGINS_PER_ROUND // ONBOARDS_PER_ROUND) == 0:
                key = f"sk-or-v1-round{round_number}-onboard{n}"
                onboard_keys.add(key)
                commands.append(("onboard", "--non-interactive", "--openrouter-api-key", key))
                commands[-1] += ("--no-verify",)
        assert len(commands) == LOGINS_PER_ROUND + ONBOARDS_PER_ROUND

        wait_all(start_all(commands, env))

        store = read_toml(home / "auth-profiles.toml")
        config = read_toml(home / "config.toml")
        profiles = store["profiles"]
        assert {pid: p["key"] for pid, p in profiles.items() if pid in logins} == logins
        assert set(profiles) == {*logins, "openrouter:default"}
        assert profiles["openrouter:default"]["key"] in onboard_keys
        assert config["auth"]["profiles"] == {
            **{pid: {"provider": "kilocode", "mode": "api_key"} for pid in logins},
            "openrouter:default": {"provider": "openrouter", "mode": "api_key"},
        }
        openrouter = config["models"]["providers"]["openrouter"]
        assert openrouter["baseUrl"] == OPENROUTER_DEFAULT_BASE_URL  # the env var is not saved
        assert openrouter["api"] == "openai-completions"
        assert config["agents"]["defaults"]["model"]["primary"] == "openrouter/auto"
        for name in (
            "auth-profiles.toml",
            "config.toml",
            "auth-profiles.toml.bak",
            "config.toml.bak",
        ):
            assert mode(home / name) == 0o600, name
        assert sorted(p.name for p in home.glob(".*.tmp")) == []
        assert mode(home) == 0o700


def test_a_default_model_set_meanwhile_by_another_process_is_kept(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Onboarding decides "no default model yet, so set the provider's" from the config it read
    at the start. If another process sets a default before onboarding writes, that default
    must survive: SPEC §5 never replaces an existing default without ``--model`` or
    ``--set-default``, and §2 applies every change to the file as re-read inside the lock."""
    paths = resolve_paths({"KILOCLI_HOME": str(home)})
    real_update_auth_store = credential_store.update_auth_store
    interleaved = 0

    def update_auth_store_then_another_process_sets_a_default(*args: Any) -> Any:
        nonlocal interleaved
        written = real_update_auth_store(*args)
        interleaved += 1
        home.joinpath("config.toml").write_text(
            '[agents.defaults.model]\nprimary = "openrouter/auto"\n'
        )
        return written

    monkeypatch.setattr(  # read by the step that stores a profile, when it runs
        credential_store, "update_auth_store", update_auth_store_then_another_process_sets_a_default
    )
    rt = Runtime(env={"KILOCLI_STORE": "file"}, paths=paths, feedback=RecordingFeedback())

    result = run_onboarding(rt, OnboardRequest(flag_keys={"kilocode": VALID_KEY}, verify=False))

    assert interleaved == 1  # the other process did write between the two files
    assert load_config(paths).document()["agents"]["defaults"]["model"] == {
        "primary": "openrouter/auto"
    }
    assert result.default_model == "openrouter/auto"
    assert result.default_model_changed is False
