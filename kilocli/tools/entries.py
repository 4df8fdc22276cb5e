"""What every edit of ``setup`` works with: the target (provider, base URL, models, headers,
key). The edits of each tool are in :mod:`kilocli.tools.edits`: each names the values kilocli
wants in a file as :class:`~kilocli.tools.claims.Claim` values, and :mod:`kilocli.tools.claims`
decides what may be written and records what was.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from kilocli.providers.registry import Provider


@dataclass(frozen=True)
class ModelChoice:
    """A model to configure: its gateway id (no provider prefix) and its name."""

    id: str
    name: str


@dataclass(frozen=True)
class Target:
    """What ``setup`` writes: the provider, the base URL other tools use, the models, the
    organisation header and, for the tools that cannot read it from the environment, the key
    (None when removing)."""

    provider: Provider
    api_base: str
    models: tuple[ModelChoice, ...] = ()
    headers: Mapping[str, str] = field(default_factory=dict)
    key: str | None = field(default=None, repr=False)
    kilocli: tuple[str, ...] = ("kilocli",)
    """How another tool runs kilocli: the absolute path of its entry point (or the Python that
    runs it, with ``-m kilocli``)."""

    @property
    def token_command(self) -> tuple[str, ...]:
        """The credential helper: prints the key in effect, and nothing else (SPEC §8)."""
        return (*self.kilocli, "auth", "token", self.provider.id)

    @property
    def default_model(self) -> ModelChoice:
        """The model a tool with one default uses: the last one named."""
        return self.models[-1]

    @property
    def key_env(self) -> str:
        """The variable that carries the key (``KILOCODE_API_KEY``)."""
        return self.provider.env_vars[0]

    @property
    def secret_reference(self) -> str:
        """How Continue refers to the key kept in its ``.env``."""
        return "${{ secrets." + self.key_env + " }}"

    def needed_key(self) -> str:
        if self.key is None:
            raise AssertionError("this edit writes the key, and none was given")
        return self.key
