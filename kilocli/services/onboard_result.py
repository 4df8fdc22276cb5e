"""What onboarding hands back to the CLI to render."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from pydantic import Field

from kilocli.paths import Paths
from kilocli.results import Result


class Verdict(NamedTuple):
    """Whether the gateway accepted the key: True, False (saved anyway) or None (not known)."""

    verified: bool | None
    detail: str


class OnboardingResult(Result):
    """The outcome of ``kilocli onboard``. Holds a key preview, never a key."""

    ok: bool = True
    auth_choice: str
    provider: str | None
    profile_id: str | None
    key_source: str | None
    key_preview: str | None
    key_copied_from_env: bool = Field(exclude=True)
    verified: bool | None
    verification_detail: str = Field(exclude=True)
    default_model: str | None
    default_model_changed: bool
    config_path: Path
    auth_store_path: Path

    @classmethod
    def skipped(cls, auth_choice: str, paths: Paths) -> OnboardingResult:
        """Nothing configured, nothing written."""
        return cls(
            auth_choice=auth_choice,
            provider=None,
            profile_id=None,
            key_source=None,
            key_preview=None,
            key_copied_from_env=False,
            verified=None,
            verification_detail="skipped",
            default_model=None,
            default_model_changed=False,
            config_path=paths.config_file,
            auth_store_path=paths.auth_file,
        )

    @property
    def verdict(self) -> Verdict:
        """The verification, as the wizard settled it."""
        return Verdict(self.verified, self.verification_detail)

    @property
    def wrote_files(self) -> bool:
        """Whether onboarding wrote anything."""
        return self.provider is not None
