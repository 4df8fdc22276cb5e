"""Asking a provider whether it accepts a key (Kilo: ``GET <origin>/api/profile``)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from kilocli.gateway_errors import GatewayProblem, classify, sanitise_text
from kilocli.http import TIMEOUT_SECONDS
from kilocli.providers import Provider, verify_url

if TYPE_CHECKING:
    import httpx

Outcome = Literal["verified", "rejected", "unverified"]

MAX_RETRY_AFTER_SECONDS = 3.0


@dataclass(frozen=True)
class Verification:
    """The answer to "is this key accepted?".

    ``unverified`` means the question could not be answered (network, timeout, 5xx, garbage);
    onboarding warns and goes on.
    """

    outcome: Outcome
    detail: str
    email: str | None = None
    organizations: tuple[str, ...] = ()
    problem: GatewayProblem | None = None


def verify_key(client: httpx.Client, provider: Provider, base_url: str, key: str) -> Verification:
    """Ask ``provider``'s verify endpoint about ``key``; never raises for network trouble."""
    import httpx

    url = verify_url(provider, base_url)
    try:
        response = _get_with_one_retry(client, url, key)
    except httpx.TimeoutException:
        return Verification(
            "unverified", f"{provider.label} did not answer within {TIMEOUT_SECONDS:.0f} s"
        )
    except httpx.HTTPError as exc:
        reason = sanitise_text(type(exc).__name__ + (f": {exc}" if str(exc) else ""), (key,))
        return Verification("unverified", f"could not reach {url} ({reason})")
    if response.status_code == 200:
        return _accepted(provider, response.content, key)
    problem = classify(response.status_code, response.content, secrets=(key,))
    outcome: Outcome = "rejected" if problem.kind == "rejected" else "unverified"
    return Verification(outcome, problem.describe(provider.label), problem=problem)


def _get_with_one_retry(client: httpx.Client, url: str, key: str) -> httpx.Response:
    headers = {"Authorization": f"Bearer {key}", "Accept": "application/json"}
    response = client.get(url, headers=headers)
    if response.status_code == 429:
        delay = _retry_after(response.headers.get("Retry-After"))
        if delay is not None:
            time.sleep(delay)
            response = client.get(url, headers=headers)
    return response


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait before one retry; None when the wait would not be brief."""
    if value is None:
        return 1.0
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if 0 <= seconds <= MAX_RETRY_AFTER_SECONDS else None


def _accepted(provider: Provider, body: bytes, key: str) -> Verification:
    try:
        payload: Any = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return Verification("unverified", f"{provider.label} sent an answer that is not JSON")
    if not isinstance(payload, dict):
        return Verification("unverified", f"{provider.label} sent an unexpected answer")
    user = payload.get("user")
    user = user if isinstance(user, dict) else {}
    email = user.get("email") if isinstance(user.get("email"), str) else None
    organizations = tuple(
        sanitise_text(org["name"], (key,))
        for org in payload.get("organizations") or ()
        if isinstance(org, dict) and isinstance(org.get("name"), str)
    )
    email = sanitise_text(email, (key,)) if email else None
    return Verification("verified", email or "key accepted", email, organizations)
