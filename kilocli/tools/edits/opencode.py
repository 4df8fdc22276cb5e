"""opencode: ``provider.<p>`` in ``opencode.json``."""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from typing import Any

from kilocli.providers.registry import Provider
from kilocli.tools.entries import (
    EditLog,
    Target,
    child_of,
    mapping_of,
    set_headers,
)

# opencode: provider.<p> in opencode.json.


def opencode_file(target: Target) -> dict[str, str]:
    return {"$schema": "https://opencode.ai/config.json"}


def opencode_provider(document: Any, target: Target, log: EditLog) -> Any:
    root = mapping_of(document, "a JSON object")
    entry = child_of(
        child_of(root, "provider", "a valid opencode config"), target.provider.id, "valid"
    )
    entry.update(npm="@ai-sdk/openai-compatible", name=target.provider.label)
    options = child_of(entry, "options", "valid")
    options.update(baseURL=target.api_base, apiKey="{env:" + target.key_env + "}")
    set_headers(options, "headers", target.headers, target.provider)
    models = child_of(entry, "models", "valid")
    for model in target.models:
        models.setdefault(model.id, {"name": model.name})
    return document


def opencode_provider_removed(document: Any, target: Target, record: Mapping[str, Any]) -> Any:
    providers = mapping_of(document, "a JSON object").get("provider")
    if isinstance(providers, MutableMapping) and target.provider.id in providers:
        del providers[target.provider.id]
        if not providers:
            del document["provider"]
    return document


def opencode_provider_configured(document: Any, provider: Provider) -> bool:
    providers = document.get("provider") if isinstance(document, Mapping) else None
    return isinstance(providers, Mapping) and provider.id in providers
