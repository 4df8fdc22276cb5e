"""What credentials there are, and which key is in effect: ``auth list|status|token``."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from kilocli.config.files import load_config
from kilocli.credentials.keys import preview
from kilocli.credentials.sources import FoundKey, KeyResolution
from kilocli.credentials.store import load_auth_store
from kilocli.errors import ExitCode
from kilocli.providers.registry import PROVIDERS, Provider, get_provider
from kilocli.providers.resolve import default_model_provider
from kilocli.results import Record, Result
from kilocli.services.runtime import Runtime
from kilocli.services.steps import ask_gateway_about_key, base_url_in_effect, keys_of, no_key


class ProfileRow(Record):
    """One stored profile, as ``auth list`` shows it."""

    profile_id: str
    provider: str
    type: str
    key_preview: str | None
    referenced_by_config: bool
    active: bool


class ProfileList(Result):
    """``auth list``: every stored profile; ``active`` marks those whose key is in effect."""

    profiles: list[ProfileRow]


def list_profiles(rt: Runtime) -> ProfileList:
    """Every profile in the store, in file order."""
    config = load_config(rt.paths)
    store = load_auth_store(rt.paths, rt.feedback.warn)
    in_effect = set()
    for provider in PROVIDERS:
        found = keys_of(rt, provider, config, store).in_effect
        if found is not None and found.source.kind == "profile":
            in_effect.add(found.source.name)
    rows = [
        ProfileRow(
            profile_id=profile_id,
            provider=profile.provider,
            type=profile.type,
            key_preview=preview(profile.key) if profile.key else None,
            referenced_by_config=profile_id in config.auth.profiles,
            active=profile_id in in_effect,
        )
        for profile_id, profile in store.profiles.items()
    ]
    return ProfileList(profiles=rows)


class ShadowedKey(Record):
    """A lower source that holds a key too."""

    source: str
    key_preview: str


class KeyCheck(Record):
    """What the verify endpoint said (``auth status --check``)."""

    outcome: Literal["verified", "rejected", "unverified"]
    detail: str
    email: str | None
    organizations: list[str]
    balance: str | None
    details: dict[str, str]
    hint: str | None = Field(default=None, exclude=True)
    no_credits: bool = Field(default=False, exclude=True)


class ProviderAuth(Record):
    """One provider in ``auth status``: the key in effect, what it shadows, and the check."""

    provider: str
    label: str = Field(exclude=True)
    base_url: str
    env_vars: list[str] = Field(exclude=True)
    key_source: str | None
    key_preview: str | None
    shadowed: list[ShadowedKey]
    env_shadows_profile: str | None = Field(exclude=True)
    check: KeyCheck | None = None
    exit_code: int

    @property
    def exit(self) -> ExitCode:
        return ExitCode(self.exit_code)


class AuthStatus(Result):
    """``auth status``: one entry per provider asked about, and the provider that decides the
    exit code (the one named, else the default model's, else Kilo Gateway)."""

    ok: bool
    exit_code_value: int = Field(alias="exitCode")
    deciding_provider: str
    providers: list[ProviderAuth]

    def exit_code(self) -> ExitCode:
        return ExitCode(self.exit_code_value)


def auth_status(
    rt: Runtime, provider_id: str | None, *, check: bool, every_provider: bool = False
) -> AuthStatus:
    """The key in effect per provider and its source; with ``check``, ask the gateway.

    Without a provider named, only the providers that are configured are shown (a key found for
    them, a stored profile, settings in config, or the default model's provider); with
    ``every_provider``, all of them.
    """
    config = load_config(rt.paths)
    store = load_auth_store(rt.paths, rt.feedback.warn)
    deciding = provider_id or default_model_provider(config.primary).id
    providers = [get_provider(provider_id)] if provider_id else list(PROVIDERS)
    entries, warnings = [], []
    for provider in providers:
        resolution = keys_of(rt, provider, config, store)
        configured = (
            provider.id == deciding
            or resolution.in_effect is not None
            or bool(store.of_provider(provider.id))
            or provider.id in config.models.providers
        )
        if not (configured or every_provider):
            continue
        base_url = base_url_in_effect(rt, provider, config).url
        key_check = None
        if check and resolution.in_effect is not None:
            key_check = _check(rt, provider, base_url, resolution.in_effect.key)
            if key_check.no_credits:
                warnings.append(f"{key_check.detail}; the key itself is accepted. {key_check.hint}")
        entries.append(_entry(provider, base_url, resolution, key_check))
    code = next(e.exit_code for e in entries if e.provider == deciding)
    return AuthStatus(
        ok=code == ExitCode.OK,
        exit_code_value=code,
        deciding_provider=deciding,
        providers=entries,
        warnings=warnings,
    )


def _entry(
    provider: Provider, base_url: str, resolution: KeyResolution, key_check: KeyCheck | None
) -> ProviderAuth:
    found = resolution.in_effect
    return ProviderAuth(
        provider=provider.id,
        label=provider.label,
        base_url=base_url,
        env_vars=list(provider.env_vars),
        key_source=str(found.source) if found else None,
        key_preview=found.preview if found else None,
        shadowed=[
            ShadowedKey(source=str(s.source), key_preview=s.preview) for s in resolution.shadowed
        ],
        env_shadows_profile=_env_shadowing_profile(found, resolution.shadowed),
        check=key_check,
        exit_code=_exit_code(found, key_check),
    )


def _exit_code(found: FoundKey | None, key_check: KeyCheck | None) -> ExitCode:
    """0 present (and accepted); 3 missing or rejected; 4 gateway unreachable."""
    if found is None:
        return ExitCode.NOT_AUTHENTICATED
    if key_check is None or key_check.outcome == "verified" or key_check.no_credits:
        return ExitCode.OK  # a 402 "no credits" answers for an accepted key
    if key_check.outcome == "rejected":
        return ExitCode.NOT_AUTHENTICATED
    return ExitCode.UNREACHABLE


def _env_shadowing_profile(found: FoundKey | None, shadowed: tuple[FoundKey, ...]) -> str | None:
    if found is None or found.source.kind != "env":
        return None
    return found.source.name if any(s.source.kind == "profile" for s in shadowed) else None


def _check(rt: Runtime, provider: Provider, base_url: str, key: str) -> KeyCheck:
    from kilocli.gateway.verify import fetch_balance

    answer = ask_gateway_about_key(rt, provider, base_url, key, doing="Checking")
    balance = None
    if answer.outcome == "verified":
        with rt.gateway() as client:
            balance = fetch_balance(client, provider, base_url, key)
    return KeyCheck(
        outcome=answer.outcome,
        detail=answer.detail,
        email=answer.email,
        organizations=list(answer.organizations),
        balance=balance,
        details=dict(answer.details),
        hint=answer.problem.hint_for(provider) if answer.problem else None,
        no_credits=answer.problem is not None and answer.problem.kind == "no_credits",
    )


def key_in_effect(rt: Runtime, provider_id: str) -> str:
    """The raw key in effect for ``auth token``.

    Raises:
        NotAuthenticated: there is none.
    """
    provider = get_provider(provider_id)
    config = load_config(rt.paths)
    found = keys_of(rt, provider, config, load_auth_store(rt.paths, rt.feedback.warn)).in_effect
    if found is None:
        raise no_key(provider)
    return found.key
