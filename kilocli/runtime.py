"""What the services get from the outside world, injected (never module-level globals)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from kilocli.paths import Paths
from kilocli.prompting import Prompter

if TYPE_CHECKING:
    import httpx


class Feedback(Protocol):
    """Progress and warnings while a service runs; the CLI draws them on stderr."""

    def note(self, text: str) -> None:
        """Something worth knowing that is not a result."""
        ...

    def warn(self, text: str) -> None:
        """Something went wrong, but the command goes on."""
        ...

    def working(self, text: str) -> AbstractContextManager[None]:
        """A spinner (or a line) while something slow happens."""
        ...


class SilentFeedback:
    """Feedback that goes nowhere but remembers what it was told (for tests and --json)."""

    def __init__(self) -> None:
        self.notes: list[str] = []
        self.warnings: list[str] = []

    def note(self, text: str) -> None:
        self.notes.append(text)

    def warn(self, text: str) -> None:
        self.warnings.append(text)

    def working(self, text: str) -> AbstractContextManager[None]:
        from contextlib import nullcontext

        self.notes.append(text)
        return nullcontext()


def _default_client_factory() -> httpx.Client:
    from kilocli.http import make_client

    return make_client()


@dataclass
class Runtime:
    """The environment a service runs in.

    Attributes:
        env: the environment variables (a plain mapping, so tests can pass their own).
        paths: where files live.
        prompter: how to ask questions; None when there is no terminal to ask on.
        feedback: where progress and warnings go.
        http_client: makes the HTTP client used for gateway requests.
        secrets: every key this run has seen, scrubbed from any unexpected error text.
    """

    env: Mapping[str, str]
    paths: Paths
    feedback: Feedback
    prompter: Prompter | None = None
    http_client: Callable[[], httpx.Client] = _default_client_factory
    secrets: set[str] = field(default_factory=set)

    def remember_secret(self, key: str) -> str:
        """Note a key so that no error text can show it; returns the key."""
        self.secrets.add(key)
        return key
