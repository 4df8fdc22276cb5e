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
                    "models": [{"id": "kilo/auto", "maxTokens": 128000}],
                }
            },
        },
        "agents": {"defaults": {"model": {"primary": "kilocode/kilo/auto", "fallbacks": []}}},
    }
    original = copy.deepcopy(config)
    assert redacted(config) == {
        "models": {
            "mode": "merge",
            "providers": {
                "kilocode": {
                    "baseUrl": "https://api.kilo.ai/api/gateway/",
                    "apiKey": "eyJh…Qk0s",
                    "models": [{"id": "kilo/auto", "maxTokens": 128000}],
                }
            },
        },
        "agents": {"defaults": {"model": {"primary": "kilocode/kilo/auto", "fallbacks": []}}},
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
    assert redacted({name: JWT}) == {name: JWT}


def test_lists_under_a_secret_name_are_previewed_item_by_item() -> None:
    assert redacted({"tokens": [JWT, "abcdefghi"], "ids": [JWT]}) == {
        "tokens": ["eyJh…Qk0s", "ab…i"],
        "ids": [JWT],
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
