"""The environment variables that hand a provider's key, base URL and organisation to another
program (SPEC §12)."""

from __future__ import annotations

from dataclasses import dataclass, field

from kilocli.providers.registry import Provider

OPENAI_KEY = "OPENAI_API_KEY"
OPENAI_BASE_URLS = ("OPENAI_BASE_URL", "OPENAI_API_BASE")


@dataclass(frozen=True)
class Credentials:
    """What another tool needs to use a provider: the key in effect and where it came from,
    the base URL in effect, and the organisation the key's profile uses (None: personal).
    The key never appears in ``repr``."""

    provider: Provider
    key: str = field(repr=False)
    key_source: str
    base_url: str
    organization_id: str | None = None
    profile_id: str | None = None

    @property
    def api_base(self) -> str:
        """The base URL as other tools want it: without the trailing ``/`` (they append
        ``/chat/completions`` or ``/responses`` themselves)."""
        return self.base_url.rstrip("/")

    def headers(self) -> dict[str, str]:
        """The extra headers a tool must send: the organisation's, when one is in use."""
        header = self.provider.organization_header
        if header and self.organization_id:
            return {header: self.organization_id}
        return {}


@dataclass(frozen=True)
class Variable:
    """One environment variable; ``secret`` ones are shown only as previews on a terminal."""

    name: str
    value: str = field(repr=False)
    secret: bool = False


def variables_for(credentials: Credentials, *, openai: bool) -> list[Variable]:
    """The variables for ``credentials``' provider, in the order SPEC §12 lists them.

    Kilo Gateway: ``KILOCODE_API_KEY``, ``KILO_API_KEY``, ``KILOCODE_BASE_URL``, ``KILO_ORG_ID``
    (only with an organisation); OpenRouter: ``OPENROUTER_API_KEY``, ``OPENROUTER_BASE_URL``.
    With ``openai``, also ``OPENAI_API_KEY``, ``OPENAI_BASE_URL`` and ``OPENAI_API_BASE``.
    """
    provider = credentials.provider
    found = [Variable(name, credentials.key, secret=True) for name in provider.env_vars]
    found.append(Variable(provider.base_url_env, credentials.base_url))
    if provider.organization_env and credentials.organization_id:
        found.append(Variable(provider.organization_env, credentials.organization_id))
    if openai:
        found.append(Variable(OPENAI_KEY, credentials.key, secret=True))
        found += [Variable(name, credentials.api_base) for name in OPENAI_BASE_URLS]
    return found
