"""Continue: a ``models`` entry in ``config.yaml``, and the key in its ``.env`` (Continue reads
``${{ secrets.X }}`` from there, not from the process environment)."""

from __future__ import annotations

from kilocli.tools.claims import Claim
from kilocli.tools.documents import Select
from kilocli.tools.entries import Target


def continue_models(target: Target) -> list[Claim]:
    claims = [  # a new file's header, as Continue writes it
        Claim(("name",), "Local Config", kind="new"),
        Claim(("version",), "1.0.0", kind="new"),
        Claim(("schema",), "v1", kind="new"),
    ]
    for model in target.models:
        entry = Select((("model", model.id), ("apiKey", target.secret_reference)), first=True)
        claims += [
            Claim(("models", entry, "name"), f"{model.name} ({target.provider.label})"),
            Claim(("models", entry, "provider"), "openai"),
            Claim(("models", entry, "apiBase"), target.api_base),
        ]
        claims += [
            Claim(("models", entry, "requestOptions", "headers", name), value)
            for name, value in target.headers.items()
        ]
    return claims


def continue_secret(target: Target) -> list[Claim]:
    return [Claim((target.key_env,), target.needed_key(), secret=True)]
