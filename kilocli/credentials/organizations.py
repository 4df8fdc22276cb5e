"""Organisation ids from outside (the gateway, a flag, the environment, a hand-edited file),
checked before they are stored, sent in a header, put in a file name or shown (SPEC §13)."""

from __future__ import annotations

import re

MAX_ORGANIZATION_ID_CHARS = 128
_ORGANIZATION_ID = re.compile(r"[\x21-\x2e\x30-\x7e]+")  # printable ASCII but space and "/"


def organization_id_problem(value: str) -> str | None:
    """Why ``value`` cannot be an organisation id, or None when it can.

    The reason names what is wrong, never the value (it may be anything a gateway sent).
    """
    if not value:
        return "it is empty"
    if len(value) > MAX_ORGANIZATION_ID_CHARS:
        return f"it is longer than {MAX_ORGANIZATION_ID_CHARS} characters"
    if _ORGANIZATION_ID.fullmatch(value) is None:
        return "it holds a space, a slash, a control or a non-ASCII character"
    return None
