"""The real ``llm`` (simonw/llm) reads what ``kilocli setup llm`` wrote and reaches the fake
gateway with the key, the model id and the organisation (SPEC §11, §12)."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fakes import VALID_KEY, FakeGateway, Seen
from tests.tools.setup_helpers import (
    ORG,
    ORG_HEADER,
    llm_dir,
    setup_ok,
    store_key,
    store_org_profile,
    user_home,
)

pytest.importorskip("llm")

CHAT_PATH = "/api/gateway/chat/completions"


@functools.cache
def llm_command() -> tuple[str, ...]:
    """How to start llm: ``python -m llm`` when that works, else the ``llm`` script next to
    the interpreter."""
    module = (sys.executable, "-m", "llm")
    done = subprocess.run(
        [*module, "--help"], capture_output=True, text=True, timeout=60, check=False
    )
    if done.returncode == 0:
        return module
    return (str(Path(sys.executable).with_name("llm")),)


def run_llm(*args: str) -> subprocess.CompletedProcess[str]:
    """The real llm, reading the llm directory setup wrote, in the test's home, with no
    OpenAI key and no plugins besides llm's own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LLM_", "OPENAI_"))}
    env |= {"LLM_USER_PATH": str(llm_dir()), "HOME": str(user_home()), "LLM_LOAD_PLUGINS": ""}
    return subprocess.run(
        [*llm_command(), *args],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=60,
        check=False,
    )


def chats(gateway: FakeGateway) -> list[Seen]:
    """The chat completions the gateway received."""
    return [s for s in gateway.requests if s.method == "POST" and s.path == CHAT_PATH]


def setup_llm_against(gateway: FakeGateway, *args: str) -> None:
    """``kilocli setup llm ARGS`` with the fake gateway as the base URL in effect."""
    setup_ok("llm", *args, env={"KILOCODE_BASE_URL": gateway.base_url})


def test_llm_sends_the_key_and_the_model_to_the_gateway(gateway: FakeGateway) -> None:
    store_key()
    setup_llm_against(gateway)

    done = run_llm("-m", "kilocode/kilo-auto/balanced", "hi", "--no-stream")

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == gateway.chat_reply
    [chat] = chats(gateway)
    assert chat.header("Authorization") == f"Bearer {VALID_KEY}"
    assert chat.json()["model"] == "kilo-auto/balanced"
    assert chat.header(ORG_HEADER) is None


def test_llm_sends_the_organisation_header(gateway: FakeGateway) -> None:
    gateway.organizations = [{"id": ORG, "name": "Acme", "role": "member"}]
    store_org_profile(ORG)
    setup_llm_against(gateway)

    done = run_llm("-m", "kilocode/kilo-auto/balanced", "hi", "--no-stream")

    assert done.returncode == 0, done.stderr
    [chat] = chats(gateway)
    assert chat.header(ORG_HEADER) == ORG
    assert chat.header("Authorization") == f"Bearer {VALID_KEY}"


def test_llm_uses_an_extra_model_and_streams(gateway: FakeGateway) -> None:
    gateway.extra_model_ids = {"anthropic/claude-sonnet-4.5"}
    store_key()
    setup_llm_against(gateway, "--model", "kilocode/anthropic/claude-sonnet-4.5")

    done = run_llm("-m", "kilocode/anthropic/claude-sonnet-4.5", "hi")

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == gateway.chat_reply
    [chat] = chats(gateway)
    assert chat.json()["model"] == "anthropic/claude-sonnet-4.5"
    assert chat.json()["stream"] is True
