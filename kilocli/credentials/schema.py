"""What the known keys of ``auth-profiles.toml`` must look like."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class StoredProfile(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)

    type: str
    provider: str
    key: str | None = None


class AuthStoreFile(BaseModel):
    """The whole of ``auth-profiles.toml``."""

    model_config = ConfigDict(extra="allow", strict=True)

    version: int | None = None
    profiles: dict[str, StoredProfile] | None = None
