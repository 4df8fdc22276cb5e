"""Claude Code: ``settings.json`` — kilocli as the ``apiKeyHelper``, and under ``env`` the
gateway's base URL (Claude Code appends ``/v1/messages``), the model and the organisation
header."""

from __future__ import annotations

import shlex

from kilocli.tools.claims import Claim
from kilocli.tools.documents import MISSING, Document
from kilocli.tools.entries import Target

# Claude Code prefers these over apiKeyHelper: a user's own would send another key.
_KEY_VARIABLES = ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN")


def claude_settings(target: Target) -> list[Claim]:
    claims = [
        Claim(("apiKeyHelper",), shlex.join(target.token_command)),
        Claim(("env", "ANTHROPIC_BASE_URL"), target.api_base),
        Claim(("env", "ANTHROPIC_MODEL"), target.default_model.id, kind="default"),
    ]
    if target.headers:
        lines = "\n".join(f"{name}: {value}" for name, value in target.headers.items())
        claims.append(Claim(("env", "ANTHROPIC_CUSTOM_HEADERS"), lines))
    return claims


def claude_notes(document: Document, target: Target) -> list[str]:
    return [
        f"Claude Code's settings set env.{name}, which it sends instead of the key from "
        f"kilocli's apiKeyHelper: remove it to use the gateway's key."
        for name in _KEY_VARIABLES
        if document.get(("env", name)) is not MISSING
    ]
