"""The fake gateway itself: its chat, responses, organisation, usage and device sign-in routes
answer in the real gateway's shapes (``tests/data/gateway-responses.json``), and the real
OpenAI SDK accepts them."""

from __future__ import annotations

import json
import ssl
from typing import Any

import httpx
import pytest

from tests.fake_gateway_routes import finish_chunk
from tests.fakes import OTHER_VALID_KEY, RESPONSES, VALID_KEY, FakeGateway, Seen

ACME = "11111111-2222-4333-8444-555555555555"
SIDE = "66666666-7777-4888-9999-000000000000"
STRANGER = "99999999-8888-4777-8666-555555555555"
ORGS_PROFILE = RESPONSES["GET /api/profile 200 (with organisations)"]
ORG_400 = RESPONSES["GET /api/profile 400 (X-KILOCODE-ORGANIZATIONID not a UUID)"]
ORG_403 = RESPONSES["GET /api/profile 403 (not a member of the organization)"]
STREAM = RESPONSES[
    "POST /api/gateway/chat/completions 200 stream (text/event-stream, one line each)"
]
MODEL = "openai/gpt-5.4"  # listed in tests/data/gateway-models.json
EXAMPLE_MODEL = "anthropic/claude-sonnet-4.5"  # the example stream's model
# Built once: httpx would build a TLS context for each request, unused on plain HTTP.
TLS = ssl.create_default_context()
CHAT_PATHS = ["chat/completions", "v1/chat/completions"]
RESPONSES_PATHS = ["responses", "v1/responses"]


def request(
    gateway: FakeGateway,
    method: str,
    path: str,
    *,
    key: str | None = VALID_KEY,
    org: str | None = None,
    body: dict[str, Any] | None = None,
) -> httpx.Response:
    """``method`` ``path`` (under the origin) with the Bearer key and organisation header."""
    headers = {}
    if key is not None:
        headers["Authorization"] = f"Bearer {key}"
    if org is not None:
        headers["X-KILOCODE-ORGANIZATIONID"] = org
    url = f"{gateway.origin}{path}"
    return httpx.request(method, url, headers=headers, json=body, verify=TLS)


def chat(gateway: FakeGateway, path: str = "chat/completions", **body: Any) -> httpx.Response:
    return request(gateway, "POST", f"/api/gateway/{path}", body={"model": MODEL, **body})


def frames(response: httpx.Response) -> list[str]:
    """The SSE frames of a stream (each ends with a blank line)."""
    assert response.headers["content-type"] == "text/event-stream"
    assert response.text.endswith("\n\n")
    return response.text.removesuffix("\n\n").split("\n\n")


def chunks(response: httpx.Response) -> list[dict[str, Any]]:
    """The JSON chunks of a chat stream."""
    return [
        json.loads(frame.removeprefix("data: "))
        for frame in frames(response)
        if frame.startswith("data: {")
    ]


def with_organisations(gateway: FakeGateway) -> None:
    gateway.organizations = ORGS_PROFILE["organizations"]
    gateway.selected_organization_id = ACME


# Requests seen


def test_seen_keeps_its_positional_form_and_decodes_its_body() -> None:
    seen = Seen("GET", "/api/profile", {})
    assert (seen.query, seen.body, seen.json(), seen.header("Accept")) == ("", b"", None, None)
    assert Seen("GET", "/", {"authorization": "Bearer k"}).header("Authorization") == "Bearer k"
    assert Seen("POST", "/x", {}, "a=1", b'{"a": 1}').json() == {"a": 1}
    assert Seen("POST", "/x", {}, body=b"not json").json() is None


def test_requests_record_the_query_and_the_body(gateway: FakeGateway) -> None:
    request(gateway, "GET", "/api/gateway/models?provider=x&a=1")
    chat(gateway, max_tokens=1)
    models, completion = gateway.requests
    assert (models.path, models.query, models.body) == (
        "/api/gateway/models",
        "provider=x&a=1",
        b"",
    )
    assert completion.path == "/api/gateway/chat/completions"
    assert completion.json() == {"model": MODEL, "max_tokens": 1}
    assert gateway.paths_requested() == ["/api/gateway/models", "/api/gateway/chat/completions"]


# Chat completions


