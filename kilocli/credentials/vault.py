"""Where keys are kept: the file store or the OS keyring (SPEC §14). The one place that picks
the store, and that puts, reads and removes a profile's key in whichever holds it."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from kilocli.credentials import store as profiles_file
from kilocli.credentials.keyring_access import Keyring
from kilocli.credentials.store import (
    NewCredential,
    load_auth_store,
    with_keyring_account,
    with_profile,
)
from kilocli.errors import FileProblem, KeyringFailed, NotAuthenticated, UsageError
from kilocli.paths import Paths

if TYPE_CHECKING:  # read as its view too (kilocli.shapes): no pydantic on auth token's path
    from kilocli.credentials.model import StoredProfile

StoreName = Literal["keyring", "file"]
STORES: tuple[StoreName, ...] = ("keyring", "file")


@dataclass(frozen=True)
class StoreChoice:
    """The store new keys go to, and why. ``chosen``: by ``KILOCLI_STORE`` or config (then a
    keyring that fails is an error); otherwise the default, which falls back to the file."""

    store: StoreName
    reason: str
    chosen: bool = False


def choose_store(env: Mapping[str, str], configured: str | None, keyring: Keyring) -> StoreChoice:
    """The store of SPEC §14: ``KILOCLI_STORE``, then config ``[auth] store``; otherwise the
    keyring when one answers a probe (bounded) and this is neither CI nor a session without a
    keyring, else the file.

    Raises:
        UsageError: ``KILOCLI_STORE`` names no store.
        FileProblem: config's ``[auth] store`` names no store.
    """
    named = env.get("KILOCLI_STORE", "").strip().lower()
    if named:
        if named not in STORES:
            raise UsageError(
                f"KILOCLI_STORE={named!r} is no key store.", hint="Set it to keyring or file."
            )
        return StoreChoice(_store(named), f"KILOCLI_STORE={named}", chosen=True)
    if configured is not None:
        if configured not in STORES:
            raise FileProblem(
                f"[auth] store = {configured!r} in config.toml is no key store.",
                hint="Choose one with: kilocli auth store keyring   (or: file)",
            )
        return StoreChoice(_store(configured), "[auth] store in config.toml", chosen=True)
    if env.get("CI", "").strip().lower() not in {"", "0", "false"}:
        return StoreChoice("file", "CI is set, and CI has no keyring to unlock")
    missing = no_keyring_session(env, keyring)
    if missing is not None:
        return StoreChoice("file", missing)
    problem = keyring.probe()
    if problem is not None:
        return StoreChoice("file", f"the keyring ({keyring.name}) cannot be used: {problem}")
    return StoreChoice("keyring", f"the keyring ({keyring.name}) answers")


def no_keyring_session(env: Mapping[str, str], keyring: Keyring) -> str | None:
    """Why this session obviously has no keyring (Linux with no D-Bus session: an SSH login,
    a container), without loading one; None when it may have one."""
    if not sys.platform.startswith("linux") or not keyring.is_platform_default:
        return None
    if env.get("DBUS_SESSION_BUS_ADDRESS", "").strip():
        return None
    runtime_dir = env.get("XDG_RUNTIME_DIR", "").strip()
    if runtime_dir and os.path.exists(os.path.join(runtime_dir, "bus")):
        return None
    return "this session has no D-Bus session bus, so no Secret Service to keep keys in"


def _store(name: str) -> StoreName:
    return "keyring" if name == "keyring" else "file"


def where_kept(profile: StoredProfile, keyring: Keyring, paths: Paths) -> str:
    """Where a profile's key is, as status and lists say it."""
    return f"keyring ({keyring.name})" if profile.in_keyring else str(paths.auth_file)


def read_profile_key(
    keyring: Keyring | None, profile_id: str, profile: StoredProfile
) -> str | None:
    """The key of ``profile_id`` from the store that holds it; None when the profile has none.

    Raises:
        NotAuthenticated: the profile says its key is in the keyring, and it is not there.
        KeyringFailed: the keyring failed or did not answer.
    """
    if not profile.in_keyring:
        return profile.usable_key
    if keyring is None:
        raise KeyringFailed(f"The key of {profile_id} is in the keyring, which was not opened.")
    key = keyring.get(profile_id)
    if key is None or not key.strip():
        raise NotAuthenticated(
            f"The key of profile {profile_id} is missing from the keyring ({keyring.name}); "
            "the profile says it is kept there.",
            hint=f"Store it again: kilocli auth login {profile.provider} --profile-id {profile_id}",
        )
    return key.strip()


def current_key(keyring: Keyring, profile_id: str, profile: StoredProfile | None) -> str | None:
    """The key ``profile_id`` holds now, wherever it is kept; None when there is no such
    profile, or its keyring entry is gone.

    Raises:
        KeyringFailed: the keyring holds it and failed.
    """
    if profile is None:
        return None
    try:
        return read_profile_key(keyring, profile_id, profile)
    except NotAuthenticated:
        return None


def put_profile(
    paths: Paths,
    keyring: Keyring,
    store: StoreName,
    profile_id: str,
    provider_id: str,
    credential: NewCredential,
) -> list[str]:
    """Store ``credential`` as ``profile_id`` in ``store``; the profile and its metadata go to
    ``auth-profiles.toml`` either way. Returns warnings (a stale keyring copy not removed).

    The keyring is written first: when it fails, nothing is written at all.

    Raises:
        KeyringFailed: the keyring failed or did not answer; nothing was written.
        FileProblem: the file could not be written.
    """
    if store == "keyring":
        keyring.set(profile_id, credential.key)
        # forget: a key the file held (this one, kept there before) leaves the .bak too, so
        # that no file of kilocli's holds a key kept in the keyring.
        profiles_file.update_auth_store(
            paths,
            lambda doc: with_keyring_account(
                with_profile(doc, profile_id, provider_id, credential, in_keyring=True),
                profile_id,
                present=True,
            ),
            forget=True,
        )
        return []
    before = load_auth_store(paths).profiles.get(profile_id)
    profiles_file.update_auth_store(
        paths, lambda doc: with_profile(doc, profile_id, provider_id, credential)
    )
    if before is None or not before.in_keyring:
        return []
    return forget_keyring_entry(paths, keyring, profile_id)


def forget_keyring_entry(paths: Paths, keyring: Keyring, account: str) -> list[str]:
    """Remove ``account``'s keyring entry and its index line; a warning when the keyring
    could not be reached (the index keeps it, so ``doctor`` can report it)."""
    try:
        keyring.delete(account)
    except KeyringFailed as exc:
        return [f"{exc.message} Its old copy in the keyring stays until: kilocli doctor --fix"]
    profiles_file.update_auth_store(
        paths, lambda doc: with_keyring_account(doc, account, present=False)
    )
    return []
