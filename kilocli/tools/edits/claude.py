"""Claude Code: ``settings.json`` — kilocli as the ``apiKeyHelper``, and under ``env`` the
gateway's base URL (Claude Code appends ``/v1/messages``), the model and the organisation
header."""

from __future__ import annotations

import shlex

from kilocli.tools.claims import Claim
from kilocli.tools.entries import Target

# Claude Code sends these instead of (or beside) the helper's key: an Anthropic key the user
# exports would go to the gateway. Set empty in the settings' env (which wins over the shell),
# the helper's key is the only one sent.
_KEY_VARIABLES = ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN")


def claude_settings(target: Target) -> list[Claim]:
    claims = [
        Claim(("apiKeyHelper",), shlex.join(target.token_command)),
        Claim(("env", "ANTHROPIC_BASE_URL"), target.api_base),
        Claim(("env", "ANTHROPIC_MODEL"), target.default_model.id, kind="default"),
        *(Claim(("env", name), "") for name in _KEY_VARIABLES),
    ]
    if target.headers:
        lines = "\n".join(f"{name}: {value}" for name, value in target.headers.items())
        claims.append(Claim(("env", "ANTHROPIC_CUSTOM_HEADERS"), lines))
    return claims
