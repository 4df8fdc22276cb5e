"""The cheap read of kilocli's own files (:mod:`kilocli.shapes`) and the pydantic models agree:
the shapes are the models' fields, a document the cheap read takes is one the model takes, with
the same values, defaults and methods (and the model built without its validator equals the
validated one), and a document it does not take is refused by the model with the usual message
(SPEC §10; STYLE 8: one schema)."""

from __future__ import annotations

import copy
import pprint
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from pydantic import ValidationError

from kilocli.config.files import load_config, parse_config, read_config
from kilocli.config.model import Config
from kilocli.config.shape import CONFIG_SHAPES, trusted_config
from kilocli.credentials.model import AuthStore
from kilocli.credentials.shape import AUTH_SHAPES, trusted_auth_store
from kilocli.credentials.store import load_auth_store, parse_auth_store, read_auth_store
from kilocli.errors import FileProblem, UsageError
from kilocli.paths import resolve_paths
from kilocli.shapes import Shapes
from tests.shape_of import shapes_of

CONFIG: dict[str, Any] = {
    "version": 1,
    "mine": {"anything": [1, "two"]},
    "models": {
        "mode": "merge",
        "providers": {
            "kilocode": {
                "baseUrl": "https://api.kilo.ai/api/gateway/",
                "api": "openai-completions",
                "apiKey": "eyJ.config.key",
                "organizationId": "org-1",
                "models": [
                    {
                        "id": "kilo-auto/balanced",
                        "name": "Balanced",
                        "input": ["text", "image"],
                        "reasoning": True,
                        "contextWindow": 200000,
                        "maxTokens": 64000,
                        "extra": "kept",
                    },
                    {"id": "plain"},
                ],
            },
            "openrouter": {},
        },
    },
    "agents": {
        "defaults": {
            "model": {"primary": "kilocode/kilo-auto/balanced", "fallbacks": ["a/b", "c/d"]},
            "models": {"kilocode/x": {"alias": "x"}, "kilocode/y": {}},
        }
    },
    "auth": {
        "profiles": {"kilocode:default": {"provider": "kilocode", "mode": "api_key"}},
        "order": {"kilocode": ["kilocode:work", "kilocode:default"]},
    },
    "setup": {
        "aider": {
            "provider": "kilocode",
            "models": ["kilo-auto/balanced"],
            "files": [
                {
                    "path": "/home/u/.aider.conf.yml",
                    "created": True,
                    "original": "copy-1",
                    "writtenDigest": "abc",
                    "backups": ["d1"],
                    "dirs": ["/home/u/.x"],
                    "claims": [{"key": ["model"], "value": "openai/x", "deep": {"a": 1}}],
                }
            ],
        },
        "opencode": {},
    },
    "env": {"shellEnv": False},
}

STORE: dict[str, Any] = {
    "version": 1,
    "profiles": {
        "kilocode:default": {
            "type": "api_key",
            "provider": "kilocode",
            "key": "  eyJ.stored.key  ",
            "organizationId": "org-1",
            "organizationName": "Org One",
            "email": "a@b.c",
            "later": {"kept": True},
        },
        "kilocode:work": {"type": "oauth", "provider": "kilocode"},
        "openrouter:default": {"type": "api_key", "provider": "openrouter", "key": "sk-or-1"},
    },
}

ODD_VALUES: list[Any] = ["text", 7, True, 1.5, None, [], ["x"], [1], {}, {"id": "x"}]


def test_the_shapes_are_the_models_fields() -> None:
    for derived, written, where in (
        (shapes_of(Config), CONFIG_SHAPES, "kilocli/config/shape.py: CONFIG_SHAPES"),
        (shapes_of(AuthStore), AUTH_SHAPES, "kilocli/credentials/shape.py: AUTH_SHAPES"),
    ):
        assert derived == written, f"a model changed; paste into {where}:\n" + pprint.pformat(
            derived, sort_dicts=False, width=96
        )


def variants(document: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """``document``, then each of its values (at every depth) replaced by each odd value or
    removed, and each of its tables given a key spelled as an attribute."""
    yield document
    for path in list(_paths(document)):
        for odd in [*ODD_VALUES, _REMOVE]:
            changed = copy.deepcopy(document)
            parent = changed
            for part in path[:-1]:
                parent = parent[part]
            if odd is _REMOVE:
                del parent[path[-1]]
            else:
                parent[path[-1]] = odd
            yield changed
    for newer in (2, 0, True, "1"):
        yield {**document, "version": newer}
    for key, value in (("organization_id", "o"), ("base_url", "u"), ("shell_env", True)):
        for table in _tables(changed := copy.deepcopy(document)):
            table[key] = value
        yield changed


_REMOVE = object()


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    items = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else ()
    )
    for key, item in items:
        yield (*prefix, key)
        yield from _paths(item, (*prefix, key))


