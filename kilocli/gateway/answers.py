"""The gateway's answers other than the catalog, read through lenient pydantic models (SPEC §9).

Like the catalog's rows (:mod:`kilocli.catalog.parse`), every field is lenient on its own: a
field that is missing or of the wrong type is None (or empty), never a crash or a wrong guess;
only an answer that is not a JSON object at all is "an answer kilocli does not understand".
Unknown fields are ignored.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    OnErrorOmit,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    ValidatorFunctionWrapHandler,
    WrapValidator,
)

from kilocli.catalog.parse import lenient  # one rule for every answer of the gateway
from kilocli.gateway.http import MalformedAnswer, parse_json


def _finite(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    number = handler(value)
    if not math.isfinite(number):
        raise ValueError("not a finite number")
    return float(number)


Text = Annotated[StrictStr | None, lenient(None)]
Flag = Annotated[StrictBool | None, lenient(None)]
Number = Annotated[Annotated[StrictInt | StrictFloat, WrapValidator(_finite)] | None, lenient(None)]
Count = Annotated[StrictInt | None, lenient(None)]


class GatewayAnswer(BaseModel):
    """A lenient answer: unknown fields ignored, every known one optional."""

    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)


Answer = TypeVar("Answer", bound=GatewayAnswer)


def read_answer(shape: type[Answer], content: bytes) -> Answer | None:
    """``content`` read as ``shape``; None when it is not a JSON object (or not JSON at all),
    the one shape kilocli cannot read anything from."""
    try:
        payload = parse_json(content)
    except MalformedAnswer:
        return None
    return shape.model_validate(payload) if isinstance(payload, dict) else None


class GatewayDefaults(GatewayAnswer):
    """``GET <origin>/api/defaults``: the model the gateway wants as the default."""

    default_model: Text = Field(default=None, alias="defaultModel")
    default_free_model: Text = Field(default=None, alias="defaultFreeModel")


class ErrorDetail(GatewayAnswer):
    """The object form of ``error``: ``{"code", "message"}`` (402 adds ``title`` and
    ``buyCreditsUrl``)."""

    code: Annotated[StrictStr | StrictInt | None, lenient(None)] = None
    message: Text = None
    title: Text = None
    buy_credits_url: Text = Field(default=None, alias="buyCreditsUrl")


class ErrorAnswer(GatewayAnswer):
    """An error answer, in either of the gateway's shapes: ``{"error": "text", "message"}`` or
    ``{"error": {"code", "message"}}``."""

    error: Annotated[ErrorDetail | StrictStr | None, lenient(None)] = None
    message: Text = None
    error_type: Text = None

    @property
    def code(self) -> str | None:
        """The gateway's own error code (``PAID_MODEL_AUTH_REQUIRED`` …), when it sent one."""
        if isinstance(self.error, ErrorDetail) and isinstance(self.error.code, str):
            return self.error.code
        return None


class OrganizationRow(GatewayAnswer):
    """One of ``/api/profile``'s ``organizations``."""

    id: Text = None
    name: Text = None
    role: Text = None


class ProfileUser(GatewayAnswer):
    email: Text = None


class KeyDetails(GatewayAnswer):
    """OpenRouter's ``GET /key`` ``data`` (its ``label`` shows part of the key: never read)."""

    usage: Number = None
    limit: Number = None
    limit_remaining: Number = None
    is_free_tier: Flag = None


class ProfileAnswer(GatewayAnswer):
    """``GET <origin>/api/profile`` (and OpenRouter's ``GET <base>key``)."""

    user: Annotated[ProfileUser | None, lenient(None)] = None
    organizations: Annotated[list[OnErrorOmit[OrganizationRow]], lenient([])] = []
    has_personal_account: Flag = Field(default=None, alias="hasPersonalAccount")
    selected_organization_id: Text = Field(default=None, alias="selectedOrganizationId")
    data: Annotated[KeyDetails | None, lenient(None)] = None


class BalanceAnswer(GatewayAnswer):
    """``GET <origin>/api/profile/balance``."""

    balance: Number = None
    is_depleted: Flag = Field(default=None, alias="isDepleted")


class UsageLimitRow(GatewayAnswer):
    period: Text = None
    used: Number = None
    limit: Number = None
    reset_at: Text = None


class UsageAnswer(GatewayAnswer):
    """``GET <origin>/api/gateway/usage`` (newer gateways)."""

    limits: Annotated[list[OnErrorOmit[UsageLimitRow]], lenient([])] = []
    plan: Text = None


class DeviceStartAnswer(GatewayAnswer):
    """``POST <origin>/api/device-auth/codes``."""

    code: Text = None
    verification_url: Text = Field(default=None, alias="verificationUrl")
    expires_in: Number = Field(default=None, alias="expiresIn")
    device_code: Text = None


class DevicePollAnswer(GatewayAnswer):
    """A poll of a device sign-in: ``{"status": "approved", "token", "userEmail"}``."""

    status: Text = None
    token: Text = None
    user_email: Text = Field(default=None, alias="userEmail")


class TokenUsage(GatewayAnswer):
    prompt_tokens: Count = None
    completion_tokens: Count = None
    total_tokens: Count = None


class CompletionChunk(GatewayAnswer):
    """One chunk of the probe's stream (or the whole answer when it does not stream)."""

    model: Text = None
    usage: Annotated[TokenUsage | None, lenient(None)] = None
    error: Any = None
