"""``kilocli doctor --probe``: one minimal completion through the fake gateway, and each way it
can fail with its own message and exit code (SPEC §9, §12)."""

from __future__ import annotations

import functools
import json

import pytest

from kilocli import __version__
from kilocli.errors import ExitCode
from kilocli.services import runtime as runtime_module
from tests.conftest import Run, run_kilocli
from tests.fakes import CHAT_ERRORS, RESPONSES, VALID_KEY, FakeGateway, Fault

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


# The gateway's own error codes first (SPEC §9), each with its exit code, the next command and
# how many requests it took (the sleep before the one retry is recorded, never waited).


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Every pause kilocli takes, recorded instead of slept."""
    recorded: list[float] = []
    patched = functools.partial(runtime_module.Runtime, sleep=recorded.append)
    monkeypatch.setattr(runtime_module, "Runtime", patched)
    return recorded


def chat_requests(gateway: FakeGateway) -> int:
    return sum(seen.path == CHAT for seen in gateway.requests)


def test_a_paid_model_without_credits_is_not_a_rejected_key(
    gateway: FakeGateway, sleeps: list[float]
) -> None:
    gateway.fail(CHAT, CHAT_ERRORS["paid model"])
    run = probe(gateway)
    assert run.code == ExitCode.ERROR
    finding = probe_finding(run)
    assert finding["message"] == (
        "Kilo Gateway says kilo-auto/balanced needs a signed-in key with credits (HTTP 401: "
        "You need to sign in to use this model. (PAID_MODEL_AUTH_REQUIRED))."
    )
    assert finding["fix"] == (
        "Add credits at https://app.kilo.ai/profile, or pick a free model: "
        "kilocli models kilocode --free"
    )
    assert (chat_requests(gateway), sleeps) == (1, [])


def test_a_used_up_free_allowance_exits_1_and_says_so(
    gateway: FakeGateway, sleeps: list[float]
) -> None:
    gateway.fail(CHAT, CHAT_ERRORS["promotion limit"])
    run = probe(gateway, "kilocode/kilo-auto/free")
    assert run.code == ExitCode.ERROR
    finding = probe_finding(run)
    assert finding["message"].startswith(
        "Kilo Gateway says kilo-auto/free has used up its free allowance (HTTP 401"
    )
    assert "kilocli models kilocode" in finding["fix"]
    assert (chat_requests(gateway), sleeps) == (1, [])


def test_an_upstream_that_is_briefly_out_is_try_again_later(
    gateway: FakeGateway, sleeps: list[float]
) -> None:
    gateway.fail(CHAT, CHAT_ERRORS["upstream unavailable"])
    run = probe(gateway)
    assert run.code == ExitCode.UNREACHABLE
    finding = probe_finding(run)
    assert finding["message"].startswith("Kilo Gateway is unavailable (HTTP 503")
    assert "temporarily unavailable" in finding["message"]
    assert finding["fix"] == "Try again in a few minutes."
    assert (chat_requests(gateway), sleeps) == (1, [])


def test_a_429_without_retry_after_is_retried_once_after_a_jittered_pause(
    gateway: FakeGateway, sleeps: list[float]
) -> None:
    gateway.fail(CHAT, CHAT_ERRORS["rate limited"])
    run = probe(gateway)
    assert run.code == ExitCode.UNREACHABLE
    assert chat_requests(gateway) == 2
    (pause,) = sleeps
    assert 1.0 <= pause <= 3.0
    finding = probe_finding(run)
    assert finding["message"].startswith("Kilo Gateway rate limited the request (HTTP 429")
    assert finding["fix"] == "Wait a moment and try again."


def test_a_429_with_a_long_retry_after_is_not_waited_for_and_says_when(
    gateway: FakeGateway, sleeps: list[float]
) -> None:
    gateway.fail(
        CHAT, Fault(status=429, body=b'{"error": "slow down"}', headers={"Retry-After": "90"})
    )
    run = probe(gateway)
    assert run.code == ExitCode.UNREACHABLE
    assert (chat_requests(gateway), sleeps) == (1, [])
    assert probe_finding(run)["fix"] == "Try again in 90 s."


def test_a_429_without_retry_after_then_success(gateway: FakeGateway, sleeps: list[float]) -> None:
    rate_limited = CHAT_ERRORS["rate limited"]
    gateway.fail(CHAT, Fault(status=429, body=rate_limited.body, times=1))
    run = probe(gateway)
    assert probe_finding(run)["severity"] == "ok"
    assert chat_requests(gateway) == 2
    assert len(sleeps) == 1


@pytest.mark.parametrize(
    "body",
    [b"[1, 2]", b'"ok"', b"data: [1]\n\n", b"data: 7\n\ndata: [DONE]\n\n"],
    ids=["a JSON list", "a JSON string", "a list chunk", "a number chunk"],
)
def test_an_answer_of_the_wrong_shape_is_not_understood_with_its_status(
    gateway: FakeGateway, body: bytes
) -> None:
    content_type = "text/event-stream" if body.startswith(b"data:") else "application/json"
    gateway.fail(CHAT, Fault(status=200, body=body, headers={"Content-Type": content_type}))
    run = probe(gateway)
    assert run.code == ExitCode.UNREACHABLE
    assert probe_finding(run)["message"] == (
        "Kilo Gateway sent an answer kilocli does not understand (HTTP 200)"
    )
