"""Reading the gateway's error answers in both of its shapes (SPEC §9)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kilocli.gateway.problems import GatewayProblem, classify

RESPONSES: dict[str, Any] = json.loads(
    (Path(__file__).parent / "data" / "gateway-responses.json").read_text(encoding="utf-8")
)
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnQk0s"


def body(name: str) -> bytes:
    return json.dumps(RESPONSES[name]).encode()


@pytest.mark.parametrize(
    ("status", "name", "expected"),
    [
        (
            401,
            "GET /api/profile 401 (no header)",
            GatewayProblem(401, "rejected", "Unauthorized - authentication required"),
        ),
        (
            401,
            "GET /api/profile 401 (bad key)",
            GatewayProblem(401, "rejected", "Invalid token (6a0e…)"),
        ),
        (
            500,
            "GET /api/gateway/models 500",
            GatewayProblem(500, "unavailable", "Failed to fetch models: Error from OpenRouter API"),
        ),
        (
            401,
            "POST /api/gateway/chat/completions 401",
            GatewayProblem(401, "rejected", "Invalid token (INVALID_TOKEN)"),
        ),
        (
            402,
            "POST /api/gateway/chat/completions 402",
            GatewayProblem(
                402,
                "no_credits",
                "Low credit warning!: Add credits to continue, or switch to a free model",
                top_up_url="https://app.kilo.ai/profile",
            ),
        ),
        (
            404,
            "POST /api/gateway/chat/completions 404",
            GatewayProblem(
                404, "unexpected", "Model not found: The requested model could not be found."
            ),
        ),
        (
            429,
            "POST /api/gateway/chat/completions 429 (upstream, OpenRouter shape)",
            GatewayProblem(429, "rate_limited", "Rate limit exceeded"),
        ),
    ],
)
def test_recorded_error_bodies(status: int, name: str, expected: GatewayProblem) -> None:
    assert classify(status, body(name)) == expected


def test_402_with_another_top_up_url() -> None:
    payload = {"error": {"title": "No credits", "buyCreditsUrl": "https://example.com/buy"}}
    assert classify(402, json.dumps(payload).encode()) == GatewayProblem(
        402, "no_credits", "No credits", top_up_url="https://example.com/buy"
    )


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (401, "rejected"),
        (403, "rejected"),
        (402, "no_credits"),
        (429, "rate_limited"),
        (500, "unavailable"),
        (502, "unavailable"),
        (503, "unavailable"),
        (504, "unavailable"),
        (599, "unavailable"),
        (400, "unexpected"),
        (404, "unexpected"),
        (409, "unexpected"),
        (418, "unexpected"),
        (301, "unexpected"),
    ],
)
def test_status_decides_the_kind(status: int, kind: str) -> None:
    problem = classify(status, b'{"error": "x"}')
    assert (problem.status, problem.kind, problem.message) == (status, kind, "x")


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"error": "Bad"}, "Bad"),
        ({"error": "Bad", "message": "worse"}, "Bad: worse"),
        ({"message": "only a message"}, "only a message"),
        ({"error": "", "message": "after empty"}, "after empty"),
        ({"error": 7, "message": "number error"}, "number error"),
        ({"error": {"code": "E1"}}, "E1"),
        ({"error": {"message": "m", "code": 429}}, "m"),
        ({"error": {"title": "T", "message": "M", "code": "C"}}, "T: M (C)"),
        ({"error": {}}, ""),
        ({"error": None}, ""),
        ({"success": False}, ""),
    ],
)
def test_both_shapes_and_their_partial_forms(payload: dict[str, Any], message: str) -> None:
    assert classify(400, json.dumps(payload).encode()) == GatewayProblem(400, "unexpected", message)


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"<html><body>502 Bad Gateway</body></html>",
        b"{not json",
        b"\xff\xfe\x00garbage",
        b"[]",
        b'["error"]',
        b'"error"',
        b"null",
        b"42",
        b"true",
    ],
)
def test_non_json_and_non_object_bodies_give_no_message(raw: bytes) -> None:
    assert classify(503, raw) == GatewayProblem(503, "unavailable", "")


def test_secret_is_replaced_by_its_preview() -> None:
    payload = {"error": f"Invalid token {JWT}", "message": f"key={JWT}"}
    problem = classify(401, json.dumps(payload).encode(), secrets=(JWT,))
    assert problem.message == "Invalid token eyJh…Qk0s: key=eyJh…Qk0s"


def test_secret_in_the_object_shape_is_replaced() -> None:
    payload = {"error": {"code": JWT, "message": f"bad {JWT}"}}
    problem = classify(401, json.dumps(payload).encode(), secrets=(JWT,))
    assert problem.message == "bad eyJh…Qk0s (eyJh…Qk0s)"


def test_secret_is_scrubbed_before_truncation() -> None:
    payload = {"error": "x" * 190 + JWT}
    problem = classify(401, json.dumps(payload).encode(), secrets=(JWT,))
    assert problem.message == "x" * 190 + "eyJh…Qk0s"
    assert "c2lnQk0s" not in problem.message


def test_control_characters_do_not_reach_the_terminal() -> None:
    payload = {"error": "Bad\x1b[31m token\r\nsecond line\x07\u2028end\t"}
    problem = classify(401, json.dumps(payload).encode())
    assert problem.message == "Bad [31m token  second line  end"


def test_long_messages_are_truncated() -> None:
    payload = {"error": "A" * 150, "message": "B" * 150}
    problem = classify(500, json.dumps(payload).encode())
    assert problem.message == "A" * 150 + ": " + "B" * 47 + "…"
    assert len(problem.message) == 200


def test_a_message_of_exactly_200_characters_is_kept() -> None:
    problem = classify(500, json.dumps({"error": "C" * 200}).encode())
    assert problem.message == "C" * 200


@pytest.mark.parametrize(
    ("problem", "sentence"),
    [
        (
            GatewayProblem(401, "rejected", "Invalid token"),
            "Kilo Gateway rejected this key (HTTP 401: Invalid token)",
        ),
        (
            GatewayProblem(402, "no_credits", "Low credit warning!"),
            "Kilo Gateway says there are no credits left (HTTP 402: Low credit warning!)",
        ),
        (
            GatewayProblem(429, "rate_limited", ""),
            "Kilo Gateway rate limited the request (HTTP 429)",
        ),
        (GatewayProblem(503, "unavailable", ""), "Kilo Gateway is unavailable (HTTP 503)"),
        (
            GatewayProblem(404, "unexpected", "Model not found"),
            "Kilo Gateway answered with an error (HTTP 404: Model not found)",
        ),
    ],
)
def test_describe(problem: GatewayProblem, sentence: str) -> None:
    assert problem.describe("Kilo Gateway") == sentence
