"""When a key expires (SPEC §4): a JWT's ``exp`` claim, read locally (no signature check, no
network), and the rate-limited warnings before it does.

The time of the last warning per key source is kept in a small state file in the cache
directory (``expiry-warnings.json``), never in the auth store: losing it only repeats a
warning.
"""

from __future__ import annotations

import base64
import json
import math
from datetime import UTC, datetime
from pathlib import Path

SOON_SECONDS = 14 * 86400  # warned about at most every 12 hours
VERY_SOON_SECONDS = 86400  # warned about on every command
WARN_EVERY_SECONDS = 12 * 3600
STATE_FILE = "expiry-warnings.json"


def key_expiry(key: str) -> float | None:
    """The ``exp`` of a JWT key, in seconds since the epoch; None when the key is no JWT, has
    no ``exp``, or one that is not a finite positive number."""
    parts = key.split(".")
    if len(parts) != 3 or not parts[1]:
        return None
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload))
    except (ValueError, TypeError):  # not base64, not UTF-8, not JSON
        return None
    exp = claims.get("exp") if isinstance(claims, dict) else None
    if isinstance(exp, bool) or not isinstance(exp, int | float):
        return None
    try:
        value = float(exp)
    except OverflowError:  # an integer too large for a float
        return None
    return value if math.isfinite(value) and 0 < value < 1e12 else None


def expires_at_text(exp: float | None) -> str | None:
    """``exp`` as ISO 8601 UTC (``2026-12-07T14:00:00Z``), the form ``--json`` carries."""
    if exp is None:
        return None
    return datetime.fromtimestamp(exp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def expiry_date_text(exp: float) -> str:
    """``exp`` as a person reads it: ``2026-12-07 14:00 UTC``."""
    return datetime.fromtimestamp(exp, UTC).strftime("%Y-%m-%d %H:%M UTC")


def due_warning(cache_dir: Path, source: str, exp: float, now: float) -> bool:
    """Whether a key expiring at ``exp`` deserves a warning now, and if so record it: within 24
    hours always, within 14 days at most every 12 hours per ``source``."""
    left = exp - now
    if left <= 0 or left > SOON_SECONDS:
        return False
    if left <= VERY_SOON_SECONDS:
        return True
    path = cache_dir / STATE_FILE
    state = _read_state(path)
    last = state.get(source)
    if isinstance(last, int | float) and 0 <= now - last < WARN_EVERY_SECONDS:
        return False
    state[source] = now
    _write_state(path, state)
    return True


def _read_state(path: Path) -> dict[str, object]:
    from kilocli.errors import KilocliError
    from kilocli.storage import read_file_bytes

    try:
        data = read_file_bytes(path)
        state = json.loads(data) if data else {}
    except (KilocliError, ValueError, RecursionError):
        return {}
    return state if isinstance(state, dict) else {}


def _write_state(path: Path, state: dict[str, object]) -> None:
    """Best effort: a cache directory that cannot be written only means the warning repeats."""
    from kilocli.errors import KilocliError
    from kilocli.storage import ensure_private_dir, write_private_bytes

    try:
        ensure_private_dir(path.parent)
        write_private_bytes(path, json.dumps(state, sort_keys=True).encode())
    except (KilocliError, OSError):
        return
