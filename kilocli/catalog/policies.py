"""Per-model policies other tools read from kilocli (SPEC §6)."""

from __future__ import annotations

from kilocli.providers.resolve import ModelRef

GATEWAYS = frozenset({"kilocode", "openrouter"})


def cache_ttl_eligible(ref: ModelRef) -> bool:
    """Prompt caching with a TTL: Anthropic models, directly or through a gateway."""
    if ref.provider == "anthropic":
        return True
    return ref.provider in GATEWAYS and ref.model_id.startswith("anthropic/")


def transcript_sanitize(ref: ModelRef) -> bool:
    """Gemini models need their transcripts sanitised, directly or through a gateway."""
    if ref.provider == "google":
        return True
    return ref.provider in GATEWAYS and "gemini" in ref.model_id.lower()