@pytest.mark.parametrize("path", CHAT_PATHS)
def test_chat_answers_the_example_completion_from_the_requested_model(
    gateway: FakeGateway, path: str
) -> None:
    response = chat(gateway, path, model="kilo-auto/frontier")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    expected = RESPONSES["POST /api/gateway/chat/completions 200"]
    assert response.json() == {**expected, "model": "kilo-auto/frontier"}


def test_chat_reply_is_settable(gateway: FakeGateway) -> None:
    gateway.chat_reply = "Bonjour"
    assert chat(gateway).json()["choices"][0]["message"]["content"] == "Bonjour"
    assert chunks(chat(gateway, stream=True))[0]["choices"][0]["delta"]["content"] == "Bonjour"


@pytest.mark.parametrize("key", [None, "eyJ.wrong.key"])
@pytest.mark.parametrize("path", CHAT_PATHS + RESPONSES_PATHS)
def test_chat_paths_refuse_a_missing_or_wrong_key(
    gateway: FakeGateway, path: str, key: str | None
) -> None:
    response = request(gateway, "POST", f"/api/gateway/{path}", key=key, body={"model": MODEL})
    assert response.status_code == 401
    assert response.json() == RESPONSES["POST /api/gateway/chat/completions 401"]


@pytest.mark.parametrize("path", CHAT_PATHS + RESPONSES_PATHS)
def test_an_unknown_model_is_not_found(gateway: FakeGateway, path: str) -> None:
    response = chat(gateway, path, model="nobody/nothing")
    assert response.status_code == 404
    assert response.json() == RESPONSES["POST /api/gateway/chat/completions 404"]


def test_kilo_auto_and_extra_model_ids_are_known(gateway: FakeGateway) -> None:
    gateway.models_body = b'{"data": []}'
    assert chat(gateway).status_code == 404
    assert chat(gateway, model="kilo-auto/balanced").status_code == 200
    gateway.extra_model_ids = {EXAMPLE_MODEL}
    assert chat(gateway, model=EXAMPLE_MODEL).status_code == 200


def test_a_malformed_models_body_knows_only_the_always_known_models(
    gateway: FakeGateway,
) -> None:
    gateway.models_body = b"<html>"
    assert chat(gateway).status_code == 404
    assert chat(gateway, model="kilo-auto/balanced").status_code == 200


def test_a_body_without_a_model_is_refused(gateway: FakeGateway) -> None:
    response = request(gateway, "POST", "/api/gateway/chat/completions", body={"messages": []})
    assert response.status_code == 400
    assert "error" in response.json()


@pytest.mark.parametrize("path", CHAT_PATHS)
def test_a_streamed_chat_sends_the_example_lines_without_usage_unless_asked(
    gateway: FakeGateway, path: str
) -> None:
    response = chat(gateway, path, stream=True)
    assert response.status_code == 200
    keep_alive, content, _, done = STREAM
    finish = finish_chunk(content, MODEL)
    assert frames(response) == [keep_alive, content.replace(EXAMPLE_MODEL, MODEL), finish, done]
    assert json.loads(finish.removeprefix("data: "))["choices"] == [
        {"index": 0, "delta": {}, "finish_reason": "stop"}
    ]


def test_a_streamed_chat_with_include_usage_ends_with_a_usage_chunk(gateway: FakeGateway) -> None:
    response = chat(
        gateway, model="kilo-auto/balanced", stream=True, stream_options={"include_usage": True}
    )
    sent = frames(response)
    assert sent[0] == ": KILO PROCESSING"
    assert sent[-1] == "data: [DONE]"
    content, finish, usage = chunks(response)
    assert {content["model"], finish["model"], usage["model"]} == {"kilo-auto/balanced"}
    assert content["choices"][0]["delta"] == {"role": "assistant", "content": "ok"}
    assert finish["choices"][0]["finish_reason"] == "stop"
    assert usage["choices"] == []
    assert usage["usage"] == {"prompt_tokens": 12, "completion_tokens": 1, "total_tokens": 13}
    example = [line.replace(EXAMPLE_MODEL, "kilo-auto/balanced") for line in STREAM]
    assert sent == [*example[:2], finish_chunk(STREAM[1], "kilo-auto/balanced"), *example[2:]]


