"""aider: two settings in ``~/.aider.conf.yml``, a file of the user's; the key stays in the
environment (``kilocli exec -- aider``)."""

from __future__ import annotations

from kilocli.tools.claims import Claim
from kilocli.tools.documents import MISSING, Document
from kilocli.tools.entries import Target

AIDER_KEY_SETTING = "openai-api-key"


def aider_settings(target: Target) -> list[Claim]:
    return [
        Claim(("openai-api-base",), target.api_base),
        Claim(("model",), f"openai/{target.models[0].id}", kind="default"),
    ]


def aider_notes(document: Document, target: Target) -> list[str]:
    notes = []
    if document.get((AIDER_KEY_SETTING,)) is not MISSING:
        notes.append(
            f"The aider settings set {AIDER_KEY_SETTING}, which aider uses in place of the key "
            "kilocli exec hands it: remove that line to use the gateway's key."
        )
    if target.headers:
        notes.append(
            "aider cannot send the organisation header from its settings file; "
            "requests from aider use the key's personal account."
        )
    return notes
