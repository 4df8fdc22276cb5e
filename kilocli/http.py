"""The HTTP client kilocli uses to talk to gateways (httpx is imported only when needed)."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import TYPE_CHECKING

from kilocli import __version__

if TYPE_CHECKING:
    import httpx

TIMEOUT_SECONDS = 5.0
MAX_RETRY_AFTER_SECONDS = 3.0
USER_AGENT = f"kilocli/{__version__}"


def make_client() -> httpx.Client:
    """A client with 5 s connect/read timeouts that honours HTTPS_PROXY, NO_PROXY and
    SSL_CERT_FILE, and never follows redirects (so a key is never sent to another host)."""
    import httpx

    return httpx.Client(
        timeout=httpx.Timeout(TIMEOUT_SECONDS),
        follow_redirects=False,
        trust_env=True,
        headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
    )


def get_with_one_retry(
    client: httpx.Client, url: str, headers: Mapping[str, str]
) -> httpx.Response:
    """GET ``url``; after a 429, wait as ``Retry-After`` asks (if briefly) and try once more."""
    response = client.get(url, headers=dict(headers))
    if response.status_code == 429:
        delay = retry_after_seconds(response.headers.get("Retry-After"))
        if delay is not None:
            time.sleep(delay)
            response = client.get(url, headers=dict(headers))
    return response


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds to wait before the one retry: 1 s without a header, None when the wait would not
    be brief (over 3 s) or the header is not a number of seconds."""
    if value is None:
        return 1.0
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if 0 <= seconds <= MAX_RETRY_AFTER_SECONDS else None