def test_a_mid_stream_error_follows_the_content_and_ends_the_stream(gateway: FakeGateway) -> None:
    gateway.chat_mid_stream_error = True
    response = chat(gateway, stream=True, stream_options={"include_usage": True})
    keep_alive, content, *_ = STREAM
    error = RESPONSES["POST /api/gateway/chat/completions mid-stream error frame"]
    assert frames(response) == [keep_alive, content.replace(EXAMPLE_MODEL, MODEL), error]


# The Responses API


@pytest.mark.parametrize("path", RESPONSES_PATHS)
def test_responses_answers_a_completed_response(gateway: FakeGateway, path: str) -> None:
    response = chat(gateway, path, input="hi")
    assert response.status_code == 200
    body = response.json()
    assert (body["object"], body["status"], body["model"]) == ("response", "completed", MODEL)
    (message,) = body["output"]
    assert (message["type"], message["role"]) == ("message", "assistant")
    assert message["content"] == [{"type": "output_text", "text": "ok", "annotations": []}]
    assert body["usage"] == {"input_tokens": 12, "output_tokens": 1, "total_tokens": 13}


def test_responses_streams_events_ending_with_the_whole_response(gateway: FakeGateway) -> None:
    response = chat(gateway, "responses", input="hi", stream=True)
    events = []
    for frame in frames(response):
        event_line, data_line = frame.split("\n")
        event = json.loads(data_line.removeprefix("data: "))
        assert event_line == f"event: {event['type']}"
        events.append(event)
    types = [event["type"] for event in events]
    assert types[0] == "response.created"
    assert types[-1] == "response.completed"
    assert [event["delta"] for event in events if event["type"].endswith(".delta")] == ["ok"]
    assert [event["sequence_number"] for event in events] == list(range(len(events)))
    assert events[-1]["response"] == chat(gateway, "responses", input="hi").json()


# Organisations


def test_a_profile_without_organisations_is_the_example_personal_account(
    gateway: FakeGateway,
) -> None:
    example = dict(RESPONSES["GET /api/profile 200"])
    del example["organizations"]
    assert request(gateway, "GET", "/api/profile").json() == example


def test_a_profile_with_organisations_lists_them(gateway: FakeGateway) -> None:
    gateway.organizations = ORGS_PROFILE["organizations"]
    gateway.has_personal_account = False
    body = request(gateway, "GET", "/api/profile").json()
    assert body["organizations"] == ORGS_PROFILE["organizations"]
    assert body["hasPersonalAccount"] is False
    assert "selectedOrganizationId" not in body
    gateway.selected_organization_id = ACME
    assert request(gateway, "GET", "/api/profile").json()["selectedOrganizationId"] == ACME


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/profile"),
        ("GET", "/api/profile/balance"),
        ("GET", "/api/gateway/usage"),
        ("GET", "/api/gateway/models"),
        ("POST", "/api/gateway/chat/completions"),
        ("POST", "/api/gateway/responses"),
    ],
)
def test_the_organisation_header_is_checked(gateway: FakeGateway, method: str, path: str) -> None:
    with_organisations(gateway)
    body = {"model": MODEL}
    not_uuid = request(gateway, method, path, org="acme", body=body)
    assert (not_uuid.status_code, not_uuid.json()) == (400, ORG_400)
    stranger = request(gateway, method, path, org=STRANGER, body=body)
    assert (stranger.status_code, stranger.json()) == (403, ORG_403)
    assert request(gateway, method, path, org=SIDE, body=body).status_code == 200


def test_a_wrong_key_is_refused_before_the_organisation(gateway: FakeGateway) -> None:
    response = request(gateway, "GET", "/api/profile", key="eyJ.wrong", org="acme")
    assert response.status_code == 401


def test_without_organisations_every_organisation_is_refused(gateway: FakeGateway) -> None:
    assert request(gateway, "GET", "/api/profile", org=ACME).status_code == 403


def test_the_balance_follows_the_organisation(gateway: FakeGateway) -> None:
    with_organisations(gateway)
    gateway.org_balances = {SIDE: RESPONSES["GET /api/profile/balance 200 (depleted)"]}
    balance = "/api/profile/balance"
    assert request(gateway, "GET", balance).json() == RESPONSES["GET /api/profile/balance 200"]
    assert request(gateway, "GET", balance, org=ACME).json() == {
        "balance": 42.0,
        "isDepleted": False,
    }
    assert request(gateway, "GET", balance, org=SIDE).json() == {"balance": 0, "isDepleted": True}


