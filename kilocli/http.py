"""The HTTP client kilocli uses to talk to gateways (httpx is imported only when needed)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kilocli import __version__

if TYPE_CHECKING:
    import httpx

TIMEOUT_SECONDS = 5.0
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
