"""Codex CLI: ``[model_providers.<p>]`` in ``config.toml``, and the profile file
``<p>.config.toml``."""

from __future__ import annotations

from kilocli.tools.claims import Claim
from kilocli.tools.entries import Target


def codex_provider(target: Target) -> list[Claim]:
    entry = ("model_providers", target.provider.id)
    claims = [
        Claim((*entry, "name"), target.provider.label),
        Claim((*entry, "base_url"), target.api_base),
        Claim((*entry, "env_key"), target.key_env),
        Claim((*entry, "wire_api"), "responses"),
    ]
    claims += [
        Claim((*entry, "env_http_headers", header), variable)
        for header, variable in target.header_envs.items()
    ]
    return claims


def codex_profile(target: Target) -> list[Claim]:
    return [
        Claim(("model",), target.models[0].id),
        Claim(("model_provider",), target.provider.id),
    ]
