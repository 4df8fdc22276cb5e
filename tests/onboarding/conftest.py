"""Fixtures for driving ``run_onboarding`` in-process with a scripted prompter."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from kilocli.paths import resolve_paths
from kilocli.prompting import Option
from kilocli.services.onboard import OnboardRequest, run_onboarding
from kilocli.services.onboard_result import OnboardingResult
from kilocli.services.runtime import Runtime
from tests.fakes import (
    Answer,
    FakeGateway,
    RecordingFeedback,
    ScriptedPrompter,
)


@dataclass(frozen=True)
class SelectSeen:
    """A select prompt as the user sees it: titles, the value each gives, and the default."""

    message: str
    options: tuple[tuple[str, str], ...]
    default: str | None
    searchable: bool

    @property
    def default_title(self) -> str | None:
        return next((title for title, value in self.options if value == self.default), None)


class RecordingPrompter(ScriptedPrompter):
    """A scripted prompter that also remembers what each select offered, values included."""

    def __init__(self, answers: Sequence[Answer]) -> None:
        super().__init__(answers)
        self.selects: list[SelectSeen] = []

    def select(
        self,
        message: str,
        options: Sequence[Option],
        *,
        default: str | None = None,
        searchable: bool = False,
    ) -> str:
        offered = tuple((o.title, o.value) for o in options)
        self.selects.append(SelectSeen(message, offered, default, searchable))
        return super().select(message, options, default=default, searchable=searchable)


@dataclass
class Wizard:
    """One onboarding run's world: the runtime, its prompter and what it was told."""

    runtime: Runtime
    prompter: RecordingPrompter
    feedback: RecordingFeedback
    home: Path
    results: list[OnboardingResult] = field(default_factory=list)

    def run(self, request: OnboardRequest | None = None) -> OnboardingResult:
        result = run_onboarding(self.runtime, request or OnboardRequest())
        self.results.append(result)
        return result

    @property
    def told(self) -> str:
        """Every note and warning, one per line."""
        return "\n".join(self.feedback.notes + self.feedback.warnings)


WizardFactory = Callable[..., Wizard]


@pytest.fixture
def wizard(home: Path, gateway: FakeGateway) -> WizardFactory:
    """Build a :class:`Wizard` that answers ``answers`` and talks to the fake gateway.

    Extra keyword arguments become environment variables of the run.
    """

    def build(answers: Sequence[Answer] = (), **env: str) -> Wizard:
        full_env = {
            "KILOCLI_HOME": str(home),
            "KILOCODE_BASE_URL": gateway.base_url,
            "OPENROUTER_BASE_URL": gateway.openrouter_base_url,
            "KILOCLI_STORE": "file",
            **env,
        }
        prompter = RecordingPrompter(answers)
        feedback = RecordingFeedback()
        runtime = Runtime(
            env=full_env, paths=resolve_paths(full_env), feedback=feedback, prompter=prompter
        )
        return Wizard(runtime, prompter, feedback, home)

    return build
