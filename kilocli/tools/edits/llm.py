"""llm (simonw/llm): a model entry per model in ``extra-openai-models.yaml``, the key in
``keys.json`` (llm reads keys only from there or its own variables), and the default model in
``default_model.txt`` (what ``llm models default`` writes)."""

from __future__ import annotations

from kilocli.tools.claims import Claim
from kilocli.tools.documents import Select
from kilocli.tools.entries import Target

KEYS_NOTE = "This file stores secret API credentials. Do not share!"  # llm writes it too


def llm_models(target: Target) -> list[Claim]:
    provider = target.provider.id
    claims = []
    for model in target.models:
        entry = Select((("model_id", f"{provider}/{model.id}"),))
        claims += [
            Claim((entry, "model_name"), model.id),
            Claim((entry, "api_base"), target.api_base),
            Claim((entry, "api_key_name"), provider),
        ]
        claims += [Claim((entry, "headers", name), v) for name, v in target.headers.items()]
    return claims


def llm_key(target: Target) -> list[Claim]:
    return [
        Claim(("// Note",), KEYS_NOTE, kind="new"),
        Claim((target.provider.id,), target.needed_key(), secret=True),
    ]


def llm_default(target: Target) -> list[Claim]:
    model_id = f"{target.provider.id}/{target.default_model.id}"
    return [Claim(("content",), model_id, kind="default")]
