"""Showing a config without showing the keys a user may have put in it."""

from __future__ import annotations

import re
from typing import Any

from kilocli.credentials.keys import preview

# "apiKey", "token(s)", "accessToken", "secret", "password", "key" (only strings are hidden,
# so a numeric "maxTokens" is shown).
_SECRET_NAME = re.compile(r"(api[_-]?key|token|secret|password)s?$|^keys?$", re.IGNORECASE)


def redacted(value: Any, name: str = "") -> Any:
    """A copy of ``value`` in which every string under a secret-sounding name is a preview."""
    if isinstance(value, dict):
        return {k: redacted(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [redacted(item, name) for item in value]
    if isinstance(value, str) and _SECRET_NAME.search(name):
        return preview(value)
    return value
