"""``kilocli doctor --probe [REF]``: one minimal chat completion with the key in effect."""

from __future__ import annotations

import time

from kilocli.catalog.policies import cache_ttl_eligible
from kilocli.config.files import load_config
from kilocli.providers.registry import get_provider
from kilocli.providers.resolve import parse_model_ref
from kilocli.results import Record
from kilocli.services.handover import credentials_in_effect
from kilocli.services.runtime import Runtime

PROBE_TIMEOUT_FACTOR = 4  # a completion takes longer than a profile lookup


class ProbeUsage(Record):
    """Tokens the probe took, as the gateway reported them."""

    prompt_tokens: int | None
    completion_tokens: int | None
    total_tokens: int | None


class ProbeOutcome(Record):
    """The probe's answer: the ref asked for, the model that answered, the time it took."""

    ref: str
    model: str | None
    seconds: float
    usage: ProbeUsage | None
    cache_control: bool
    organization: str | None


def probe(rt: Runtime, ref_text: str | None = None) -> ProbeOutcome:
    """Send the probe for ``ref_text`` (default: the default model) through its provider.

    Refs lose their provider prefix on the wire (``kilocode/kilo-auto/balanced`` asks for
    ``kilo-auto/balanced``); a cache-TTL-eligible model gets the cache marker (SPEC §6).

    Raises:
        NotAuthenticated: no key is in effect for the model's provider.
        ProbeFailed: the completion did not go through.
        UsageError: a malformed ref.
    """
    from kilocli.gateway.probe import probe_request, send_probe

    config = load_config(rt.paths)
    ref = parse_model_ref(ref_text or config.primary or get_provider("kilocode").default_model)
    credentials = credentials_in_effect(rt, ref.provider)
    cache_control = cache_ttl_eligible(ref)
    request = probe_request(ref.model_id, cache_control=cache_control)
    with rt.feedback.working(f"Asking {ref} for one token…"), rt.gateway() as client:
        answer = send_probe(
            client,
            credentials.provider,
            credentials.base_url,
            credentials.key,
            request,
            headers=credentials.headers(),
            timeout=rt.http_timeout * PROBE_TIMEOUT_FACTOR,
            clock=time.monotonic,
        )
    usage = answer.usage
    return ProbeOutcome(
        ref=str(ref),
        model=answer.model,
        seconds=round(answer.seconds, 3),
        usage=ProbeUsage(**usage.__dict__) if usage else None,
        cache_control=cache_control,
        organization=credentials.organization_id,
    )
