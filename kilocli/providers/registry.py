"""The provider and auth-choice registry, as data.

Adding a provider is a new :class:`Provider` entry and an :class:`AuthChoice`, not new control
flow: onboarding, key resolution, verification and base-URL resolution all read this table.
Resolution (which base URL is in effect, what a model ref names) lives beside it, in
:mod:`kilocli.providers.resolve`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from kilocli.errors import UsageError

SKIP_CHOICE = "skip"


@dataclass(frozen=True)
class FallbackModel:
    """A model that is always in a provider's catalog, discovered or not.

    ``prices`` are USD per million input and output tokens; None means variable (the gateway
    routes the request and prices it as the model it chose). A token count the provider does
    not publish is None."""

    id: str
    name: str
    input: tuple[str, ...]
    reasoning: bool
    context_window: int | None
    max_tokens: int | None
    prices: tuple[float, float] | None = None
    free: bool = False

    def as_config_entry(self) -> dict[str, Any]:
        """The entry as written under ``models.providers.<p>.models``."""
        entry: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "input": list(self.input),
            "reasoning": self.reasoning,
            "contextWindow": self.context_window,
            "maxTokens": self.max_tokens,
        }
        return {name: value for name, value in entry.items() if value is not None}


@dataclass(frozen=True)
class Provider:
    """One provider kilocli can configure.

    ``verify_url`` is a template over ``{base}`` (the base URL, ending in ``/``) and ``{origin}``
    (the base URL with a trailing ``/api/gateway/`` removed).
    """

    id: str
    label: str
    hint: str
    env_vars: tuple[str, ...]
    base_url: str
    default_model: str
    verify_url: str
    fallback_models: tuple[FallbackModel, ...] = ()
    looks_like_jwt: bool = False
    balance_url: str | None = None
    defaults_url: str | None = None  # the gateway's own default model (SPEC §3)
    usage_url: str | None = None
    keys_page: str = ""
    credits_page: str | None = None
    organization_env: str | None = None
    legacy_organization_env: str | None = None
    organization_header: str | None = None
    routes_vendor_models: bool = False
    """A gateway to other vendors' models (``<vendor>/<model>`` ids): the model policies of
    SPEC §6 look at the vendor in the id."""

    @property
    def base_url_env(self) -> str:
        """The env var that overrides the base URL for one command: ``<PROVIDER>_BASE_URL``."""
        return f"{self.id.upper()}_BASE_URL"

    @property
    def default_profile_id(self) -> str:
        """The profile onboarding and ``auth login`` write by default."""
        return f"{self.id}:default"

    @property
    def key_flag(self) -> str:
        """The onboarding flag that takes this provider's key."""
        return f"--{self.id}-api-key"


@dataclass(frozen=True)
class AuthChoice:
    """One answer to "Model/auth provider"; ``provider`` is None for "Skip for now".

    ``method`` says how the credential is obtained: a key the user has (``api_key``), or
    Kilo's device sign-in in a browser (``device``, SPEC §13).
    """

    id: str
    label: str
    hint: str
    provider: str | None
    method: Literal["api_key", "device", "skip"] = "api_key"


# The gateway's auto models, as its code declares them (SPEC §6), the default first. They route
# each request to a model of their tier; ``kilo/auto`` is a legacy id the gateway no longer routes.
KILO_AUTO_MODELS = (
    FallbackModel(
        id="kilo-auto/balanced",
        name="Auto Balanced",
        input=("text", "image"),
        reasoning=True,
        context_window=1_000_000,
        max_tokens=65_536,
    ),
    FallbackModel(
        id="kilo-auto/frontier",
        name="Auto Frontier",
        input=("text", "image"),
        reasoning=True,
        context_window=1_000_000,
        max_tokens=128_000,
    ),
    FallbackModel(
        id="kilo-auto/efficient",
        name="Auto Efficient",
        input=("text", "image"),
        reasoning=True,
        context_window=1_000_000,
        max_tokens=65_536,
    ),
    FallbackModel(
        id="kilo-auto/free",
        name="Auto Free",
        input=("text",),
        reasoning=False,
        context_window=256_000,
        max_tokens=32_768,
        prices=(0.0, 0.0),
        free=True,
    ),
    FallbackModel(
        id="kilo-auto/small",
        name="Auto Small",
        input=("text", "image"),
        reasoning=False,
        context_window=262_144,
        max_tokens=32_768,
        prices=(0.05, 0.40),
    ),
)
LEGACY_KILO_AUTO = "kilocode/kilo/auto"
"""The default of earlier kilocli releases: kept working where typed, never chosen (SPEC §3)."""
# OpenRouter's router (https://openrouter.ai/openrouter/auto): a 2,000,000-token context, the
# price of whichever model it routes to, and no published output limit.
AUTO_ROUTER = FallbackModel(
    id="auto",
    name="Auto Router",
    input=("text",),
    reasoning=True,
    context_window=2_000_000,
    max_tokens=None,
)

