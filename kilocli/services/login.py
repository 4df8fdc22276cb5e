"""Storing and removing credentials: ``auth login`` and ``auth logout``."""

from __future__ import annotations

from dataclasses import dataclass, field

from kilocli.config.files import update_config
from kilocli.config.merge import remove_auth_profile
from kilocli.credentials.keys import key_problem, normalise_key, preview
from kilocli.credentials.store import (
    load_auth_store,
    provider_profiles,
    update_auth_store,
    without_profile,
)
from kilocli.errors import InputRequired, KilocliError, NotAuthenticated, UsageError
from kilocli.providers.registry import Provider, get_provider
from kilocli.providers.resolve import resolve_base_url
from kilocli.services.runtime import Runtime
from kilocli.services.steps import (
    ask_gateway_about_key,
    read_both_files,
    store_profile,
    warn_if_not_provider_shaped,
    warn_unverified,
)
from kilocli.storage import Document, interrupts_deferred


@dataclass(frozen=True)
class LoginRequest:
    """``auth login PROVIDER [--key KEY | --stdin] [--profile-id ID] [--no-verify]``."""

    provider: str
    key: str | None = field(default=None, repr=False)
    stdin_text: str | None = field(default=None, repr=False)
    profile_id: str | None = None
    verify: bool = True


@dataclass(frozen=True)
class LoginResult:
    """What ``auth login`` stored. Holds a preview, never the key."""

    profile_id: str
    provider: str
    key_preview: str
    verified: bool | None
    detail: str
    env_override: str | None

    def to_json(self) -> dict[str, object]:
        return {
            "ok": True,
            "profileId": self.profile_id,
            "provider": self.provider,
            "keyPreview": self.key_preview,
            "verified": self.verified,
            "envOverride": self.env_override,
        }


def login(rt: Runtime, request: LoginRequest) -> LoginResult:
    """Verify (unless told not to) and store a key as a profile, with its metadata in config."""
    provider = get_provider(request.provider)
    profile_id = request.profile_id or provider.default_profile_id
    _check_profile_id(profile_id)
    config, _ = read_both_files(rt)
    key = rt.remember_secret(_read_key(rt, provider, request))
    warn_if_not_provider_shaped(rt, provider, key)
    verified, detail = None, "not checked (--no-verify)"
    if request.verify:
        verified, detail = _verify(
            rt, provider, resolve_base_url(provider, None, rt.env, config).url, key
        )
    store_profile(rt, provider, profile_id, key)
    env_override = next((name for name in provider.env_vars if rt.env.get(name, "").strip()), None)
    return LoginResult(profile_id, provider.id, preview(key), verified, detail, env_override)


def _check_profile_id(profile_id: str) -> None:
    if not profile_id.strip() or any(ch.isspace() or not ch.isprintable() for ch in profile_id):
        raise UsageError(
            f"'{profile_id}' is not a usable profile id.",
            hint="Use letters, digits and punctuation, e.g. kilocode:work.",
        )


def _read_key(rt: Runtime, provider: Provider, request: LoginRequest) -> str:
    if request.key is not None and request.stdin_text is not None:
        raise UsageError("--key and --stdin both give a key.", hint="Pass the key once.")
    if request.key is not None:
        return normalise_key(request.key, source="--key")
    if request.stdin_text is not None:
        return normalise_key(request.stdin_text, source="stdin")
    if rt.prompter is None:
        raise InputRequired(
            f"No {provider.label} key was given, and there is no terminal to ask on.",
            hint=f'Pass --key "$KEY", or pipe the key into: '
            f"kilocli auth login {provider.id} --stdin",
        )
    return normalise_key(
        rt.prompter.secret(f"Enter {provider.label} API key", validate=key_problem)
    )


def _verify(rt: Runtime, provider: Provider, base_url: str, key: str) -> tuple[bool | None, str]:
    answer = ask_gateway_about_key(rt, provider, base_url, key)
    if answer.outcome == "rejected":
        raise NotAuthenticated(
            f"{answer.detail}. Nothing was stored.",
            hint=f"Check the key at {provider.keys_page}, or pass --no-verify to store it anyway.",
        )
    if answer.outcome == "unverified":
        warn_unverified(rt, provider, answer, "Storing it anyway.")
        return None, f"could not verify: {answer.detail}"
    return True, answer.detail


@dataclass(frozen=True)
class LogoutResult:
    """What ``auth logout`` removed, and whether an env var still supplies a key."""

    removed: tuple[str, ...]
    providers: tuple[str, ...]
    env_still_set: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        return {
            "ok": True,
            "removed": list(self.removed),
            "keyRevoked": False,
            "envStillSet": list(self.env_still_set),
        }


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
    profiles = store.get("profiles", {})
    targets: tuple[str, ...] = ()
    if provider_id is not None:
        targets = tuple(provider_profiles(store, get_provider(provider_id).id))
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
    providers = tuple(dict.fromkeys(str(profiles[t].get("provider")) for t in targets))

    def drop_profiles(store: Document) -> Document:
        for target in targets:
            store = without_profile(store, target)
        return store

    def drop_metadata(config: Document) -> Document:
        for target in targets:
            config = remove_auth_profile(config, target)
        return config

    with interrupts_deferred():
        update_auth_store(rt.paths, drop_profiles)
        update_config(rt.paths, drop_metadata)
    env_still_set = tuple(
        name for pid in providers for name in _env_vars_of(pid) if rt.env.get(name, "").strip()
    )
    return LogoutResult(targets, providers, env_still_set)


def _env_vars_of(provider_id: str) -> tuple[str, ...]:
    try:
        return get_provider(provider_id).env_vars
    except UsageError:
        return ()


def _confirm(rt: Runtime, targets: tuple[str, ...]) -> None:
    if rt.prompter is None:
        raise InputRequired(
            f"Removing {', '.join(targets)} needs a confirmation, and there is no terminal.",
            hint="Pass --yes to remove it without asking.",
        )
    if not rt.prompter.confirm(f"Remove {', '.join(targets)} from this machine?", default=False):
        raise KilocliError("Nothing was removed.")
