"""Asking the gateway whether it accepts a key, through httpx.MockTransport."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from kilocli.gateway.http import GatewayClient
from kilocli.gateway.problems import GatewayProblem
from kilocli.gateway.verify import Organization, Verification, verify_key
from kilocli.providers.registry import Provider, get_provider

RESPONSES: dict[str, Any] = json.loads(
    (Path(__file__).parents[1] / "data" / "gateway-responses.json").read_text(encoding="utf-8")
)
KILO = get_provider("kilocode")
OPENROUTER = get_provider("openrouter")
KEY = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnQk0s"
KILO_BASE = "https://api.kilo.ai/api/gateway/"


class Gateway:
    """Scripted answers, one per request (the last one repeats), and the requests seen."""

    def __init__(self, *answers: httpx.Response | Exception) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers[min(len(self.requests), len(self.answers)) - 1]
        if isinstance(answer, Exception):
            raise answer
        return answer


def answer(status: int, payload: Any = None, **kwargs: Any) -> httpx.Response:
    if payload is None:
        return httpx.Response(status, **kwargs)
    return httpx.Response(status, json=payload, **kwargs)


@pytest.fixture
def sleeps() -> list[float]:
    """Every pause the client takes, recorded by the fake ``sleep`` that :func:`verify` injects
    (nothing waits)."""
    return SLEEPS


SLEEPS: list[float] = []


@pytest.fixture(autouse=True)
def _no_sleeps_yet() -> None:
    SLEEPS.clear()


def verify(
    gateway: Gateway, provider: Provider = KILO, base_url: str = KILO_BASE, key: str = KEY
) -> Verification:
    http = httpx.Client(transport=httpx.MockTransport(gateway))
    with GatewayClient(http, sleep=SLEEPS.append) as client:
        return verify_key(client, provider, base_url, key)


TEAM_ID = "3f1c2d4e-5b6a-4c7d-8e9f-0a1b2c3d4e5f"


def profile_with_team_id(team_id: str) -> dict[str, Any]:
    """The example profile answer, whose organisation id is abbreviated ("3f1c…"), with
    ``team_id`` in its place."""
    payload = json.loads(json.dumps(RESPONSES["GET /api/profile 200"]))
    payload["organizations"][0]["id"] = team_id
    return payload


def test_accepted_key_gives_the_account() -> None:
    gateway = Gateway(answer(200, profile_with_team_id(TEAM_ID)))
    assert verify(gateway) == Verification(
        "verified",
        "person@example.com",
        "person@example.com",
        ("Team",),
        organization_list=(Organization(TEAM_ID, "Team", "member"),),
    )


@pytest.mark.parametrize(
    "bad_id",
    ["3f1c…", "team\x00id", "team id", "team/id", "team\nid", "x" * 129],
    ids=["non-ASCII", "NUL", "space", "slash", "newline", "too long"],
)
def test_an_organisation_id_that_cannot_be_sent_is_skipped_and_counted(bad_id: str) -> None:
    """SPEC §13: an id from the gateway that no header, file name or terminal should carry is
    skipped (the caller warns), never listed or chosen."""
    payload = profile_with_team_id(bad_id)
    payload["selectedOrganizationId"] = bad_id
    got = verify(Gateway(answer(200, payload)))
    assert (got.outcome, got.organization_list, got.skipped_organizations) == ("verified", (), 1)
    assert got.selected_organization_id is None


def test_accepted_key_without_an_email() -> None:
    gateway = Gateway(answer(200, {"user": {"id": "u1"}, "organizations": None}))
    assert verify(gateway) == Verification("verified", "key accepted", None, ())


def test_openrouter_key_is_accepted() -> None:
    gateway = Gateway(answer(200, RESPONSES["GET https://openrouter.ai/api/v1/key 200"]))
    result = verify(gateway, OPENROUTER, "https://openrouter.ai/api/v1/", "sk-or-v1-abcdef")
    # The key info, but never its "label": OpenRouter's label shows part of the key.
    assert result == Verification(
        "verified",
        "key accepted",
        details=(
            ("Usage", "$25.50"),
            ("Limit", "$100.00"),
            ("Remaining", "$74.50"),
            ("Free tier", "no"),
        ),
    )


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("GET /api/profile 401 (no header)", "Unauthorized - authentication required"),
        ("GET /api/profile 401 (bad key)", "Invalid token (6a0e…)"),
        ("POST /api/gateway/chat/completions 401", "Invalid token (INVALID_TOKEN)"),
    ],
)
def test_rejected_key_in_both_shapes(name: str, message: str) -> None:
    gateway = Gateway(answer(401, RESPONSES[name]))
    assert verify(gateway) == Verification(
        "rejected",
        f"Kilo Gateway rejected this key (HTTP 401: {message})",
        problem=GatewayProblem(401, "rejected", message),
    )


def test_forbidden_is_a_rejection() -> None:
    result = verify(Gateway(answer(403, {"error": "Forbidden"})))
    assert (result.outcome, result.detail) == (
        "rejected",
        "Kilo Gateway rejected this key (HTTP 403: Forbidden)",
    )


def test_unavailable_gateway_leaves_the_key_unverified() -> None:
    gateway = Gateway(answer(503, {"error": "Service Unavailable"}))
    assert verify(gateway) == Verification(
        "unverified",
        "Kilo Gateway is unavailable (HTTP 503: Service Unavailable)",
        problem=GatewayProblem(503, "unavailable", "Service Unavailable"),
    )
    assert len(gateway.requests) == 1


def test_no_credits_leaves_the_key_unverified() -> None:
    gateway = Gateway(answer(402, RESPONSES["POST /api/gateway/chat/completions 402"]))
    result = verify(gateway)
    assert result.outcome == "unverified"
    assert result.problem is not None
    assert result.problem.top_up_url == "https://app.kilo.ai/profile"


def test_rate_limit_with_retry_after_zero_is_retried_once(sleeps: list[float]) -> None:
    gateway = Gateway(
        answer(429, {"error": "Too many requests"}, headers={"Retry-After": "0"}),
        answer(200, RESPONSES["GET /api/profile 200"]),
    )
    result = verify(gateway)
    assert result.outcome == "verified"
    assert result.email == "person@example.com"
    assert len(gateway.requests) == 2
    assert sleeps == [0.0]


def test_rate_limit_is_retried_only_once(sleeps: list[float]) -> None:
    gateway = Gateway(answer(429, {"error": "Too many requests"}, headers={"Retry-After": "1"}))
    result = verify(gateway)
    assert (result.outcome, result.detail) == (
        "unverified",
        "Kilo Gateway rate limited the request (HTTP 429: Too many requests)",
    )
    assert len(gateway.requests) == 2
    assert sleeps == [1.0]


@pytest.mark.parametrize("retry_after", ["120", "-1", "soon", "Wed, 21 Oct 2015 07:28:00 GMT"])
def test_rate_limit_with_a_long_or_odd_retry_after_is_not_waited_for(
    sleeps: list[float], retry_after: str
) -> None:
    gateway = Gateway(
        answer(429, {"error": "Too many requests"}, headers={"Retry-After": retry_after}),
        answer(200, RESPONSES["GET /api/profile 200"]),
    )
    result = verify(gateway)
    assert result.outcome == "unverified"
    assert result.problem == GatewayProblem(429, "rate_limited", "Too many requests")
    assert len(gateway.requests) == 1
    assert sleeps == []


@pytest.mark.parametrize(
    ("content", "detail"),
    [
        (b"<html>hello</html>", "Kilo Gateway sent an answer that is not JSON"),
        (b"", "Kilo Gateway sent an answer that is not JSON"),
        (b"[1, 2]", "Kilo Gateway sent an answer kilocli does not understand (HTTP 200)"),
        (b'"ok"', "Kilo Gateway sent an answer kilocli does not understand (HTTP 200)"),
    ],
)
def test_unreadable_200_leaves_the_key_unverified(content: bytes, detail: str) -> None:
    assert verify(Gateway(httpx.Response(200, content=content))) == Verification(
        "unverified", detail
    )


def test_connection_failure_leaves_the_key_unverified() -> None:
    gateway = Gateway(httpx.ConnectError("[Errno 111] Connection refused"))
    assert verify(gateway) == Verification(
        "unverified",
        "could not reach https://api.kilo.ai/api/profile "
        "(ConnectError: [Errno 111] Connection refused)",
    )


def test_timeout_leaves_the_key_unverified() -> None:
    gateway = Gateway(httpx.ReadTimeout("timed out"))
    assert verify(gateway) == Verification("unverified", "Kilo Gateway did not answer within 5 s")


def test_connect_timeout_leaves_the_key_unverified() -> None:
    gateway = Gateway(httpx.ConnectTimeout("timed out"))
    assert verify(gateway).outcome == "unverified"


@pytest.mark.parametrize(
    ("provider", "base_url", "url"),
    [
        (KILO, KILO_BASE, "https://api.kilo.ai/api/profile"),
        (KILO, "http://127.0.0.1:8123/api/gateway", "http://127.0.0.1:8123/api/profile"),
        (OPENROUTER, "https://openrouter.ai/api/v1/", "https://openrouter.ai/api/v1/key"),
    ],
)
def test_request_goes_to_the_verify_endpoint_with_a_bearer_key(
    provider: Provider, base_url: str, url: str
) -> None:
    gateway = Gateway(answer(200, {}))
    verify(gateway, provider, base_url)
    [request] = gateway.requests
    assert (request.method, str(request.url)) == ("GET", url)
    assert request.headers["Authorization"] == f"Bearer {KEY}"


ECHOES = [
    pytest.param(answer(401, {"error": f"Invalid token {KEY}"}), id="401-string-shape"),
    pytest.param(
        answer(401, {"error": {"code": KEY, "message": f"bad key {KEY}"}}), id="401-object-shape"
    ),
    pytest.param(answer(503, {"error": "down", "message": KEY}), id="503"),
    pytest.param(answer(429, {"error": KEY}, headers={"Retry-After": "60"}), id="429-not-retried"),
    pytest.param(answer(404, {"error": "no such key", "message": KEY}), id="404"),
    pytest.param(
        answer(200, {"user": {"email": KEY}, "organizations": [{"name": KEY}]}),
        id="200-profile",
    ),
    pytest.param(httpx.ConnectError(f"refused for {KEY}"), id="connect-error"),
    pytest.param(httpx.ReadError(KEY), id="read-error"),
]


@pytest.mark.parametrize("echo", ECHOES)
def test_key_never_appears_in_the_result(echo: httpx.Response | Exception) -> None:
    result = verify(Gateway(echo))
    shown = f"{result.detail} {result!r} {result.email} {result.organizations}"
    assert "eyJh…Qk0s" in shown
    # not the key, nor any 8 characters of it in a row
    assert not any(KEY[i : i + 8] in shown for i in range(len(KEY) - 7))