def _tables(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from _tables(item)
    elif isinstance(value, list):
        for item in value:
            yield from _tables(item)


def same(view: Any, model: Any, shape: Any, shapes: Shapes) -> None:
    """The view reads as the model does, field by field, at every depth."""
    if isinstance(shape, str) and shape.startswith("@"):
        for name, (_, inner, _) in shapes[shape[1:]].items():
            same(getattr(view, name), getattr(model, name), inner, shapes)
    elif isinstance(shape, tuple) and shape[0] == "?" and model is None:
        assert view is None
    elif isinstance(shape, tuple) and shape[0] == "?":
        same(view, model, shape[1], shapes)
    elif isinstance(shape, tuple) and shape[0] == "list":
        assert type(view) is list
        assert len(view) == len(model)
        for v, m in zip(view, model, strict=True):
            same(v, m, shape[1], shapes)
    elif isinstance(shape, tuple) and shape[0] == "dict":
        assert type(view) is dict
        assert list(view) == list(model)
        for key in model:
            same(view[key], model[key], shape[1], shapes)
    else:
        assert view == model
        assert type(view) is type(model)


def test_a_config_the_cheap_read_takes_is_one_the_model_takes_alike() -> None:
    taken = sum(config_alike(document) for document in variants(CONFIG))
    assert taken > 200  # most variants only change values to others of the right type


def test_a_store_the_cheap_read_takes_is_one_the_model_takes_alike() -> None:
    taken = sum(store_alike(document) for document in variants(STORE))
    assert taken > 40


def config_alike(document: dict[str, Any]) -> bool:
    """Whether the cheap read took ``document`` (then the model takes it alike)."""
    view = trusted_config(copy.deepcopy(document))
    try:
        model = Config.model_validate(copy.deepcopy(document))
    except ValidationError:
        assert view is None
        return False
    if view is None:
        return False  # left to the model, which takes it
    built = parse_config(copy.deepcopy(document), Path("config.toml"))
    assert built == model
    assert built.document() == model.document()
    same(view, model, "@Config", CONFIG_SHAPES)
    for provider in ("kilocode", "openrouter", "nobody"):
        same(view.provider(provider), model.provider(provider), "@ProviderSettings", CONFIG_SHAPES)
        assert view.profile_order(provider) == model.profile_order(provider)
    assert (view.primary, view.fallbacks, view.aliases) == (
        model.primary,
        model.fallbacks,
        model.aliases,
    )
    for tool, record in model.setup.items():
        for path in ["/home/u/.aider.conf.yml", "/nowhere"]:
            found, expected = view.setup[tool].file(path), record.file(path)
            assert (found is None) == (expected is None)
            if expected is not None:
                same(found, expected, "@SetupFileRecord", CONFIG_SHAPES)
    return True


def store_alike(document: dict[str, Any]) -> bool:
    view = trusted_auth_store(copy.deepcopy(document))
    try:
        model = AuthStore.model_validate(copy.deepcopy(document))
    except ValidationError:
        assert view is None
        return False
    if view is None:
        return False
    built = parse_auth_store(copy.deepcopy(document), Path("auth-profiles.toml"))
    assert built == model
    assert built.document() == model.document()
    same(view, model, "@AuthStore", AUTH_SHAPES)
    for provider in ("kilocode", "openrouter", "nobody"):
        assert list(view.of_provider(provider)) == list(model.of_provider(provider))
    for profile_id, profile in model.profiles.items():
        assert view.named(profile_id).usable_key == profile.usable_key
        assert "eyJ" not in repr(view.named(profile_id))
    with pytest.raises(UsageError) as by_view:
        view.named("nobody")
    with pytest.raises(UsageError) as by_model:
        model.named("nobody")
    assert (by_view.value.message, by_view.value.hint) == (
        by_model.value.message,
        by_model.value.hint,
    )
    return True


def test_the_files_kilocli_writes_take_the_cheap_read() -> None:
    assert trusted_config(copy.deepcopy(CONFIG)) is not None
    assert trusted_auth_store(copy.deepcopy(STORE)) is not None
    assert trusted_config({}) is not None
    assert trusted_auth_store({}) is not None


@pytest.mark.parametrize(
    ("name", "document"),
    [
        ("config.toml", {**CONFIG, "version": 9}),
        ("config.toml", {**CONFIG, "env": {"shellEnv": "yes"}}),
        ("config.toml", {"models": {"providers": {"kilocode": {"models": [{"name": "x"}]}}}}),
        ("auth-profiles.toml", {"profiles": {"kilocode:default": {"type": "api_key"}}}),
        ("auth-profiles.toml", {"version": 2, "profiles": {}}),
        ("auth-profiles.toml", {"profiles": {"p": {"type": "t", "provider": "x", "key": 3}}}),
    ],
)
def test_a_file_the_cheap_read_does_not_take_is_refused_as_always(
    tmp_path: Path, name: str, document: dict[str, Any]
) -> None:
    paths = resolve_paths({"KILOCLI_HOME": str(tmp_path)})
    (tmp_path / name).write_text(tomli_w.dumps(document))
    load, read = (
        (load_config, read_config) if name == "config.toml" else (load_auth_store, read_auth_store)
    )
    with pytest.raises(FileProblem) as usual:
        load(paths)
    with pytest.raises(FileProblem) as cheap:
        read(paths)
    assert (cheap.value.message, cheap.value.hint) == (usual.value.message, usual.value.hint)
