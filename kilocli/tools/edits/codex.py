"""Codex CLI: ``[model_providers.<p>]`` in ``config.toml``, with the key from kilocli as its
credential helper, and the top-level ``model_provider`` and ``model`` that make plain ``codex``
use it (current Codex releases refuse a default ``profile``)."""

from __future__ import annotations

from kilocli.tools.claims import Claim
from kilocli.tools.documents import MISSING
from kilocli.tools.entries import Target


def codex_config(target: Target) -> list[Claim]:
    entry = ("model_providers", target.provider.id)
    command, *args = target.token_command
    claims = [
        Claim(("model_provider",), target.provider.id, kind="default"),
        Claim(("model",), target.default_model.id, kind="default"),
        Claim((*entry, "name"), target.provider.label),
        Claim((*entry, "base_url"), target.api_base),
        Claim((*entry, "wire_api"), "responses"),
        Claim((*entry, "auth", "command"), command),
        Claim((*entry, "auth", "args"), args),
        Claim((*entry, "env_key"), MISSING),  # Codex would take the key from it instead
    ]
    claims += [
        Claim((*entry, "http_headers", name), value) for name, value in target.headers.items()
    ]
    return claims
