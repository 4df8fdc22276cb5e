"""What credentials there are, and which key is in effect: ``auth list|status|token``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from kilocli.config.files import read_config
from kilocli.credentials.expiry import expires_at_text, key_expiry
from kilocli.credentials.keys import preview
from kilocli.credentials.sources import FoundKey, KeyResolution
from kilocli.credentials.store import read_auth_store
from kilocli.credentials.vault import current_key, where_kept
from kilocli.errors import ExitCode, KeyringFailed, NotAuthenticated
from kilocli.gateway.problems import organization_hint
from kilocli.providers.registry import PROVIDERS, Provider, get_provider
from kilocli.providers.resolve import default_model_provider
from kilocli.results import ExitCodeValue, Record, Result
from kilocli.services.organization import organization_headers, organization_in_effect
from kilocli.services.runtime import Runtime
from kilocli.services.steps import (
    ask_gateway_about_key,
    base_url_in_effect,
    check_key_expiry,
    keys_of,
)

if TYPE_CHECKING:
    from kilocli.config.model import Config
    from kilocli.credentials.model import AuthStore


class ProfileRow(Record):
    """One stored profile, as ``auth list`` shows it."""

    profile_id: str
    provider: str
    type: str
    key_preview: str | None
    organization: str | None
    organization_name: str | None = Field(default=None, exclude=True)  # shown; id in --json
    referenced_by_config: bool
    active: bool
    expires_at: str | None = None  # the JWT's exp (ISO 8601 UTC); None when it has none
    key_store: str  # where the key is kept: ``keyring (Secret Service)`` or the file's path


class ProfileList(Result):
    """``auth list``: every stored profile; ``active`` marks those whose key is in effect."""

    profiles: list[ProfileRow]


def list_profiles(rt: Runtime) -> ProfileList:
    """Every profile in the store, in file order."""
    config = read_config(rt.paths)
    store = read_auth_store(rt.paths, rt.feedback.warn)
    in_effect = set()
    told: list[str] = []
    for provider in PROVIDERS:
        found = _in_effect(rt, provider, config, store, told).in_effect
        if found is not None and found.source.kind == "profile":
            in_effect.add(found.source.name)
    rows = []
    for profile_id, profile in store.profiles.items():
        try:
            key = current_key(rt.keyring(), profile_id, profile)
        except KeyringFailed as exc:  # listed all the same, with no preview
            key = None
            told += [] if exc.message in told else [exc.message]
        rows.append(
            ProfileRow(
                profile_id=profile_id,
                provider=profile.provider,
                type=profile.type,
                key_preview=preview(key) if key else None,
                organization=profile.organization_id,
                organization_name=profile.organization_name if profile.organization_id else None,
                referenced_by_config=profile_id in config.auth.profiles,
                active=profile_id in in_effect,
                expires_at=expires_at_text(key_expiry(key)) if key else None,
                key_store=where_kept(profile, rt.keyring(), rt.paths),
            )
        )
    return ProfileList(profiles=rows, warnings=told)


def _in_effect(
    rt: Runtime, provider: Provider, config: Config, store: AuthStore, told: list[str]
) -> KeyResolution:
    """The provider's keys; a key in effect that its keyring cannot give (gone, or the keyring
    failing) is said in ``told`` and counts as none, so that every other profile and provider
    is still shown (SPEC §14: list and status name where each key is kept)."""
    try:
        return keys_of(rt, provider, config, store)
    except (NotAuthenticated, KeyringFailed) as exc:
        said = f"{exc.message} {exc.hint}" if exc.hint else exc.message
        told += [] if said in told else [said]
        return KeyResolution(provider.id, None)


class ShadowedKey(Record):
    """A lower source that holds a key too."""

    source: str
    key_preview: str


class KeyCheck(Record):
    """What the verify endpoint said (``auth status --check``)."""

    outcome: Literal["verified", "rejected", "unverified"]
    detail: str
    details: dict[str, str]
    hint: str | None = Field(default=None, exclude=True)
    no_credits: bool = Field(default=False, exclude=True)


class OrganizationRecord(Record):
    """An organisation the account belongs to."""

    id: str
    name: str
    role: str | None


class AccountRecord(Record):
    """The account behind the key (``--check``): its email, its organisations, and the one
    the key's requests speak for (None: Personal)."""

    email: str | None
    organizations: list[OrganizationRecord]
    organization: str | None


