"""Asking a provider whether it accepts a key (Kilo: ``GET <origin>/api/profile``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from kilocli.gateway.http import AnswerTooLarge, GatewayClient, MalformedAnswer, parse_json
from kilocli.gateway.problems import GatewayProblem, account_text, classify, sanitise_text
from kilocli.providers.registry import Provider
from kilocli.providers.resolve import normalise_base_url, origin_of, verify_url

Outcome = Literal["verified", "rejected", "unverified"]


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
    details: tuple[tuple[str, str], ...] = ()


def verify_key(client: GatewayClient, provider: Provider, base_url: str, key: str) -> Verification:
    """Ask ``provider``'s verify endpoint about ``key``; never raises for network trouble."""
    import httpx

    url = verify_url(provider, base_url)
    try:
        headers = {"Authorization": f"Bearer {key}", "Accept": "application/json"}
        response = client.get(url, headers)
    except httpx.TimeoutException:
        return Verification(
            "unverified", f"{provider.label} did not answer within {client.timeout:g} s"
        )
    except httpx.HTTPError as exc:
        reason = sanitise_text(type(exc).__name__ + (f": {exc}" if str(exc) else ""), (key,))
        return Verification("unverified", f"could not reach {url} ({reason})")
    except AnswerTooLarge as exc:
        return Verification("unverified", f"{provider.label} sent an unexpected answer: {exc}")
    if response.status_code == 200:
        return _accepted(provider, response.content, key)
    problem = classify(response.status_code, response.content, secrets=(key,))
    outcome: Outcome = "rejected" if problem.kind == "rejected" else "unverified"
    return Verification(outcome, problem.describe(provider.label), problem=problem)


def _accepted(provider: Provider, body: bytes, key: str) -> Verification:
    try:
        payload: Any = parse_json(body)
    except MalformedAnswer as exc:
        return Verification("unverified", f"{provider.label} sent an answer {exc}")
    if not isinstance(payload, dict):
        return Verification("unverified", f"{provider.label} sent an unexpected answer")
    user = payload.get("user")
    user = user if isinstance(user, dict) else {}
    email = user.get("email") if isinstance(user.get("email"), str) else None
    organizations = tuple(
        account_text(org["name"], (key,))
        for org in payload.get("organizations") or ()
        if isinstance(org, dict) and isinstance(org.get("name"), str)
    )
    email = account_text(email, (key,)) if email else None
    details = _key_details(payload.get("data"))
    return Verification("verified", email or "key accepted", email, organizations, details=details)


def _key_details(data: Any) -> tuple[tuple[str, str], ...]:
    """OpenRouter's ``GET /key`` answer: usage and limits (never its ``label``, which shows part
    of the key)."""
    if not isinstance(data, dict):
        return ()
    rows = []
    for field_name, label in (
        ("usage", "Usage"),
        ("limit", "Limit"),
        ("limit_remaining", "Remaining"),
    ):
        value = data.get(field_name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            rows.append((label, f"${value:,.2f}"))
    if isinstance(data.get("is_free_tier"), bool):
        rows.append(("Free tier", "yes" if data["is_free_tier"] else "no"))
    return tuple(rows)


def fetch_balance(client: GatewayClient, provider: Provider, base_url: str, key: str) -> str | None:
    """The account balance, where the provider has a balance endpoint; None when unknown."""
    import httpx

    if provider.balance_url is None:
        return None
    base = normalise_base_url(base_url)
    url = provider.balance_url.format(base=base, origin=origin_of(base))
    headers = {"Authorization": f"Bearer {key}", "Accept": "application/json"}
    try:
        response = client.get(url, headers)
        payload = parse_json(response.content) if response.status_code == 200 else None
    except (httpx.HTTPError, AnswerTooLarge, MalformedAnswer):
        return None
    if not isinstance(payload, dict):
        return None
    balance = payload.get("balance")
    if not isinstance(balance, int | float) or isinstance(balance, bool):
        return None
    depleted = " (depleted)" if payload.get("isDepleted") is True else ""
    return f"${balance:,.2f}{depleted}"
