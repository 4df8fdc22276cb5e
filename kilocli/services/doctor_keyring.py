"""``kilocli doctor``'s look at where keys are kept (SPEC §14): each profile's store, a
profile whose keyring entry is gone, and a keyring entry of kilocli's that no profile names
(found through the index kilocli keeps of the entries it wrote: keyrings cannot list their
entries portably)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kilocli.credentials.vault import forget_keyring_entry, where_kept
from kilocli.errors import KeyringFailed
from kilocli.services.findings import Finding, finding

if TYPE_CHECKING:
    from kilocli.credentials.model import AuthStore
    from kilocli.services.runtime import Runtime


def check_key_stores(rt: Runtime, store: AuthStore, *, fix: bool) -> list[Finding]:
    """Where each key is; what is missing from, or left in, the keyring. The keyring is
    opened only when a profile or the index names an entry there."""
    if not store.profiles and not store.keyring_accounts:
        return []
    keyring = rt.keyring()
    places = [f"{pid} in {where_kept(p, keyring, rt.paths)}" for pid, p in store.profiles.items()]
    findings = [finding("key store", "ok", "Where keys are kept: " + "; ".join(places) + ".")]
    in_keyring = [pid for pid, p in store.profiles.items() if p.in_keyring]
    if not in_keyring and not store.keyring_accounts:
        return findings
    try:
        findings += [_missing(rt, store, pid) for pid in in_keyring if keyring.get(pid) is None]
        for account in store.keyring_accounts:
            profile = store.profiles.get(account)
            if profile is not None and profile.in_keyring:
                continue
            found = _orphan(rt, account, fix=fix)
            findings += [found] if found is not None else []
    except KeyringFailed as exc:
        findings.append(finding("keyring", "error", exc.message, exc.hint))
    return findings


def _missing(rt: Runtime, store: AuthStore, profile_id: str) -> Finding:
    profile = store.profiles[profile_id]
    return finding(
        "keyring",
        "error",
        f"Profile {profile_id} keeps its key in the keyring ({rt.keyring().name}), but the "
        "entry is not there (removed outside kilocli?).",
        f"kilocli auth login {profile.provider} --profile-id {profile_id}"
        f"  (or drop the profile: kilocli auth logout {profile_id})",
    )


def _orphan(rt: Runtime, account: str, *, fix: bool) -> Finding | None:
    keyring = rt.keyring()
    exists = keyring.get(account) is not None
    if fix:
        problems = forget_keyring_entry(rt.paths, keyring, account)
        if not exists:
            return None  # only the index remembered it: pruned
        if not problems:
            message = f"Removed the keyring entry {account}, which no profile named."
            return finding("keyring", "warning", message).model_copy(update={"fixed": True})
    if not exists:
        return None
    return finding(
        "keyring",
        "warning",
        f"The keyring ({keyring.name}) holds a key of kilocli's as {account}, and no profile "
        "names it (left by an interrupted move or logout).",
        "kilocli doctor --fix  (removes it)",
    )
