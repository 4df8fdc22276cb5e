"""The known parts of ``config.toml``, as pydantic models read once at the edge.

Every table keeps the keys kilocli does not know (``extra="allow"``). Fields are optional as
the file is: a missing table reads as an empty one. The names in the file are OpenClaw's
(camelCase); the attributes are Python's.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from kilocli.config.shape import ConfigMethods, SetupRecordMethods
from kilocli.schema import FileModel


class ModelEntry(FileModel):
    """One of ``models.providers.<p>.models``."""

    id: str
    name: str | None = None
    input: list[str] | None = None
    reasoning: bool | None = None
    context_window: int | None = Field(default=None, alias="contextWindow")
    max_tokens: int | None = Field(default=None, alias="maxTokens")


class ProviderSettings(FileModel):
    """``models.providers.<p>``."""

    base_url: str | None = Field(default=None, alias="baseUrl")
    api: str | None = None
    api_key: str | None = Field(default=None, alias="apiKey", repr=False)
    models: list[ModelEntry] = Field(default_factory=list)
    # The organisation chosen at onboarding for a key taken from the environment (SPEC §13).
    organization_id: str | None = Field(default=None, alias="organizationId")


class ModelsSection(FileModel):
    """``[models]``."""

    mode: str | None = None
    providers: dict[str, ProviderSettings] = Field(default_factory=dict)


class DefaultModel(FileModel):
    """``agents.defaults.model``."""

    primary: str | None = None
    fallbacks: list[str] = Field(default_factory=list)


class ModelSettings(FileModel):
    """``agents.defaults.models.<ref>``."""

    alias: str | None = None


class AgentDefaults(FileModel):
    """``agents.defaults``."""

    model: DefaultModel = Field(default_factory=DefaultModel)
    models: dict[str, ModelSettings] = Field(default_factory=dict)


class Agents(FileModel):
    """``[agents]``."""

    defaults: AgentDefaults = Field(default_factory=AgentDefaults)


class ProfileMetadata(FileModel):
    """``auth.profiles.<id>``: what config records about a stored profile (never its key)."""

    provider: str | None = None
    mode: str | None = None


class AuthSection(FileModel):
    """``[auth]``."""

    profiles: dict[str, ProfileMetadata] = Field(default_factory=dict)
    order: dict[str, list[str]] = Field(default_factory=dict)
    store: str | None = None  # where new keys go: "keyring" or "file" (SPEC §14)


class SetupFileRecord(FileModel):
    """One file ``setup`` wrote: where (its real path), whether kilocli created it, the name
    of the copy of the user's original kept in kilocli's private store (for ``--remove`` to
    give it back byte for byte while the file is as kilocli left it), the digest of what kilocli
    last wrote, the digests of the ``.bak`` files it wrote, the directories it created, and
    the values it wrote (see :class:`kilocli.tools.claims.Written`)."""

    path: str
    created: bool = False
    original: str | None = None
    written_digest: str | None = Field(default=None, alias="writtenDigest")
    backups: list[str] = Field(default_factory=list)
    dirs: list[str] = Field(default_factory=list)
    claims: list[dict[str, Any]] = Field(default_factory=list)


class SetupRecord(SetupRecordMethods, FileModel):
    """``setup.<tool>``: what ``kilocli setup`` owns in the tool's files (SPEC §12), and the
    models it set up there (a later run keeps them up to date)."""

    provider: str | None = None
    models: list[str] = Field(default_factory=list)
    files: list[SetupFileRecord] = Field(default_factory=list)


class EnvSection(FileModel):
    """``[env]``: how kilocli looks for keys in the environment."""

    shell_env: bool | None = Field(default=None, alias="shellEnv")


class Config(ConfigMethods, FileModel):
    """The whole of ``config.toml`` (its methods: :class:`~kilocli.config.shape.ConfigMethods`)."""

    version: int | None = None
    models: ModelsSection = Field(default_factory=ModelsSection)
    agents: Agents = Field(default_factory=Agents)
    auth: AuthSection = Field(default_factory=AuthSection)
    setup: dict[str, SetupRecord] = Field(default_factory=dict)
    env: EnvSection = Field(default_factory=EnvSection)

    def _no_provider_settings(self) -> ProviderSettings:
        return ProviderSettings.model_construct()  # its defaults: nothing to validate