class UsageLimitRecord(Record):
    """One usage limit: its period, what was used of it, and when it resets."""

    period: str
    used: float | None
    limit: float | None
    reset_at: str | None


class UsageRecord(Record):
    """Usage limits and plan (``/api/gateway/usage``, on gateways that have it)."""

    limits: list[UsageLimitRecord]
    plan: str | None


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
    organization: str | None = None
    organization_name: str | None = Field(default=None, exclude=True)  # shown; id in --json
    organization_source: str | None = Field(default=None, exclude=True)
    expires_at: str | None = None  # the key's JWT exp (ISO 8601 UTC); None when it has none
    expired: bool = Field(default=False, exclude=True)
    check: KeyCheck | None = None
    account: AccountRecord | None = None
    balance: str | None = None
    usage: UsageRecord | None = None
    key_store: str | None = None  # where a stored key in effect is kept (SPEC §14)
    exit_code: ExitCodeValue = Field(alias="exitCode", title="Exitcode")


class AuthStatus(Result):
    """``auth status``: one entry per provider asked about, and the provider that decides the
    exit code (the one named, else the default model's, else Kilo Gateway)."""

    ok: bool
    exit_code: ExitCodeValue = Field(alias="exitCode", title="Exitcode")
    deciding_provider: str
    providers: list[ProviderAuth]

    json_order = ("ok", "exitCode", "decidingProvider", "providers")


def auth_status(
    rt: Runtime, provider_id: str | None, *, check: bool, every_provider: bool = False
) -> AuthStatus:
    """The key in effect per provider and its source; with ``check``, ask the gateway.

    Without a provider named, only the providers that are configured are shown (a key found for
    them, a stored profile, settings in config, or the default model's provider); with
    ``every_provider``, all of them.
    """
    config = read_config(rt.paths)
    store = read_auth_store(rt.paths, rt.feedback.warn)
    deciding = provider_id or default_model_provider(config.primary).id
    providers = [get_provider(provider_id)] if provider_id else list(PROVIDERS)
    entries: list[ProviderAuth] = []
    warnings: list[str] = []
    for provider in providers:
        resolution = _in_effect(rt, provider, config, store, warnings)
        configured = (
            provider.id == deciding
            or resolution.in_effect is not None
            or bool(store.of_provider(provider.id))
            or provider.id in config.models.providers
        )
        if not (configured or every_provider):
            continue
        base_url = base_url_in_effect(rt, provider, config).url
        in_effect = organization_in_effect(rt, provider, config, store, resolution.in_effect)
        organization = in_effect.id
        entry = _entry(provider, base_url, resolution, None, organization)
        name = _stored_name(store, resolution.in_effect, organization)
        update = {
            "organization_name": name,
            "organization_source": in_effect.source,
            "key_store": _kept(rt, store, resolution.in_effect),
        }
        entry = entry.model_copy(update=update)
        entry = _with_expiry(rt, entry, provider, resolution.in_effect, warnings)
        if check and resolution.in_effect is not None and not entry.expired:
            entry = _checked(rt, entry, provider, resolution.in_effect.key)
            if entry.check is not None and entry.check.no_credits:
                warnings.append(
                    f"{entry.check.detail}; the key itself is accepted. {entry.check.hint}"
                )
        entries.append(entry)
    code = next(e.exit_code for e in entries if e.provider == deciding)
    return AuthStatus(
        ok=code == ExitCode.OK,
        exit_code=code,
        deciding_provider=deciding,
        providers=entries,
        warnings=warnings,
    )


