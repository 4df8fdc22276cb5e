"""Asking the gateway which models it offers: ``GET <base URL>models`` (never ``/v1``)."""

from __future__ import annotations

import json

from kilocli.catalog.parse import CatalogFormatError, ParsedCatalog, parse_models_payload
from kilocli.credentials.keys import preview
from kilocli.gateway.http import AnswerTooLarge, GatewayClient
from kilocli.gateway.problems import classify
from kilocli.providers.registry import Provider
from kilocli.providers.resolve import normalise_base_url


class DiscoveryFailed(Exception):
    """The model list could not be fetched; ``reason`` says why, fit for a warning."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def models_url(base_url: str) -> str:
    """``<base URL>models``: the base URL already ends in ``/``; nothing else is appended."""
    return normalise_base_url(base_url) + "models"


def discover_models(
    client: GatewayClient, provider: Provider, base_url: str, key: str | None
) -> ParsedCatalog:
    """Fetch and parse the gateway's model list. The list is public; a key may personalise it.

    Raises:
        DiscoveryFailed: timeout, connection error, an error status, or a body that is not the
            expected JSON.
    """
    import httpx

    headers = {"Accept": "application/json"}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    try:
        response = client.get(models_url(base_url), headers)
    except httpx.TimeoutException:
        raise DiscoveryFailed(f"no answer within {client.timeout:g} s") from None
    except httpx.HTTPError as exc:
        raise DiscoveryFailed(f"could not connect ({type(exc).__name__})") from None
    except AnswerTooLarge as exc:
        raise DiscoveryFailed(str(exc)) from None
    if response.status_code != 200:
        problem = classify(response.status_code, response.content, secrets=(key,) if key else ())
        raise DiscoveryFailed(problem.describe(provider.label))
    content = response.content
    if key:
        # A gateway that echoes the Authorization header into the list (a model name, say)
        # must not get the key into the cache or onto the screen: keep only its preview.
        content = content.replace(key.encode(), preview(key).encode())
    try:
        payload = json.loads(content)
    except (ValueError, UnicodeDecodeError):
        raise DiscoveryFailed(f"{provider.label} sent an answer that is not JSON") from None
    try:
        return parse_models_payload(payload)
    except CatalogFormatError as exc:
        raise DiscoveryFailed(f"{provider.label} sent an answer with {exc}") from None
