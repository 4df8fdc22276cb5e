"""The credential store, ``auth-profiles.toml``: the only file that holds keys."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from kilocli.paths import Paths
from kilocli.storage import Document, read_toml, update_toml

AUTH_STORE_VERSION = 1


def validate_auth_store(document: Document, path: Path) -> None:
    """Refuse a store whose known keys have the wrong type, or from a newer kilocli."""
    from kilocli.credentials.schema import AuthStoreFile
    from kilocli.validation import check_document

    check_document(AuthStoreFile, document, path, known_version=AUTH_STORE_VERSION)


def load_auth_store(paths: Paths) -> Document:
    """The validated store; ``{}`` when there is none yet."""
    return read_toml(paths.auth_file, validate_auth_store)


def update_auth_store(paths: Paths, change: Callable[[Document], Document]) -> Document:
    """Apply ``change`` to the store on disk, atomically, privately and under its lock."""
    return update_toml(paths.auth_file, change, validate_auth_store)


def with_api_key_profile(
    store: Mapping[str, Any], profile_id: str, provider_id: str, key: str
) -> Document:
    """The store with ``profile_id`` set to an API-key profile; other profiles untouched."""
    result = copy.deepcopy(dict(store))
    result.setdefault("version", AUTH_STORE_VERSION)
    profile = result.setdefault("profiles", {}).setdefault(profile_id, {})
    profile.update({"type": "api_key", "provider": provider_id, "key": key})
    return result


def without_profile(store: Mapping[str, Any], profile_id: str) -> Document:
    """The store with ``profile_id`` removed."""
    result = copy.deepcopy(dict(store))
    result.get("profiles", {}).pop(profile_id, None)
    return result


def provider_profiles(store: Mapping[str, Any], provider_id: str) -> dict[str, Mapping[str, Any]]:
    """The profiles of one provider, in file order."""
    profiles = store.get("profiles", {})
    return {
        profile_id: profile
        for profile_id, profile in profiles.items()
        if profile.get("provider") == provider_id
    }
