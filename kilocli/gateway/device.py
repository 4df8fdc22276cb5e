"""Kilo's device sign-in ("Sign in with Kilo", SPEC §13), the HTTP side.

``POST <origin>/api/device-auth/codes`` starts it. Newer gateways answer with a secret
``device_code`` and are polled with ``POST <origin>/api/device-auth/token {"deviceCode"}``;
older ones with ``GET <origin>/api/device-auth/codes/<code>``. Both answer 202 (pending),
200 (approved, with the token), 403 (denied) or 410 (expired, or used already).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import quote

from kilocli.errors import GatewayUnreachable, KilocliError, NotAuthenticated
from kilocli.gateway.answers import DevicePollAnswer, DeviceStartAnswer
from kilocli.gateway.http import AnswerTooLarge, GatewayClient, MalformedAnswer, parse_json
from kilocli.gateway.problems import account_text, sanitise_text


class SignInFailed(KilocliError):
    """The sign-in could not start (too many pending sign-ins: exit 1)."""


class SignInRefused(NotAuthenticated):
    """The sign-in was denied in the browser, or expired (exit 3); ``outcome`` says which
    (None when the token it gave cannot be used)."""

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        outcome: Literal["denied", "expired"] | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.outcome = outcome


@dataclass(frozen=True)
class DeviceStart:
    """A started sign-in: the code the person confirms at ``verification_url``."""

    code: str
    verification_url: str
    expires_in: float
    device_code: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Approved:
    """The sign-in was approved: a long-lived key, and the account's email when given."""

    token: str = field(repr=False)
    email: str | None


Poll = Approved | Literal["pending"]


def start_sign_in(client: GatewayClient, origin: str) -> DeviceStart:
    """Ask for a code.

    Raises:
        SignInFailed: too many sign-ins are pending (429).
        GatewayUnreachable: no answer, an error status, or an answer of the wrong shape.
    """
    url = f"{origin}/api/device-auth/codes"
    answer = _send(client, "POST", url, b"", retry=False)  # 429: too many pending, not "wait"
    if answer[0] == 429:
        raise SignInFailed(
            "Kilo Gateway refused to start another sign-in: too many are pending.",
            hint="Finish (or wait out) the sign-in already open, then run again: "
            "kilocli auth login kilocode --device",
        )
    if answer[0] != 200:
        raise GatewayUnreachable(
            f"Kilo Gateway could not start the sign-in (HTTP {answer[0]}).",
            hint="Try again in a few minutes, or use an API key: kilocli auth login kilocode",
        )
    body = DeviceStartAnswer.model_validate(answer[1])
    code, url_text, expires = body.code, body.verification_url, body.expires_in
    if not code or url_text is None or expires is None or not 0 < expires <= 24 * 3600:
        raise _odd_answer()
    return DeviceStart(
        code=account_text(code),
        verification_url=account_text(url_text, ()),
        expires_in=expires,
        device_code=body.device_code or None,
    )


def poll(client: GatewayClient, origin: str, start: DeviceStart) -> Poll:
    """Ask once whether the sign-in was approved.

    Raises:
        SignInRefused: denied (403) or expired (410).
        GatewayUnreachable: no answer, or an answer of the wrong shape.
    """
    if start.device_code is not None:
        body = json.dumps({"deviceCode": start.device_code}).encode()
        status, payload = _send(client, "POST", f"{origin}/api/device-auth/token", body)
    else:
        url = f"{origin}/api/device-auth/codes/{quote(start.code, safe='')}"
        status, payload = _send(client, "GET", url, None)
    if status in {202, 429}:  # pending (or asked to poll more slowly)
        return "pending"
    if status == 403:
        raise SignInRefused(
            "The sign-in was denied in the browser; nothing was written.",
            hint="Start again with: kilocli auth login kilocode --device",
            outcome="denied",
        )
    if status == 410:
        raise expired()
    answer = DevicePollAnswer.model_validate(payload)
    token = answer.token
    if status != 200 or answer.status != "approved" or token is None:
        odd = " with an answer kilocli does not understand" if status == 200 else ""
        raise GatewayUnreachable(
            f"Kilo Gateway answered the sign-in{odd} (HTTP {status}).",
            hint="Try again: kilocli auth login kilocode --device",
        )
    checked = _checked_token(token)
    email = answer.user_email
    shown = account_text(email, (token, checked)) if email is not None else None
    return Approved(checked, shown)


def _checked_token(token: str) -> str:
    """The token, through the check every credential passes (SPEC §4, §13).

    Raises:
        SignInRefused: it cannot be a key (whitespace, non-ASCII, megabytes …); the message
            says why without showing any of it, and nothing is written.
    """
    from kilocli.credentials.keys import normalise_key
    from kilocli.errors import InvalidKey

    try:
        return normalise_key(token, source="The sign-in token Kilo Gateway sent")
    except InvalidKey as exc:
        raise SignInRefused(
            f"{exc.message.removesuffix('; it was not used.')}: the sign-in failed and nothing "
            "was written.",
            hint="Try again, or use an API key: kilocli auth login kilocode",
        ) from None


def expired() -> SignInRefused:
    """The sign-in ran out of time (410, or ``expiresIn`` passed)."""
    return SignInRefused(
        "The sign-in code expired before it was approved; nothing was written.",
        hint="Start again with: kilocli auth login kilocode --device",
        outcome="expired",
    )


def _send(
    client: GatewayClient, method: str, url: str, body: bytes | None, *, retry: bool = True
) -> tuple[int, dict[str, Any]]:
    import httpx

    try:
        if method == "POST":
            answer = client.post(url, {}, body or b"", retry=retry)
        else:
            answer = client.get(url, {})
    except httpx.TimeoutException:
        raise GatewayUnreachable(
            f"Kilo Gateway did not answer within {client.timeout:g} s.",
            hint="Check the connection and try again.",
        ) from None
    except (httpx.HTTPError, AnswerTooLarge) as exc:
        reason = sanitise_text(type(exc).__name__ + (f": {exc}" if str(exc) else ""))
        raise GatewayUnreachable(
            f"Could not reach {url} ({reason}).", hint="Check the connection and try again."
        ) from None
    try:
        payload = parse_json(answer.content) if answer.content.strip() else {}
    except MalformedAnswer:
        payload = {}
    return answer.status_code, payload if isinstance(payload, dict) else {}


def _odd_answer() -> GatewayUnreachable:
    return GatewayUnreachable(
        "Kilo Gateway started the sign-in with an answer kilocli does not understand.",
        hint="Use an API key instead: kilocli auth login kilocode",
    )


def may_open(url: str) -> bool:
    """A verification URL kilocli opens in a browser: ``https:``, or ``http:`` on loopback."""
    from urllib.parse import urlsplit

    from kilocli.providers.resolve import is_loopback

    scheme = urlsplit(url).scheme.lower()
    return scheme == "https" or (scheme == "http" and is_loopback(url))
