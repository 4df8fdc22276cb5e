"""The environment variables that hand a provider's key, base URL and organisation to another
program (SPEC §12), and which of them a program must not get."""

from __future__ import annotations

import ntpath
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from kilocli.errors import KilocliError
from kilocli.providers.registry import Provider

OPENAI_KEY = "OPENAI_API_KEY"
OPENAI_BASE_URLS = ("OPENAI_BASE_URL", "OPENAI_API_BASE")
OPENAI_SET = (OPENAI_KEY, *OPENAI_BASE_URLS)
ANTHROPIC_BASE_URL = "ANTHROPIC_BASE_URL"
# Sent as "Authorization: Bearer", as the gateway wants (a variable name, not a secret).
ANTHROPIC_TOKEN = "ANTHROPIC_AUTH_TOKEN"  # noqa: S105
ANTHROPIC_HEADERS = "ANTHROPIC_CUSTOM_HEADERS"
ANTHROPIC_SET = (ANTHROPIC_BASE_URL, ANTHROPIC_TOKEN, ANTHROPIC_HEADERS)
# Anthropic's own key: the Anthropic SDKs send it as x-api-key beside the Bearer token, so a
# child given the gateway's Anthropic set must not keep the user's real one.
ANTHROPIC_OWN_KEY = "ANTHROPIC_API_KEY"
# Providers whose base URL also serves Anthropic's Messages API (``<base>/v1/messages``).
ANTHROPIC_PROVIDERS = frozenset({"kilocode"})
# Older names of a provider's organisation variable, still read by Kilo's own clients.
LEGACY_ORGANIZATION_ENV: Mapping[str, tuple[str, ...]] = {"kilocode": ("KILOCODE_ORGANIZATION_ID",)}

CompatibleSet = Literal["OpenAI", "Anthropic"]


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


class UnusableValue(KilocliError):
    """A value no environment (or no consumer of an output format) can carry as it is."""


def has_anthropic_set(provider: Provider) -> bool:
    """Whether the provider's base URL serves Anthropic's Messages API too."""
    return provider.id in ANTHROPIC_PROVIDERS


def variables_for(
    credentials: Credentials, *, openai: bool, anthropic: bool = False
) -> list[Variable]:
    """The variables for ``credentials``' provider, in the order SPEC §12 lists them.

    Kilo Gateway: ``KILOCODE_API_KEY``, ``KILO_API_KEY``, ``KILOCODE_BASE_URL``, ``KILO_ORG_ID``
    (only with an organisation); OpenRouter: ``OPENROUTER_API_KEY``, ``OPENROUTER_BASE_URL``.
    With ``openai``, also ``OPENAI_API_KEY``, ``OPENAI_BASE_URL`` and ``OPENAI_API_BASE``; with
    ``anthropic`` (Kilo Gateway only), ``ANTHROPIC_BASE_URL``, ``ANTHROPIC_AUTH_TOKEN`` and,
    with an organisation, ``ANTHROPIC_CUSTOM_HEADERS``. Every base URL is without its trailing
    ``/``, so ``"$KILOCODE_BASE_URL/chat/completions"`` is right.

    Raises:
        UnusableValue: a value holds a NUL (no environment can carry it), or the organisation
            id could not be sent as a header.
    """
    provider, organization = credentials.provider, credentials.organization_id
    found = [Variable(name, credentials.key, secret=True) for name in provider.env_vars]
    found.append(Variable(provider.base_url_env, credentials.api_base))
    if provider.organization_env and organization:
        found.append(Variable(provider.organization_env, organization))
    if openai:
        found.append(Variable(OPENAI_KEY, credentials.key, secret=True))
        found += [Variable(name, credentials.api_base) for name in OPENAI_BASE_URLS]
    if anthropic and has_anthropic_set(provider):
        found.append(Variable(ANTHROPIC_BASE_URL, credentials.api_base))
        found.append(Variable(ANTHROPIC_TOKEN, credentials.key, secret=True))
        if provider.organization_header and organization:
            _check_header_value(organization)
            header_line = f"{provider.organization_header}: {organization}"
            found.append(Variable(ANTHROPIC_HEADERS, header_line))
    for variable in found:
        if "\0" in variable.value:
            raise UnusableValue(
                f"{variable.name} would hold a NUL character, which no environment can carry.",
                hint="Check the value where it comes from: kilocli config show, kilocli auth list.",
            )
    return found


