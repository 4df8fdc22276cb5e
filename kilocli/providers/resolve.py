"""Resolving what the registry leaves open: the base URL in effect, and what a model ref names."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kilocli.errors import UsageError
from kilocli.providers.registry import PROVIDERS, Provider


def normalise_base_url(url: str, *, given_as: str = "base URL") -> str:
    """Strip surrounding space and make sure the base URL ends with exactly one ``/``.

    Raises:
        UsageError: the URL is not an absolute http(s) URL.
    """
    url = url.strip()
    scheme, _, rest = url.partition("://")
    if (
        scheme.lower() not in {"http", "https"}
        or not rest.strip("/")
        or any(ch.isspace() or not ch.isprintable() for ch in url)
    ):
        raise UsageError(
            f"The {given_as} '{url}' is not an http(s) URL.",
            hint="Give a full URL such as https://api.kilo.ai/api/gateway/.",
        )
    return url.rstrip("/") + "/"


def origin_of(base_url: str) -> str:
    """The base URL with a trailing ``/api/gateway/`` removed (and no trailing slash)."""
    url = normalise_base_url(base_url)
    suffix = "/api/gateway/"
    if url.endswith(suffix):
        url = url[: -len(suffix)]
    return url.rstrip("/")


def verify_url(provider: Provider, base_url: str) -> str:
    """The URL that tells whether a key is accepted."""
    base = normalise_base_url(base_url)
    return provider.verify_url.format(base=base, origin=origin_of(base))


@dataclass(frozen=True)
class BaseUrl:
    """A base URL and where it came from (``flag``, ``env: …``, ``config: …``, ``default``)."""

    url: str
    source: str


def resolve_base_url(
    provider: Provider, flag: str | None, env: Mapping[str, str], configured: str | None
) -> BaseUrl:
    """The base URL in effect, first found.

    1. the ``--base-url`` flag;
    2. the ``<PROVIDER>_BASE_URL`` env var (applies to this command only);
    3. ``configured``: ``models.providers.<p>.baseUrl`` in config;
    4. the registry default.
    """
    if flag and flag.strip():
        return BaseUrl(normalise_base_url(flag, given_as="--base-url"), "flag: --base-url")
    from_env = env.get(provider.base_url_env, "").strip()
    if from_env:
        url = normalise_base_url(from_env, given_as=provider.base_url_env)
        return BaseUrl(url, f"env: {provider.base_url_env}")
    if configured and configured.strip():
        name = f"models.providers.{provider.id}.baseUrl"
        return BaseUrl(normalise_base_url(configured, given_as=name), f"config: {name}")
    return BaseUrl(provider.base_url, "default")


@dataclass(frozen=True)
class ModelRef:
    """``<provider>/<model id>``, split on the first ``/`` only."""

    provider: str
    model_id: str

    def __str__(self) -> str:
        return f"{self.provider}/{self.model_id}"


def parse_model_ref(text: str) -> ModelRef:
    """Parse a model ref such as ``kilocode/anthropic/claude-sonnet-4.5``.

    Raises:
        UsageError: no ``/``, an empty part, whitespace, or a provider kilocli does not know.
    """
    ref = text.strip()
    provider_id, _, model_id = ref.partition("/")
    if not provider_id or not model_id or any(ch.isspace() for ch in ref):
        raise UsageError(
            f"'{ref}' is not a model ref.",
            hint="Write it as provider/model, for example kilocode/anthropic/claude-sonnet-4.5.",
        )
    if provider_id not in {p.id for p in PROVIDERS}:
        known = ", ".join(p.id for p in PROVIDERS)
        raise UsageError(
            f"'{ref}' names the unknown provider '{provider_id}' (known: {known}).",
            hint=f"For a Kilo Gateway model, write kilocode/{ref}.",
        )
    return ModelRef(provider_id, model_id)


def default_model_provider(primary: str | None) -> Provider:
    """The provider of the default model ``primary`` (``agents.defaults.model.primary``), else
    the first provider (Kilo Gateway)."""
    if primary is not None:
        provider_id = primary.strip().partition("/")[0]
        for provider in PROVIDERS:
            if provider.id == provider_id:
                return provider
    return PROVIDERS[0]
