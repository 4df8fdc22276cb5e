"""``kilocli exec``: the program runs in kilocli's place with the gateway in its environment.

These tests need a process: exec replaces the one it runs in.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import run_kilocli
from tests.fakes import VALID_KEY, FakeGateway
from tests.tools.setup_helpers import ORG, store_key, store_org_profile

SET_NAMES = [
    "KILOCODE_API_KEY",
    "KILO_API_KEY",
    "KILOCODE_BASE_URL",
    "KILO_ORG_ID",
    "KILOCODE_ORGANIZATION_ID",
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "OPENAI_API_BASE",
    "ANTHROPIC_BASE_URL",
    "ANTHROPIC_AUTH_TOKEN",
    "ANTHROPIC_CUSTOM_HEADERS",
    "ANTHROPIC_API_KEY",
]
# Prints the variables of the sets that are present (absent ones are left out).
SHOW_ENV = (
    "import json, os; print(json.dumps({k: os.environ[k] for k in "
    + repr(SET_NAMES)
    + " if k in os.environ}))"
)
BASE = "https://api.kilo.ai/api/gateway"


def test_the_program_gets_every_variable() -> None:
    store_org_profile(ORG)
    run = run_kilocli("exec", "--", sys.executable, "-c", SHOW_ENV, process=True)
    assert run.code == 0, run.stderr
    assert json.loads(run.stdout) == {
        "KILOCODE_API_KEY": VALID_KEY,
        "KILO_API_KEY": VALID_KEY,
        "KILOCODE_BASE_URL": BASE,
        "KILO_ORG_ID": ORG,
        "OPENAI_API_KEY": VALID_KEY,
        "OPENAI_BASE_URL": BASE,
        "OPENAI_API_BASE": BASE,
        "ANTHROPIC_BASE_URL": BASE,
        "ANTHROPIC_AUTH_TOKEN": VALID_KEY,
        "ANTHROPIC_CUSTOM_HEADERS": f"X-KILOCODE-ORGANIZATIONID: {ORG}",
    }
    assert run.stderr == ""


def test_no_openai_leaves_the_users_openai_key_alone() -> None:
    store_key()
    env = {"OPENAI_API_KEY": "sk-users-own", "OPENAI_BASE_URL": "https://api.openai.com/v1"}
    run = run_kilocli(
        "exec", "--no-openai", "--", sys.executable, "-c", SHOW_ENV, env=env, process=True
    )
    shown = json.loads(run.stdout)
    assert shown["OPENAI_API_KEY"] == "sk-users-own"
    assert shown["OPENAI_BASE_URL"] == "https://api.openai.com/v1"
    assert shown["KILOCODE_API_KEY"] == VALID_KEY


def test_options_after_the_command_are_the_commands() -> None:
    store_key()
    run = run_kilocli(
        "exec",
        sys.executable,
        "-c",
        "import sys; print(sys.argv[1:])",
        "--provider",
        "x",
        process=True,
    )
    assert run.code == 0, run.stderr
    assert run.stdout.strip() == "['--provider', 'x']"


def test_kilocli_becomes_the_program() -> None:
    """Same process id, so signals and the terminal are the program's own."""
    store_key()
    child = subprocess.run(
        [sys.executable, "-m", "kilocli", "exec", "--", "sh", "-c", 'echo "$$"; exit 7'],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert child.returncode == 7
    # sh printed its own pid; run again with Popen to compare it with the pid we started.
    with subprocess.Popen(
        [sys.executable, "-m", "kilocli", "exec", "--", "sh", "-c", 'echo "$$"'],
        stdout=subprocess.PIPE,
        text=True,
    ) as process:
        out, _ = process.communicate(timeout=30)
    assert int(out.strip()) == process.pid


def test_a_signal_reaches_the_program() -> None:
    import signal

    store_key()
    with subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kilocli",
            "exec",
            "--",
            sys.executable,
            "-c",
            "import signal, sys, time\n"
            "signal.signal(signal.SIGTERM, lambda *a: sys.exit(42))\n"
            "print('ready', flush=True)\n"
            "time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    ) as process:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "ready"
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 42


def test_a_missing_command_exits_127() -> None:
    store_key()
    run = run_kilocli("exec", "--", "no-such-command-here", process=True)
    assert run.code == 127
    assert run.stderr.startswith("Error: Command not found: no-such-command-here")


def test_a_file_that_is_not_executable_exits_126(tmp_path: Path) -> None:
    store_key()
    script = tmp_path / "script.sh"
    script.write_text("echo hi\n")
    run = run_kilocli("exec", "--", str(script), process=True)
    assert run.code == 126
    assert "not an executable file" in run.stderr


def test_without_a_key_the_command_is_not_started(tmp_path: Path) -> None:
    marker = tmp_path / "started"
    run = run_kilocli("exec", "--", "touch", str(marker), process=True)
    assert run.code == 3
    assert not marker.exists()
    assert "kilocli auth login kilocode" in run.stderr


def test_no_command_is_a_usage_error() -> None:
    store_key()
    run = run_kilocli("exec", process=True)
    assert run.code == 2
    assert "kilocli exec -- aider" in run.stderr


def test_the_key_is_not_on_the_command_line() -> None:
    store_key()
    run = run_kilocli(
        "exec", "--", sys.executable, "-c", "import sys; print(sys.argv)", process=True
    )
    assert VALID_KEY not in run.stdout


OPENAI_CHAT = textwrap.dedent(
    """
    from openai import OpenAI
    client = OpenAI()
    reply = client.chat.completions.create(
        model="kilo-auto/balanced", messages=[{"role": "user", "content": "hi"}], max_tokens=5
    )
    print(reply.choices[0].message.content)
    stream = client.chat.completions.create(
        model="kilo-auto/balanced",
        messages=[{"role": "user", "content": "hi"}],
        stream=True,
        stream_options={"include_usage": True},
    )
    print("".join(c.choices[0].delta.content or "" for c in stream if c.choices))
    """
)


def test_the_real_openai_sdk_reaches_the_gateway(gateway: FakeGateway) -> None:
    pytest.importorskip("openai")
    store_key()
    env = {"KILOCODE_BASE_URL": gateway.base_url}
    run = run_kilocli("exec", "--", sys.executable, "-c", OPENAI_CHAT, env=env, process=True)
    assert run.code == 0, run.stderr
    assert run.stdout.split() == ["ok", "ok"]
    chats = [seen for seen in gateway.requests if seen.method == "POST"]
    assert [seen.path for seen in chats] == ["/api/gateway/chat/completions"] * 2
    assert {seen.header("Authorization") for seen in chats} == {f"Bearer {VALID_KEY}"}
    assert [seen.json()["model"] for seen in chats] == ["kilo-auto/balanced", "kilo-auto/balanced"]
    assert chats[1].json()["stream"] is True


def test_the_openai_sdk_is_refused_without_the_stored_key(gateway: FakeGateway) -> None:
    """The gateway answers 401 to another key: exec hands over the key in effect, no other."""
    pytest.importorskip("openai")
    env = {
        "KILOCODE_BASE_URL": gateway.base_url,
        "KILOCODE_API_KEY": "eyJwrong.key.value-that-is-long",
    }
    run = run_kilocli("exec", "--", sys.executable, "-c", OPENAI_CHAT, env=env, process=True)
    assert run.code != 0
    assert "AuthenticationError" in run.stderr
