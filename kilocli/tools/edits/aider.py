"""aider: two settings in ``~/.aider.conf.yml``, a file of the user's."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kilocli.providers.registry import Provider
from kilocli.tools.entries import (
    EditLog,
    Target,
    mapping_of,
)

# aider: two settings in ~/.aider.conf.yml, a file of the user's; the key stays in the
# environment (kilocli exec -- aider).

AIDER_KEY_SETTING = "openai-api-key"


def _aider_settings(target: Target) -> dict[str, str]:
    return {"openai-api-base": target.api_base, "model": f"openai/{target.models[0].id}"}


def aider_settings(document: Any, target: Target, log: EditLog) -> Any:
    settings = mapping_of({} if document is None else document, "a mapping of settings")
    for name, value in _aider_settings(target).items():
        if name in settings and name not in log.owned and settings[name] != value:
            log.replaced[name] = _plain(settings[name])
        if name not in log.owned:
            log.owned.append(name)
        settings[name] = value
        log.written[name] = value
    if AIDER_KEY_SETTING in settings:
        log.warnings.append(
            f"The aider settings set {AIDER_KEY_SETTING}, which aider uses in place of the key "
            "kilocli exec hands it: remove that line to use the gateway's key."
        )
    if target.headers:
        log.warnings.append(
            "aider cannot send the organisation header from its settings file; "
            "requests from aider use the key's personal account."
        )
    return settings


def aider_settings_removed(document: Any, target: Target, record: Mapping[str, Any]) -> Any:
    if document is None:
        return document
    settings = mapping_of(document, "a mapping of settings")
    owned = list(record.get("owned", []))
    before = dict(record.get("replaced", {}))
    written = dict(record.get("written", {}))
    if not owned:  # no record of what kilocli set: take out only values that are its own
        base = target.api_base
        owned = [n for n in ("openai-api-base",) if settings.get(n) == base]
        if owned and str(settings.get("model", "")).startswith("openai/"):
            owned.append("model")
    for name in owned:
        if name in written and settings.get(name) != written[name]:
            continue  # changed by the user since: theirs now, left as it is
        if name in before:
            settings[name] = before[name]
        else:
            settings.pop(name, None)
    return settings


def aider_settings_configured(document: Any, provider: Provider) -> bool:
    return isinstance(document, Mapping) and str(document.get("model", "")).startswith("openai/")


def _plain(value: Any) -> Any:
    """A YAML scalar as a plain Python value (ruamel's keep their style in subclasses)."""
    for kind in (bool, int, float, str):
        if isinstance(value, kind):
            return kind(value)
    return value
