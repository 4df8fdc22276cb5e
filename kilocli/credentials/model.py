"""The known parts of ``auth-profiles.toml``, the only file that holds keys."""

from __future__ import annotations

from pydantic import Field

from kilocli.schema import FileModel

AUTH_STORE_VERSION = 1


class StoredProfile(FileModel):
    """``profiles.<id>``: one credential. The key never appears in ``repr``."""

    type: str
    provider: str
    key: str | None = Field(default=None, repr=False)
    organization_id: str | None = Field(default=None, alias="organizationId")
    organization_name: str | None = Field(default=None, alias="organizationName")
    email: str | None = None
    store: str | None = None  # "keyring": the key is in the OS keyring, not here (SPEC §14)

    @property
    def in_keyring(self) -> bool:
        """The key is kept in the OS keyring (account: the profile id), not in this file."""
        return self.store == "keyring"

    @property
    def usable_key(self) -> str | None:
        """The key in this file, trimmed; None when there is none (or it is in the keyring)."""
        return self.key.strip() if self.key and self.key.strip() else None


class AuthStore(FileModel):
    """The whole of ``auth-profiles.toml``."""

    version: int | None = None
    profiles: dict[str, StoredProfile] = Field(default_factory=dict)
    keyring_accounts: list[str] = Field(default_factory=list, alias="keyringAccounts")
    """Every keyring account kilocli wrote and has not removed: the keyring cannot list its
    entries portably, and ``doctor`` looks here for entries no profile names."""

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
