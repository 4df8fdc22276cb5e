"""Asking the gateway which models it offers: ``GET <base URL>models`` (never ``/v1``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from kilocli.catalog.parse import CatalogFormatError, ParsedCatalog, parse_models_payload
from kilocli.catalog.records import CatalogModel
from kilocli.credentials.keys import redact, secret_parts
from kilocli.errors import GatewayUnreachable
from kilocli.gateway.http import (
    MAX_JSON_CONTAINERS,
    AnswerTooLarge,
    GatewayClient,
    MalformedAnswer,
    json_text,
    parse_json_text,
)
from kilocli.gateway.problems import classify
from kilocli.providers.registry import Provider
from kilocli.providers.resolve import normalise_base_url


class DiscoveryFailed(GatewayUnreachable):
    """The model list could not be fetched; ``reason`` says why, fit for a warning."""

    def __init__(self, reason: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status  # the HTTP status of an error answer


def models_url(base_url: str) -> str:
    """``<base URL>models``: the base URL already ends in ``/``; nothing else is appended."""
    return normalise_base_url(base_url) + "models"


def discover_models(
    client: GatewayClient,
    provider: Provider,
    base_url: str,
    key: str | None,
    extra_headers: Mapping[str, str] | None = None,
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
        headers.update(extra_headers or {})  # an organisation's list: only with its key
    try:
        response = client.get(
            models_url(base_url), headers, max_json_containers=MAX_JSON_CONTAINERS
        )
        if response.status_code != 200:
            problem = classify(
                response.status_code, response.content, secrets=(key,) if key else ()
            )
            raise DiscoveryFailed(problem.describe(provider.label), response.status_code)
        text = json_text(response.content)
        del response  # the raw body is not kept while its text is parsed
        payload = parse_json_text(text)
        del text  # nor the text while the rows are read
    except httpx.TimeoutException:
        raise DiscoveryFailed(f"no answer within {client.timeout:g} s") from None
    except httpx.HTTPError as exc:
        raise DiscoveryFailed(f"could not connect ({type(exc).__name__})") from None
    except AnswerTooLarge as exc:
        raise DiscoveryFailed(str(exc)) from None
    except MalformedAnswer as exc:
        raise DiscoveryFailed(f"{provider.label} sent an answer {exc}") from None
    try:
        parsed = parse_models_payload(payload)
    except CatalogFormatError as exc:
        raise DiscoveryFailed(f"{provider.label} sent an answer with {exc}") from None
    if not parsed.models:
        raise DiscoveryFailed(f"{provider.label} listed no models")
    return _without_key(parsed, key) if key else parsed


def _without_key(parsed: ParsedCatalog, key: str) -> ParsedCatalog:
    """A gateway that echoes the Authorization header into the list (in a model name, JSON-
    escaped or in pieces) must not get the key into the cache or onto the screen: what it
    sent is checked after decoding, and keeps only previews."""
    parts = secret_parts(key)

    def clean(model: CatalogModel) -> CatalogModel:
        if any(part in model.id or part in model.name for part in parts):
            return model._replace(id=redact(model.id, (key,)), name=redact(model.name, (key,)))
        return model

    return replace(parsed, models=tuple(clean(model) for model in parsed.models))
