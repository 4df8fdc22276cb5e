"""The pydantic models of both files, and the problems found in documents that miss them."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from kilocli.config.model import Config
from kilocli.credentials.model import AuthStore
from kilocli.schema import FileModel, problems_of

CONFIG_SHAPE = Config
AUTH_STORE_SHAPE = AuthStore


def problems(model: type[FileModel], document: Any) -> list[tuple[tuple[str | int, ...], str]]:
    try:
        model.model_validate(document)
    except ValidationError as exc:
        return list(problems_of(exc))
    return []


def test_the_spec_example_config_is_valid() -> None:
    config = {
        "models": {
            "mode": "merge",
            "providers": {
                "kilocode": {
                    "baseUrl": "https://api.kilo.ai/api/gateway/",
                    "api": "openai-completions",
                    "models": [
                        {
                            "id": "kilo-auto/balanced",
                            "name": "Auto Balanced",
                            "input": ["text", "image"],
                            "reasoning": True,
                            "contextWindow": 1_000_000,
                            "maxTokens": 128_000,
                        }
                    ],
                }
            },
        },
        "agents": {
            "defaults": {
                "model": {"primary": "kilocode/kilo-auto/balanced", "fallbacks": []},
                "models": {"kilocode/kilo-auto/balanced": {"alias": "Kilo Gateway"}},
            }
        },
        "auth": {"profiles": {"kilocode:default": {"provider": "kilocode", "mode": "api_key"}}},
        "unknown": {"anything": [1, "two", {"three": 3.0}]},
    }
    assert problems(CONFIG_SHAPE, config) == []


@pytest.mark.parametrize(
    ("document", "found"),
    [
        ({"models": "merge"}, [(("models",), "should be a table")]),
        ({"models": {"mode": 1}}, [(("models", "mode"), "should be a string")]),
        (
            {"models": {"providers": {"kilocode": {"models": [{"id": "a", "maxTokens": True}]}}}},
            [
                (
                    ("models", "providers", "kilocode", "models", 0, "maxTokens"),
                    "should be an integer",
                )
            ],
        ),
        (
            {"models": {"providers": {"kilocode": {"models": [{"name": "no id"}]}}}},
            [(("models", "providers", "kilocode", "models", 0, "id"), "is required")],
        ),
        (
            {
                "models": {
                    "providers": {"kilocode": {"models": [{"id": "a", "contextWindow": 1.5}]}}
                }
            },
            [
                (
                    ("models", "providers", "kilocode", "models", 0, "contextWindow"),
                    "should be an integer",
                )
            ],
        ),
        (
            {"agents": {"defaults": {"model": {"fallbacks": "kilocode/kilo-auto/balanced"}}}},
            [(("agents", "defaults", "model", "fallbacks"), "should be an array")],
        ),
        (
            {"agents": {"defaults": {"model": {"fallbacks": ["ok", 2]}}}},
            [(("agents", "defaults", "model", "fallbacks", 1), "should be a string")],
        ),
        (
            {"models": {"providers": {"kilocode": {"models": [{"id": "a", "reasoning": "yes"}]}}}},
            [
                (
                    ("models", "providers", "kilocode", "models", 0, "reasoning"),
                    "should be true or false",
                )
            ],
        ),
        (
            {"auth": {"order": {"kilocode": "kilocode:default"}}},
            [(("auth", "order", "kilocode"), "should be an array")],
        ),
        ({"version": "1"}, [(("version",), "should be an integer")]),
    ],
)
def test_config_problems_name_the_key(document: dict[str, Any], found: list[Any]) -> None:
    assert problems(CONFIG_SHAPE, document) == found


def test_every_problem_is_reported_not_only_the_first() -> None:
    document = {"models": {"mode": 1, "providers": {"a": {"baseUrl": 2}, "b": "x"}}}
    assert problems(CONFIG_SHAPE, document) == [
        (("models", "mode"), "should be a string"),
        (("models", "providers", "a", "baseUrl"), "should be a string"),
        (("models", "providers", "b"), "should be a table"),
    ]


def test_auth_store_profiles_need_a_type_and_a_provider() -> None:
    store = {"version": 1, "profiles": {"p": {"key": "k"}, "q": {"type": "api_key", "provider": 3}}}
    assert problems(AUTH_STORE_SHAPE, store) == [
        (("profiles", "p", "type"), "is required"),
        (("profiles", "p", "provider"), "is required"),
        (("profiles", "q", "provider"), "should be a string"),
    ]


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({}, None),
        ({"agents": {"defaults": {"model": {"fallbacks": ["a/b"]}}}}, None),
        ({"agents": {"defaults": {"model": {"primary": ""}}}}, None),
        ({"agents": {"defaults": {"model": {"primary": "  "}}}}, None),
        (
            {"agents": {"defaults": {"model": {"primary": "kilocode/kilo-auto/balanced"}}}},
            "kilocode/kilo-auto/balanced",
        ),
    ],
)
def test_the_primary_model(config: dict[str, Any], expected: str | None) -> None:
    assert Config.model_validate(config).primary == expected