def _check_header_value(organization: str) -> None:
    """A header line break in the organisation id would add headers of its own choosing."""
    if any(not ch.isprintable() for ch in organization):
        raise UnusableValue(
            f"The organisation id cannot be sent as a header ({ANTHROPIC_HEADERS}): it holds "
            "control characters.",
            hint="Choose the organisation again: kilocli auth login kilocode.",
        )


def names_of_sets(provider: Provider, *, openai: bool, anthropic: bool) -> frozenset[str]:
    """Every variable name ``exec`` decides for this provider: the ones :func:`variables_for`
    can set, the provider's older organisation names, and, with the Anthropic set, Anthropic's
    own key. An inherited variable among them that the profile in effect does not define (a
    leftover ``KILO_ORG_ID``) must not reach the program."""
    names = {*provider.env_vars, provider.base_url_env}
    if provider.organization_env:
        names.add(provider.organization_env)
    names.update(LEGACY_ORGANIZATION_ENV.get(provider.id, ()))
    if openai:
        names.update(OPENAI_SET)
    if anthropic and has_anthropic_set(provider):
        names.update((*ANTHROPIC_SET, ANTHROPIC_OWN_KEY))
    return frozenset(names)


def child_environment(
    inherited: Mapping[str, str],
    variables: Sequence[Variable],
    decided: frozenset[str],
    *,
    windows: bool = os.name == "nt",
) -> dict[str, str]:
    """``inherited`` without any of the ``decided`` names, plus ``variables``. Windows matches
    names in any case, as its environment does."""
    fold = str.upper if windows else str
    dropped = {fold(name) for name in decided}
    env = {name: value for name, value in inherited.items() if fold(name) not in dropped}
    return env | {v.name: v.value for v in variables}


@dataclass(frozen=True)
class IgnoredBaseUrl:
    """A program known to ignore a compatible set's base URL: handed that set, it would send
    the gateway key to another service as that service's credential (SPEC §12)."""

    program: str
    compatible_set: CompatibleSet
    reason: str


IGNORED_BASE_URLS: tuple[IgnoredBaseUrl, ...] = (
    IgnoredBaseUrl(
        "codex",
        "OpenAI",
        "Codex's built-in OpenAI provider ignores OPENAI_BASE_URL and would send the key to "
        "api.openai.com (kilocli setup codex gives Codex the gateway)",
    ),
    IgnoredBaseUrl(
        "openclaw",
        "OpenAI",
        "OpenClaw takes OPENAI_API_KEY as a key for OpenAI's own models at api.openai.com",
    ),
    IgnoredBaseUrl(
        "openclaw",
        "Anthropic",
        "OpenClaw's Anthropic provider uses its own base URL, so the token would go to "
        "api.anthropic.com",
    ),
)


def program_name(argv0: str, *, windows: bool = os.name == "nt") -> str:
    """The name a program is known by: the last part of ``argv0``, in lower case, and on
    Windows without its ``.exe``/``.cmd``/``.bat``/``.ps1``."""
    name = (ntpath.basename(argv0) if windows else os.path.basename(argv0)).lower()
    if windows:
        stem, extension = os.path.splitext(name)
        if extension in {".exe", ".cmd", ".bat", ".ps1"}:
            return stem
    return name


def ignored_base_urls(argv0: str, *, windows: bool = os.name == "nt") -> list[IgnoredBaseUrl]:
    """The compatible sets the program ``argv0`` must not get, each with the reason."""
    name = program_name(argv0, windows=windows)
    return [entry for entry in IGNORED_BASE_URLS if entry.program == name]
