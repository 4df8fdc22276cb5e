"""``config.toml`` as plain data: the shape of :mod:`kilocli.config.model` (derived from it and
checked against it by ``tests/test_shapes.py``), the methods the model and its cheap view share,
and the view itself (see :mod:`kilocli.shapes`). No pydantic here."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, cast

from kilocli.shapes import REQUIRED, FieldShape, View, read_trusted

if TYPE_CHECKING:
    from kilocli.config.model import (
        Agents,
        AuthSection,
        Config,
        ModelsSection,
        ProviderSettings,
        SetupFileRecord,
    )

CONFIG_VERSION = 1

_NONE = ("value", None)
_LIST = ("factory", "list")
_DICT = ("factory", "dict")
_STR = ("?", "str")

# What tests/test_shapes.py derives from kilocli.config.model.Config (paste its output here).
CONFIG_SHAPES: dict[str, dict[str, FieldShape]] = {
    "Config": {
        "version": ("version", ("?", "int"), _NONE),
        "models": ("models", "@ModelsSection", ("factory", "@ModelsSection")),
        "agents": ("agents", "@Agents", ("factory", "@Agents")),
        "auth": ("auth", "@AuthSection", ("factory", "@AuthSection")),
        "setup": ("setup", ("dict", "@SetupRecord"), _DICT),
        "env": ("env", "@EnvSection", ("factory", "@EnvSection")),
    },
    "ModelsSection": {
        "mode": ("mode", _STR, _NONE),
        "providers": ("providers", ("dict", "@ProviderSettings"), _DICT),
    },
    "Agents": {"defaults": ("defaults", "@AgentDefaults", ("factory", "@AgentDefaults"))},
    "AuthSection": {
        "profiles": ("profiles", ("dict", "@ProfileMetadata"), _DICT),
        "order": ("order", ("dict", ("list", "str")), _DICT),
        "store": ("store", _STR, _NONE),
    },
    "SetupRecord": {
        "provider": ("provider", _STR, _NONE),
        "models": ("models", ("list", "str"), _LIST),
        "files": ("files", ("list", "@SetupFileRecord"), _LIST),
    },
    "EnvSection": {"shell_env": ("shellEnv", ("?", "bool"), _NONE)},
    "ProviderSettings": {
        "base_url": ("baseUrl", _STR, _NONE),
        "api": ("api", _STR, _NONE),
        "api_key": ("apiKey", _STR, _NONE),
        "models": ("models", ("list", "@ModelEntry"), _LIST),
        "organization_id": ("organizationId", _STR, _NONE),
    },
    "AgentDefaults": {
        "model": ("model", "@DefaultModel", ("factory", "@DefaultModel")),
        "models": ("models", ("dict", "@ModelSettings"), _DICT),
    },
    "ProfileMetadata": {"provider": ("provider", _STR, _NONE), "mode": ("mode", _STR, _NONE)},
    "SetupFileRecord": {
        "path": ("path", "str", REQUIRED),
        "created": ("created", "bool", ("value", False)),
        "original": ("original", _STR, _NONE),
        "written_digest": ("writtenDigest", _STR, _NONE),
        "backups": ("backups", ("list", "str"), _LIST),
        "dirs": ("dirs", ("list", "str"), _LIST),
        "claims": ("claims", ("list", ("dict", "any")), _LIST),
    },
    "ModelEntry": {
        "id": ("id", "str", REQUIRED),
        "name": ("name", _STR, _NONE),
        "input": ("input", ("?", ("list", "str")), _NONE),
        "reasoning": ("reasoning", ("?", "bool"), _NONE),
        "context_window": ("contextWindow", ("?", "int"), _NONE),
        "max_tokens": ("maxTokens", ("?", "int"), _NONE),
    },
    "DefaultModel": {
        "primary": ("primary", _STR, _NONE),
        "fallbacks": ("fallbacks", ("list", "str"), _LIST),
    },
    "ModelSettings": {"alias": ("alias", _STR, _NONE)},
}


class ConfigMethods:
    """What :class:`~kilocli.config.model.Config` offers beyond its fields (and its view)."""

    if TYPE_CHECKING:
        models: ModelsSection
        agents: Agents
        auth: AuthSection

    def provider(self, provider_id: str) -> ProviderSettings:
        """``models.providers.<p>``, empty when the config has none."""
        found = self.models.providers.get(provider_id)
        return found if found is not None else self._no_provider_settings()

    def _no_provider_settings(self) -> ProviderSettings:
        raise NotImplementedError

    @property
    def primary(self) -> str | None:
        """``agents.defaults.model.primary``, when it is set to something."""
        primary = self.agents.defaults.model.primary
        return primary if primary and primary.strip() else None

    @property
    def fallbacks(self) -> tuple[str, ...]:
        """``agents.defaults.model.fallbacks``, in the user's order."""
        return tuple(self.agents.defaults.model.fallbacks)

    @property
    def aliases(self) -> dict[str, str]:
        """``agents.defaults.models.<ref>.alias`` for every ref that has one."""
        return {
            ref: entry.alias
            for ref, entry in self.agents.defaults.models.items()
            if entry.alias is not None
        }

    def profile_order(self, provider_id: str) -> tuple[str, ...]:
        """``auth.order.<p>``: the profiles to try first, in order."""
        return tuple(self.auth.order.get(provider_id, ()))


class SetupRecordMethods:
    """What :class:`~kilocli.config.model.SetupRecord` offers beyond its fields."""

    if TYPE_CHECKING:
        files: list[SetupFileRecord]

    def file(self, path: str) -> SetupFileRecord | None:
        return next((f for f in self.files if f.path == path), None)


class _ConfigView(View):
    views: ClassVar[dict[str, type[View]]] = {}


class ConfigView(ConfigMethods, _ConfigView):
    fields = CONFIG_SHAPES["Config"]

    def _no_provider_settings(self) -> ProviderSettings:
        return cast("ProviderSettings", self.views["ProviderSettings"]({}))


class SetupRecordView(SetupRecordMethods, _ConfigView):
    fields = CONFIG_SHAPES["SetupRecord"]


_ConfigView.views.update(
    {
        name: {"Config": ConfigView, "SetupRecord": SetupRecordView}.get(name)
        or type(f"{name}View", (_ConfigView,), {"fields": fields})
        for name, fields in CONFIG_SHAPES.items()
    }
)


def trusted_config(document: dict[str, Any]) -> Config | None:
    """``document`` read as a :class:`~kilocli.config.model.Config` without pydantic, when it
    fits the model's shape; None when the model is to judge it (see :mod:`kilocli.shapes`)."""
    view = read_trusted(document, "Config", CONFIG_SHAPES, ConfigView, known_version=CONFIG_VERSION)
    return cast("Config | None", view)
