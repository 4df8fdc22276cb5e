"""The probe: one minimal chat completion, streamed, to prove a request goes all the way
through the gateway to a model and back (SPEC §12).

The answer is read as the gateway streams it (SSE): ``: KILO PROCESSING`` comments are
keep-alives, a last chunk with ``"choices": []`` carries the usage, ``data: [DONE]`` ends it,
and a ``data: {"error": …}`` frame in the middle means the model failed after the gateway
accepted the request.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from kilocli.errors import ExitCode, KilocliError
from kilocli.gateway.answers import CompletionChunk
from kilocli.gateway.http import (
    Answer,
    AnswerTooLarge,
    GatewayClient,
    MalformedAnswer,
    parse_json,
    retry_after_header,
)
from kilocli.gateway.problems import classify, organization_hint, sanitise_text
from kilocli.providers.registry import Provider

SYSTEM_PROMPT = "Reply with one word."
CACHE_MARKER = {"type": "ephemeral"}  # OpenRouter's (and so Kilo's) prompt-cache marker


class ProbeFailed(KilocliError):
    """The completion did not go through; the exit code says why (SPEC §9)."""

    def __init__(self, message: str, *, hint: str, exit_code: ExitCode) -> None:
        super().__init__(message, hint=hint)
        self.exit_code = exit_code


@dataclass(frozen=True)
class Usage:
    """Tokens the completion took, as the gateway reported them."""

    prompt_tokens: int | None
    completion_tokens: int | None
    total_tokens: int | None


@dataclass(frozen=True)
class ProbeAnswer:
    """What came back: the model that answered (as the gateway names it), the seconds until
    the whole answer was in, and the usage when given."""

    model: str | None
    seconds: float
    usage: Usage | None


def probe_request(model_id: str, *, cache_control: bool) -> dict[str, Any]:
    """The smallest useful completion: one token, streamed, with usage. A model whose prompts
    are cached (``cacheTtlEligible``) gets the cache marker on its system message."""
    system: dict[str, Any] = {"role": "system", "content": SYSTEM_PROMPT}
    if cache_control:
        system["content"] = [
            {"type": "text", "text": SYSTEM_PROMPT, "cache_control": dict(CACHE_MARKER)}
        ]
    return {
        "model": model_id,
        "messages": [system, {"role": "user", "content": "ping"}],
        "max_tokens": 1,
        "stream": True,
        "stream_options": {"include_usage": True},
    }


def send_probe(
    client: GatewayClient,
    provider: Provider,
    base_url: str,
    key: str,
    request: dict[str, Any],
    *,
    headers: Mapping[str, str],
    timeout: float,
    clock: Callable[[], float] = time.monotonic,
) -> ProbeAnswer:
    """POST ``request`` to ``<base>chat/completions`` and read the answer.

    Raises:
        ProbeFailed: the gateway refused it (401/403 → 3; 402, 404 and other 4xx → 1;
            429, 5xx, a broken stream, a timeout or no connection → 4).
    """
    import httpx

    sent = {"Authorization": f"Bearer {key}", "Accept": "text/event-stream", **headers}
    started = clock()
    url = f"{base_url}chat/completions"
    try:
        answer = client.post(url, sent, json.dumps(request).encode(), timeout=timeout)
    except httpx.TimeoutException:
        raise _unreachable(f"{provider.label} did not answer within {timeout:g} s") from None
    except httpx.HTTPError as exc:
        reason = sanitise_text(type(exc).__name__ + (f": {exc}" if str(exc) else ""), (key,))
        raise _unreachable(f"Could not reach {url} ({reason})") from None
    except AnswerTooLarge as exc:
        raise _unreachable(f"{provider.label} sent an unexpected answer: {exc}") from None
    seconds = clock() - started
    if answer.status_code != 200:
        organization = headers.get(provider.organization_header or "")
        if organization and answer.status_code in {400, 403}:
            raise _organization_refused(provider, answer, organization, key)
        raise _refused(provider, answer, request["model"], key)
    model, usage = _read_completion(provider, answer, key)
    return ProbeAnswer(model, seconds, usage)


def _unreachable(message: str) -> ProbeFailed:
    return ProbeFailed(
        message, hint="Check the connection and try again.", exit_code=ExitCode.UNREACHABLE
    )


def _organization_refused(
    provider: Provider, answer: Answer, organization: str, key: str
) -> ProbeFailed:
    """A 400 (not an organisation id) or 403 (not a member) answers the organisation header,
    not the key (SPEC §13)."""
    problem = classify(answer.status_code, answer.content, secrets=(key,))
    detail = f"HTTP {answer.status_code}" + (f": {problem.message}" if problem.message else "")
    return ProbeFailed(
        f"{provider.label} refused the organisation {organization} ({detail}).",
        hint=organization_hint(provider),
        exit_code=ExitCode.NOT_AUTHENTICATED,
    )


def _refused(provider: Provider, answer: Answer, model_id: str, key: str) -> ProbeFailed:
    """The gateway's refusal, its own code first (SPEC §9): a paid model without a signed-in
    key with credits, or a free allowance used up, is not a bad key (exit 1, naming the model
    and the top-up page); a 429 (after the one retry) and a 5xx say when to try again (exit 4)."""
    retry_after = retry_after_header(answer.headers) if answer.status_code == 429 else None
    problem = classify(answer.status_code, answer.content, secrets=(key,), retry_after=retry_after)
    if problem.kind in {"paid_model", "promotion_limit"}:
        what = (
            "needs a signed-in key with credits"
            if problem.kind == "paid_model"
            else "has used up its free allowance"
        )
        detail = f"HTTP {problem.status}" + (f": {problem.message}" if problem.message else "")
        return ProbeFailed(
            f"{provider.label} says {model_id} {what} ({detail}).",
            hint=problem.hint_for(provider),
            exit_code=ExitCode.ERROR,
        )
    if answer.status_code == 404:
        detail = f": {problem.message}" if problem.message else ""
        return ProbeFailed(
            f"{provider.label} does not know the model id {model_id!r} (HTTP 404{detail}).",
            hint=f"See the ids it offers: kilocli models {provider.id} --refresh",
            exit_code=ExitCode.ERROR,
        )
    codes = {"rejected": ExitCode.NOT_AUTHENTICATED, "rate_limited": ExitCode.UNREACHABLE}
    codes["unavailable"] = ExitCode.UNREACHABLE
    return ProbeFailed(
        problem.describe(provider.label) + ".",
        hint=problem.hint_for(provider),
        exit_code=codes.get(problem.kind, ExitCode.ERROR),
    )


def _read_completion(
    provider: Provider, answer: Answer, key: str
) -> tuple[str | None, Usage | None]:
    """The model and usage of a streamed answer (or of a plain JSON one, which a gateway may
    send when it does not stream)."""
    content_type = answer.headers.get("content-type", "")
    if "event-stream" not in content_type:
        return _from_chunks(provider, [_json(provider, answer.content)], key)
    chunks = []
    for line in answer.content.decode("utf-8", "replace").splitlines():
        if not line.startswith("data:"):
            continue  # blank separators, ": KILO PROCESSING" keep-alives, event names
        data = line.removeprefix("data:").strip()
        if data == "[DONE]":
            break
        chunks.append(_json(provider, data.encode()))
    return _from_chunks(provider, chunks, key)


def _json(provider: Provider, content: bytes) -> CompletionChunk:
    """One chunk (or the whole answer), read through its lenient model."""
    try:
        payload = parse_json(content)
    except MalformedAnswer as exc:
        raise _unreachable(f"{provider.label} sent an answer {exc}") from None
    if not isinstance(payload, dict):
        raise _unreachable(
            f"{provider.label} sent an answer kilocli does not understand (HTTP 200)"
        )
    return CompletionChunk.model_validate(payload)


def _from_chunks(
    provider: Provider, chunks: list[CompletionChunk], key: str
) -> tuple[str | None, Usage | None]:
    model: str | None = None
    usage: Usage | None = None
    for chunk in chunks:
        if chunk.error is not None:
            body = json.dumps({"error": chunk.error}).encode()
            problem = classify(502, body, secrets=(key,))
            raise ProbeFailed(
                f"{provider.label} accepted the request, but the answer broke off: "
                f"{problem.message or 'an error frame in the stream'}.",
                hint="Try again, or probe another model: kilocli doctor --probe REF",
                exit_code=ExitCode.UNREACHABLE,
            )
        if chunk.model is not None:
            model = sanitise_text(chunk.model, (key,))
        if chunk.usage is not None:
            counts = chunk.usage
            usage = Usage(counts.prompt_tokens, counts.completion_tokens, counts.total_tokens)
    if not chunks:
        raise _unreachable(f"{provider.label} sent an empty answer")
    return model, usage
