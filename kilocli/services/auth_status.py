"""What credentials there are, and which key is in effect: ``auth list|status|token``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kilocli.config.files import load_config
from kilocli.credentials.sources import KeyResolution, resolve_key
from kilocli.credentials.store import load_auth_store
from kilocli.errors import ExitCode, NotAuthenticated
from kilocli.providers.registry import PROVIDERS, Provider, get_provider
from kilocli.providers.resolve import default_model_provider, resolve_base_url
from kilocli.services.runtime import Runtime
from kilocli.services.steps import ask_gateway_about_key

if TYPE_CHECKING:
    from kilocli.gateway.verify import Verification


@dataclass(frozen=True)
class ProfileRow:
    """One stored profile, as ``auth list`` shows it."""

    profile_id: str
    provider: str
    type: str
    key_preview: str | None
    referenced: bool
    active: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "profileId": self.profile_id,
            "provider": self.provider,
            "type": self.type,
            "keyPreview": self.key_preview,
            "referencedByConfig": self.referenced,
            "active": self.active,
        }


def list_profiles(rt: Runtime) -> list[ProfileRow]:
    """Every profile in the store; ``active`` marks the one whose key is in effect."""
    from kilocli.credentials.keys import preview

    config = load_config(rt.paths)
    store = load_auth_store(rt.paths, rt.feedback.warn)
    referenced = set(config.get("auth", {}).get("profiles", {}))
    in_effect = set()
    for provider in PROVIDERS:
        found = _resolve(rt, provider, store, config).in_effect
        if found is not None and found.source.kind == "profile":
            in_effect.add(found.source.name)
    rows = []
    for profile_id, profile in store.get("profiles", {}).items():
        key = profile.get("key")
        rows.append(
            ProfileRow(
                profile_id=profile_id,
                provider=str(profile.get("provider")),
                type=str(profile.get("type")),
                key_preview=preview(key) if isinstance(key, str) and key else None,
                referenced=profile_id in referenced,
                active=profile_id in in_effect,
            )
        )
    return rows


@dataclass(frozen=True)
class ProviderAuth:
    """One provider in ``auth status``: the key in effect, what it shadows, and the check."""

    provider: Provider
    base_url: str
    resolution: KeyResolution
    check: Verification | None = None  # only with --check
    balance: str | None = None

    @property
    def exit_code(self) -> ExitCode:
        """0 present (and accepted); 3 missing or rejected; 4 gateway unreachable."""
        if self.resolution.in_effect is None:
            return ExitCode.NOT_AUTHENTICATED
        if self.check is None or self.check.outcome == "verified":
            return ExitCode.OK
        if self.check.outcome == "rejected":
            return ExitCode.NOT_AUTHENTICATED
        return ExitCode.UNREACHABLE

    @property
    def env_shadows_profile(self) -> str | None:
        """The env var that hides a stored profile, if one does."""
        found = self.resolution.in_effect
        if found is None or found.source.kind != "env":
            return None
        if any(s.source.kind == "profile" for s in self.resolution.shadowed):
            return found.source.name
        return None


@dataclass(frozen=True)
class AuthStatus:
    """``auth status``: one entry per provider asked about, and the provider that decides the
    exit code (the one named, else the default model's, else Kilo Gateway)."""

    providers: tuple[ProviderAuth, ...]
    deciding: str

    @property
    def exit_code(self) -> ExitCode:
        return next(p.exit_code for p in self.providers if p.provider.id == self.deciding)


def auth_status(rt: Runtime, provider_id: str | None, *, check: bool) -> AuthStatus:
    """The key in effect per provider and its source; with ``check``, ask the gateway."""
    config = load_config(rt.paths)
    store = load_auth_store(rt.paths, rt.feedback.warn)
    providers = [get_provider(provider_id)] if provider_id else list(PROVIDERS)
    entries = []
    for provider in providers:
        base_url = resolve_base_url(provider, None, rt.env, config).url
        resolution = _resolve(rt, provider, store, config)
        entry = ProviderAuth(provider, base_url, resolution)
        if check and resolution.in_effect is not None:
            entry = _checked(rt, entry, rt.remember_secret(resolution.in_effect.key))
        entries.append(entry)
    deciding = provider_id or default_model_provider(config).id
    return AuthStatus(tuple(entries), deciding)


def _checked(rt: Runtime, entry: ProviderAuth, key: str) -> ProviderAuth:
    from kilocli.gateway.verify import fetch_balance

    verification = ask_gateway_about_key(rt, entry.provider, entry.base_url, key, doing="Checking")
    balance = None
    if verification.outcome == "verified":
        with rt.gateway() as client:
            balance = fetch_balance(client, entry.provider, entry.base_url, key)
    return ProviderAuth(entry.provider, entry.base_url, entry.resolution, verification, balance)


def key_in_effect(rt: Runtime, provider_id: str) -> str:
    """The raw key in effect for ``auth token``.

    Raises:
        NotAuthenticated: there is none.
    """
    provider = get_provider(provider_id)
    config = load_config(rt.paths)
    found = _resolve(rt, provider, load_auth_store(rt.paths, rt.feedback.warn), config).in_effect
    if found is None:
        raise NotAuthenticated(
            f"No {provider.label} key: none in {', '.join(provider.env_vars)}, "
            "in a stored profile or in config.",
            hint=f"Store one with: kilocli auth login {provider.id}",
        )
    return found.key


def _resolve(
    rt: Runtime, provider: Provider, store: dict[str, Any], config: dict[str, Any]
) -> KeyResolution:
    resolution = resolve_key(provider, env=rt.env, store=store, config=config)
    for found in (resolution.in_effect, *resolution.shadowed):
        if found is not None:
            rt.remember_secret(found.key)
    return resolution
