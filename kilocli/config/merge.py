"""Pure merges of provider settings into a config document: ``dict -> dict``, no I/O.

Each function returns a new document and leaves its argument untouched. Everything the user
wrote that a rule does not name is kept.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from kilocli.providers.registry import Provider
from kilocli.storage import Document

API_STYLE = "openai-completions"


def apply_provider_config(
    config: Mapping[str, Any], provider: Provider, *, base_url: str | None = None
) -> Document:
    """Merge ``provider``'s settings into ``models.providers.<p>``.

    ``models.mode`` is kept (or set to ``"merge"``); every existing provider field is kept;
    ``baseUrl`` becomes ``base_url`` when one is given (``onboard --base-url``), else an existing
    one is kept, else the registry default; ``api`` is set; a string ``apiKey`` is trimmed;
    fallback-catalog models are appended when their id is missing.
    """
    result = copy.deepcopy(dict(config))
    models = result.setdefault("models", {})
    models.setdefault("mode", "merge")
    settings = models.setdefault("providers", {}).setdefault(provider.id, {})
    existing_url = settings.get("baseUrl")
    if base_url:
        settings["baseUrl"] = base_url
    elif not (isinstance(existing_url, str) and existing_url.strip()):
        settings["baseUrl"] = provider.base_url
    settings["api"] = API_STYLE
    if isinstance(settings.get("apiKey"), str):
        settings["apiKey"] = settings["apiKey"].strip()
        if not settings["apiKey"]:  # an empty or blank apiKey is no key: dropped, as OpenClaw does
            del settings["apiKey"]
    entries = settings.setdefault("models", [])
    known_ids = {entry.get("id") for entry in entries}
    entries.extend(m.as_config_entry() for m in provider.fallback_models if m.id not in known_ids)
    return result


def set_env_key_organization(
    config: Mapping[str, Any], provider: Provider, organization: str | None
) -> Document:
    """Record the organisation chosen for a key that stays in the environment
    (``models.providers.<p>.organizationId``; none for Personal)."""
    result = copy.deepcopy(dict(config))
    settings = result.setdefault("models", {}).setdefault("providers", {})
    settings = settings.setdefault(provider.id, {})
    if organization is None:
        settings.pop("organizationId", None)
    else:
        settings["organizationId"] = organization
    return result


def apply_default_alias(config: Mapping[str, Any], provider: Provider) -> Document:
    """Give the provider's default model an alias (its group label) unless it has one."""
    result = copy.deepcopy(dict(config))
    defaults = result.setdefault("agents", {}).setdefault("defaults", {})
    entry = defaults.setdefault("models", {}).setdefault(provider.default_model, {})
    entry.setdefault("alias", provider.label)
    return result


def set_primary_model(config: Mapping[str, Any], ref: str) -> Document:
    """Make ``ref`` the default model; ``fallbacks`` stay exactly as the user wrote them."""
    result = copy.deepcopy(dict(config))
    model = result.setdefault("agents", {}).setdefault("defaults", {}).setdefault("model", {})
    model["primary"] = ref
    return result


def apply_auth_profile(
    config: Mapping[str, Any], profile_id: str, provider_id: str, *, mode: str = "api_key"
) -> Document:
    """Record profile metadata in ``auth.profiles`` (``mode`` follows the credential's type:
    ``api_key``, or ``oauth`` for a device sign-in); move it to the front of
    ``auth.order.<p>``. The order list is only touched when the user already has one.
    """
    result = copy.deepcopy(dict(config))
    auth = result.setdefault("auth", {})
    profile = auth.setdefault("profiles", {}).setdefault(profile_id, {})
    profile.update({"provider": provider_id, "mode": mode})  # other fields are kept
    order = auth.get("order", {})
    if provider_id in order:
        order[provider_id] = [profile_id, *(p for p in order[provider_id] if p != profile_id)]
    return result


def remove_auth_profile(config: Mapping[str, Any], profile_id: str) -> Document:
    """Drop a profile from ``auth.profiles`` and from every ``auth.order`` list."""
    result = copy.deepcopy(dict(config))
    auth = result.get("auth", {})
    auth.get("profiles", {}).pop(profile_id, None)
    for provider_id, order in auth.get("order", {}).items():
        auth["order"][provider_id] = [p for p in order if p != profile_id]
    return result


def with_setup_record(
    config: Mapping[str, Any], tool_id: str, record: Mapping[str, Any] | None
) -> Document:
    """Keep what ``setup`` owns in a tool's files as ``setup.<tool>``; with no record (a
    ``--remove`` took everything out), drop it (and an empty ``setup`` table)."""
    result = copy.deepcopy(dict(config))
    records = result.setdefault("setup", {})
    if record:
        records[tool_id] = dict(record)
    else:
        records.pop(tool_id, None)
    if not records:
        del result["setup"]
    return result


def put_profile_first(config: Mapping[str, Any], profile_id: str, provider_id: str) -> Document:
    """``auth use``: ``profile_id`` at the front of ``auth.order.<p>`` (the list is created)."""
    result = copy.deepcopy(dict(config))
    order = result.setdefault("auth", {}).setdefault("order", {})
    order[provider_id] = [profile_id, *(p for p in order.get(provider_id, []) if p != profile_id)]
    return result
