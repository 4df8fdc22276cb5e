"""How a credential arrives (SPEC §4, §5 step 3, §13), for the one credential flow of
:mod:`kilocli.services.credential_flow`: a key given up front (flag, ``--token``, stdin), a
device sign-in's token, a stored profile, an env var, a Kilo CLI sign-in, or one typed in.
Every key found here passes the same normalising and checks before anything else sees it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kilocli.credentials.keys import normalise_key
from kilocli.credentials.sources import FoundKey, KeySource, resolve_key
from kilocli.errors import InputRequired, NotAuthenticated
from kilocli.onboarding.decisions import KeyInput, key_steps
from kilocli.onboarding.prompts import ask_key
from kilocli.services.account import sign_in_offering_retry
from kilocli.services.steps import login_shell_keys, warn_if_not_provider_shaped

if TYPE_CHECKING:
    from kilocli.config.model import Config
    from kilocli.credentials.model import AuthStore
    from kilocli.providers.registry import Provider
    from kilocli.services.runtime import Runtime


@dataclass(frozen=True)
class Arrival:
    """How the credential is to arrive, as the command line and the wizard said it."""

    provider: Provider
    device: bool = False
    given: KeyInput | None = field(default=None, repr=False)
    offer_found: bool = False  # onboarding offers stored, env and Kilo CLI keys first
    can_go_back: bool = False  # an empty key prompt may lead Back to the method list
    open_browser: bool = True
    missing_hint: str = ""  # how to give a key when none is found and there is no terminal
    # how to keep both keys when the user declines replacing the stored one (per command)
    keep_both_hint: str = "Store the new key under another id with --profile-id ID."


@dataclass(frozen=True)
class Obtained:
    """A normalised, checked credential, its source, and whether it is a sign-in's token
    (with the account's email, when the sign-in said it)."""

    found: FoundKey
    oauth: bool = False
    email: str | None = None


def obtain(
    rt: Runtime, arrival: Arrival, files: tuple[Config, AuthStore], base_url: str
) -> Obtained:
    """The credential, however it arrives; a device sign-in that fails on a terminal may lead
    to "Enter an API key instead".

    Raises:
        BackToMethods: Back at an empty key prompt (only ``can_go_back``).
        NotAuthenticated: no key and no terminal (with ``offer_found``); a sign-in denied.
        InputRequired: no key, no terminal, nothing to offer.
    """
    provider = arrival.provider
    if arrival.device:
        kept = _kept_sign_in(rt, arrival, files[1]) if arrival.offer_found else None
        if kept is not None:
            return kept
        approved = sign_in_offering_retry(
            rt,
            provider,
            base_url,
            open_browser=arrival.open_browser,
            enter_key=lambda: _typed(rt, provider, can_go_back=True),
        )
        if isinstance(approved, FoundKey):  # "Enter an API key instead"
            return Obtained(checked(rt, provider, approved))
        token = FoundKey(KeySource("device", "device sign-in"), approved.token)
        return Obtained(checked(rt, provider, token), oauth=True, email=approved.email)
    if arrival.given is not None:
        return Obtained(checked(rt, provider, _given(arrival.given)))
    if arrival.offer_found:
        return _offered(rt, arrival, *files)
    if rt.prompter is None:
        raise InputRequired(
            f"No {provider.label} key was given, and there is no terminal to ask on.",
            hint=arrival.missing_hint,
        )
    return Obtained(checked(rt, provider, _typed(rt, provider, can_go_back=arrival.can_go_back)))


def _kept_sign_in(rt: Runtime, arrival: Arrival, store: AuthStore) -> Obtained | None:
    """On a terminal, a re-run's sign-in method first offers to keep the sign-in stored as the
    provider's default profile (default yes) rather than starting a new one at once."""
    from kilocli.credentials.vault import current_key

    provider = arrival.provider
    profile_id = provider.default_profile_id
    profile = store.profiles.get(profile_id)
    if rt.prompter is None or profile is None or profile.type != "oauth":
        return None
    key = current_key(rt.keyring(), profile_id, profile)
    if key is None:
        return None
    found = FoundKey(KeySource("profile", profile_id), key)
    who = f"{profile.email}, " if profile.email else ""
    question = f"Keep the current {provider.label} sign-in ({profile_id}, {who}{found.preview})?"
    if not rt.prompter.confirm(question, default=True):
        return None
    return Obtained(checked(rt, provider, found), oauth=True, email=profile.email)


def checked(rt: Runtime, provider: Provider, found: FoundKey) -> FoundKey:
    """``found``, remembered as a secret (no error shows it), with a warning when its shape is
    not the provider's."""
    rt.remember_secret(found.key)
    warn_if_not_provider_shaped(rt, provider, found.key)
    return found


def typed_again(rt: Runtime, provider: Provider) -> FoundKey:
    """Another key typed in (after a rejected one), checked.

    Raises:
        BackToMethods: Back at the empty key prompt (to the question before it).
    """
    return checked(rt, provider, _typed(rt, provider, can_go_back=True))


def _given(given: KeyInput) -> FoundKey:
    key = normalise_key(given.raw, source=given.origin)
    if given.origin == "stdin":
        return FoundKey(KeySource("stdin", "stdin"), key)
    return FoundKey(KeySource("flag", given.origin), key)


def _typed(rt: Runtime, provider: Provider, *, can_go_back: bool) -> FoundKey:
    assert rt.prompter is not None  # noqa: S101 (only asked on a terminal)
    return ask_key(
        rt.prompter, provider, ("enter",), [], [], rt.feedback.note, can_go_back=can_go_back
    )


def _offered(rt: Runtime, arrival: Arrival, config: Config, store: AuthStore) -> Obtained:
    """SPEC §5 step 3: a stored profile, an env var, a Kilo CLI sign-in (Kilo, on a terminal
    only), or one typed in. Without a terminal: the env key, else the stored profile."""
    provider = arrival.provider
    # The one source chain (§4), split by kind: onboarding offers profiles and env keys, in
    # chain order, but never a key written into config.toml by hand.
    shell = login_shell_keys(rt, provider, config)
    resolution = resolve_key(
        provider, env=rt.env, store=store, config=config, shell_env=shell, keyring=rt.keyring()
    )
    found = [f for f in (resolution.in_effect, *resolution.shadowed) if f is not None]
    stored = [f for f in found if f.source.kind == "profile"]
    from_env = [f for f in found if f.source.kind in {"env", "shell-env"}]
    if rt.prompter is None:
        if not from_env + stored:
            raise NotAuthenticated(
                f"Missing {provider.key_flag} (or {provider.env_vars[0]} in env, "
                f"or existing {provider.id} API-key profile).",
                hint=arrival.missing_hint,
            )
        return Obtained(checked(rt, provider, (from_env + stored)[0]))
    from kilocli.credentials.kilo_cli import read_kilo_cli_sign_in

    kilo_cli = read_kilo_cli_sign_in(rt.env) if provider.id == "kilocode" else None
    steps = key_steps(
        has_profile=bool(stored), has_env_key=bool(from_env), has_kilo_cli=kilo_cli is not None
    )
    asked = ask_key(
        rt.prompter,
        provider,
        steps,
        stored[:1],
        from_env[:1],
        rt.feedback.note,
        kilo_cli=kilo_cli,
        can_go_back=arrival.can_go_back,
    )
    signed_in = asked.source.kind == "kilo-cli" and kilo_cli is not None and kilo_cli.oauth
    return Obtained(checked(rt, provider, asked), oauth=signed_in)