def _entry(
    provider: Provider,
    base_url: str,
    resolution: KeyResolution,
    key_check: KeyCheck | None,
    organization: str | None,
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
        organization=organization,
        check=key_check,
        exit_code=_exit_code(has_key=found is not None, key_check=key_check),
    )


def _with_expiry(
    rt: Runtime,
    entry: ProviderAuth,
    provider: Provider,
    found: FoundKey | None,
    warnings: list[str],
) -> ProviderAuth:
    """``entry`` with its key's expiry; an expired key is reported (exit 3) and never sent,
    one that expires soon is warned about as every command warns (SPEC §4)."""
    from kilocli.errors import KeyExpired

    exp = key_expiry(found.key) if found is not None else None
    if found is None or exp is None:
        return entry
    update: dict[str, Any] = {"expires_at": expires_at_text(exp)}
    try:
        check_key_expiry(rt, provider, found)
    except KeyExpired as exc:
        warnings.append(f"{exc.message} {exc.hint}")
        update.update(expired=True, exit_code=ExitCode.NOT_AUTHENTICATED)
    return entry.model_copy(update=update)


def _kept(rt: Runtime, store: AuthStore, found: FoundKey | None) -> str | None:
    """Where the stored profile whose key is in effect keeps it (None: not a profile's)."""
    if found is None or found.source.kind != "profile":
        return None
    profile = store.profiles.get(found.source.name)
    return where_kept(profile, rt.keyring(), rt.paths) if profile is not None else None


def _stored_name(store: AuthStore, found: FoundKey | None, organization: str | None) -> str | None:
    """The name stored with the profile for ``organization``, when that is the one in use."""
    if found is None or organization is None or found.source.kind != "profile":
        return None
    profile = store.profiles.get(found.source.name)
    if profile is None or profile.organization_id != organization:
        return None
    return profile.organization_name


def _exit_code(*, has_key: bool, key_check: KeyCheck | None) -> ExitCode:
    """0 present (and accepted); 3 missing or rejected; 4 gateway unreachable."""
    if not has_key:
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


def _checked(rt: Runtime, entry: ProviderAuth, provider: Provider, key: str) -> ProviderAuth:
    """``entry`` with what the gateway says: the check, and for an accepted key the account,
    the balance and the usage of the organisation in use (SPEC §8)."""
    from kilocli.gateway.verify import fetch_balance, fetch_usage

    organization = entry.organization
    answer = ask_gateway_about_key(
        rt, provider, entry.base_url, key, doing="Checking", organization=organization
    )
    hint = answer.problem.hint_for(provider) if answer.problem else None
    if answer.organization_refused:
        hint = organization_hint(provider)
    key_check = KeyCheck(
        outcome=answer.outcome,
        detail=answer.detail,
        details=dict(answer.details),
        hint=hint,
        no_credits=answer.problem is not None and answer.problem.kind == "no_credits",
    )
    update: dict[str, Any] = {"check": key_check}
    if answer.outcome == "verified":
        headers = organization_headers(provider, organization)
        with rt.gateway() as client:
            update["balance"] = fetch_balance(client, provider, entry.base_url, key, headers)
            usage = fetch_usage(client, provider, entry.base_url, key, headers)
        update["account"] = AccountRecord(
            email=answer.email,
            organizations=[
                OrganizationRecord(id=o.id, name=o.name, role=o.role)
                for o in answer.organization_list
            ],
            organization=organization,
        )
        if usage is not None:
            update["usage"] = UsageRecord(
                limits=[
                    UsageLimitRecord(
                        period=u.period, used=u.used, limit=u.limit, reset_at=u.reset_at
                    )
                    for u in usage.limits
                ],
                plan=usage.plan,
            )
    update["exit_code"] = _exit_code(has_key=True, key_check=key_check)
    return entry.model_copy(update=update)