def test_the_models_list_follows_the_organisation_of_a_key(gateway: FakeGateway) -> None:
    with_organisations(gateway)
    org_list = b'{"data": [{"id": "acme/only", "name": "Acme only"}]}'
    gateway.org_models_bodies = {ACME: org_list}
    models = "/api/gateway/models"
    assert request(gateway, "GET", models, org=ACME).content == org_list
    assert request(gateway, "GET", models, org=SIDE).content == gateway.models_body
    # Public without a key: the header is not looked at.
    assert request(gateway, "GET", models, key=None, org=ACME).content == gateway.models_body
    assert request(gateway, "GET", models, key=None, org="acme").status_code == 200
    assert request(gateway, "GET", models, key="eyJ.wrong", org="acme").status_code == 200


def test_chat_knows_the_models_of_its_organisation(gateway: FakeGateway) -> None:
    with_organisations(gateway)
    gateway.org_models_bodies = {ACME: b'{"data": [{"id": "acme/only"}]}'}
    path = "/api/gateway/chat/completions"
    assert request(gateway, "POST", path, org=ACME, body={"model": "acme/only"}).status_code == 200
    assert request(gateway, "POST", path, org=ACME, body={"model": MODEL}).status_code == 404
    assert request(gateway, "POST", path, body={"model": "acme/only"}).status_code == 404


# Usage


def test_usage_answers_the_example_to_a_key(gateway: FakeGateway) -> None:
    response = request(gateway, "GET", "/api/gateway/usage", key=OTHER_VALID_KEY)
    assert (response.status_code, response.json()) == (200, RESPONSES["GET /api/gateway/usage 200"])
    assert request(gateway, "GET", "/api/gateway/usage", key=None).status_code == 401


def test_usage_can_be_missing_as_on_older_gateways(gateway: FakeGateway) -> None:
    gateway.usage = None
    response = request(gateway, "GET", "/api/gateway/usage")
    assert response.status_code == 404
    assert response.json()["error"] == "Not found"


# Device sign-in


def start(gateway: FakeGateway) -> httpx.Response:
    return request(gateway, "POST", "/api/device-auth/codes", key=None)


def poll_new(gateway: FakeGateway, device_code: str | None = None) -> httpx.Response:
    body = {"deviceCode": device_code or gateway.device_code}
    return request(gateway, "POST", "/api/device-auth/token", key=None, body=body)


def poll_old(gateway: FakeGateway, code: str | None = None) -> httpx.Response:
    return request(gateway, "GET", f"/api/device-auth/codes/{code or gateway.device_user_code}")


def statuses(polls: list[httpx.Response]) -> list[int]:
    return [poll.status_code for poll in polls]


def test_device_sign_in_on_a_newer_gateway(gateway: FakeGateway) -> None:
    started = start(gateway)
    assert (started.status_code, started.json()) == (
        200,
        RESPONSES["POST /api/device-auth/codes 200 (newer gateways)"],
    )
    polls = [poll_new(gateway) for _ in range(4)]
    assert statuses(polls) == [202, 202, 200, 410]
    assert polls[0].json() == {"status": "pending"}
    assert polls[2].json() == {
        **RESPONSES["GET /api/device-auth/codes/{code} 200"],
        "token": VALID_KEY,
    }
    assert polls[3].json() == {"status": "expired"}
    assert gateway.device_polls == 4
    # The legacy poll still works on newer gateways.
    start(gateway)
    gateway.device_pending_polls = 0
    assert statuses([poll_old(gateway)]) == [200]


def test_device_sign_in_on_an_older_gateway(gateway: FakeGateway) -> None:
    gateway.device_style = "old"
    gateway.device_user_code = "WXYZ-2345"
    gateway.device_verification_url = "https://app.kilo.ai/device-auth?code=WXYZ-2345"
    gateway.device_expires_in = 30
    gateway.device_token = OTHER_VALID_KEY
    assert start(gateway).json() == {
        "code": "WXYZ-2345",
        "verificationUrl": "https://app.kilo.ai/device-auth?code=WXYZ-2345",
        "expiresIn": 30,
    }
    assert poll_new(gateway).status_code == 404
    polls = [poll_old(gateway) for _ in range(4)]
    assert statuses(polls) == [202, 202, 200, 410]
    assert polls[2].json()["token"] == OTHER_VALID_KEY
    assert polls[2].json()["userEmail"] == "dev@example.com"


