"""The edits ``setup`` makes to each tool's file: add or update kilocli's entries, take them
out again, and tell whether they are there.

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
from kilocli.tools.documents import Dotenv, Unreadable
from kilocli.tools.shells import dotenv_quote


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


def _mapping(document: Any, what: str) -> MutableMapping[str, Any]:
    if not isinstance(document, MutableMapping):
        raise Unreadable(f"it is not {what}")
    return document


def _list(document: Any, what: str) -> list[Any]:
    if not isinstance(document, list):
        raise Unreadable(f"it is not {what}")
    return document


def _child(parent: MutableMapping[str, Any], key: str, what: str) -> MutableMapping[str, Any]:
    if key not in parent or parent[key] is None:
        parent[key] = {}
    return _mapping(parent[key], f"{what} ({key} is not a table of settings)")


def _set_headers(
    container: MutableMapping[str, Any], key: str, headers: Mapping[str, str], provider: Provider
) -> None:
    """Add the organisation header, or take out one kilocli wrote before; other headers stay."""
    if headers:
        _child(container, key, "a settings table").update(headers)
        return
    existing = container.get(key)
    if isinstance(existing, MutableMapping) and provider.organization_header:
        existing.pop(provider.organization_header, None)
        if not existing:
            del container[key]


def _remove_where(items: list[Any], ours: Any) -> None:
    for index in reversed(range(len(items))):
        if ours(items[index]):
            del items[index]


# llm: extra-openai-models.yaml (a list of models) and keys.json (name → key).


def _llm_ours(entry: Any, provider: Provider) -> bool:
    return (
        isinstance(entry, Mapping)
        and entry.get("api_key_name") == provider.id
        and str(entry.get("model_id", "")).startswith(provider.id + "/")
    )


def llm_models(document: Any, target: Target, log: EditLog) -> Any:
    models = _list([] if document is None else document, "a list of models")
    for model in target.models:
        model_id = f"{target.provider.id}/{model.id}"
        entry = next(
            (e for e in models if _llm_ours(e, target.provider) and e.get("model_id") == model_id),
            None,
        )
        if entry is None:
            models.append({})
            entry = models[-1]
        entry.update(
            model_id=model_id,
            model_name=model.id,
            api_base=target.api_base,
            api_key_name=target.provider.id,
        )
    for entry in models:  # every entry of kilocli's, those of earlier --model runs too
        if _llm_ours(entry, target.provider):
            entry["api_base"] = target.api_base
            _set_headers(entry, "headers", target.headers, target.provider)
    return models


def llm_models_removed(document: Any, target: Target, record: Mapping[str, Any]) -> Any:
    if document is None:
        return document
    _remove_where(_list(document, "a list of models"), lambda e: _llm_ours(e, target.provider))
    return document


def llm_models_configured(document: Any, provider: Provider) -> bool:
    return isinstance(document, list) and any(_llm_ours(e, provider) for e in document)


def llm_keys_file(target: Target) -> dict[str, str]:
    return {"// Note": "This file stores secret API credentials. Do not share!"}  # as llm's


def llm_key(document: Any, target: Target, log: EditLog) -> Any:
    _mapping(document, "a JSON object of keys")[target.provider.id] = target.needed_key()
    return document


def llm_key_removed(document: Any, target: Target, record: Mapping[str, Any]) -> Any:
    _mapping(document, "a JSON object of keys").pop(target.provider.id, None)
    return document


def llm_key_configured(document: Any, provider: Provider) -> bool:
    return isinstance(document, Mapping) and provider.id in document


# Codex CLI: [model_providers.<p>] in config.toml, and the profile file <p>.config.toml.


def codex_provider(document: Any, target: Target, log: EditLog) -> Any:
    import tomlkit

    root = _mapping(document, "a TOML document")
    if "model_providers" not in root:
        root["model_providers"] = tomlkit.table(is_super_table=True)
    providers = _mapping(root["model_providers"], "valid (model_providers is not a table)")
    if target.provider.id not in providers:
        # Written the way the user wrote the others: ``[model_providers.x]`` tables, or
        # (dotted ``model_providers.x = {…}`` keys, an inline table) inline ones, which keep
        # the top-level keys that follow them at the top level.
        providers[target.provider.id] = (
            tomlkit.table() if _header_tables(providers) else tomlkit.inline_table()
        )
    entry = _mapping(providers[target.provider.id], "valid (a model provider is not a table)")
    entry.update(
        name=target.provider.label,
        base_url=target.api_base,
        env_key=target.key_env,
        wire_api="responses",
    )
    if target.header_envs:
        if "env_http_headers" not in entry:
            entry["env_http_headers"] = tomlkit.inline_table()
        _mapping(entry["env_http_headers"], "valid").update(target.header_envs)
    else:
        _set_headers(entry, "env_http_headers", {}, target.provider)
    return document


def _header_tables(providers: Any) -> bool:
    """Whether ``model_providers`` is written as ``[model_providers.<id>]`` tables (or is new)."""
    from tomlkit.items import InlineTable, Table

    if isinstance(providers, InlineTable):
        return False
    values = list(providers.values())
    return all(isinstance(v, Table) and not isinstance(v, InlineTable) for v in values)


def codex_provider_removed(document: Any, target: Target, record: Mapping[str, Any]) -> Any:
    providers = _mapping(document, "a TOML document").get("model_providers")
    if isinstance(providers, MutableMapping) and target.provider.id in providers:
        del providers[target.provider.id]
        if not providers:
            del document["model_providers"]
    return document


def codex_provider_configured(document: Any, provider: Provider) -> bool:
    providers = document.get("model_providers") if isinstance(document, Mapping) else None
    return isinstance(providers, Mapping) and provider.id in providers


def codex_profile(document: Any, target: Target, log: EditLog) -> Any:
    profile = _mapping(document, "a TOML document")
    profile["model"] = target.models[0].id
    profile["model_provider"] = target.provider.id
    return document


def codex_profile_removed(document: Any, target: Target, record: Mapping[str, Any]) -> Any:
    profile = _mapping(document, "a TOML document")
    if profile.get("model_provider") == target.provider.id:
        profile.pop("model", None)
        profile.pop("model_provider", None)
    return document


def codex_profile_configured(document: Any, provider: Provider) -> bool:
    return isinstance(document, Mapping) and document.get("model_provider") == provider.id


# opencode: provider.<p> in opencode.json.


def opencode_file(target: Target) -> dict[str, str]:
    return {"$schema": "https://opencode.ai/config.json"}


def opencode_provider(document: Any, target: Target, log: EditLog) -> Any:
    root = _mapping(document, "a JSON object")
    entry = _child(_child(root, "provider", "a valid opencode config"), target.provider.id, "valid")
    entry.update(npm="@ai-sdk/openai-compatible", name=target.provider.label)
    options = _child(entry, "options", "valid")
    options.update(baseURL=target.api_base, apiKey="{env:" + target.key_env + "}")
    _set_headers(options, "headers", target.headers, target.provider)
    models = _child(entry, "models", "valid")
    for model in target.models:
        models.setdefault(model.id, {"name": model.name})
    return document


def opencode_provider_removed(document: Any, target: Target, record: Mapping[str, Any]) -> Any:
    providers = _mapping(document, "a JSON object").get("provider")
    if isinstance(providers, MutableMapping) and target.provider.id in providers:
        del providers[target.provider.id]
        if not providers:
            del document["provider"]
    return document


def opencode_provider_configured(document: Any, provider: Provider) -> bool:
    providers = document.get("provider") if isinstance(document, Mapping) else None
    return isinstance(providers, Mapping) and provider.id in providers


# aider: two settings in ~/.aider.conf.yml, a file of the user's; the key stays in the
# environment (kilocli exec -- aider).

AIDER_KEY_SETTING = "openai-api-key"


def _aider_settings(target: Target) -> dict[str, str]:
    return {"openai-api-base": target.api_base, "model": f"openai/{target.models[0].id}"}


def aider_settings(document: Any, target: Target, log: EditLog) -> Any:
    settings = _mapping({} if document is None else document, "a mapping of settings")
    for name, value in _aider_settings(target).items():
        if name in settings and name not in log.owned and settings[name] != value:
            log.replaced[name] = _plain(settings[name])
        if name not in log.owned:
            log.owned.append(name)
        settings[name] = value
        log.written[name] = value
    if AIDER_KEY_SETTING in settings:
        log.warnings.append(
            f"The aider settings set {AIDER_KEY_SETTING}, which aider uses in place of the key "
            "kilocli exec hands it: remove that line to use the gateway's key."
        )
    if target.headers:
        log.warnings.append(
            "aider cannot send the organisation header from its settings file; "
            "requests from aider use the key's personal account."
        )
    return settings


def aider_settings_removed(document: Any, target: Target, record: Mapping[str, Any]) -> Any:
    if document is None:
        return document
    settings = _mapping(document, "a mapping of settings")
    owned = list(record.get("owned", []))
    before = dict(record.get("replaced", {}))
    written = dict(record.get("written", {}))
    if not owned:  # no record of what kilocli set: take out only values that are its own
        base = target.api_base
        owned = [n for n in ("openai-api-base",) if settings.get(n) == base]
        if owned and str(settings.get("model", "")).startswith("openai/"):
            owned.append("model")
    for name in owned:
        if name in written and settings.get(name) != written[name]:
            continue  # changed by the user since: theirs now, left as it is
        if name in before:
            settings[name] = before[name]
        else:
            settings.pop(name, None)
    return settings


def aider_settings_configured(document: Any, provider: Provider) -> bool:
    return isinstance(document, Mapping) and str(document.get("model", "")).startswith("openai/")


def _plain(value: Any) -> Any:
    """A YAML scalar as a plain Python value (ruamel's keep their style in subclasses)."""
    for kind in (bool, int, float, str):
        if isinstance(value, kind):
            return kind(value)
    return value


# Continue: a models entry in config.yaml, and the key in its .env (${{ secrets.X }} is not
# read from the process environment).


def continue_file(target: Target) -> dict[str, Any]:
    return {"name": "Local Config", "version": "1.0.0", "schema": "v1", "models": []}


def _continue_ours(entry: Any, target: Target) -> bool:
    return isinstance(entry, Mapping) and entry.get("apiKey") == target.secret_reference


def continue_models(document: Any, target: Target, log: EditLog) -> Any:
    root = _mapping(continue_file(target) if document is None else document, "a mapping")
    if root.get("models") is None:
        root["models"] = []
    models = _list(root["models"], "valid (models is not a list)")
    for model in target.models:
        entry = next(
            (e for e in models if _continue_ours(e, target) and e.get("model") == model.id), None
        )
        if entry is None:
            models.append({})
            entry = models[-1]
        entry.update(
            name=f"{model.name} ({target.provider.label})",
            provider="openai",
            model=model.id,
            apiBase=target.api_base,
            apiKey=target.secret_reference,
        )
    for entry in models:  # every entry of kilocli's, those of earlier --model runs too
        if not _continue_ours(entry, target):
            continue
        entry["apiBase"] = target.api_base
        if target.headers or "requestOptions" in entry:
            options = _child(entry, "requestOptions", "valid")
            _set_headers(options, "headers", target.headers, target.provider)
            if not options:
                del entry["requestOptions"]
    return root


def continue_models_removed(document: Any, target: Target, record: Mapping[str, Any]) -> Any:
    models = document.get("models") if isinstance(document, Mapping) else None
    if isinstance(models, list):
        _remove_where(models, lambda e: _continue_ours(e, target))
    return document


def continue_models_configured(document: Any, provider: Provider) -> bool:
    target = Target(provider, "")
    models = document.get("models") if isinstance(document, Mapping) else None
    return isinstance(models, list) and any(_continue_ours(e, target) for e in models)


def continue_secret(document: Dotenv, target: Target, log: EditLog) -> Dotenv:
    document.set(target.key_env, dotenv_quote(target.needed_key()))
    return document


def continue_secret_removed(document: Dotenv, target: Target, record: Mapping[str, Any]) -> Dotenv:
    document.remove(target.key_env)
    return document


def continue_secret_configured(document: Dotenv, provider: Provider) -> bool:
    return document.get(provider.env_vars[0]) is not None
