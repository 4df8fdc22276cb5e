"""What onboarding hands back to the CLI to render."""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from pydantic import Field, model_validator

from kilocli.errors import ExitCode
from kilocli.paths import Paths
from kilocli.results import Record, Result


class Verdict(NamedTuple):
    """Whether the gateway accepted the key: True, False (saved anyway) or None (not known)."""

    verified: bool | None
    detail: str


class ToolSetUp(Record):
    """A tool onboarding set up (SPEC §5 step 7): the files it changed and how to run it."""

    tool: str
    ok: bool
    files: list[str]
    run: str | None


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
    organization: str | None = None
    organization_source: str | None = Field(default=None, exclude=True)
    organization_name: str | None = Field(default=None, exclude=True)
    custom_gateway: str | None = Field(default=None, exclude=True)  # a base URL not the default
    default_model: str | None
    default_model_changed: bool
    config_path: Path
    auth_store_path: Path
    key_store: str | None = None
    """Where the key is kept: ``keyring (Secret Service)``, or the file's path (SPEC §14)."""
    tools: list[ToolSetUp] = Field(default_factory=list)
    files_changed: list[Path] = Field(default_factory=list, exclude=True)
    """Which of kilocli's two files this run changed (the summary's "Wrote" names only those)."""

    @model_validator(mode="before")
    @classmethod
    def _ends_as_it_went(cls, data: Any) -> Any:
        """Exit 1 when a tool asked for could not be set up (the credential is stored
        already)."""
        if isinstance(data, dict) and "exit_code" not in data:
            tools = data.get("tools") or []
            failed = any(not (t.ok if isinstance(t, ToolSetUp) else t["ok"]) for t in tools)
            data = {**data, "exit_code": ExitCode.ERROR if failed else ExitCode.OK}
        return data

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
