"""Showing a config without the keys a user may have put in it."""

from __future__ import annotations

import copy

import pytest

from kilocli.services.config import redacted

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnQk0s"


def test_api_key_in_provider_settings_becomes_a_preview() -> None:
    config = {
        "models": {
            "mode": "merge",
            "providers": {
                "kilocode": {
                    "baseUrl": "https://api.kilo.ai/api/gateway/",
                    "apiKey": JWT,
                    "models": [{"id": "kilo-auto/balanced", "maxTokens": 128000}],
                }
            },
        },
        "agents": {
            "defaults": {"model": {"primary": "kilocode/kilo-auto/balanced", "fallbacks": []}}
        },
    }
    original = copy.deepcopy(config)
    assert redacted(config) == {
        "models": {
            "mode": "merge",
            "providers": {
                "kilocode": {
                    "baseUrl": "https://api.kilo.ai/api/gateway/",
                    "apiKey": "eyJh…Qk0s",
                    "models": [{"id": "kilo-auto/balanced", "maxTokens": 128000}],
                }
            },
        },
        "agents": {
            "defaults": {"model": {"primary": "kilocode/kilo-auto/balanced", "fallbacks": []}}
        },
    }
    assert config == original


@pytest.mark.parametrize(
    "name",
    ["apiKey", "api_key", "api-key", "APIKEY", "token", "accessToken", "secret", "password", "key"],
)
def test_secret_sounding_names_are_previewed(name: str) -> None:
    assert redacted({"outer": {name: JWT}}) == {"outer": {name: "eyJh…Qk0s"}}


@pytest.mark.parametrize("name", ["id", "keySource", "monkey", "baseUrl", "alias", "provider"])
def test_other_names_are_shown(name: str) -> None:
    assert redacted({name: "https://api.kilo.ai/api/gateway/"}) == {
        name: "https://api.kilo.ai/api/gateway/"
    }


@pytest.mark.parametrize("name", ["id", "keySource", "monkey", "baseUrl", "alias", "provider"])
def test_a_key_under_any_other_name_is_still_a_preview(name: str) -> None:
    """SPEC §4: a value that looks like a key is a preview wherever it sits."""
    assert redacted({name: JWT}) == {name: "eyJh…Qk0s"}


def test_a_bearer_header_is_shown_with_a_preview_of_its_key() -> None:
    headers = {"headers": {"Authorization": f"Bearer {JWT}", "X-Title": "my app"}}
    assert redacted(headers) == {
        "headers": {"Authorization": "Bearer eyJh…Qk0s", "X-Title": "my app"}
    }


def test_lists_under_a_secret_name_are_previewed_item_by_item() -> None:
    assert redacted({"tokens": [JWT, "abcdefghi"], "ids": ["a", JWT]}) == {
        "tokens": ["eyJh…Qk0s", "ab…i"],
        "ids": ["a", "eyJh…Qk0s"],
    }


def test_non_strings_under_secret_names_are_left_alone() -> None:
    assert redacted({"maxTokens": 128000, "apiKey": None, "token": True}) == {
        "maxTokens": 128000,
        "apiKey": None,
        "token": True,
    }


def test_auth_store_profiles_are_redacted() -> None:
    store = {
        "version": 1,
        "profiles": {"kilocode:default": {"type": "api_key", "provider": "kilocode", "key": JWT}},
    }
    assert redacted(store) == {
        "version": 1,
        "profiles": {
            "kilocode:default": {"type": "api_key", "provider": "kilocode", "key": "eyJh…Qk0s"}
        },
    }
