"""The fake gateway's Anthropic Messages API (``<base>v1/messages``, SPEC §11): the real Anthropic
SDK reads its JSON answers and its event stream, and it refuses as the chat paths do."""

from __future__ import annotations

import json

import anthropic
import httpx
import pytest

from tests.fakes import ORG_HEADER, VALID_KEY, FakeGateway

ACME = "11111111-2222-4333-8444-555555555555"
MODEL = "kilo-auto/balanced"
HI = [{"role": "user", "content": "hi"}]


def client(
    gateway: FakeGateway, key: str = VALID_KEY, org: str | None = None
) -> anthropic.Anthropic:
    """The Anthropic SDK as Claude Code is set up: the key as a Bearer token, the gateway's base
    URL without the trailing slash."""
    headers = {ORG_HEADER: org} if org else None
    return anthropic.Anthropic(
        base_url=gateway.base_url.rstrip("/"),
        auth_token=key,
        api_key=None,
        default_headers=headers,
        max_retries=0,
    )


def test_a_message_is_answered_as_json(gateway: FakeGateway) -> None:
    gateway.chat_reply = "hello there"
    message = client(gateway).messages.create(model=MODEL, max_tokens=16, messages=HI)
    assert message.model == MODEL
    assert [block.type for block in message.content] == ["text"]
    assert message.content[0].text == "hello there"
    assert message.stop_reason == "end_turn"
    assert (message.usage.input_tokens, message.usage.output_tokens) == (12, 1)


def test_a_streamed_message_sends_anthropics_events(gateway: FakeGateway) -> None:
    gateway.chat_reply = "streamed"
    with client(gateway).messages.stream(model=MODEL, max_tokens=16, messages=HI) as stream:
        events = [event.type for event in stream]
        final = stream.get_final_message()
    assert final.content[0].text == "streamed"
    assert final.stop_reason == "end_turn"
    assert final.usage.output_tokens == 1
    for wanted in (
        "message_start",
        "content_block_start",
        "content_block_delta",
        "content_block_stop",
        "message_delta",
        "message_stop",
    ):
        assert wanted in events


def test_the_stream_is_framed_event_by_event(gateway: FakeGateway) -> None:
    response = httpx.post(
        f"{gateway.base_url}v1/messages",
        headers={"Authorization": f"Bearer {VALID_KEY}"},
        json={"model": MODEL, "max_tokens": 16, "messages": HI, "stream": True},
    )
    assert response.headers["content-type"] == "text/event-stream"
    frames = response.text.removesuffix("\n\n").split("\n\n")
    names = [frame.split("\n")[0].removeprefix("event: ") for frame in frames]
    assert names == [
        "message_start",
        "ping",
        "content_block_start",
        "content_block_delta",
        "content_block_stop",
        "message_delta",
        "message_stop",
    ]
    for name, frame in zip(names, frames, strict=True):
        assert json.loads(frame.split("\n")[1].removeprefix("data: "))["type"] == name


def test_the_request_is_recorded_with_its_headers_and_body(gateway: FakeGateway) -> None:
    gateway.organizations = [{"id": ACME, "name": "Acme", "role": "member"}]
    client(gateway, org=ACME).messages.create(model=MODEL, max_tokens=16, messages=HI)
    (seen,) = gateway.requests
    assert (seen.method, seen.path) == ("POST", "/api/gateway/v1/messages")
    assert seen.header("authorization") == f"Bearer {VALID_KEY}"
    assert seen.header(ORG_HEADER) == ACME
    assert seen.json() == {"model": MODEL, "max_tokens": 16, "messages": HI}


def test_a_wrong_key_is_refused(gateway: FakeGateway) -> None:
    with pytest.raises(anthropic.AuthenticationError):
        client(gateway, key="not-a-key").messages.create(model=MODEL, max_tokens=1, messages=HI)


def test_an_unknown_model_is_not_found(gateway: FakeGateway) -> None:
    with pytest.raises(anthropic.NotFoundError):
        client(gateway).messages.create(model="no/such-model", max_tokens=1, messages=HI)


def test_an_organisation_the_account_is_not_in_is_forbidden(gateway: FakeGateway) -> None:
    with pytest.raises(anthropic.PermissionDeniedError):
        client(gateway, org=ACME).messages.create(model=MODEL, max_tokens=1, messages=HI)
