"""Fixtures for running the kilocli command line against the fake gateway."""

from __future__ import annotations

import os
import socket
import stat
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from kilocli.cli.context import Overrides
from tests.conftest import Run, run_kilocli
from tests.fakes import FakeGateway

Kilo = Callable[..., Run]


@pytest.fixture
def kilo(gateway: FakeGateway) -> Kilo:
    """Run kilocli (in-process; ``process=True`` for a real process) with both providers' base
    URLs pointing at the fake gateway; ``overrides`` brings a test's own clock, sleep or
    prompter.

    ``base_urls=False`` leaves them unset (to test the base URL from flags or config).
    """

    def run(
        *args: str,
        env: Mapping[str, str] | None = None,
        stdin: str | None = None,
        base_urls: bool = True,
        process: bool = False,
        overrides: Overrides | None = None,
    ) -> Run:
        full_env = dict(env or {})
        if base_urls:
            full_env.setdefault("KILOCODE_BASE_URL", gateway.base_url)
            full_env.setdefault("OPENROUTER_BASE_URL", gateway.openrouter_base_url)
        return run_kilocli(*args, env=full_env, stdin=stdin, process=process, overrides=overrides)

    return run


@pytest.fixture
def closed_port_url() -> str:
    """A gateway base URL on a local port nothing listens on (connection refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/api/gateway/"


FileState = dict[str, tuple[bytes, int, int]]


def file_state(directory: Path) -> FileState:
    """Every file under ``directory``: bytes, mtime (ns) and permission bits."""
    if not directory.exists():
        return {}
    return {
        str(path.relative_to(directory)): (
            path.read_bytes(),
            path.stat().st_mtime_ns,
            stat.S_IMODE(path.stat().st_mode),
        )
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


def write_file(path: Path, text: str) -> None:
    """Write a hand-made kilocli file, private (0600 in a 0700 directory) as kilocli would:
    a credential file others can read earns a warning."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o600)
    os.utime(path, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
