"""Per-model policies other tools read from kilocli (SPEC §6)."""

from __future__ import annotations

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
    """Both policies of ``ref`` (cache TTL eligible, transcripts sanitised), lowering its
    parts once: a listing asks for every model."""
    provider, model_id = ref.provider.lower(), ref.model_id.lower()
    if provider == "anthropic":
        return True, False
    if provider == "google":
        return False, True
    through_gateway = provider in GATEWAYS
    return (
        through_gateway and model_id.startswith("anthropic/"),
        through_gateway and "gemini" in model_id,
    )
