"""Onboarding's steps 3 and 4 (SPEC §5): get the credential — a key given up front, a stored
profile, an env var, a Kilo CLI sign-in, one typed in, or Kilo's device sign-in — then verify
it and choose the organisation its requests speak for (SPEC §13)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from kilocli.config.model import Config
from kilocli.credentials.keys import normalise_key
from kilocli.credentials.model import AuthStore
from kilocli.credentials.sources import FoundKey, KeySource, resolve_key
from kilocli.credentials.store import KEEP_ORGANIZATION, NewCredential
from kilocli.errors import NotAuthenticated, UsageError
from kilocli.onboarding.decisions import KeyInput, key_steps
from kilocli.onboarding.prompts import ask_key, ask_what_after_rejection
from kilocli.providers.registry import AuthChoice, Provider
from kilocli.services.account import (
    choose_organization,
    organization_names,
    sign_in_offering_retry,
)
from kilocli.services.onboard_result import Verdict
from kilocli.services.runtime import Runtime

if TYPE_CHECKING:
    from kilocli.gateway.verify import Verification

from kilocli.services.steps import (
    ask_gateway_about_key,
    login_shell_keys,
    warn_if_not_provider_shaped,
    warn_unverified,
)


@dataclass(frozen=True)
class Credential:
    """What steps 3 and 4 settled: the key and its source, the verdict, and what to store."""

    found: FoundKey
    verdict: Verdict
    stored: NewCredential
    organization_names: dict[str, str] = field(default_factory=dict)


def obtain_credential(
    rt: Runtime,
    provider: Provider,
    choice: AuthChoice,
    given: KeyInput | None,
    files: tuple[Config, AuthStore],
    *,
    base_url: str,
    verify: bool,
    organization: str | None,
    open_browser: bool,
    can_go_back: bool,
) -> Credential:
    """Steps 3 and 4 for ``choice``.

    Raises:
        BackToMethods: the user asked to go back to the method list (only ``can_go_back``).
        NotAuthenticated: no key (without a terminal), a rejected key, or a sign-in denied
            or expired.
        UsageError: ``--organization`` names one the account does not have, or is given for
            a provider without organisations.
    """
    if organization is not None and provider.organization_header is None:
        raise UsageError(
            f"{provider.label} has no organisations; --organization is for Kilo Gateway.",
            hint="Drop --organization.",
        )
    email = None
    approved = (
        sign_in_offering_retry(rt, provider, base_url, open_browser=open_browser)
        if choice.method == "device"
        else None
    )
    signed_in = False
    if approved is not None:
        found = _checked(
            rt, provider, FoundKey(KeySource("device", "device sign-in"), approved.token)
        )
        email = approved.email
        _confirm_replacing(rt, provider, files[1], found)
    elif choice.method == "device":  # "Enter an API key instead"
        assert rt.prompter is not None  # noqa: S101 (only asked on a terminal)
        found = _checked(
            rt, provider, ask_key(rt.prompter, provider, ("enter",), [], [], rt.feedback.note)
        )
    else:
        config, store = files
        found, signed_in = _obtain_key(rt, provider, given, store, config, can_go_back=can_go_back)
    found, verdict, answer = _verify(rt, provider, base_url, found, enabled=verify)
    chosen: str | None = KEEP_ORGANIZATION
    if provider.organization_header is not None:
        chosen = choose_organization(rt, provider, answer, organization)
    oauth = found.source.kind == "device" or (choice.method != "device" and signed_in)
    email = email or (answer.email if answer is not None else None)
    stored = NewCredential(
        found.key, "oauth" if oauth else "api_key", email if oauth else None, chosen
    )
    names = organization_names(answer.organization_list if answer is not None else ())
    if chosen is not None and chosen != KEEP_ORGANIZATION:
        stored = replace(stored, organization_name=names.get(chosen))
    return Credential(found, verdict, stored, names)


def _confirm_replacing(rt: Runtime, provider: Provider, store: AuthStore, found: FoundKey) -> None:
    """A sign-in goes into ``<p>:default``: replacing another key there is asked first on a
    terminal (as ``auth login`` asks), and said otherwise.

    Raises:
        KilocliError: the user kept the stored key; nothing was written.
    """
    from kilocli.credentials.keys import preview
    from kilocli.credentials.vault import current_key
    from kilocli.errors import KilocliError

    profile_id = provider.default_profile_id
    existing = store.profiles.get(profile_id)
    old_key = current_key(rt.keyring(), profile_id, existing)
    if old_key is None or old_key == found.key:
        return
    rt.remember_secret(old_key)
    if rt.prompter is None:
        rt.feedback.warn(f"Replacing the key of {profile_id} ({preview(old_key)}).")
        return
    question = f"{profile_id} already holds another key ({preview(old_key)}). Replace it?"
    if not rt.prompter.confirm(question, default=True):
        raise KilocliError(f"Kept the key of {profile_id}; nothing was written.")


def _obtain_key(
    rt: Runtime,
    provider: Provider,
    given: KeyInput | None,
    store: AuthStore,
    config: Config,
    *,
    can_go_back: bool,
) -> tuple[FoundKey, bool]:
    """Step 3: the key given up front, a stored profile, an env var, a Kilo CLI sign-in (on a
    terminal, Kilo only), or one typed in; and whether it is a sign-in's token (the Kilo
    CLI's ``oauth`` entry) rather than an API key."""
    if given is not None:
        key = normalise_key(given.raw, source=given.origin)
        source = (
            KeySource("stdin", "stdin")
            if given.origin == "stdin"
            else KeySource("flag", given.origin)
        )
        return _checked(rt, provider, FoundKey(source, key)), False
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
        candidates = from_env + stored
        if not candidates:
            raise NotAuthenticated(
                f"Missing {provider.key_flag} (or {provider.env_vars[0]} in env, "
                f"or existing {provider.id} API-key profile).",
                hint=f'Run: kilocli onboard {provider.key_flag} "$KEY"  (or pipe it: '
                f"... | kilocli onboard --api-key-stdin)",
            )
        return _checked(rt, provider, candidates[0]), False
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
        can_go_back=can_go_back,
    )
    signed_in = asked.source.kind == "kilo-cli" and kilo_cli is not None and kilo_cli.oauth
    return _checked(rt, provider, asked), signed_in


