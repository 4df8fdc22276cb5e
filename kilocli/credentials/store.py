"""The credential store, ``auth-profiles.toml``: every profile and its metadata, and the keys
kept in the file store (those kept in the OS keyring are there instead, SPEC §14)."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from kilocli.credentials.shape import AUTH_SHAPES, AUTH_STORE_VERSION, trusted_auth_store
from kilocli.errors import FileProblem
from kilocli.paths import Paths
from kilocli.storage import Document, loose_mode, read_toml, update_toml

if TYPE_CHECKING:
    from kilocli.credentials.model import AuthStore


def parse_auth_store(document: Document, path: Path) -> AuthStore:
    """A store document read from ``path``, as typed objects.

    Raises:
        FileProblem: known keys of the wrong type, or a store from a newer kilocli.
    """
    from kilocli.credentials.model import AuthStore
    from kilocli.schema import parse_file

    return parse_file(AuthStore, document, path, AUTH_SHAPES, known_version=AUTH_STORE_VERSION)


def load_auth_store(paths: Paths, warn: Callable[[str], None] | None = None) -> AuthStore:
    """The store; an empty one when there is none yet.

    ``warn`` hears about a store that other users can read (it is re-tightened on the next
    write; ``kilocli doctor --fix`` does it now).
    """
    return _warned(paths, parse_auth_store(read_toml(paths.auth_file), paths.auth_file), warn)


def read_auth_store(paths: Paths, warn: Callable[[str], None] | None = None) -> AuthStore:
    """:func:`load_auth_store` for a command that only reads the store: a store that fits the
    model's shape (every one kilocli wrote does) is read without pydantic, any other is
    validated by the model as always, and refused with the same message
    (:mod:`kilocli.shapes`)."""
    document = read_toml(paths.auth_file)
    store = trusted_auth_store(document) or parse_auth_store(document, paths.auth_file)
    return _warned(paths, store, warn)


def _warned(paths: Paths, store: AuthStore, warn: Callable[[str], None] | None) -> AuthStore:
    mode = loose_mode(paths.auth_file) if warn is not None and store.profiles else None
    if warn is not None and mode is not None:
        warn(
            f"{paths.auth_file} is {mode:04o}: other users can read your keys. kilocli makes it "
            "0600 on its next write; to do it now, run: kilocli doctor --fix"
        )
    return store


def update_auth_store(
    paths: Paths, change: Callable[[Document], Document], *, forget: bool = False
) -> Document:
    """Apply ``change`` to the store on disk, atomically, privately and under its lock; with
    ``forget``, what it removes is removed from ``auth-profiles.toml.bak`` too."""
    return update_toml(paths.auth_file, change, parse_auth_store, forget=forget)


def stored_but_config_unchanged(problem: FileProblem, profile_id: str, paths: Paths) -> FileProblem:
    """``problem`` (config.toml could not be written), told after the key was already stored.

    The store is written first, so that config never names a profile that does not exist; when
    the config write then fails, the key is kept (it is usable: keys are looked up in the store)
    and the message says so, because "unchanged" alone would hide that the store changed.
    Running the command again finishes the config.
    """
    return FileProblem(
        f"{problem.message}\nThe key itself was stored as {profile_id} in {paths.auth_file}.",
        hint=problem.hint,
    )


KEEP_ORGANIZATION = "keep"
"""``organization``: leave the profile's ``organizationId`` as it is (nothing was chosen)."""


@dataclass(frozen=True)
class NewCredential:
    """A credential to store: an API key, or a device sign-in's token (``oauth``, with the
    account's email). ``organization``: an id, None for Personal (no ``organizationId``), or
    :data:`KEEP_ORGANIZATION`."""

    key: str = field(repr=False)
    type: Literal["api_key", "oauth"] = "api_key"
    email: str | None = None
    organization: str | None = KEEP_ORGANIZATION
    organization_name: str | None = None  # how a person reads it (SPEC §13), when known


def with_profile(
    store: Mapping[str, Any],
    profile_id: str,
    provider_id: str,
    credential: NewCredential,
    *,
    in_keyring: bool = False,
) -> Document:
    """The store with ``profile_id`` set to ``credential``; other profiles untouched, and the
    profile's fields kilocli does not know kept. ``in_keyring``: the key itself is in the OS
    keyring, so the profile says ``store = "keyring"`` and holds no ``key``."""
    result = copy.deepcopy(dict(store))
    result.setdefault("version", AUTH_STORE_VERSION)
    profile = result.setdefault("profiles", {}).setdefault(profile_id, {})
    profile.update({"type": credential.type, "provider": provider_id})
    _place_key(profile, credential.key, in_keyring=in_keyring)
    if credential.email is not None:
        profile["email"] = credential.email
    elif credential.type == "api_key":
        profile.pop("email", None)  # a key has no sign-in email; an old one would mislead
    if credential.organization is None:
        profile.pop("organizationId", None)
        profile.pop("organizationName", None)
    elif credential.organization != KEEP_ORGANIZATION:
        profile["organizationId"] = credential.organization
        if credential.organization_name:
            profile["organizationName"] = credential.organization_name
        else:
            profile.pop("organizationName", None)
    return result


def with_api_key_profile(
    store: Mapping[str, Any], profile_id: str, provider_id: str, key: str
) -> Document:
    """The store with ``profile_id`` set to an API-key profile; other profiles untouched."""
    return with_profile(store, profile_id, provider_id, NewCredential(key))


def without_profile(store: Mapping[str, Any], profile_id: str) -> Document:
    """The store with ``profile_id`` removed (and from the index of keyring accounts)."""
    result = copy.deepcopy(dict(store))
    result.get("profiles", {}).pop(profile_id, None)
    return with_keyring_account(result, profile_id, present=False)


def with_key_placed(
    store: Mapping[str, Any], profile_id: str, key: str, *, in_keyring: bool
) -> Document:
    """The store with ``profile_id``'s key moved: into the file (``key``) or, with
    ``in_keyring``, out of it (``store = "keyring"``). An unknown profile is left alone."""
    result = copy.deepcopy(dict(store))
    profile = result.get("profiles", {}).get(profile_id)
    if isinstance(profile, dict):
        _place_key(profile, key, in_keyring=in_keyring)
    return result


def with_keyring_account(store: Mapping[str, Any], account: str, *, present: bool) -> Document:
    """The store with ``account`` added to (or removed from) ``keyringAccounts``, the index of
    the keyring entries kilocli wrote."""
    result = copy.deepcopy(dict(store))
    accounts = [a for a in result.get("keyringAccounts", []) if a != account]
    if present:
        accounts.append(account)
    if accounts:
        result["keyringAccounts"] = accounts
    else:
        result.pop("keyringAccounts", None)
    return result


def _place_key(profile: dict[str, Any], key: str, *, in_keyring: bool) -> None:
    if in_keyring:
        profile.pop("key", None)
        profile["store"] = "keyring"
    else:
        profile.pop("store", None)
        profile["key"] = key
