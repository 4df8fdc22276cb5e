"""What the known keys of ``config.toml`` must look like. Unknown keys are allowed anywhere."""

from __future__ import annotations

from typing import Any

from kilocli.validation import ArrayOf, Required, TableOf

MODEL_ENTRY: dict[str, Any] = {
    "id": Required(str),
    "name": str,
    "input": ArrayOf(str),
    "reasoning": bool,
    "contextWindow": int,
    "maxTokens": int,
}

CONFIG_SHAPE: dict[str, Any] = {
    "version": int,
    "models": {
        "mode": str,
        "providers": TableOf(
            {"baseUrl": str, "api": str, "apiKey": str, "models": ArrayOf(MODEL_ENTRY)}
        ),
    },
    "agents": {
        "defaults": {
            "model": {"primary": str, "fallbacks": ArrayOf(str)},
            "models": TableOf({"alias": str}),
        }
    },
    "auth": {
        "profiles": TableOf({"provider": str, "mode": str}),
        "order": TableOf(ArrayOf(str)),
    },
}