def _checked(rt: Runtime, provider: Provider, found: FoundKey) -> FoundKey:
    rt.remember_secret(found.key)
    warn_if_not_provider_shaped(rt, provider, found.key)
    return found


def _verify(
    rt: Runtime, provider: Provider, base_url: str, found: FoundKey, *, enabled: bool
) -> tuple[FoundKey, Verdict, Verification | None]:
    """Step 4: ask the gateway; on a terminal, a rejected key can be replaced or kept."""
    if not enabled:
        return found, Verdict(None, "not checked (--no-verify)"), None
    while True:
        answer = ask_gateway_about_key(rt, provider, base_url, found.key)
        if answer.outcome == "verified":
            rt.feedback.note(f"Verified: {answer.detail}")
            return found, Verdict(True, answer.detail), answer
        if answer.outcome == "unverified":
            warn_unverified(rt, provider, answer, "Going on without.")
            return found, Verdict(None, f"could not verify: {answer.detail}"), answer
        if rt.prompter is None or found.source.kind == "device":
            raise NotAuthenticated(
                f"{answer.detail}. Nothing was written.",
                hint=f"Check the key at {provider.keys_page}, "
                "or pass --no-verify to store it anyway.",
            )
        rt.feedback.warn(answer.detail)
        action = ask_what_after_rejection(rt.prompter)
        if action == "save":
            return found, Verdict(False, answer.detail), answer
        if action == "cancel":
            raise NotAuthenticated("Cancelled after the key was rejected. Nothing was written.")
        again = ask_key(rt.prompter, provider, ("enter",), [], [], rt.feedback.note)
        found = _checked(rt, provider, again)
