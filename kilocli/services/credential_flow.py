"""The one credential flow (SPEC §8): ``onboard`` (every auth choice) and ``auth login``
(``--key``, ``--stdin``, the prompt, ``--device``) obtain, normalise, verify, pick the
organisation and store a credential through here, so they cannot drift.

:func:`settle_credential` does everything up to the write (nothing is written before it
returns); :func:`store_credential` writes it. Replacing a different key already stored under
the profile id is asked first on a terminal (default No; "no" writes nothing) and said
otherwise: "Replaced the key of <id> (was <preview>)"."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kilocli.credentials.keys import preview
from kilocli.credentials.store import KEEP_ORGANIZATION, NewCredential
from kilocli.errors import KilocliError, NotAuthenticated, UsageError
from kilocli.onboarding.prompts import BackToMethods, ask_what_after_rejection
from kilocli.services.account import PERSONAL, choose_organization, organization_names
from kilocli.services.credential_obtain import Arrival, Obtained, obtain, typed_again
from kilocli.services.onboard_result import Verdict
from kilocli.services.steps import ask_gateway_about_key, store_profile, warn_unverified

if TYPE_CHECKING:
    from kilocli.config.model import Config
    from kilocli.credentials.model import AuthStore
    from kilocli.credentials.sources import FoundKey
    from kilocli.gateway.verify import Verification
    from kilocli.providers.registry import Provider
    from kilocli.services.runtime import Runtime
    from kilocli.storage import Document


@dataclass(frozen=True)
class Credential:
    """What the flow settled: the key and its source, the profile it goes into, the verdict,
    what to store, and the preview of a different key it replaces there (None: none)."""

    found: FoundKey
    profile_id: str
    verdict: Verdict
    stored: NewCredential
    organization_names: dict[str, str] = field(default_factory=dict)
    replaces: str | None = None


def settle_credential(
    rt: Runtime,
    arrival: Arrival,
    files: tuple[Config, AuthStore],
    *,
    base_url: str,
    profile_id: str | None = None,
    verify: bool = True,
    organization: str | None = None,
    say_verified: bool = True,
) -> Credential:
    """Obtain, verify, confirm any replacement and choose the organisation; write nothing.

    ``profile_id``: where the credential goes; None for the stored profile the user kept, else
    the provider's default profile. ``say_verified``: tell "Verified: <email>" as progress
    (``auth login``'s result line says it instead).

    Raises:
        BackToMethods: Back at an empty key prompt, or at the organisation question when no
            key was asked before it (only ``arrival.can_go_back``).
        NotAuthenticated: no key, a rejected key, a sign-in denied or expired.
        UsageError: ``organization`` for a provider without organisations, or one the account
            does not list.
        KilocliError: the user kept the stored key (nothing was written).
    """
    provider = arrival.provider
    if organization is not None and provider.organization_header is None:
        raise UsageError(
            f"{provider.label} has no organisations; --organization is for Kilo Gateway.",
            hint="Drop --organization.",
        )
    config, store = files
    # Back at the organisation question returns to the key question before it; a key that
    # was given, or a sign-in, has none, so Back there leads on to the method list.
    key_asked = not arrival.device and arrival.given is None
    while True:
        obtained = obtain(rt, arrival, files, base_url)
        obtained, verdict, answer = _verify(rt, provider, base_url, obtained, enabled=verify)
        if verdict.verified and say_verified:
            rt.feedback.note(f"Verified: {verdict.detail}")  # progress, before the next question
        found = obtained.found
        target = profile_id or _profile_for(provider, found)
        replaces = _confirm_replacing(rt, target, store, found.key, arrival.keep_both_hint)
        current = _current_organization(provider, target, found, config, store)
        chosen: str | None = KEEP_ORGANIZATION
        if provider.organization_header is None:
            break
        try:
            chosen = choose_organization(
                rt, provider, answer, organization, current=current, can_go_back=arrival.can_go_back
            )
        except BackToMethods:
            if key_asked:
                continue
            raise
        break
    names = organization_names(answer.organization_list if answer is not None else ())
    return Credential(
        found,
        target,
        verdict,
        _to_store(obtained, store, answer, chosen, names),
        names,
        replaces,
    )


def store_credential(
    rt: Runtime,
    provider: Provider,
    credential: Credential,
    configure: Callable[[Document], Document] | None = None,
) -> tuple[Config, list[str]]:
    """Write the credential (and ``configure``'s changes to config) through the one store
    step; returns the config as written and what the result should say about it.

    A write that fails after the key was replaced still says so (the error carries it)."""
    said: list[str] = []
    if credential.replaces is not None and rt.prompter is None:
        said.append(f"Replaced the key of {credential.profile_id} (was {credential.replaces})")
    try:
        config = store_profile(rt, provider, credential.profile_id, credential.stored, configure)
    except KilocliError as exc:
        if said and _stored_already(rt, credential):  # the config's write failed after it
            exc.warnings = [*said, *exc.warnings]
        raise
    return config, said


def _stored_already(rt: Runtime, credential: Credential) -> bool:
    from kilocli.credentials.store import load_auth_store
    from kilocli.credentials.vault import current_key

    profile = load_auth_store(rt.paths).profiles.get(credential.profile_id)
    try:
        return current_key(rt.keyring(), credential.profile_id, profile) == credential.stored.key
    except KilocliError:  # the keyring failed too: say nothing rather than guess
        return False


def _profile_for(provider: Provider, found: FoundKey) -> str:
    """A stored profile the user kept stays where it is; anything else goes to the default."""
    return found.source.name if found.source.kind == "profile" else provider.default_profile_id


def _confirm_replacing(
    rt: Runtime, profile_id: str, store: AuthStore, key: str, keep_both_hint: str
) -> str | None:
    """The preview of a different key stored as ``profile_id`` (None: none, or the same key);
    on a terminal, asked first (default No).

    Raises:
        KilocliError: the user kept the stored key; nothing was written.
    """
    from kilocli.credentials.vault import current_key

    old_key = current_key(rt.keyring(), profile_id, store.profiles.get(profile_id))
    if old_key is None or old_key == key:
        return None
    rt.remember_secret(old_key)
    if rt.prompter is not None:
        question = (
            f"{profile_id} already holds another key ({preview(old_key)}). "
            f"Replace it with {preview(key)}?"
        )
        if not rt.prompter.confirm(question, default=False):
            raise KilocliError(
                f"Kept the key of {profile_id}; nothing was written.",
                hint=keep_both_hint,
            )
    return preview(old_key)


def _current_organization(
    provider: Provider, profile_id: str, found: FoundKey, config: Config, store: AuthStore
) -> str | None:
    """The organisation already chosen where this credential lands (``personal`` for
    Personal; None when nothing was chosen before), which a re-run offers to keep."""
    if provider.organization_header is None:
        return None
    if found.source.kind in {"env", "shell-env"}:
        stored = config.provider(provider.id).organization_id
        return stored or (PERSONAL if profile_id in store.profiles else None)
    existing = store.profiles.get(profile_id)
    if existing is None:
        return None
    return existing.organization_id or PERSONAL


def _to_store(
    obtained: Obtained,
    store: AuthStore,
    answer: Verification | None,
    chosen: str | None,
    names: dict[str, str],
) -> NewCredential:
    """A sign-in's token is stored as ``oauth`` with the account's email; a stored profile
    the user kept keeps its type and email."""
    found = obtained.found
    kept = store.profiles.get(found.source.name) if found.source.kind == "profile" else None
    oauth = obtained.oauth or (kept is not None and kept.type == "oauth")
    email = obtained.email or (kept.email if kept is not None else None)
    email = email or (answer.email if answer is not None else None)
    name = names.get(chosen) if chosen not in {None, KEEP_ORGANIZATION} else None
    if oauth:
        return NewCredential(found.key, "oauth", email, chosen, name)
    return NewCredential(found.key, "api_key", None, chosen, name)


def _verify(
    rt: Runtime, provider: Provider, base_url: str, obtained: Obtained, *, enabled: bool
) -> tuple[Obtained, Verdict, Verification | None]:
    """Ask the gateway; on a terminal, a rejected key can be replaced, kept or given up."""
    if not enabled:
        return obtained, Verdict(None, "not checked (--no-verify)"), None
    while True:
        answer = ask_gateway_about_key(rt, provider, base_url, obtained.found.key)
        if answer.outcome == "verified":
            return obtained, Verdict(True, answer.detail), answer
        if answer.outcome == "unverified":
            # said at once: on a terminal, the questions that follow depend on it (no
            # organisation can be chosen without the gateway's answer)
            warn_unverified(rt, provider, answer, "Storing it anyway.")
            return obtained, Verdict(None, f"could not verify: {answer.detail}"), answer
        if rt.prompter is None or obtained.found.source.kind == "device":
            raise NotAuthenticated(
                f"{answer.detail}. Nothing was written.",
                hint=f"Check the key at {provider.keys_page}, "
                "or pass --no-verify to store it anyway.",
            )
        rt.feedback.warn(answer.detail)  # said before the question it leads to
        while (action := ask_what_after_rejection(rt.prompter)) == "retry":
            try:
                again = typed_again(rt, provider)
            except BackToMethods:  # Back at the empty key prompt: this question again
                continue
            break
        if action == "save":
            return obtained, Verdict(False, answer.detail), answer
        if action == "cancel":
            raise NotAuthenticated("Cancelled after the key was rejected. Nothing was written.")
        obtained = Obtained(again)