@pytest.mark.parametrize(
    ("outcome", "status", "body"),
    [("denied", 403, {"status": "denied"}), ("expired", 410, {"status": "expired"})],
)
def test_device_sign_in_denied_or_expired(
    gateway: FakeGateway, outcome: str, status: int, body: dict[str, str]
) -> None:
    gateway.device_outcome = outcome  # type: ignore[assignment]
    gateway.device_pending_polls = 1
    start(gateway)
    polls = [poll_new(gateway), poll_new(gateway), poll_old(gateway)]
    assert statuses(polls) == [202, status, status]
    assert polls[1].json() == body


def test_device_polls_for_unknown_codes(gateway: FakeGateway) -> None:
    assert poll_new(gateway).status_code == 410  # nothing started yet
    start(gateway)
    assert poll_old(gateway, "ZZZZ-ZZZZ").json() == {"status": "expired"}
    assert poll_new(gateway, "not-the-device-code").status_code == 400
    bad_body = request(gateway, "POST", "/api/device-auth/token", key=None, body={})
    assert (bad_body.status_code, bad_body.json()) == (400, {"error": "Invalid request body"})
    assert gateway.device_polls == 2


@pytest.mark.parametrize("status", [429, 503])
def test_device_start_can_be_refused(gateway: FakeGateway, status: int) -> None:
    gateway.device_start_status = status
    response = start(gateway)
    assert response.status_code == status
    assert "error" in response.json()
    if status == 429:
        assert response.json() == {"error": "Too many pending authorization requests"}
    assert poll_new(gateway).status_code == 410


# Reset


def test_reset_restores_every_setting(gateway: FakeGateway) -> None:
    fresh = vars(gateway).copy()
    with_organisations(gateway)
    gateway.has_personal_account = False
    gateway.org_balances = {ACME: {"balance": 1}}
    gateway.org_models_bodies = {ACME: b"{}"}
    gateway.extra_model_ids = {"x"}
    gateway.chat_reply = "no"
    gateway.chat_mid_stream_error = True
    gateway.usage = None
    gateway.device_style = "old"
    gateway.device_start_status = 429
    gateway.device_outcome = "denied"
    gateway.device_pending_polls = 0
    gateway.device_token = "t"
    start(gateway)
    gateway.device_start_status = 200
    start(gateway)
    poll_old(gateway)
    gateway.reset()
    assert vars(gateway) == fresh


# The real OpenAI SDK


def test_the_openai_sdk_accepts_the_answers(gateway: FakeGateway) -> None:
    openai = pytest.importorskip("openai")
    client = openai.OpenAI(base_url=gateway.base_url, api_key=VALID_KEY, max_retries=0)
    messages = [{"role": "user", "content": "hi"}]

    completion = client.chat.completions.create(model=MODEL, messages=messages, max_tokens=1)
    assert (completion.model, completion.choices[0].message.content) == (MODEL, "ok")
    assert completion.usage is not None
    assert completion.usage.total_tokens == 13

    stream = client.chat.completions.create(
        model="kilo-auto/balanced",
        messages=messages,
        stream=True,
        stream_options={"include_usage": True},
    )
    streamed = list(stream)
    assert "".join(c.choices[0].delta.content or "" for c in streamed if c.choices) == "ok"
    assert streamed[-1].choices == []
    assert streamed[-1].usage is not None
    assert streamed[-1].usage.completion_tokens == 1

    response = client.responses.create(model=MODEL, input="hi")
    assert (response.model, response.output_text) == (MODEL, "ok")

    events = list(client.responses.create(model=MODEL, input="hi", stream=True))
    assert events[-1].type == "response.completed"
    assert events[-1].response.output_text == "ok"
    with client.responses.stream(model=MODEL, input="hi") as helper:
        assert helper.get_final_response().output_text == "ok"

    gateway.chat_mid_stream_error = True
    broken = client.chat.completions.create(model=MODEL, messages=messages, stream=True)
    with pytest.raises(openai.APIError, match="Upstream provider error"):
        list(broken)

    assert {seen.header("authorization") for seen in gateway.requests} == {f"Bearer {VALID_KEY}"}
    assert gateway.paths_requested()[:3] == [
        "/api/gateway/chat/completions",
        "/api/gateway/chat/completions",
        "/api/gateway/responses",
    ]
