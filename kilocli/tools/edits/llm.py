"""llm (simonw/llm): ``extra-openai-models.yaml`` (a list of models) and ``keys.json``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kilocli.providers.registry import Provider
from kilocli.tools.entries import (
    EditLog,
    Target,
    list_of,
    mapping_of,
    remove_where,
    set_headers,
)

# llm: extra-openai-models.yaml (a list of models) and keys.json (name → key).


def _llm_ours(entry: Any, provider: Provider) -> bool:
    return (
        isinstance(entry, Mapping)
        and entry.get("api_key_name") == provider.id
        and str(entry.get("model_id", "")).startswith(provider.id + "/")
    )


def llm_models(document: Any, target: Target, log: EditLog) -> Any:
    models = list_of([] if document is None else document, "a list of models")
    for model in target.models:
        model_id = f"{target.provider.id}/{model.id}"
        entry = next(
            (e for e in models if _llm_ours(e, target.provider) and e.get("model_id") == model_id),
            None,
        )
        if entry is None:
            models.append({})
            entry = models[-1]
        entry.update(
            model_id=model_id,
            model_name=model.id,
            api_base=target.api_base,
            api_key_name=target.provider.id,
        )
    for entry in models:  # every entry of kilocli's, those of earlier --model runs too
        if _llm_ours(entry, target.provider):
            entry["api_base"] = target.api_base
            set_headers(entry, "headers", target.headers, target.provider)
    return models


def llm_models_removed(document: Any, target: Target, record: Mapping[str, Any]) -> Any:
    if document is None:
        return document
    remove_where(list_of(document, "a list of models"), lambda e: _llm_ours(e, target.provider))
    return document


def llm_models_configured(document: Any, provider: Provider) -> bool:
    return isinstance(document, list) and any(_llm_ours(e, provider) for e in document)


def llm_keys_file(target: Target) -> dict[str, str]:
    return {"// Note": "This file stores secret API credentials. Do not share!"}  # as llm's


def llm_key(document: Any, target: Target, log: EditLog) -> Any:
    mapping_of(document, "a JSON object of keys")[target.provider.id] = target.needed_key()
    return document


def llm_key_removed(document: Any, target: Target, record: Mapping[str, Any]) -> Any:
    mapping_of(document, "a JSON object of keys").pop(target.provider.id, None)
    return document


def llm_key_configured(document: Any, provider: Provider) -> bool:
    return isinstance(document, Mapping) and provider.id in document
