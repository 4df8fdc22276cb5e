"""Per-model policies other tools read from kilocli (SPEC §6)."""

from __future__ import annotations

from collections.abc import Callable

from kilocli.providers.registry import PROVIDERS
from kilocli.providers.resolve import ModelRef

GATEWAYS = frozenset(provider.id for provider in PROVIDERS if provider.routes_vendor_models)


def cache_ttl_eligible(ref: ModelRef) -> bool:
    """Prompt caching with a TTL: Anthropic models, directly or through a gateway. Provider
    and model id are compared case-insensitively, as OpenClaw does."""
    return policies(ref)[0]


def transcript_sanitize(ref: ModelRef) -> bool:
    """Gemini models need their transcripts sanitised, directly or through a gateway (compared
    case-insensitively)."""
    return policies(ref)[1]


def policies(ref: ModelRef) -> tuple[bool, bool]:
    """Both policies of ``ref``: (cache TTL eligible, transcripts sanitised)."""
    return model_policies(ref.provider)(ref.model_id)


def model_policies(provider: str) -> Callable[[str], tuple[bool, bool]]:
    """The policies of ``provider``'s models, as a function of the model id: the provider's
    part is worked out once, as a listing asks for every model."""
    provider = provider.lower()
    if provider == "anthropic":
        return lambda model_id: (True, False)
    if provider == "google":
        return lambda model_id: (False, True)
    if provider not in GATEWAYS:
        return lambda model_id: (False, False)

    def through_gateway(model_id: str) -> tuple[bool, bool]:
        lowered = model_id.lower()
        return lowered.startswith("anthropic/"), "gemini" in lowered

    return through_gateway
