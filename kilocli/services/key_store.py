"""``kilocli auth store [keyring|file]``: where keys are kept, and moving them (SPEC §14).

A move takes one profile at a time, and never removes a key before its copy was read back
from the other store: killed at any point, every key is still in at least one store and the
profile names one that holds it; running the command again finishes the move.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from kilocli.config.files import load_config, update_config
from kilocli.credentials.store import (
    load_auth_store,
    update_auth_store,
    with_key_placed,
    with_keyring_account,
)
from kilocli.credentials.vault import (
    STORES,
    StoreName,
    choose_store,
    forget_keyring_entry,
    no_keyring_session,
)
from kilocli.errors import KeyringFailed
from kilocli.results import Record, Result
from kilocli.services.runtime import Runtime
from kilocli.storage import Document, interrupts_deferred

if TYPE_CHECKING:
    from kilocli.credentials.model import StoredProfile


class KeyPlace(Record):
    """One profile, and the store that holds its key."""

    profile_id: str
    store: StoreName
    where: str  # ``keyring (Secret Service)``, or the file's path


class StoreReport(Result):
    """``auth store``: the store new keys go to, why, the keyring's backend, and where each
    profile's key is; after a move, which profiles it moved."""

    store: StoreName
    reason: str
    backend: str
    keyring_usable: bool
    file: str
    profiles: list[KeyPlace]
    moved: list[str] = Field(default_factory=list)


def store_named(name: str) -> StoreName:
    """The store ``name`` names.

    Raises:
        UsageError: it names none.
    """
    from kilocli.errors import UsageError

    if name.strip().lower() not in STORES:
        raise UsageError(f"{name!r} is no key store.", hint="Name one: keyring or file.")
    return "keyring" if name.strip().lower() == "keyring" else "file"


def store_for_new_keys(rt: Runtime) -> StoreName:
    """Where a key stored now goes (SPEC §14); when the default falls back to the file, a note
    says so and why (once per run: no silent downgrade).

    Raises:
        UsageError, FileProblem: ``KILOCLI_STORE`` or ``[auth] store`` names no store.
    """
    if rt.new_keys_store is not None:
        return rt.new_keys_store
    choice = choose_store(rt.env, load_config(rt.paths).auth.store, rt.keyring())
    if choice.store == "file" and not choice.chosen:
        rt.feedback.note(
            f"The key is kept in {rt.paths.auth_file} (readable only by you), not in the OS "
            f"keyring: {choice.reason}. To choose: kilocli auth store keyring (or file)."
        )
    rt.new_keys_store = choice.store
    return choice.store


def described(rt: Runtime, store: StoreName) -> str:
    """Where a key kept in ``store`` is, as status, lists and summaries say it."""
    return f"keyring ({rt.keyring().name})" if store == "keyring" else str(rt.paths.auth_file)


def show_store(rt: Runtime, moved: list[str] | None = None) -> StoreReport:
    """The store in use, why, and where each profile's key is."""
    keyring = rt.keyring()
    choice = choose_store(rt.env, load_config(rt.paths).auth.store, keyring)
    usable = choice.store == "keyring" and not choice.chosen
    if not usable and no_keyring_session(rt.env, keyring) is None:
        usable = keyring.probe() is None
    store = load_auth_store(rt.paths, rt.feedback.warn)
    places = [
        KeyPlace(profile_id=pid, store=_of(profile), where=_where(rt, profile))
        for pid, profile in store.profiles.items()
    ]
    return StoreReport(
        store=choice.store,
        reason=choice.reason,
        backend=keyring.name,
        keyring_usable=usable,
        file=str(rt.paths.auth_file),
        profiles=places,
        moved=moved or [],
    )


def move_keys(rt: Runtime, target: StoreName) -> StoreReport:
    """Make ``target`` the store of new keys (config ``[auth] store``) and move every
    profile's key there, each verified in its new place before the old copy is removed.

    Raises:
        KeyringFailed: the keyring failed; the profiles moved so far stay moved, the others
            where they were (run the command again).
        FileProblem: a file could not be written.
    """
    moved = []
    for profile_id, profile in load_auth_store(rt.paths, rt.feedback.warn).profiles.items():
        with interrupts_deferred():
            if _move_one(rt, profile_id, profile, target):
                moved.append(profile_id)
    if target == "file":
        _sweep_keyring(rt)
    update_config(rt.paths, lambda config: _with_store(config, target))
    return show_store(rt, moved)


def _move_one(rt: Runtime, profile_id: str, profile: StoredProfile, target: StoreName) -> bool:
    if _of(profile) == target:
        return False
    if target == "keyring":
        key = profile.usable_key
        return key is not None and _to_keyring(rt, profile_id, key)
    return _to_file(rt, profile_id, profile)


def _to_keyring(rt: Runtime, profile_id: str, key: str) -> bool:
    keyring = rt.keyring()
    # Indexed before it is written, so that an entry left by an interruption is known.
    update_auth_store(rt.paths, lambda doc: with_keyring_account(doc, profile_id, present=True))
    keyring.set(profile_id, key)
    if keyring.get(profile_id, fresh=True) != key:
        raise KeyringFailed(
            f"The keyring ({keyring.name}) did not give back the key of {profile_id} just "
            "stored there; it stays in the file.",
            hint="Run the command again, or keep keys in the file: kilocli auth store file",
        )
    # The file forgets the key, its backup too: it is off the disk now.
    update_auth_store(
        rt.paths, lambda doc: with_key_placed(doc, profile_id, key, in_keyring=True), forget=True
    )
    return True


def _to_file(rt: Runtime, profile_id: str, profile: StoredProfile) -> bool:
    keyring = rt.keyring()
    found = keyring.get(profile_id)
    if found is None or not found.strip():
        rt.feedback.warn(
            f"The key of {profile_id} is missing from the keyring ({keyring.name}), so it "
            f"cannot be moved. Store it again: kilocli auth login {profile.provider} "
            f"--profile-id {profile_id}"
        )
        return False
    key = found.strip()
    update_auth_store(rt.paths, lambda doc: with_key_placed(doc, profile_id, key, in_keyring=False))
    copy = load_auth_store(rt.paths).profiles.get(profile_id)
    if copy is None or copy.in_keyring or copy.usable_key != key:
        return False  # changed meanwhile by another kilocli: the keyring copy stays
    for warning in forget_keyring_entry(rt.paths, keyring, profile_id):
        rt.feedback.warn(warning)
    return True


def _sweep_keyring(rt: Runtime) -> None:
    """Entries a move to the file left in the keyring (interrupted after the file had its
    copy): their profiles are in the file now, so they go."""
    store = load_auth_store(rt.paths)
    for account in store.keyring_accounts:
        profile = store.profiles.get(account)
        if profile is not None and not profile.in_keyring and profile.usable_key:
            for warning in forget_keyring_entry(rt.paths, rt.keyring(), account):
                rt.feedback.warn(warning)


def _with_store(config: Document, target: StoreName) -> Document:
    config.setdefault("auth", {})["store"] = target
    return config


def _of(profile: StoredProfile) -> StoreName:
    return "keyring" if profile.in_keyring else "file"


def _where(rt: Runtime, profile: StoredProfile) -> str:
    from kilocli.credentials.vault import where_kept

    return where_kept(profile, rt.keyring(), rt.paths)
