"""Reading the gateway's error answers, in one place for onboarding, ``auth`` and ``models``.

Kilo Gateway sends errors in two shapes: ``{"error": "text", "message": "more"}`` and
``{"error": {"code": …, "message": …}}`` (402 adds ``title`` and ``buyCreditsUrl``). SPEC §9
maps statuses to what a user needs to hear: 401/403 rejected key, 402 no credits, 429 rate
limited, 5xx unavailable — with the gateway's own codes first where it sends them: a 401
``PAID_MODEL_AUTH_REQUIRED`` (this model needs a signed-in key with credits, not a bad key),
``PROMOTION_MODEL_LIMIT_REACHED`` (the free allowance is used up), and a 503 whose message
says the upstream is temporarily unavailable ("try again later").
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from kilocli.gateway.answers import ErrorAnswer
    from kilocli.providers.registry import Provider

ProblemKind = Literal[
    "rejected",
    "paid_model",
    "promotion_limit",
    "no_credits",
    "rate_limited",
    "unavailable",
    "unexpected",
]
PAID_MODEL_AUTH_REQUIRED = "PAID_MODEL_AUTH_REQUIRED"
PROMOTION_MODEL_LIMIT_REACHED = "PROMOTION_MODEL_LIMIT_REACHED"

MAX_MESSAGE_CHARS = 200


@dataclass(frozen=True)
class GatewayProblem:
    """What an error answer means, in words fit for a terminal."""

    status: int
    kind: ProblemKind
    message: str
    top_up_url: str | None = None
    retry_after: float | None = None  # seconds, when a 429 said how long to wait

    def describe(self, label: str) -> str:
        """One sentence: ``Kilo Gateway rejected this key (HTTP 401: Invalid token)``."""
        detail = f"HTTP {self.status}" + (f": {self.message}" if self.message else "")
        return {
            "rejected": f"{label} rejected this key ({detail})",
            "paid_model": f"{label} says this model needs a signed-in key with credits ({detail})",
            "promotion_limit": f"{label} says the free allowance of this model is used up "
            f"({detail})",
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
            "paid_model": f"Add credits at {top_up}, or pick a free model: "
            f"kilocli models {provider.id} --free"
            if top_up
            else f"Pick a free model: kilocli models {provider.id} --free",
            "promotion_limit": f"Pick another model (kilocli models {provider.id}), or add "
            f"credits{f' at {top_up}' if top_up else ''} to keep using this one.",
            "no_credits": (f"Add credits at {top_up}" if top_up else "Add credits to the account")
            + f", or pick a free model: kilocli models {provider.id} --free",
            "rate_limited": (
                f"Try again in {math.ceil(self.retry_after)} s."
                if self.retry_after is not None
                else "Wait a moment and try again."
            ),
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


def classify(
    status: int,
    body: bytes,
    *,
    secrets: tuple[str, ...] = (),
    retry_after: float | None = None,
) -> GatewayProblem:
    """Turn an error status and body into a :class:`GatewayProblem`; the gateway's own code
    decides first, the status after.

    ``secrets`` are scrubbed from the gateway's message before it can reach the screen.
    """
    from kilocli.gateway.answers import ErrorAnswer, read_answer

    answer = read_answer(ErrorAnswer, body) or ErrorAnswer()
    message, top_up = _message(answer)
    message = sanitise_text(message, secrets)
    # The top-up link is shown in hints too: it is text from the network like the message.
    top_up = sanitise_text(top_up, secrets) if top_up else None
    return GatewayProblem(status, _kind(status, answer.code), message, top_up, retry_after)


_CODE_KINDS: dict[str, ProblemKind] = {
    PAID_MODEL_AUTH_REQUIRED: "paid_model",
    PROMOTION_MODEL_LIMIT_REACHED: "promotion_limit",
}


def _kind(status: int, code: str | None) -> ProblemKind:
    if code in _CODE_KINDS:
        return _CODE_KINDS[code]
    if status in {401, 403}:
        return "rejected"
    if status == 402:
        return "no_credits"
    if status == 429:
        return "rate_limited"
    return "unavailable" if status >= 500 else "unexpected"


def _message(answer: ErrorAnswer) -> tuple[str, str | None]:
    error = answer.error
    if error is not None and not isinstance(error, str):
        text = ": ".join(part for part in (error.title, error.message) if part)
        code = error.code if isinstance(error.code, str) else None
        if code:
            text = f"{text} ({code})" if text else code
        return text, error.buy_credits_url
    return ": ".join(part for part in (error, answer.message) if part), None


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
