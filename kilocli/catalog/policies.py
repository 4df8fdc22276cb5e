"""Per-model policies other tools read from kilocli (SPEC §6)."""

from __future__ import annotations

from kilocli.providers.registry import PROVIDERS
from kilocli.providers.resolve import ModelRef

GATEWAYS = frozenset(provider.id for provider in PROVIDERS if provider.routes_vendor_models)


def cache_ttl_eligible(ref: ModelRef) -> bool:
    """Prompt caching with a TTL: Anthropic models, directly or through a gateway. Provider
    and model id are compared case-insensitively, as OpenClaw does."""
    provider, model_id = ref.provider.lower(), ref.model_id.lower()
    if provider == "anthropic":
        return True
    return provider in GATEWAYS and model_id.startswith("anthropic/")


def transcript_sanitize(ref: ModelRef) -> bool:
    """Gemini models need their transcripts sanitised, directly or through a gateway (compared
    case-insensitively)."""
    provider, model_id = ref.provider.lower(), ref.model_id.lower()
    if provider == "google":
        return True
    return provider in GATEWAYS and "gemini" in model_id
