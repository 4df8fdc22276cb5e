"""Fixtures for the catalog's services, run in-process against the fake gateway."""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path

import pytest

from kilocli.paths import resolve_paths
from kilocli.services.runtime import Runtime
from tests.fakes import FakeGateway, RecordingFeedback

MakeRuntime = Callable[..., Runtime]


@pytest.fixture
def make_runtime(home: Path, gateway: FakeGateway) -> MakeRuntime:
    """A runtime whose env points Kilo Gateway at the fake; keyword arguments add env vars."""

    def make(**env: str) -> Runtime:
        full_env = {"KILOCLI_HOME": str(home), "KILOCODE_BASE_URL": gateway.base_url, **env}
        full_env.setdefault("KILOCLI_STORE", "file")
        return Runtime(env=full_env, paths=resolve_paths(full_env), feedback=RecordingFeedback())

    return make


@pytest.fixture
def closed_port_url() -> str:
    """A gateway base URL on a local port nothing listens on (connection refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/api/gateway/"
