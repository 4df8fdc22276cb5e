"""What ``exec``, ``env``, ``setup`` and the probe hand to other programs: the key in effect,
the base URL in effect, and the organisation of the key's profile (SPEC §12)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kilocli.config.files import read_config
from kilocli.credentials.sources import FoundKey, key_of_profile
from kilocli.credentials.store import read_auth_store
from kilocli.errors import UsageError
from kilocli.providers.registry import Provider, get_provider
from kilocli.providers.resolve import provider_named
from kilocli.services.organization import organization_in_use
from kilocli.services.runtime import Runtime
from kilocli.services.steps import base_url_in_effect, check_key_expiry, keys_of, no_key
from kilocli.tools.variables import Credentials, Variable, has_anthropic_set, variables_for

if TYPE_CHECKING:
    from kilocli.credentials.keyring_access import Keyring
    from kilocli.credentials.model import AuthStore


def credentials_in_effect(
    rt: Runtime, provider_id: str | None = None, profile_id: str | None = None
) -> Credentials:
    """The credentials of ``provider_id`` (default: the default model's provider), or of the
    profile ``profile_id`` whatever the source chain says.

    The organisation is the one stored with the key's profile; for a key from the environment
    it is the provider's organisation variable (``KILO_ORG_ID``) when that is set.

    Raises:
        NotAuthenticated: no key is in effect (exit 3).
        UsageError: the profile does not exist, or belongs to another provider.
    """
    config = read_config(rt.paths)
    store = read_auth_store(rt.paths, rt.feedback.warn)
    if profile_id is not None:
        provider, found = profile_key(store, profile_id, provider_id, rt.keyring())
    else:
        provider = provider_named(provider_id, config.primary)
        found = keys_of(rt, provider, config, store).in_effect
    if found is None:
        raise no_key(provider)
    rt.remember_secret(found.key)
    check_key_expiry(rt, provider, found)
    return Credentials(
        provider=provider,
        key=found.key,
        key_source=str(found.source),
        base_url=base_url_in_effect(rt, provider, config).url,
        organization_id=organization_in_use(rt, provider, store, found, config),
        profile_id=found.source.name if found.source.kind == "profile" else None,
    )


def profile_key(
    store: AuthStore, profile_id: str, provider_id: str | None, keyring: Keyring | None = None
) -> tuple[Provider, FoundKey | None]:
    """The provider and key of the stored profile ``profile_id`` (None: it holds none).

    Raises:
        UsageError: no such profile, or it belongs to another provider than ``provider_id``.
    """
    profile = store.named(profile_id)
    provider = get_provider(profile.provider)
    if provider_id is not None and provider_id.lower() != provider.id:
        raise UsageError(
            f"Profile {profile_id} belongs to {provider.id}, not {provider_id}.",
            hint="Drop --provider, or name a profile of that provider.",
        )
    return provider, key_of_profile(provider, profile_id, profile, keyring)


def variables_in_effect(
    rt: Runtime,
    provider_id: str | None,
    profile_id: str | None = None,
    *,
    openai: bool,
    anthropic: bool = False,
) -> tuple[Credentials, list[Variable]]:
    """The credentials in effect and the variables that carry them (``env`` and ``exec``).

    Raises:
        NotAuthenticated: no key is in effect (exit 3).
        UsageError: the profile does not exist, or belongs to another provider.
        UnusableValue: a value no environment can carry.
    """
    credentials = credentials_in_effect(rt, provider_id, profile_id)
    return credentials, variables_for(credentials, openai=openai, anthropic=anthropic)


def env_variables(
    rt: Runtime, provider_id: str | None, profile_id: str | None, *, openai: bool, anthropic: bool
) -> list[Variable]:
    """``kilocli env``'s variables: the compatible sets only when asked for.

    Raises:
        UsageError: ``anthropic`` for a provider that serves no Anthropic API; and as
            :func:`variables_in_effect`.
    """
    credentials, variables = variables_in_effect(
        rt, provider_id, profile_id, openai=openai, anthropic=anthropic
    )
    if anthropic and not has_anthropic_set(credentials.provider):
        raise UsageError(
            f"{credentials.provider.label} has no Anthropic-compatible API, so there is no "
            "Anthropic set to print.",
            hint="Drop --anthropic, or use --provider kilocode.",
        )
    return variables
