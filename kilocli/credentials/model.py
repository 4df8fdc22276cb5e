"""The known parts of ``auth-profiles.toml``, the only file that holds keys."""

from __future__ import annotations

from pydantic import Field

from kilocli.credentials.shape import AuthStoreMethods, StoredProfileMethods
from kilocli.schema import FileModel


class StoredProfile(StoredProfileMethods, FileModel):
    """``profiles.<id>``: one credential. The key never appears in ``repr``. (Its methods:
    :class:`~kilocli.credentials.shape.StoredProfileMethods`.)"""

    type: str
    provider: str
    key: str | None = Field(default=None, repr=False)
    organization_id: str | None = Field(default=None, alias="organizationId")
    organization_name: str | None = Field(default=None, alias="organizationName")
    email: str | None = None
    store: str | None = None  # "keyring": the key is in the OS keyring, not here (SPEC §14)


class AuthStore(AuthStoreMethods, FileModel):
    """The whole of ``auth-profiles.toml`` (its methods:
    :class:`~kilocli.credentials.shape.AuthStoreMethods`)."""

    version: int | None = None
    profiles: dict[str, StoredProfile] = Field(default_factory=dict)
    keyring_accounts: list[str] = Field(default_factory=list, alias="keyringAccounts")
    """Every keyring account kilocli wrote and has not removed: the keyring cannot list its
    entries portably, and ``doctor`` looks here for entries no profile names."""
