"""The gateway's answers other than the catalog are read through lenient pydantic models
(SPEC §9): a field of the wrong type is missing, never a crash or a wrong guess."""

from __future__ import annotations

import pytest

from kilocli.gateway.answers import (
    BalanceAnswer,
    CompletionChunk,
    DevicePollAnswer,
    DeviceStartAnswer,
    ErrorAnswer,
    GatewayDefaults,
    ProfileAnswer,
    UsageAnswer,
    read_answer,
)


def test_a_profile_of_odd_fields_keeps_what_it_can() -> None:
    answer = ProfileAnswer.model_validate(
        {
            "user": "not an object",
            "organizations": [
                {"id": "a", "name": "A"},
                "not an object",
                {"id": 5, "name": ["x"]},
                {"id": "b", "name": "B", "role": True},
            ],
            "hasPersonalAccount": "yes",
            "selectedOrganizationId": 7,
        }
    )
    assert answer.user is None
    assert [(o.id, o.name, o.role) for o in answer.organizations] == [
        ("a", "A", None),
        (None, None, None),
        ("b", "B", None),
    ]
    assert (answer.has_personal_account, answer.selected_organization_id) == (None, None)


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"balance": 12.5, "isDepleted": False}, (12.5, False)),
        ({"balance": "12", "isDepleted": "no"}, (None, None)),
        ({"balance": True}, (None, None)),
        ({"balance": float("inf")}, (None, None)),
        ({}, (None, None)),
    ],
)
def test_a_balance_is_a_finite_number_or_missing(
    payload: dict[str, object], expected: tuple[object, object]
) -> None:
    answer = BalanceAnswer.model_validate(payload)
    assert (answer.balance, answer.is_depleted) == expected


def test_usage_limits_of_the_wrong_shape_are_left_out() -> None:
    answer = UsageAnswer.model_validate(
        {"limits": [{"period": "day", "used": 1, "limit": "x"}, 3], "plan": ["pro"]}
    )
    assert [(row.period, row.used, row.limit) for row in answer.limits] == [("day", 1.0, None)]
    assert answer.plan is None
    assert UsageAnswer.model_validate({"limits": "all"}).limits == []


def test_device_answers() -> None:
    start = DeviceStartAnswer.model_validate(
        {"code": "AB", "verificationUrl": 5, "expiresIn": "600", "device_code": None}
    )
    assert (start.code, start.verification_url, start.expires_in) == ("AB", None, None)
    poll = DevicePollAnswer.model_validate({"status": "approved", "token": 12, "userEmail": {}})
    assert (poll.status, poll.token, poll.user_email) == ("approved", None, None)


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        (
            b'{"error": {"code": "PAID_MODEL_AUTH_REQUIRED", "message": "m"}}',
            "PAID_MODEL_AUTH_REQUIRED",
            "m",
        ),
        (b'{"error": {"code": 502, "message": 7}}', None, None),
        (b'{"error": "Down", "message": "later"}', None, "later"),
        (b'{"error": ["x"]}', None, None),
    ],
)
def test_errors_in_both_shapes(body: bytes, code: str | None, message: str | None) -> None:
    answer = read_answer(ErrorAnswer, body)
    assert answer is not None
    assert answer.code == code
    inner = answer.error.message if answer.error and not isinstance(answer.error, str) else None
    assert (inner or answer.message) == message


@pytest.mark.parametrize("body", [b"[]", b'"x"', b"not json", b"", b"[[[[[[[["])
def test_an_answer_that_is_not_an_object_is_not_understood(body: bytes) -> None:
    assert read_answer(GatewayDefaults, body) is None


def test_a_stream_chunk_with_odd_fields() -> None:
    chunk = CompletionChunk.model_validate(
        {"model": ["m"], "usage": {"prompt_tokens": "12", "completion_tokens": 1}}
    )
    assert chunk.model is None
    assert chunk.usage is not None
    assert (chunk.usage.prompt_tokens, chunk.usage.completion_tokens) == (None, 1)
