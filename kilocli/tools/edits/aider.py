"""aider: two settings in ``~/.aider.conf.yml``, a file of the user's, and the organisation
header in ``~/.aider.model.settings.yml``; the key stays in the environment
(``kilocli exec -- aider``, or ``kilocli shell-init``)."""

from __future__ import annotations

from kilocli.tools.claims import Claim
from kilocli.tools.documents import MISSING, Document, Select
from kilocli.tools.entries import Target

AIDER_KEY_SETTING = "openai-api-key"


def aider_settings(target: Target) -> list[Claim]:
    return [
        Claim(("openai-api-base",), target.api_base),
        Claim(("model",), f"openai/{target.default_model.id}", kind="default"),
    ]


def aider_model_settings(target: Target) -> list[Claim]:
    """aider sends extra headers for a model named in its model settings file."""
    entry = Select((("name", f"openai/{target.default_model.id}"),))
    return [
        Claim((entry, "extra_params", "extra_headers", name), value)
        for name, value in target.headers.items()
    ]


def aider_notes(document: Document, target: Target) -> list[str]:
    if document.get((AIDER_KEY_SETTING,)) is MISSING:
        return []
    return [
        f"The aider settings set {AIDER_KEY_SETTING}, which aider uses in place of the key "
        "kilocli exec hands it: remove that line to use the gateway's key."
    ]
