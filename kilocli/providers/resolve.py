"""Resolving what the registry leaves open: the base URL in effect, and what a model ref names."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kilocli.errors import UsageError
from kilocli.providers.registry import PROVIDERS, Provider, get_provider
from kilocli.text import for_terminal


def normalise_base_url(url: str, *, given_as: str = "base URL") -> str:
    """Check a base URL where it enters and make it end with exactly one ``/``.

    It must be ``http`` or ``https`` with a valid host (a name, an IPv4 address or a bracketed
    IPv6 address) and, if given, a port from 1 to 65535; it must not carry a user name or
    password (httpx would send those as Basic auth in place of the key, and they would be shown).

    Raises:
        UsageError: the URL is empty or fails one of those checks; the message never repeats
            a password.
    """
    from urllib.parse import urlsplit

    url = url.strip()
    problem = None
    try:
        parts = urlsplit(url)
        port = parts.port  # raises ValueError for ":abc" or a port out of range
    except ValueError:
        parts, port, problem = None, None, "is not a valid URL"
    if parts is not None:
        problem = _base_url_problem(url, parts.scheme, parts.netloc, parts.hostname, port)
    if problem is not None:
        shown = f" {without_userinfo(url)!r}" if url else ""
        raise UsageError(
            f"The {given_as}{shown} {problem}.",
            hint="Give a full URL such as https://api.kilo.ai/api/gateway/.",
        )
    return url.rstrip("/") + "/"


def _base_url_problem(  # noqa: PLR0911 (one check per line reads best)
    url: str, scheme: str, netloc: str, hostname: str | None, port: int | None
) -> str | None:
    if not url:
        return "is empty"
    if any(ch.isspace() or not ch.isprintable() for ch in url):
        return "holds spaces or control characters"
    if scheme.lower() not in {"http", "https"}:
        return "is not an http(s) URL"
    if "@" in netloc:
        return "holds a user name or password (kilocli sends the key, never those)"
    if not hostname or not _valid_host(hostname):
        return "has no valid host"
    if port == 0:
        return "has no valid port"
    return None


def _valid_host(host: str) -> bool:
    """A DNS name (labels of letters, digits and hyphens), an IPv4 or an IPv6 address."""
    import ipaddress

    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return True
    labels = host.rstrip(".").split(".")
    return all(
        0 < len(label) <= 63
        and label.replace("-", "").isalnum()
        and label.isascii()
        and not label.startswith("-")
        and not label.endswith("-")
        for label in labels
    )


def without_userinfo(url: str) -> str:
    """``url`` with anything before an ``@`` in its authority replaced by ``***``."""
    scheme, sep, rest = url.partition("://")
    authority, slash, path = rest.partition("/")
    if "@" in authority:
        authority = "***@" + authority.rpartition("@")[2]
    return scheme + sep + authority + slash + path if sep else url


def is_loopback(base_url: str) -> bool:
    """Whether the base URL's host is this machine (``localhost``, 127.0.0.0/8, ``::1``)."""
    import ipaddress
    from urllib.parse import urlsplit

    host = urlsplit(base_url).hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


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
    if flag is not None:  # given, even empty: refused rather than silently ignored
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
    provider_id = provider_id.lower()  # matched and stored in lower case; the model id as given
    if not provider_id or not model_id or any(ch.isspace() or not ch.isprintable() for ch in ref):
        raise UsageError(
            f"{for_terminal(ref)!r} is not a model ref.",
            hint="Write it as provider/model, for example kilocode/anthropic/claude-sonnet-4.5.",
        )
    if provider_id not in {p.id for p in PROVIDERS}:
        known = ", ".join(p.id for p in PROVIDERS)
        raise UsageError(
            f"{for_terminal(ref)!r} names the unknown provider {provider_id!r} (known: {known}).",
            hint=f"For a Kilo Gateway model, write kilocode/{for_terminal(ref)}.",
        )
    return ModelRef(provider_id, model_id)


def provider_named(provider_id: str | None, primary: str | None) -> Provider:
    """``--provider`` (any case), else the provider of the default model ``primary``.

    Raises:
        UsageError: no such provider.
    """
    return get_provider(provider_id.lower()) if provider_id else default_model_provider(primary)


def default_model_provider(primary: str | None) -> Provider:
    """The provider of the default model ``primary`` (``agents.defaults.model.primary``), else
    the first provider (Kilo Gateway)."""
    if primary is not None:
        provider_id = primary.strip().partition("/")[0].lower()
        for provider in PROVIDERS:
            if provider.id == provider_id:
                return provider
    return PROVIDERS[0]
