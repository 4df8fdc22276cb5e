"""Storing and removing credentials: ``auth login`` and ``auth logout``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pydantic import Field

from kilocli.config.files import update_config
from kilocli.config.merge import remove_auth_profile
from kilocli.credentials.store import (
    KEEP_ORGANIZATION,
    load_auth_store,
    update_auth_store,
    without_profile,
)
from kilocli.credentials.vault import current_key
from kilocli.errors import InputRequired, KilocliError, UsageError
from kilocli.onboarding.decisions import KeyInput
from kilocli.providers.registry import PROVIDERS, Provider, get_provider
from kilocli.results import Result
from kilocli.services.credential_flow import settle_credential, store_credential
from kilocli.services.credential_obtain import Arrival
from kilocli.services.runtime import Runtime
from kilocli.services.setup_list import tool_files_holding
from kilocli.services.steps import base_url_in_effect, read_both_files
from kilocli.storage import Document, interrupts_deferred
from kilocli.text import for_terminal

if TYPE_CHECKING:
    from kilocli.credentials.model import StoredProfile


@dataclass(frozen=True)
class LoginRequest:
    """``auth login PROVIDER [--key KEY | --stdin] [--profile-id ID] [--no-verify]``."""

    provider: str
    key: str | None = field(default=None, repr=False)
    stdin_text: str | None = field(default=None, repr=False)
    profile_id: str | None = None
    verify: bool = True
    device: bool = False
    organization: str | None = None
    open_browser: bool = True


class LoginResult(Result):
    """What ``auth login`` stored. Holds a preview, never the key."""

    ok: bool = True
    profile_id: str
    provider: str
    replaced: bool = False
    key_preview: str
    verified: bool | None
    detail: str = Field(exclude=True)
    organization: str | None = None
    env_override: str | None


def login(rt: Runtime, request: LoginRequest) -> LoginResult:
    """Verify (unless told not to) and store a key — or, with ``device``, the token of a Kilo
    sign-in in the browser — as a profile, with its metadata in config, and the organisation
    its requests speak for (SPEC §13), through the one credential flow (SPEC §8)."""
    provider = get_provider(request.provider)
    _check_request(provider, request)
    profile_id = provider.default_profile_id if request.profile_id is None else request.profile_id
    _check_profile_id(profile_id)  # an empty --profile-id is refused, never the default
    files = read_both_files(rt)
    arrival = Arrival(
        provider,
        device=request.device,
        given=_given(request),
        open_browser=request.open_browser,
        missing_hint=f'Pass --key "$KEY", or pipe the key into: '
        f"kilocli auth login {provider.id} --stdin",
    )
    credential = settle_credential(
        rt,
        arrival,
        files,
        base_url=base_url_in_effect(rt, provider, files[0]).url,
        profile_id=profile_id,
        verify=request.verify,
        organization=request.organization,
        say_verified=False,  # the result's line says it
    )
    _, warnings = store_credential(rt, provider, credential)
    organization = credential.stored.organization
    if organization == KEEP_ORGANIZATION:
        existing = files[1].profiles.get(profile_id)
        organization = existing.organization_id if existing is not None else None
    env_override = next((name for name in provider.env_vars if rt.env.get(name, "").strip()), None)
    warnings += _refresh_tools(rt, provider)
    if env_override:
        warnings.append(
            f"{env_override} is set in the environment and wins over this profile "
            "until you unset it."
        )
    return LoginResult(
        profile_id=profile_id,
        provider=provider.id,
        replaced=credential.replaces is not None,
        key_preview=credential.found.preview,
        verified=credential.verdict.verified,
        detail=credential.verdict.detail,
        organization=organization,
        env_override=env_override,
        warnings=warnings,
    )


def _given(request: LoginRequest) -> KeyInput | None:
    if request.key is not None and request.stdin_text is not None:
        raise UsageError("--key and --stdin both give a key.", hint="Pass the key once.")
    if request.key is not None:
        return KeyInput(request.provider, "--key", request.key)
    if request.stdin_text is not None:
        return KeyInput(request.provider, "stdin", request.stdin_text)
    return None


def _check_request(provider: Provider, request: LoginRequest) -> None:
    if request.device and (request.key is not None or request.stdin_text is not None):
        raise UsageError(
            "--device signs in with a browser; it takes no --key or --stdin.",
            hint="Drop one of them.",
        )
    if request.device and provider.organization_header is None:
        raise UsageError(
            f"--device is Kilo's sign-in; {provider.label} takes a key.",
            hint=f"Run: kilocli auth login {provider.id} --key KEY (or --stdin)",
        )


def _check_profile_id(profile_id: str) -> None:
    if not profile_id.strip() or any(ch.isspace() or not ch.isprintable() for ch in profile_id):
        shown = repr(for_terminal(profile_id))
        raise UsageError(
            f"--profile-id {shown} is not a usable profile id.",
            hint="Use letters, digits and punctuation, e.g. kilocode:work.",
        )


class LogoutResult(Result):
    """What ``auth logout`` removed, and whether an env var still supplies a key."""

    ok: bool = True
    removed: list[str]
    key_revoked: bool = False
    env_still_set: list[str]
    key_pages: list[str] = Field(exclude=True)


def logout(
    rt: Runtime, profile_id: str | None, provider_id: str | None, *, confirmed: bool
) -> LogoutResult:
    """Remove one profile (or every profile of a provider) from the store and from config.

    Raises:
        UsageError: neither or both of a profile id and ``--provider``.
        KilocliError: no such profile (nothing is changed).
        InputRequired: no ``--yes`` and no terminal to confirm on.
    """
    if (profile_id is None) == (provider_id is None):
        raise UsageError(
            "Name a profile id or --provider, not both and not neither.",
            hint="For example: kilocli auth logout kilocode:default",
        )
    store = load_auth_store(rt.paths, rt.feedback.warn)
    profiles = store.profiles
    targets: tuple[str, ...] = ()
    if provider_id is not None:
        targets = tuple(store.of_provider(get_provider(provider_id).id))
    elif profile_id in profiles:
        targets = (str(profile_id),)
    if not targets:
        known = ", ".join(profiles) or "none"
        raise KilocliError(
            f"No stored profile {profile_id or 'for ' + str(provider_id)} (stored: {known}). "
            "Nothing was changed.",
            hint="See the stored profiles with: kilocli auth list",
        )
    if not confirmed:
        _confirm(rt, targets)
    providers = tuple(dict.fromkeys(profiles[t].provider for t in targets))

    def drop_profiles(store: Document) -> Document:
        for target in targets:
            store = without_profile(store, target)
        return store

    def drop_metadata(config: Document) -> Document:
        for target in targets:
            config = remove_auth_profile(config, target)
        return config

    keys = _keys_of(rt, profiles, targets)
    with interrupts_deferred():
        for target in targets:  # first: a keyring that fails leaves everything as it was
            if profiles[target].in_keyring:
                rt.keyring().delete(target)
        update_auth_store(rt.paths, drop_profiles, forget=True)  # the .bak loses the key too
        update_config(rt.paths, drop_metadata)
    affected = [p for p in PROVIDERS if p.id in providers]
    env_still_set = [name for p in affected for name in p.env_vars if rt.env.get(name, "").strip()]
    warnings = [
        f"{name} is still set in the environment and still supplies a key."
        for name in env_still_set
    ]
    for provider in affected:
        warnings += _refresh_tools(rt, provider)
    warnings += [
        f"{tool_id} still holds a copy of the key in {path} (kilocli setup put it there); "
        f"take it out with: kilocli setup {tool_id} --remove"
        for tool_id, path in tool_files_holding(rt, keys)
    ]
    return LogoutResult(
        removed=list(targets),
        env_still_set=env_still_set,
        key_pages=[f"{p.keys_page} for {p.label}" for p in affected if p.keys_page],
        warnings=warnings,
    )


def _keys_of(
    rt: Runtime, profiles: Mapping[str, StoredProfile], targets: Iterable[str]
) -> set[str]:
    """The keys being removed (tools may hold copies); a keyring entry already gone has none."""
    found = (current_key(rt.keyring(), target, profiles[target]) for target in targets)
    return {key for key in found if key}


def _refresh_tools(rt: Runtime, provider: Provider) -> list[str]:
    from kilocli.services.tool_refresh import refresh_tools

    return refresh_tools(rt, provider)


def _confirm(rt: Runtime, targets: tuple[str, ...]) -> None:
    if rt.prompter is None:
        raise InputRequired(
            f"Removing {', '.join(targets)} needs a confirmation, and there is no terminal.",
            hint="Pass --yes to remove it without asking.",
        )
    if not rt.prompter.confirm(f"Remove {', '.join(targets)} from this machine?", default=False):
        raise KilocliError("Nothing was removed.")
