"""Zero steps (SPEC §11, §12): from a fresh home, ``kilocli onboard … --setup TOOL``, then the
tool's plain command, and the gateway sees the tool's request with the key, the model and the
organisation. Each test runs for a personal account and with an organisation.

The clients are the real ones (``.ci/install-clients``), run as processes; each sends one prompt
and the fake gateway answers :data:`REPLY`.
"""

from __future__ import annotations

import sys

import pytest

from tests.clients.conftest import MODEL, PROMPT, Clients, require_client, which

pytestmark = pytest.mark.clients

RESPONSES_PATH = "/api/gateway/responses"
MESSAGES_PATH = "/api/gateway/v1/messages"
CHAT_PATH = "/api/gateway/chat/completions"


def test_codex(clients: Clients) -> None:
    """Codex runs ``kilocli auth token kilocode`` for the key (SPEC §12: the credential
    helper) and streams the Responses API. Besides the gateway it only looks names up
    (api.github.com, chatgpt.com, ab.chatgpt.com), which no variable turns off."""
    codex = require_client("codex", "@openai/codex")
    clients.onboard("codex")
    done = clients.run_client(codex, "exec", "--skip-git-repo-check", PROMPT)
    (turn,) = clients.assert_reached(RESPONSES_PATH, done)
    assert turn.json()["stream"] is True


def test_claude_code(clients: Clients) -> None:
    """Claude Code runs ``kilocli auth token kilocode`` (``apiKeyHelper``) and sends the key
    as ``Authorization: Bearer`` (and ``x-api-key``) to ``<base>/v1/messages?beta=true``."""
    claude = require_client("claude", "@anthropic-ai/claude-code")
    clients.onboard("claude")
    done = clients.run_client(claude, "-p", PROMPT)
    (message,) = clients.assert_reached(MESSAGES_PATH, done)
    assert message.query == "beta=true"
    assert message.json()["stream"] is True


USERS_ANTHROPIC = {
    "ANTHROPIC_API_KEY": "sk-ant-api03-the-users-own-anthropic-key",
    "ANTHROPIC_AUTH_TOKEN": "the-users-own-token-for-another-gateway",
}


@pytest.mark.parametrize("organization", [None], ids=["personal"])
@pytest.mark.parametrize("variable", sorted(USERS_ANTHROPIC))
def test_claude_code_keeps_the_users_anthropic_credentials_home(
    clients: Clients, variable: str
) -> None:
    """A user who also uses Anthropic's API (or another gateway) has its credential exported:
    the plain ``claude`` must still send only the Kilo key, and the user's must not leave."""
    claude = require_client("claude", "@anthropic-ai/claude-code")
    clients.onboard("claude")
    secret = USERS_ANTHROPIC[variable]
    done = clients.run([claude, "-p", PROMPT], env={**clients.env(claude), variable: secret})
    for request in clients.gateway.requests:
        assert not any(secret in value for value in request.headers.values()), request.headers
    assert done.code == 0, done
    clients.assert_reached(MESSAGES_PATH, done)


def test_opencode_through_shell_init(clients: Clients) -> None:
    """opencode reads ``{env:KILOCODE_API_KEY}``: shell-init's function runs it through
    ``kilocli exec``. It sends two chats (the title, then the prompt)."""
    opencode = require_client("opencode", "opencode-ai")
    clients.onboard("opencode")
    done = clients.run_in_shell(opencode, f"opencode run '{PROMPT}'")
    clients.assert_reached(CHAT_PATH, done)


def test_continue_cli(clients: Clients) -> None:
    """``cn`` uses the first of ``models`` and reads the key from ``~/.continue/.env``. It also
    asks api.continue.dev for its latest version, which no variable turns off."""
    cn = require_client("cn", "@continuedev/cli")
    clients.onboard("continue")
    done = clients.run_client(cn, "-p", PROMPT)
    clients.assert_reached(CHAT_PATH, done)


def test_aider_through_shell_init(clients: Clients) -> None:
    """aider reads ``OPENAI_API_KEY``: shell-init's function runs it through ``kilocli exec``;
    the organisation header comes from ``~/.aider.model.settings.yml``."""
    aider = require_client("aider", "aider-chat")
    clients.onboard("aider")
    done = clients.run_in_shell(aider, "aider --message hi --yes-always --no-git")
    (chat,) = clients.assert_reached(CHAT_PATH, done)
    assert chat.json()["stream"] is True


def test_llm(clients: Clients) -> None:
    """llm's default model is the gateway's after setup, so no ``-m``; the key is llm's copy."""
    llm = require_client("llm", "llm, in the test extras")
    clients.onboard("llm")
    done = clients.run_client(llm, PROMPT)
    clients.assert_reached(CHAT_PATH, done)


# The SDKs and curl under kilocli exec, as docs/tools.md shows them: the organisation, when the
# environment has one, goes in the client's default headers (no variable of theirs adds one).
OPENAI_CALL = f"""
import os
from openai import OpenAI

org = os.environ.get("KILO_ORG_ID")
client = OpenAI(default_headers={{"X-KILOCODE-ORGANIZATIONID": org}} if org else None)
reply = client.chat.completions.create(
    model="{MODEL}", messages=[{{"role": "user", "content": "{PROMPT}"}}]
)
print(reply.choices[0].message.content)
"""
ANTHROPIC_CALL = f"""
import os
from anthropic import Anthropic

org = os.environ.get("KILO_ORG_ID")
client = Anthropic(default_headers={{"X-KILOCODE-ORGANIZATIONID": org}} if org else None)
with client.messages.stream(
    model="{MODEL}", max_tokens=64, messages=[{{"role": "user", "content": "{PROMPT}"}}]
) as stream:
    print(stream.get_final_text())
"""
CURL = (
    'curl -sS --fail-with-body "$KILOCODE_BASE_URL/chat/completions"'
    ' -H "Authorization: Bearer $KILOCODE_API_KEY" -H "Content-Type: application/json"'
    ' ${KILO_ORG_ID:+-H "X-KILOCODE-ORGANIZATIONID: $KILO_ORG_ID"}'
    f' -d \'{{"model": "{MODEL}", "messages": [{{"role": "user", "content": "{PROMPT}"}}]}}\''
)


def test_openai_sdk_under_exec(clients: Clients) -> None:
    clients.onboard()
    done = clients.run_under_exec(sys.executable, "-c", OPENAI_CALL)
    clients.assert_reached(CHAT_PATH, done)


def test_anthropic_sdk_under_exec(clients: Clients) -> None:
    """``Anthropic()`` reads ``ANTHROPIC_BASE_URL`` and ``ANTHROPIC_AUTH_TOKEN``; streamed."""
    pytest.importorskip("anthropic")
    clients.onboard()
    done = clients.run_under_exec(sys.executable, "-c", ANTHROPIC_CALL)
    (message,) = clients.assert_reached(MESSAGES_PATH, done)
    assert message.json()["stream"] is True


def test_curl_under_exec(clients: Clients) -> None:
    """``"$KILOCODE_BASE_URL/chat/completions"``: the base URL has no trailing slash."""
    if which("curl") is None:
        pytest.skip("curl is not installed")
    clients.onboard()
    done = clients.run_under_exec("sh", "-c", CURL)
    clients.assert_reached(CHAT_PATH, done)
