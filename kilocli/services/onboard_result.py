"""What onboarding hands back to the CLI to render."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kilocli.paths import Paths


@dataclass(frozen=True)
class Verdict:
    """Whether the gateway accepted the key: True, False (saved anyway) or None (not known)."""

    verified: bool | None
    detail: str


@dataclass(frozen=True)
class OnboardingResult:
    """The outcome of ``kilocli onboard``. Holds a key preview, never a key."""

    auth_choice: str
    provider: str | None
    profile_id: str | None
    key_source: str | None
    key_preview: str | None
    key_copied_from_env: bool
    verdict: Verdict
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
            verdict=Verdict(None, "skipped"),
            default_model=None,
            default_model_changed=False,
            config_path=paths.config_file,
            auth_store_path=paths.auth_file,
        )

    @property
    def wrote_files(self) -> bool:
        """Whether onboarding wrote anything."""
        return self.provider is not None

    def to_json(self) -> dict[str, Any]:
        """The ``--json`` document of SPEC §5."""
        return {
            "ok": True,
            "authChoice": self.auth_choice,
            "provider": self.provider,
            "profileId": self.profile_id,
            "keySource": self.key_source,
            "keyPreview": self.key_preview,
            "verified": self.verdict.verified,
            "defaultModel": self.default_model,
            "defaultModelChanged": self.default_model_changed,
            "configPath": str(self.config_path),
            "authStorePath": str(self.auth_store_path),
        }