PROVIDERS: tuple[Provider, ...] = (
    Provider(
        id="kilocode",
        label="Kilo Gateway",
        hint="Sign in with Kilo, or an API key (OpenRouter-compatible)",
        env_vars=("KILOCODE_API_KEY", "KILO_API_KEY"),
        base_url="https://api.kilo.ai/api/gateway/",
        default_model="kilocode/kilo-auto/balanced",
        verify_url="{origin}/api/profile",
        fallback_models=KILO_AUTO_MODELS,
        looks_like_jwt=True,
        balance_url="{origin}/api/profile/balance",
        defaults_url="{origin}/api/defaults",
        usage_url="{origin}/api/gateway/usage",
        keys_page="https://app.kilo.ai/profile",
        credits_page="https://app.kilo.ai/profile",
        organization_env="KILO_ORG_ID",
        legacy_organization_env="KILOCODE_ORGANIZATION_ID",
        organization_header="X-KILOCODE-ORGANIZATIONID",
        routes_vendor_models=True,
    ),
    Provider(
        id="openrouter",
        label="OpenRouter",
        hint="API key",
        env_vars=("OPENROUTER_API_KEY",),
        base_url="https://openrouter.ai/api/v1/",
        default_model="openrouter/auto",
        verify_url="{base}key",
        fallback_models=(AUTO_ROUTER,),
        keys_page="https://openrouter.ai/settings/keys",
        credits_page="https://openrouter.ai/settings/credits",
        routes_vendor_models=True,
    ),
)

DEVICE_CHOICE = "kilocode-device"

AUTH_CHOICES: tuple[AuthChoice, ...] = (
    AuthChoice(
        DEVICE_CHOICE, "Sign in with Kilo (browser)", "no key to copy", "kilocode", "device"
    ),
    AuthChoice(
        "kilocode-api-key", "Kilo Gateway API key", "OpenRouter-compatible gateway", "kilocode"
    ),
    AuthChoice("openrouter-api-key", "OpenRouter API key", "API key", "openrouter"),
    AuthChoice(SKIP_CHOICE, "Skip for now", "configure a provider later", None, "skip"),
)


def get_provider(provider_id: str) -> Provider:
    """Look a provider up by id.

    Raises:
        UsageError: no such provider.
    """
    for provider in PROVIDERS:
        if provider.id == provider_id:
            return provider
    known = ", ".join(p.id for p in PROVIDERS)
    raise UsageError(f"Unknown provider '{provider_id}'.", hint=f"Use one of: {known}.")


def get_auth_choice(choice_id: str) -> AuthChoice:
    """Look an auth choice up by id.

    Raises:
        UsageError: no such choice.
    """
    for choice in AUTH_CHOICES:
        if choice.id == choice_id:
            return choice
    known = ", ".join(c.id for c in AUTH_CHOICES)
    raise UsageError(f"Unknown auth choice '{choice_id}'.", hint=f"Use one of: {known}.")


def choices_for(provider_id: str) -> tuple[AuthChoice, ...]:
    """The auth choices of one provider group, in registry order."""
    return tuple(c for c in AUTH_CHOICES if c.provider == provider_id)


def key_choice_for(provider_id: str) -> AuthChoice:
    """The provider's API-key choice: what a key given by flag, stdin or env means."""
    return next(c for c in choices_for(provider_id) if c.method == "api_key")
