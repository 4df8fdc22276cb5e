"""The pure merges of SPEC §5 "Applying the provider config", one rule per test."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from kilocli.config.merge import (
    apply_auth_profile,
    apply_default_alias,
    apply_provider_config,
    remove_auth_profile,
    set_primary_model,
)
from kilocli.providers.registry import get_provider
from tests.fakes import KILO_AUTO_ENTRIES

KILO = get_provider("kilocode")
OPENROUTER = get_provider("openrouter")


def kilocode_settings(config: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = config["models"]["providers"]["kilocode"]
    return result


def test_provider_config_on_an_empty_document() -> None:
    assert apply_provider_config({}, KILO) == {
        "models": {
            "mode": "merge",
            "providers": {
                "kilocode": {
                    "baseUrl": "https://api.kilo.ai/api/gateway/",
                    "api": "openai-completions",
                    "models": KILO_AUTO_ENTRIES,
                }
            },
        }
    }


def test_models_mode_is_kept() -> None:
    merged = apply_provider_config({"models": {"mode": "replace"}}, KILO)
    assert merged["models"]["mode"] == "replace"


def test_existing_provider_fields_are_kept() -> None:
    config = {
        "models": {
            "providers": {
                "kilocode": {"headers": {"X-Team": "core"}, "timeoutSeconds": 30},
                "openrouter": {"baseUrl": "https://openrouter.ai/api/v1/", "extra": True},
            }
        },
        "theme": "dark",
    }
    merged = apply_provider_config(config, KILO)
    settings = kilocode_settings(merged)
    assert settings["headers"] == {"X-Team": "core"}
    assert settings["timeoutSeconds"] == 30
    assert merged["models"]["providers"]["openrouter"] == {
        "baseUrl": "https://openrouter.ai/api/v1/",
        "extra": True,
    }
    assert merged["theme"] == "dark"


def test_custom_base_url_is_kept() -> None:
    config = {"models": {"providers": {"kilocode": {"baseUrl": "http://127.0.0.1:8080/gw/"}}}}
    merged = apply_provider_config(config, KILO)
    assert kilocode_settings(merged)["baseUrl"] == "http://127.0.0.1:8080/gw/"


@pytest.mark.parametrize("blank", ["", "   "])
def test_blank_base_url_gets_the_default(blank: str) -> None:
    config = {"models": {"providers": {"kilocode": {"baseUrl": blank}}}}
    merged = apply_provider_config(config, KILO)
    assert kilocode_settings(merged)["baseUrl"] == "https://api.kilo.ai/api/gateway/"


def test_explicit_base_url_overrides_a_custom_one() -> None:
    config = {"models": {"providers": {"kilocode": {"baseUrl": "http://old.example/gw/"}}}}
    merged = apply_provider_config(config, KILO, base_url="http://new.example/api/gateway/")
    assert kilocode_settings(merged)["baseUrl"] == "http://new.example/api/gateway/"


def test_api_style_is_set() -> None:
    config = {"models": {"providers": {"kilocode": {"api": "anthropic-messages"}}}}
    merged = apply_provider_config(config, KILO)
    assert kilocode_settings(merged)["api"] == "openai-completions"


def test_existing_api_key_is_kept_trimmed() -> None:
    config = {"models": {"providers": {"kilocode": {"apiKey": "  eyJa.b.c\n"}}}}
    merged = apply_provider_config(config, KILO)
    assert kilocode_settings(merged)["apiKey"] == "eyJa.b.c"


def test_no_api_key_is_invented() -> None:
    assert "apiKey" not in kilocode_settings(apply_provider_config({}, KILO))


def test_existing_models_are_kept_and_fallbacks_appended() -> None:
    custom = {"id": "anthropic/claude-sonnet-4.5", "name": "Sonnet", "note": "mine"}
    config = {"models": {"providers": {"kilocode": {"models": [custom]}}}}
    merged = apply_provider_config(config, KILO)
    assert kilocode_settings(merged)["models"] == [custom, *KILO_AUTO_ENTRIES]


def test_fallback_entry_is_not_appended_when_its_id_is_present() -> None:
    mine = {"id": "kilo-auto/balanced", "name": "My Auto", "contextWindow": 5}
    other = {"id": "x/y"}
    config = {"models": {"providers": {"kilocode": {"models": [mine, other]}}}}
    merged = apply_provider_config(config, KILO)
    assert kilocode_settings(merged)["models"] == [mine, other, *KILO_AUTO_ENTRIES[1:]]


def test_openrouter_gets_its_auto_router_without_an_output_limit() -> None:
    """OpenRouter's built-in catalog (SPEC §3): the Auto Router; it publishes no output limit,
    so none is written."""
    merged = apply_provider_config({}, OPENROUTER)
    assert merged["models"]["providers"]["openrouter"] == {
        "baseUrl": "https://openrouter.ai/api/v1/",
        "api": "openai-completions",
        "models": [
            {
                "id": "auto",
                "name": "Auto Router",
                "input": ["text"],
                "reasoning": True,
                "contextWindow": 2_000_000,
            }
        ],
    }


def test_merging_twice_changes_nothing_more() -> None:
    once = apply_provider_config({}, KILO)
    assert apply_provider_config(once, KILO) == once


def test_alias_is_set_to_the_group_label() -> None:
    assert apply_default_alias({}, KILO) == {
        "agents": {
            "defaults": {"models": {"kilocode/kilo-auto/balanced": {"alias": "Kilo Gateway"}}}
        }
    }


def test_existing_alias_is_kept() -> None:
    config = {
        "agents": {
            "defaults": {
                "models": {
                    "kilocode/kilo-auto/balanced": {"alias": "auto", "extra": 1},
                    "kilocode/x/y": {"alias": "xy"},
                }
            }
        }
    }
    assert apply_default_alias(config, KILO) == config


def test_set_primary_model_keeps_fallbacks_exactly() -> None:
    config = {
        "agents": {
            "defaults": {
                "model": {
                    "primary": "openrouter/auto",
                    "fallbacks": ["kilocode/b", "kilocode/a", "kilocode/b"],
                    "other": "kept",
                }
            }
        }
    }
    assert set_primary_model(config, "kilocode/anthropic/claude-sonnet-4.5") == {
        "agents": {
            "defaults": {
                "model": {
                    "primary": "kilocode/anthropic/claude-sonnet-4.5",
                    "fallbacks": ["kilocode/b", "kilocode/a", "kilocode/b"],
                    "other": "kept",
                }
            }
        }
    }


def test_set_primary_model_on_an_empty_document_adds_no_fallbacks() -> None:
    assert set_primary_model({}, "kilocode/kilo-auto/balanced") == {
        "agents": {"defaults": {"model": {"primary": "kilocode/kilo-auto/balanced"}}}
    }


def test_apply_auth_profile_writes_metadata_without_creating_an_order() -> None:
    assert apply_auth_profile({}, "kilocode:default", "kilocode") == {
        "auth": {"profiles": {"kilocode:default": {"provider": "kilocode", "mode": "api_key"}}}
    }


def test_apply_auth_profile_replaces_stale_metadata_and_keeps_other_profiles() -> None:
    config = {
        "auth": {
            "profiles": {
                "kilocode:default": {"provider": "openrouter", "mode": "oauth"},
                "openrouter:default": {"provider": "openrouter", "mode": "api_key"},
            },
            "order": {"openrouter": ["openrouter:default"]},
        }
    }
    assert apply_auth_profile(config, "kilocode:default", "kilocode") == {
        "auth": {
            "profiles": {
                "kilocode:default": {"provider": "kilocode", "mode": "api_key"},
                "openrouter:default": {"provider": "openrouter", "mode": "api_key"},
            },
            "order": {"openrouter": ["openrouter:default"]},
        }
    }


def test_apply_auth_profile_moves_the_profile_to_the_front_of_the_order() -> None:
    config = {"auth": {"order": {"kilocode": ["kilocode:work", "kilocode:default", "kilocode:ci"]}}}
    merged = apply_auth_profile(config, "kilocode:default", "kilocode")
    assert merged["auth"]["order"] == {
        "kilocode": ["kilocode:default", "kilocode:work", "kilocode:ci"]
    }


def test_apply_auth_profile_adds_a_new_profile_to_the_front_of_the_order() -> None:
    config = {"auth": {"order": {"kilocode": ["kilocode:work"]}}}
    merged = apply_auth_profile(config, "kilocode:new", "kilocode")
    assert merged["auth"]["order"] == {"kilocode": ["kilocode:new", "kilocode:work"]}


def test_remove_auth_profile() -> None:
    config = {
        "auth": {
            "profiles": {
                "kilocode:default": {"provider": "kilocode", "mode": "api_key"},
                "kilocode:work": {"provider": "kilocode", "mode": "api_key"},
            },
            "order": {
                "kilocode": ["kilocode:default", "kilocode:work"],
                "openrouter": ["kilocode:default"],
            },
        },
        "theme": "dark",
    }
    assert remove_auth_profile(config, "kilocode:default") == {
        "auth": {
            "profiles": {"kilocode:work": {"provider": "kilocode", "mode": "api_key"}},
            "order": {"kilocode": ["kilocode:work"], "openrouter": []},
        },
        "theme": "dark",
    }


def test_remove_auth_profile_that_does_not_exist() -> None:
    config = {"models": {"mode": "merge"}}
    assert remove_auth_profile(config, "kilocode:default") == config


RICH_CONFIG: dict[str, Any] = {
    "models": {
        "mode": "merge",
        "providers": {
            "kilocode": {
                "baseUrl": "http://custom/",
                "apiKey": " eyJa.b.c ",
                "models": [{"id": "x/y"}],
            }
        },
    },
    "agents": {
        "defaults": {
            "model": {"primary": "kilocode/x/y", "fallbacks": ["kilocode/z"]},
            "models": {"kilocode/x/y": {"alias": "xy"}},
        }
    },
    "auth": {
        "profiles": {"kilocode:work": {"provider": "kilocode", "mode": "api_key"}},
        "order": {"kilocode": ["kilocode:work", "kilocode:default"]},
    },
}

MERGES: list[Callable[[dict[str, Any]], Any]] = [
    lambda c: apply_provider_config(c, KILO),
    lambda c: apply_provider_config(c, KILO, base_url="http://other/"),
    lambda c: apply_provider_config(c, OPENROUTER),
    lambda c: apply_default_alias(c, KILO),
    lambda c: set_primary_model(c, "kilocode/kilo-auto/balanced"),
    lambda c: apply_auth_profile(c, "kilocode:default", "kilocode"),
    lambda c: remove_auth_profile(c, "kilocode:work"),
]


@pytest.mark.parametrize("merge", MERGES)
@pytest.mark.parametrize("config", [{}, RICH_CONFIG], ids=["empty", "rich"])
def test_every_function_leaves_its_input_unmodified(
    merge: Callable[[dict[str, Any]], Any], config: dict[str, Any]
) -> None:
    original = copy.deepcopy(config)
    merged = merge(config)
    assert config == original
    if isinstance(merged, dict):
        # the result shares no mutable part with the input
        merged.setdefault("models", {}).setdefault("providers", {}).clear()
        merged.setdefault("auth", {}).setdefault("order", {}).clear()
        merged.setdefault("agents", {}).clear()
        assert config == original


def test_apply_auth_profile_keeps_fields_it_does_not_know() -> None:
    config = {"auth": {"profiles": {"kilocode:default": {"provider": "x", "note": "laptop"}}}}
    merged = apply_auth_profile(config, "kilocode:default", "kilocode")
    assert merged["auth"]["profiles"]["kilocode:default"] == {
        "provider": "kilocode",
        "note": "laptop",
        "mode": "api_key",
    }
