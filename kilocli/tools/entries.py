"""What every edit of ``setup`` works with: the target (provider, base URL, models, headers,
key), the log of what it did, and the small merge helpers. The edits of each tool are in
:mod:`kilocli.tools.edits`.

Every edit merges: it sets the keys kilocli owns and leaves every other key, entry and (in
TOML and YAML) comment where the user put it. kilocli's entries are recognisable by their id —
llm's ``model_id`` under ``api_key_name: <provider>``, ``model_providers.<provider>``,
``provider.<provider>``, Continue's ``apiKey: ${{ secrets.<VAR> }}`` — so that running
``setup`` again updates them and ``--remove`` finds them. Documents are the round-trip types
of :mod:`kilocli.tools.documents` (dict- and list-like).
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any

from kilocli.providers.registry import Provider
from kilocli.tools.documents import Unreadable


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

    @property
    def key_env(self) -> str:
        """The variable that carries the key (``KILOCODE_API_KEY``)."""
        return self.provider.env_vars[0]

    @property
    def header_envs(self) -> dict[str, str]:
        """Header → the variable that carries its value, for tools that read headers from the
        environment (Codex's ``env_http_headers``)."""
        header, variable = self.provider.organization_header, self.provider.organization_env
        if header and variable and self.headers:
            return {header: variable}
        return {}

    @property
    def secret_reference(self) -> str:
        """How Continue refers to the key kept in its ``.env``."""
        return "${{ secrets." + self.key_env + " }}"

    def needed_key(self) -> str:
        if self.key is None:
            raise AssertionError("this edit writes the key, and none was given")
        return self.key


@dataclass
class EditLog:
    """What an edit did beyond its entries: user values it replaced (to restore them on
    ``--remove``), keys it owns in a file it shares with the user, and what to warn about."""

    owned: list[str] = field(default_factory=list)
    replaced: dict[str, Any] = field(default_factory=dict)
    written: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def mapping_of(document: Any, what: str) -> MutableMapping[str, Any]:
    if not isinstance(document, MutableMapping):
        raise Unreadable(f"it is not {what}")
    return document


def list_of(document: Any, what: str) -> list[Any]:
    if not isinstance(document, list):
        raise Unreadable(f"it is not {what}")
    return document


def child_of(parent: MutableMapping[str, Any], key: str, what: str) -> MutableMapping[str, Any]:
    if key not in parent or parent[key] is None:
        parent[key] = {}
    return mapping_of(parent[key], f"{what} ({key} is not a table of settings)")


def set_headers(
    container: MutableMapping[str, Any], key: str, headers: Mapping[str, str], provider: Provider
) -> None:
    """Add the organisation header, or take out one kilocli wrote before; other headers stay."""
    if headers:
        child_of(container, key, "a settings table").update(headers)
        return
    existing = container.get(key)
    if isinstance(existing, MutableMapping) and provider.organization_header:
        existing.pop(provider.organization_header, None)
        if not existing:
            del container[key]


def remove_where(items: list[Any], ours: Any) -> None:
    for index in reversed(range(len(items))):
        if ours(items[index]):
            del items[index]
