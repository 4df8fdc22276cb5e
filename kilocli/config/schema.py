"""What the known keys of ``config.toml`` must look like. Unknown keys are allowed anywhere."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class _Table(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)


class ModelEntry(_Table):
    id: str
    name: str | None = None
    input: list[str] | None = None
    reasoning: bool | None = None
    contextWindow: int | None = None
    maxTokens: int | None = None


class ProviderSettings(_Table):
    baseUrl: str | None = None
    api: str | None = None
    apiKey: str | None = None
    models: list[ModelEntry] | None = None


class ModelsSection(_Table):
    mode: str | None = None
    providers: dict[str, ProviderSettings] | None = None


class DefaultModel(_Table):
    primary: str | None = None
    fallbacks: list[str] | None = None


class ModelAlias(_Table):
    alias: str | None = None


class AgentDefaults(_Table):
    model: DefaultModel | None = None
    models: dict[str, ModelAlias] | None = None


class AgentsSection(_Table):
    defaults: AgentDefaults | None = None


class ProfileReference(_Table):
    provider: str | None = None
    mode: str | None = None


class AuthSection(_Table):
    profiles: dict[str, ProfileReference] | None = None
    order: dict[str, list[str]] | None = None


class ConfigFile(_Table):
    """The whole of ``config.toml``."""

    version: int | None = None
    models: ModelsSection | None = None
    agents: AgentsSection | None = None
    auth: AuthSection | None = None
