"""Reading the gateway's error answers, in one place for onboarding, ``auth`` and ``models``.

Kilo Gateway sends errors in two shapes: ``{"error": "text", "message": "more"}`` and
``{"error": {"code": …, "message": …}}`` (402 adds ``title`` and ``buyCreditsUrl``). SPEC §9
maps statuses to what a user needs to hear: 401/403 rejected key, 402 no credits, 429 rate
limited, 5xx unavailable.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from kilocli.providers.registry import Provider

ProblemKind = Literal["rejected", "no_credits", "rate_limited", "unavailable", "unexpected"]

MAX_MESSAGE_CHARS = 200


@dataclass(frozen=True)
class GatewayProblem:
    """What an error answer means, in words fit for a terminal."""

    status: int
    kind: ProblemKind
    message: str
    top_up_url: str | None = None

    def describe(self, label: str) -> str:
        """One sentence: ``Kilo Gateway rejected this key (HTTP 401: Invalid token)``."""
        detail = f"HTTP {self.status}" + (f": {self.message}" if self.message else "")
        return {
            "rejected": f"{label} rejected this key ({detail})",
            "no_credits": f"{label} says there are no credits left ({detail})",
            "rate_limited": f"{label} rate limited the request ({detail})",
            "unavailable": f"{label} is unavailable ({detail})",
            "unexpected": f"{label} answered with an error ({detail})",
        }[self.kind]

    def hint_for(self, provider: Provider) -> str:
        """What to do about it: the commands name ``provider``, and the pages are its own
        (from the registry), so no provider's user is sent to another's site."""
        top_up = self.top_up_url or provider.credits_page
        return {
            "rejected": f"Check the key at {provider.keys_page} (kilocli auth status), or store "
            f"another one: kilocli auth login {provider.id}",
            "no_credits": (f"Add credits at {top_up}" if top_up else "Add credits to the account")
            + f", or pick a free model: kilocli models {provider.id} --free",
            "rate_limited": "Wait a moment and try again.",
            "unavailable": "Try again in a few minutes.",
            "unexpected": "Try again; if it persists, run with KILOCLI_DEBUG=1 and report it.",
        }[self.kind]


def organization_hint(provider: Provider) -> str:
    """What to run when the gateway refuses the organisation a request spoke for (400: not an
    organisation id; 403: not a member), SPEC §13."""
    return (
        f"Choose another: kilocli auth login {provider.id} --organization ID|personal "
        "(kilocli auth status --check lists yours)"
    )


def classify(status: int, body: bytes, *, secrets: tuple[str, ...] = ()) -> GatewayProblem:
    """Turn an error status and body into a :class:`GatewayProblem`.

    ``secrets`` are scrubbed from the gateway's message before it can reach the screen.
    """
    payload = _json_object(body)
    message, top_up = _message(payload)
    message = sanitise_text(message, secrets)
    # The top-up link is shown in hints too: it is text from the network like the message.
    top_up = sanitise_text(top_up, secrets) if top_up else None
    return GatewayProblem(status, _kind(status), message, top_up)


def _kind(status: int) -> ProblemKind:
    if status in {401, 403}:
        return "rejected"
    if status == 402:
        return "no_credits"
    if status == 429:
        return "rate_limited"
    if status >= 500:
        return "unavailable"
    return "unexpected"


def _json_object(body: bytes) -> dict[str, Any]:
    from kilocli.gateway.http import MalformedAnswer, parse_json

    try:
        payload = parse_json(body)
    except MalformedAnswer:
        return {}
    return payload if isinstance(payload, dict) else {}


def _message(payload: dict[str, Any]) -> tuple[str, str | None]:
    error = payload.get("error")
    outer = payload.get("message")
    if isinstance(error, dict):
        parts = [error.get("title"), error.get("message")]
        code = error.get("code")
        text = ": ".join(p for p in parts if isinstance(p, str) and p)
        if isinstance(code, str) and code:
            text = f"{text} ({code})" if text else code
        url = error.get("buyCreditsUrl")
        return text, url if isinstance(url, str) else None
    parts = [error, outer]
    return ": ".join(p for p in parts if isinstance(p, str) and p), None


def account_text(text: str, secrets: tuple[str, ...] = ()) -> str:
    """A value from the network that is data (an email, an organisation name): no secrets, at
    most :data:`MAX_MESSAGE_CHARS`, otherwise as sent — ``--json`` keeps it as data, and the
    renderer makes it safe for a terminal."""
    from kilocli.credentials.keys import redact

    text = redact(text, secrets)
    if len(text) > MAX_MESSAGE_CHARS:
        text = text[: MAX_MESSAGE_CHARS - 1] + "…"
    return text


def sanitise_text(text: str, secrets: tuple[str, ...] = ()) -> str:
    """Make text from the network safe to print: no secrets, no control characters, short."""
    from kilocli.credentials.keys import redact

    text = redact(text, secrets)
    text = "".join(ch if ch.isprintable() else " " for ch in text).strip()
    if len(text) > MAX_MESSAGE_CHARS:
        text = text[: MAX_MESSAGE_CHARS - 1] + "…"
    return text
