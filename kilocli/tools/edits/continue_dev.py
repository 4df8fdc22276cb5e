"""Continue: a ``models`` entry in ``config.yaml``, and the key in its ``.env``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kilocli.providers.registry import Provider
from kilocli.tools.documents import Dotenv
from kilocli.tools.entries import (
    EditLog,
    Target,
    child_of,
    list_of,
    mapping_of,
    remove_where,
    set_headers,
)
from kilocli.tools.shells import dotenv_quote

# Continue: a models entry in config.yaml, and the key in its .env (${{ secrets.X }} is not
# read from the process environment).


def continue_file(target: Target) -> dict[str, Any]:
    return {"name": "Local Config", "version": "1.0.0", "schema": "v1", "models": []}


def _continue_ours(entry: Any, target: Target) -> bool:
    return isinstance(entry, Mapping) and entry.get("apiKey") == target.secret_reference


def continue_models(document: Any, target: Target, log: EditLog) -> Any:
    root = mapping_of(continue_file(target) if document is None else document, "a mapping")
    if root.get("models") is None:
        root["models"] = []
    models = list_of(root["models"], "valid (models is not a list)")
    for model in target.models:
        entry = next(
            (e for e in models if _continue_ours(e, target) and e.get("model") == model.id), None
        )
        if entry is None:
            models.append({})
            entry = models[-1]
        entry.update(
            name=f"{model.name} ({target.provider.label})",
            provider="openai",
            model=model.id,
            apiBase=target.api_base,
            apiKey=target.secret_reference,
        )
    for entry in models:  # every entry of kilocli's, those of earlier --model runs too
        if not _continue_ours(entry, target):
            continue
        entry["apiBase"] = target.api_base
        if target.headers or "requestOptions" in entry:
            options = child_of(entry, "requestOptions", "valid")
            set_headers(options, "headers", target.headers, target.provider)
            if not options:
                del entry["requestOptions"]
    return root


def continue_models_removed(document: Any, target: Target, record: Mapping[str, Any]) -> Any:
    models = document.get("models") if isinstance(document, Mapping) else None
    if isinstance(models, list):
        remove_where(models, lambda e: _continue_ours(e, target))
    return document


def continue_models_configured(document: Any, provider: Provider) -> bool:
    target = Target(provider, "")
    models = document.get("models") if isinstance(document, Mapping) else None
    return isinstance(models, list) and any(_continue_ours(e, target) for e in models)


def continue_secret(document: Dotenv, target: Target, log: EditLog) -> Dotenv:
    document.set(target.key_env, dotenv_quote(target.needed_key()))
    return document


def continue_secret_removed(document: Dotenv, target: Target, record: Mapping[str, Any]) -> Dotenv:
    document.remove(target.key_env)
    return document


def continue_secret_configured(document: Dotenv, provider: Provider) -> bool:
    return document.get(provider.env_vars[0]) is not None
