"""opencode: ``provider.<p>`` in ``opencode.json`` (or the user's ``opencode.jsonc``), the key
referenced from the environment, and the top-level ``model`` that makes it the default."""

from __future__ import annotations

from kilocli.tools.claims import Claim
from kilocli.tools.entries import Target

SCHEMA = "https://opencode.ai/config.json"


def opencode_provider(target: Target) -> list[Claim]:
    entry = ("provider", target.provider.id)
    claims = [
        Claim(("$schema",), SCHEMA, kind="new"),
        Claim(("model",), f"{target.provider.id}/{target.default_model.id}", kind="default"),
        Claim((*entry, "npm"), "@ai-sdk/openai-compatible"),
        Claim((*entry, "name"), target.provider.label),
        Claim((*entry, "options", "baseURL"), target.api_base),
        Claim((*entry, "options", "apiKey"), "{env:" + target.key_env + "}"),
    ]
    claims += [
        Claim((*entry, "options", "headers", name), value) for name, value in target.headers.items()
    ]
    claims += [Claim((*entry, "models", m.id, "name"), m.name, kind="soft") for m in target.models]
    return claims
