"""Asking a provider whether it accepts a key (Kilo: ``GET <origin>/api/profile``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from kilocli.credentials.organizations import organization_id_problem
from kilocli.gateway.answers import (
    BalanceAnswer,
    GatewayAnswer,
    KeyDetails,
    OrganizationRow,
    ProfileAnswer,
    UsageAnswer,
    read_answer,
)
from kilocli.gateway.http import AnswerTooLarge, GatewayClient, MalformedAnswer, parse_json
from kilocli.gateway.problems import GatewayProblem, account_text, classify, sanitise_text
from kilocli.providers.registry import Provider
from kilocli.providers.resolve import normalise_base_url, origin_of, verify_url

Outcome = Literal["verified", "rejected", "unverified"]
Shape = TypeVar("Shape", bound=GatewayAnswer)


@dataclass(frozen=True)
class Organization:
    """A Kilo organisation the account belongs to (``/api/profile``'s ``organizations``)."""

    id: str
    name: str
    role: str | None = None


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
    organization_list: tuple[Organization, ...] = ()
    has_personal_account: bool = True
    selected_organization_id: str | None = None
    organization_refused: bool = False
    skipped_organizations: int = 0


def verify_key(
    client: GatewayClient,
    provider: Provider,
    base_url: str,
    key: str,
    extra_headers: Mapping[str, str] | None = None,
) -> Verification:
    """Ask ``provider``'s verify endpoint about ``key`` (with ``extra_headers``: the
    organisation's); never raises for network trouble. A 400 or 403 that answers the
    organisation header is reported as the organisation's problem, not the key's."""
    import httpx

    url = verify_url(provider, base_url)
    try:
        headers = {"Authorization": f"Bearer {key}", "Accept": "application/json"}
        headers.update(extra_headers or {})
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
    if extra_headers and response.status_code in {400, 403}:
        detail = f"HTTP {problem.status}" + (f": {problem.message}" if problem.message else "")
        organization = ", ".join(extra_headers.values())
        return Verification(
            "rejected",
            f"{provider.label} refused the organisation {organization} ({detail})",
            problem=problem,
            organization_refused=True,
        )
    outcome: Outcome = "rejected" if problem.kind == "rejected" else "unverified"
    return Verification(outcome, problem.describe(provider.label), problem=problem)


def _accepted(provider: Provider, body: bytes, key: str) -> Verification:
    """A 200 answer, read through :class:`ProfileAnswer`; one that is not a JSON object is an
    answer kilocli does not understand (SPEC §9)."""
    try:
        payload: Any = parse_json(body)
    except MalformedAnswer as exc:
        return Verification("unverified", f"{provider.label} sent an answer {exc}")
    if not isinstance(payload, dict):
        return Verification(
            "unverified", f"{provider.label} sent an answer kilocli does not understand (HTTP 200)"
        )
    answer = ProfileAnswer.model_validate(payload)
    email = answer.user.email if answer.user is not None else None
    email = account_text(email, (key,)) if email else None
    listed, skipped = _organizations(answer.organizations, key)
    selected = answer.selected_organization_id
    return Verification(
        "verified",
        email or "key accepted",
        email,
        tuple(org.name for org in listed),
        details=_key_details(answer.data),
        organization_list=listed,
        has_personal_account=answer.has_personal_account is not False,
        selected_organization_id=selected
        if selected is not None and organization_id_problem(selected) is None
        else None,
        skipped_organizations=skipped,
    )


def _organizations(rows: list[OrganizationRow], key: str) -> tuple[tuple[Organization, ...], int]:
    """The organisations of a profile answer, and how many were skipped: entries without an
    id and name (they could not be chosen or shown), and ids that no header, file name or
    terminal should carry (SPEC §13)."""
    found = []
    skipped = 0
    for row in rows:
        if row.id is not None and organization_id_problem(row.id) is not None:
            skipped += 1
        elif row.id and row.name is not None:
            role = account_text(row.role, (key,)) if row.role is not None else None
            found.append(
                Organization(account_text(row.id, (key,)), account_text(row.name, (key,)), role)
            )
    return tuple(found), skipped


def _key_details(data: KeyDetails | None) -> tuple[tuple[str, str], ...]:
    """OpenRouter's ``GET /key`` answer: usage and limits (never its ``label``, which shows part
    of the key)."""
    if data is None:
        return ()
    rows = [
        (label, f"${value:,.2f}")
        for label, value in (
            ("Usage", data.usage),
            ("Limit", data.limit),
            ("Remaining", data.limit_remaining),
        )
        if value is not None
    ]
    if data.is_free_tier is not None:
        rows.append(("Free tier", "yes" if data.is_free_tier else "no"))
    return tuple(rows)


def fetch_balance(
    client: GatewayClient,
    provider: Provider,
    base_url: str,
    key: str,
    extra_headers: Mapping[str, str] | None = None,
) -> str | None:
    """The balance (of the organisation the headers name), where the provider has a balance
    endpoint; None when unknown."""
    if provider.balance_url is None:
        return None
    base = normalise_base_url(base_url)
    url = provider.balance_url.format(base=base, origin=origin_of(base))
    answer = _get_answer(client, url, key, extra_headers, BalanceAnswer)
    if answer is None or answer.balance is None:
        return None
    depleted = " (depleted)" if answer.is_depleted is True else ""
    return f"${answer.balance:,.2f}{depleted}"


@dataclass(frozen=True)
class UsageLimit:
    """One limit of ``/api/gateway/usage``: the period, what was used of it, and when it resets."""

    period: str
    used: float | None
    limit: float | None
    reset_at: str | None


@dataclass(frozen=True)
class GatewayUsage:
    """The usage limits and plan of ``/api/gateway/usage`` (newer gateways only)."""

    limits: tuple[UsageLimit, ...]
    plan: str | None


def fetch_usage(
    client: GatewayClient,
    provider: Provider,
    base_url: str,
    key: str,
    extra_headers: Mapping[str, str] | None = None,
) -> GatewayUsage | None:
    """The usage limits and plan, when the gateway has them; None when it does not (404) or
    cannot say."""
    if provider.usage_url is None:
        return None
    base = normalise_base_url(base_url)
    url = provider.usage_url.format(base=base, origin=origin_of(base))
    answer = _get_answer(client, url, key, extra_headers, UsageAnswer)
    if answer is None:
        return None
    limits = tuple(
        UsageLimit(
            account_text(row.period, (key,)),
            row.used,
            row.limit,
            account_text(row.reset_at, (key,)) if row.reset_at is not None else None,
        )
        for row in answer.limits
        if row.period is not None
    )
    plan = account_text(answer.plan, (key,)) if answer.plan is not None else None
    return GatewayUsage(limits, plan)


def _get_answer(
    client: GatewayClient,
    url: str,
    key: str,
    extra_headers: Mapping[str, str] | None,
    shape: type[Shape],
) -> Shape | None:
    """A keyed GET read as ``shape``; None for anything but a 200 with a JSON object."""
    import httpx

    headers = {"Authorization": f"Bearer {key}", "Accept": "application/json"}
    headers.update(extra_headers or {})
    try:
        response = client.get(url, headers)
    except (httpx.HTTPError, AnswerTooLarge):
        return None
    return read_answer(shape, response.content) if response.status_code == 200 else None


MAX_MODEL_ID_CHARS = 200


def fetch_gateway_default(client: GatewayClient, provider: Provider, base_url: str) -> str | None:
    """The ref of the model the gateway wants as the default (``GET <origin>/api/defaults``,
    no key needed): ``kilocode/<defaultModel>``. None on any failure or odd answer (no
    answer, an error status, not JSON, no ``defaultModel``, or one that is no model id), so
    that the caller falls back to the registry default without a word (SPEC §3)."""
    import httpx

    from kilocli.gateway.answers import GatewayDefaults, read_answer

    if provider.defaults_url is None:
        return None
    base = normalise_base_url(base_url)
    url = provider.defaults_url.format(base=base, origin=origin_of(base))
    try:
        answer = client.get(url, {"Accept": "application/json"})
    except (httpx.HTTPError, AnswerTooLarge):
        return None
    defaults = read_answer(GatewayDefaults, answer.content) if answer.status_code == 200 else None
    model_id = defaults.default_model if defaults is not None else None
    if model_id is None or not _is_model_id(model_id):
        return None
    return f"{provider.id}/{model_id}"


def _is_model_id(text: str) -> bool:
    """A gateway model id kilocli would write as a ref: printable ASCII without spaces, not
    starting or ending with ``/``, and of a sane length."""
    return (
        0 < len(text) <= MAX_MODEL_ID_CHARS
        and all("!" <= char <= "~" for char in text)
        and not text.startswith("/")
        and not text.endswith("/")
    )
