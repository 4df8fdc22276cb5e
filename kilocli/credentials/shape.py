"""``auth-profiles.toml`` as plain data: the shape of :mod:`kilocli.credentials.model` (derived
from it and checked against it by ``tests/test_shapes.py``), the methods the model and its
cheap view share, and the view itself (see :mod:`kilocli.shapes`). No pydantic here."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, cast

from kilocli.shapes import REQUIRED, FieldShape, View, read_trusted

if TYPE_CHECKING:
    from kilocli.credentials.model import AuthStore, StoredProfile

AUTH_STORE_VERSION = 1

_NONE = ("value", None)
_STR = ("?", "str")

# What tests/test_shapes.py derives from kilocli.credentials.model.AuthStore.
AUTH_SHAPES: dict[str, dict[str, FieldShape]] = {
    "AuthStore": {
        "version": ("version", ("?", "int"), _NONE),
        "profiles": ("profiles", ("dict", "@StoredProfile"), ("factory", "dict")),
        "keyring_accounts": ("keyringAccounts", ("list", "str"), ("factory", "list")),
    },
    "StoredProfile": {
        "type": ("type", "str", REQUIRED),
        "provider": ("provider", "str", REQUIRED),
        "key": ("key", _STR, _NONE),
        "organization_id": ("organizationId", _STR, _NONE),
        "organization_name": ("organizationName", _STR, _NONE),
        "email": ("email", _STR, _NONE),
        "store": ("store", _STR, _NONE),
    },
}


class StoredProfileMethods:
    """What :class:`~kilocli.credentials.model.StoredProfile` offers beyond its fields."""

    if TYPE_CHECKING:
        key: str | None
        store: str | None

    @property
    def in_keyring(self) -> bool:
        """The key is kept in the OS keyring (account: the profile id), not in this file."""
        return self.store == "keyring"

    @property
    def usable_key(self) -> str | None:
        """The key in this file, trimmed; None when there is none (or it is in the keyring)."""
        return self.key.strip() if self.key and self.key.strip() else None


class AuthStoreMethods:
    """What :class:`~kilocli.credentials.model.AuthStore` offers beyond its fields."""

    if TYPE_CHECKING:
        profiles: dict[str, StoredProfile]

    def named(self, profile_id: str) -> StoredProfile:
        """The profile ``profile_id``.

        Raises:
            UsageError: there is none; the message lists those there are.
        """
        from kilocli.errors import UsageError

        profile = self.profiles.get(profile_id)
        if profile is None:
            known = ", ".join(self.profiles) or "none"
            raise UsageError(
                f"There is no profile {profile_id!r} (stored profiles: {known}).",
                hint="See them with: kilocli auth list",
            )
        return profile

    def of_provider(self, provider_id: str) -> dict[str, StoredProfile]:
        """The profiles of one provider, in file order."""
        return {pid: p for pid, p in self.profiles.items() if p.provider == provider_id}


class _AuthView(View):
    views: ClassVar[dict[str, type[View]]] = {}


class AuthStoreView(AuthStoreMethods, _AuthView):
    fields = AUTH_SHAPES["AuthStore"]


class StoredProfileView(StoredProfileMethods, _AuthView):
    fields = AUTH_SHAPES["StoredProfile"]

    def __repr__(self) -> str:  # as the model's: never the key
        return f"StoredProfileView(type={self.type!r}, provider={self.provider!r})"


_AuthView.views.update({"AuthStore": AuthStoreView, "StoredProfile": StoredProfileView})


def trusted_auth_store(document: dict[str, Any]) -> AuthStore | None:
    """``document`` read as an :class:`~kilocli.credentials.model.AuthStore` without pydantic,
    when it fits the model's shape; None when the model is to judge it."""
    view = read_trusted(
        document, "AuthStore", AUTH_SHAPES, AuthStoreView, known_version=AUTH_STORE_VERSION
    )
    return cast("AuthStore | None", view)
