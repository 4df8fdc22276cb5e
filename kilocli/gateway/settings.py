"""How long kilocli waits for a gateway, from the environment: read by every command that
builds its runtime, so it lives apart from the HTTP client (which a cached listing never
loads)."""

from __future__ import annotations

from collections.abc import Mapping

DEFAULT_TIMEOUT_SECONDS = 5.0  # connect, read, and the whole answer


def timeout_from_env(env: Mapping[str, str]) -> float:
    """``KILOCLI_HTTP_TIMEOUT`` seconds (a positive number), else the 5 s default."""
    raw = env.get("KILOCLI_HTTP_TIMEOUT", "").strip()
    try:
        seconds = float(raw) if raw else DEFAULT_TIMEOUT_SECONDS
    except ValueError:
        return DEFAULT_TIMEOUT_SECONDS
    return seconds if 0 < seconds < float("inf") else DEFAULT_TIMEOUT_SECONDS


def poll_interval_from_env(env: Mapping[str, str]) -> float:
    """``KILOCLI_POLL_INTERVAL`` seconds between device sign-in polls (for slow links and
    tests), else Kilo's 3 s."""
    raw = env.get("KILOCLI_POLL_INTERVAL", "").strip()
    try:
        seconds = float(raw) if raw else 3.0
    except ValueError:
        return 3.0
    return seconds if 0 < seconds <= 60 else 3.0
