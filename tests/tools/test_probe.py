"""``kilocli doctor --probe``: one minimal completion through the fake gateway, and each way it
can fail with its own message and exit code (SPEC §9, §12)."""

from __future__ import annotations

import json

import pytest

from kilocli import __version__
from kilocli.errors import ExitCode
from tests.conftest import Run, run_kilocli
from tests.fakes import RESPONSES, VALID_KEY, FakeGateway, Fault

CHAT = "/api/gateway/chat/completions"


def probe(gateway: FakeGateway, *args: str, timeout: str = "1") -> Run:
    """``doctor --probe ARGS --json`` against the fake, with a short timeout (four times
    that for the probe)."""
    env = {"KILOCODE_BASE_URL": gateway.base_url, "KILOCODE_API_KEY": VALID_KEY}
    env["KILOCLI_HTTP_TIMEOUT"] = timeout
    return run_kilocli("doctor", "--probe", *args, "--json", env=env)


def sent(gateway: FakeGateway) -> dict[str, object]:
    chats = [seen for seen in gateway.requests if seen.path == CHAT]
    assert len(chats) >= 1
    body = chats[-1].json()
    assert isinstance(body, dict)
    return body


def probe_finding(run: Run) -> dict[str, object]:
    document = json.loads(run.stdout)
    return next(f for f in document["findings"] if f["check"] == "probe")


def test_the_probe_reports_model_time_and_usage(gateway: FakeGateway) -> None:
    run = probe(gateway)
    document = json.loads(run.stdout)
    assert document["probe"]["ref"] == "kilocode/kilo-auto/balanced"
    assert document["probe"]["model"] == "kilo-auto/balanced"
    assert document["probe"]["usage"] == {
        "promptTokens": 12,
        "completionTokens": 1,
        "totalTokens": 13,
    }
    assert document["probe"]["seconds"] >= 0
    assert probe_finding(run)["severity"] == "ok"


def test_the_request_is_minimal_and_loses_the_prefix(gateway: FakeGateway) -> None:
    probe(gateway)
    body = sent(gateway)
    assert body["model"] == "kilo-auto/balanced"
    assert body["max_tokens"] == 1
    assert body["stream"] is True
    assert body["messages"][0] == {"role": "system", "content": "Reply with one word."}
    chat = [seen for seen in gateway.requests if seen.path == CHAT][-1]
    assert chat.header("Authorization") == f"Bearer {VALID_KEY}"


def test_a_cache_ttl_eligible_model_gets_the_cache_marker(gateway: FakeGateway) -> None:
    gateway.extra_model_ids.add("anthropic/claude-sonnet-4.5")
    run = probe(gateway, "kilocode/anthropic/claude-sonnet-4.5")
    assert json.loads(run.stdout)["probe"]["cacheControl"] is True
    system = sent(gateway)["messages"][0]
    assert system["content"] == [
        {"type": "text", "text": "Reply with one word.", "cache_control": {"type": "ephemeral"}}
    ]


def test_an_unknown_model_id_says_so(gateway: FakeGateway) -> None:
    run = probe(gateway, "kilocode/nobody/knows")
    assert run.code == ExitCode.ERROR
    finding = probe_finding(run)
    assert finding["message"].startswith(
        "Kilo Gateway does not know the model id 'nobody/knows' (HTTP 404"
    )
    assert finding["fix"] == "See the ids it offers: kilocli models kilocode --refresh"


@pytest.mark.parametrize(
    ("status", "body", "code", "start"),
    [
        (
            401,
            RESPONSES["POST /api/gateway/chat/completions 401"],
            ExitCode.NOT_AUTHENTICATED,
            "Kilo Gateway rejected this key",
        ),
        (
            402,
            RESPONSES["POST /api/gateway/chat/completions 402"],
            ExitCode.ERROR,
            "Kilo Gateway says there are no credits left",
        ),
        (
            429,
            RESPONSES["POST /api/gateway/chat/completions 429 (upstream, OpenRouter shape)"],
            ExitCode.UNREACHABLE,
            "Kilo Gateway rate limited",
        ),
        (
            503,
            {"error": "Service Unavailable"},
            ExitCode.UNREACHABLE,
            "Kilo Gateway is unavailable",
        ),
    ],
)
def test_each_refusal_has_its_message_and_exit_code(
    gateway: FakeGateway, status: int, body: object, code: ExitCode, start: str
) -> None:
    gateway.fail(
        CHAT, Fault(status=status, body=json.dumps(body).encode(), headers={"Retry-After": "0"})
    )
    run = probe(gateway)
    assert run.code == code
    assert probe_finding(run)["message"].startswith(start)
    assert VALID_KEY not in run.output


def test_a_429_is_retried_once(gateway: FakeGateway) -> None:
    gateway.fail(CHAT, Fault(status=429, headers={"Retry-After": "0"}, times=1))
    run = probe(gateway)
    assert run.code != ExitCode.UNREACHABLE
    assert probe_finding(run)["severity"] == "ok"


def test_a_mid_stream_error_frame(gateway: FakeGateway) -> None:
    gateway.chat_mid_stream_error = True
    run = probe(gateway)
    assert run.code == ExitCode.UNREACHABLE
    assert probe_finding(run)["message"] == (
        "Kilo Gateway accepted the request, but the answer broke off: Upstream provider error."
    )


def test_a_stalled_gateway(gateway: FakeGateway) -> None:
    gateway.fail(CHAT, Fault(status=None, delay=3))
    run = probe(gateway, timeout="0.25")
    assert run.code == ExitCode.UNREACHABLE
    assert probe_finding(run)["message"] == "Kilo Gateway did not answer within 1 s"


def test_an_answer_that_is_not_json(gateway: FakeGateway) -> None:
    gateway.fail(CHAT, Fault(status=200, body=b"<html>oops</html>"))
    run = probe(gateway)
    assert run.code == ExitCode.UNREACHABLE
    assert probe_finding(run)["message"] == "Kilo Gateway sent an answer that is not JSON"


def test_without_a_key_the_probe_is_not_sent(gateway: FakeGateway) -> None:
    run = run_kilocli("doctor", "--probe", env={"KILOCODE_BASE_URL": gateway.base_url})
    assert run.code == ExitCode.NOT_AUTHENTICATED
    assert CHAT not in gateway.paths_requested()


def test_a_ref_without_probe_is_a_usage_error() -> None:
    run = run_kilocli("doctor", "kilocode/kilo-auto/balanced")
    assert run.code == ExitCode.USAGE


def test_every_gateway_request_names_kilocli(gateway: FakeGateway) -> None:
    env = {"KILOCODE_BASE_URL": gateway.base_url, "KILOCODE_API_KEY": VALID_KEY}
    run_kilocli("onboard", "--non-interactive", env=env)
    run_kilocli("models", "kilocode", "--refresh", "--json", env=env)
    run_kilocli("auth", "status", "--check", env=env)
    run_kilocli("doctor", "--probe", env=env)
    assert {seen.path for seen in gateway.requests} >= {"/api/profile", "/api/gateway/models", CHAT}
    assert {seen.header("X-KILOCODE-EDITORNAME") for seen in gateway.requests} == {
        f"kilocli/{__version__}"
    }
