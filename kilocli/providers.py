"""The provider and auth-choice registry, as data.

Adding a provider is a new :class:`Provider` entry and an :class:`AuthChoice`, not new control
flow: onboarding, key resolution, verification and base-URL resolution all read this table.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kilocli.errors import UsageError

SKIP_CHOICE = "skip"


@dataclass(frozen=True)
class FallbackModel:
    """A model that is always in a provider's catalog, discovered or not."""

    id: str
    name: str
    input: tuple[str, ...]
    reasoning: bool
    context_window: int
    max_tokens: int

    def as_config_entry(self) -> dict[str, Any]:
        """The entry as written under ``models.providers.<p>.models``."""
        return {
            "id": self.id,
            "name": self.name,
            "input": list(self.input),
            "reasoning": self.reasoning,
            "contextWindow": self.context_window,
            "maxTokens": self.max_tokens,
        }


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
    keys_page: str | None = None

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
    """One answer to "Model/auth provider"; ``provider`` is None for "Skip for now"."""

    id: str
    label: str
    hint: str
    provider: str | None


KILO_AUTO = FallbackModel(
    id="kilo/auto",
    name="Kilo Auto",
    input=("text", "image"),
    reasoning=True,
    context_window=1_000_000,
    max_tokens=128_000,
)

PROVIDERS: tuple[Provider, ...] = (
    Provider(
        id="kilocode",
        label="Kilo Gateway",
        hint="API key (OpenRouter-compatible)",
        env_vars=("KILOCODE_API_KEY", "KILO_API_KEY"),
        base_url="https://api.kilo.ai/api/gateway/",
        default_model="kilocode/kilo/auto",
        verify_url="{origin}/api/profile",
        fallback_models=(KILO_AUTO,),
        looks_like_jwt=True,
        balance_url="{origin}/api/profile/balance",
        keys_page="https://app.kilo.ai/profile",
    ),
    Provider(
        id="openrouter",
        label="OpenRouter",
        hint="API key",
        env_vars=("OPENROUTER_API_KEY",),
        base_url="https://openrouter.ai/api/v1/",
        default_model="openrouter/auto",
        verify_url="{base}key",
        keys_page="https://openrouter.ai/settings/keys",
    ),
)

AUTH_CHOICES: tuple[AuthChoice, ...] = (
    AuthChoice(
        "kilocode-api-key", "Kilo Gateway API key", "OpenRouter-compatible gateway", "kilocode"
    ),
    AuthChoice("openrouter-api-key", "OpenRouter API key", "API key", "openrouter"),
    AuthChoice(SKIP_CHOICE, "Skip for now", "configure a provider later", None),
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
    provider: Provider, flag: str | None, env: Mapping[str, str], config: Mapping[str, Any]
) -> BaseUrl:
    """The base URL in effect, first found.

    1. the ``--base-url`` flag;
    2. the ``<PROVIDER>_BASE_URL`` env var (applies to this command only);
    3. ``models.providers.<p>.baseUrl`` in config;
    4. the registry default.
    """
    if flag and flag.strip():
        return BaseUrl(normalise_base_url(flag, given_as="--base-url"), "flag: --base-url")
    from_env = env.get(provider.base_url_env, "").strip()
    if from_env:
        url = normalise_base_url(from_env, given_as=provider.base_url_env)
        return BaseUrl(url, f"env: {provider.base_url_env}")
    configured = configured_provider(config, provider.id).get("baseUrl")
    if isinstance(configured, str) and configured.strip():
        name = f"models.providers.{provider.id}.baseUrl"
        return BaseUrl(normalise_base_url(configured, given_as=name), f"config: {name}")
    return BaseUrl(provider.base_url, "default")


def configured_provider(config: Mapping[str, Any], provider_id: str) -> Mapping[str, Any]:
    """``models.providers.<p>`` of a validated config document, or an empty mapping."""
    providers = config.get("models", {}).get("providers", {})
    entry = providers.get(provider_id, {})
    return entry if isinstance(entry, Mapping) else {}


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


def default_model_provider(config: Mapping[str, Any]) -> Provider:
    """The provider of the default model (``agents.defaults.model.primary``), else the first
    provider (Kilo Gateway)."""
    model = config.get("agents", {}).get("defaults", {}).get("model", {})
    primary = model.get("primary")
    if isinstance(primary, str):
        provider_id = primary.strip().partition("/")[0]
        for provider in PROVIDERS:
            if provider.id == provider_id:
                return provider
    return PROVIDERS[0]
