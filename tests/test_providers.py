"""The provider and auth-choice registry, base URLs and model refs (SPEC §3)."""

from __future__ import annotations

from typing import Any

import pytest

from kilocli.config.model import Config
from kilocli.errors import ExitCode, UsageError
from kilocli.providers.registry import (
    AUTH_CHOICES,
    PROVIDERS,
    Provider,
    choices_for,
    get_auth_choice,
    get_provider,
)
from kilocli.providers.resolve import (
    BaseUrl,
    ModelRef,
    normalise_base_url,
    origin_of,
    parse_model_ref,
    resolve_base_url,
    verify_url,
)

KILO = get_provider("kilocode")
OPENROUTER = get_provider("openrouter")


def test_kilocode_registry_entry() -> None:
    assert (
        KILO.id,
        KILO.label,
        KILO.hint,
        KILO.env_vars,
        KILO.base_url,
        KILO.default_model,
        KILO.default_profile_id,
        KILO.key_flag,
        KILO.base_url_env,
    ) == (
        "kilocode",
        "Kilo Gateway",
        "Sign in with Kilo, or an API key (OpenRouter-compatible)",
        ("KILOCODE_API_KEY", "KILO_API_KEY"),
        "https://api.kilo.ai/api/gateway/",
        "kilocode/kilo-auto/balanced",
        "kilocode:default",
        "--kilocode-api-key",
        "KILOCODE_BASE_URL",
    )


def test_openrouter_registry_entry() -> None:
    assert (
        OPENROUTER.label,
        OPENROUTER.hint,
        OPENROUTER.env_vars,
        OPENROUTER.base_url,
        OPENROUTER.default_model,
        OPENROUTER.base_url_env,
    ) == (
        "OpenRouter",
        "API key",
        ("OPENROUTER_API_KEY",),
        "https://openrouter.ai/api/v1/",
        "openrouter/auto",
        "OPENROUTER_BASE_URL",
    )


def test_kilo_gateway_is_listed_first() -> None:
    assert [p.id for p in PROVIDERS] == ["kilocode", "openrouter"]
    assert [c.id for c in AUTH_CHOICES] == [
        "kilocode-device",
        "kilocode-api-key",
        "openrouter-api-key",
        "skip",
    ]


def test_auth_choices() -> None:
    kilo = get_auth_choice("kilocode-api-key")
    assert (kilo.label, kilo.hint, kilo.provider) == (
        "Kilo Gateway API key",
        "OpenRouter-compatible gateway",
        "kilocode",
    )
    assert get_auth_choice("openrouter-api-key").provider == "openrouter"
    skip = get_auth_choice("skip")
    assert (skip.label, skip.provider) == ("Skip for now", None)


def test_choices_for() -> None:
    assert [c.id for c in choices_for("kilocode")] == ["kilocode-device", "kilocode-api-key"]
    assert [c.id for c in choices_for("openrouter")] == ["openrouter-api-key"]
    assert choices_for("nope") == ()


def test_unknown_provider_is_a_usage_error() -> None:
    with pytest.raises(UsageError) as caught:
        get_provider("anthropic")
    assert caught.value.exit_code is ExitCode.USAGE
    assert caught.value.message == "Unknown provider 'anthropic'."
    assert caught.value.hint == "Use one of: kilocode, openrouter."


def test_unknown_auth_choice_is_a_usage_error() -> None:
    with pytest.raises(UsageError) as caught:
        get_auth_choice("kilocode")
    assert caught.value.exit_code is ExitCode.USAGE
    assert caught.value.message == "Unknown auth choice 'kilocode'."
    assert caught.value.hint == (
        "Use one of: kilocode-device, kilocode-api-key, openrouter-api-key, skip."
    )


@pytest.mark.parametrize(
    ("base", "origin"),
    [
        ("https://api.kilo.ai/api/gateway/", "https://api.kilo.ai"),
        ("https://api.kilo.ai/api/gateway", "https://api.kilo.ai"),
        ("http://127.0.0.1:8123/api/gateway/", "http://127.0.0.1:8123"),
        ("https://proxy.example/kilo/api/gateway/", "https://proxy.example/kilo"),
        ("https://proxy.example/custom/", "https://proxy.example/custom"),
        ("https://openrouter.ai/api/v1/", "https://openrouter.ai/api/v1"),
    ],
)
def test_origin_of(base: str, origin: str) -> None:
    assert origin_of(base) == origin


@pytest.mark.parametrize(
    ("provider", "base", "url"),
    [
        (KILO, "https://api.kilo.ai/api/gateway/", "https://api.kilo.ai/api/profile"),
        (KILO, "http://127.0.0.1:8123/api/gateway", "http://127.0.0.1:8123/api/profile"),
        (OPENROUTER, "https://openrouter.ai/api/v1/", "https://openrouter.ai/api/v1/key"),
        (OPENROUTER, "https://openrouter.ai/api/v1", "https://openrouter.ai/api/v1/key"),
    ],
)
def test_verify_url(provider: Any, base: str, url: str) -> None:
    assert verify_url(provider, base) == url


@pytest.mark.parametrize(
    ("given", "normalised"),
    [
        ("https://api.kilo.ai/api/gateway/", "https://api.kilo.ai/api/gateway/"),
        ("https://api.kilo.ai/api/gateway", "https://api.kilo.ai/api/gateway/"),
        ("https://api.kilo.ai/api/gateway///", "https://api.kilo.ai/api/gateway/"),
        ("  http://127.0.0.1:9/gw \n", "http://127.0.0.1:9/gw/"),
        ("HTTPS://example.com", "HTTPS://example.com/"),
    ],
)
def test_normalise_base_url(given: str, normalised: str) -> None:
    assert normalise_base_url(given) == normalised


INVALID_BASE_URLS = {
    "": "The --base-url is empty.",
    "api.kilo.ai/api/gateway/": "The --base-url 'api.kilo.ai/api/gateway/' is not an http(s) URL.",
    "ftp://example.com/": "The --base-url 'ftp://example.com/' is not an http(s) URL.",
    "https://": "The --base-url 'https://' has no valid host.",
    "https:///": "The --base-url 'https:///' has no valid host.",
    "kilo": "The --base-url 'kilo' is not an http(s) URL.",
    "https://exa mple.com/": (
        "The --base-url 'https://exa mple.com/' holds spaces or control characters."
    ),
    "https://example.com/\x1b[31m": (
        "The --base-url 'https://example.com/\\x1b[31m' holds spaces or control characters."
    ),
    "https://h:abc/": "The --base-url 'https://h:abc/' is not a valid URL.",
    "http://[::1": "The --base-url 'http://[::1' is not a valid URL.",
    "http://[zz]/": "The --base-url 'http://[zz]/' is not a valid URL.",
    "http://a..b/": "The --base-url 'http://a..b/' has no valid host.",
    "http://h:0/": "The --base-url 'http://h:0/' has no valid port.",
    "https://user:secret@api.kilo.ai/api/gateway/": (
        "The --base-url 'https://***@api.kilo.ai/api/gateway/' holds a user name or password "
        "(kilocli sends the key, never those)."
    ),
}


@pytest.mark.parametrize("bad", list(INVALID_BASE_URLS))
def test_invalid_base_url_is_a_usage_error(bad: str) -> None:
    with pytest.raises(UsageError) as caught:
        normalise_base_url(bad, given_as="--base-url")
    assert caught.value.exit_code is ExitCode.USAGE
    assert caught.value.message == INVALID_BASE_URLS[bad]


CONFIG_URL = {"models": {"providers": {"kilocode": {"baseUrl": "http://config.example/gw"}}}}
ENV_URL = {"KILOCODE_BASE_URL": "http://env.example/gw"}


def configured_url(provider: Provider, config: dict[str, Any]) -> str | None:
    """``models.providers.<p>.baseUrl`` of the config read from ``config``."""
    return Config.model_validate(config).provider(provider.id).base_url


@pytest.mark.parametrize(
    ("flag", "env", "config", "expected"),
    [
        (
            "http://flag.example/gw",
            ENV_URL,
            CONFIG_URL,
            BaseUrl("http://flag.example/gw/", "flag: --base-url"),
        ),
        (None, ENV_URL, CONFIG_URL, BaseUrl("http://env.example/gw/", "env: KILOCODE_BASE_URL")),
        (
            None,
            {"KILOCODE_BASE_URL": ""},
            CONFIG_URL,
            BaseUrl("http://config.example/gw/", "config: models.providers.kilocode.baseUrl"),
        ),
        (
            None,
            {"OPENROUTER_BASE_URL": "http://other.example/"},
            CONFIG_URL,
            BaseUrl("http://config.example/gw/", "config: models.providers.kilocode.baseUrl"),
        ),
        (None, {}, {}, BaseUrl("https://api.kilo.ai/api/gateway/", "default")),
        (
            None,
            {},
            {"models": {"providers": {"kilocode": {"baseUrl": " "}}}},
            BaseUrl("https://api.kilo.ai/api/gateway/", "default"),
        ),
    ],
)
def test_resolve_base_url_precedence(
    flag: str | None, env: dict[str, str], config: dict[str, Any], expected: BaseUrl
) -> None:
    assert resolve_base_url(KILO, flag, env, configured_url(KILO, config)) == expected


def test_resolve_base_url_for_openrouter_reads_its_own_env_var() -> None:
    env = {"OPENROUTER_BASE_URL": "http://other.example", "KILOCODE_BASE_URL": "http://kilo/"}
    assert resolve_base_url(OPENROUTER, None, env, configured_url(OPENROUTER, {})) == BaseUrl(
        "http://other.example/", "env: OPENROUTER_BASE_URL"
    )


@pytest.mark.parametrize(
    ("flag", "env", "config", "names"),
    [
        ("not a url", {}, {}, "--base-url"),
        (None, {"KILOCODE_BASE_URL": "ftp://x/"}, {}, "KILOCODE_BASE_URL"),
        (
            None,
            {},
            {"models": {"providers": {"kilocode": {"baseUrl": "example.com"}}}},
            "models.providers.kilocode.baseUrl",
        ),
    ],
)
def test_resolve_base_url_rejects_a_bad_url_naming_its_source(
    flag: str | None, env: dict[str, str], config: dict[str, Any], names: str
) -> None:
    with pytest.raises(UsageError) as caught:
        resolve_base_url(KILO, flag, env, configured_url(KILO, config))
    assert caught.value.message.startswith(f"The {names} '")


@pytest.mark.parametrize(
    ("text", "provider", "model_id"),
    [
        ("kilocode/anthropic/claude-sonnet-4.5", "kilocode", "anthropic/claude-sonnet-4.5"),
        ("kilocode/kilo-auto/balanced", "kilocode", "kilo-auto/balanced"),
        ("openrouter/auto", "openrouter", "auto"),
        (
            "kilocode/meta-llama/llama-3.3-70b-instruct:free",
            "kilocode",
            "meta-llama/llama-3.3-70b-instruct:free",
        ),
        ("  kilocode/x/y  ", "kilocode", "x/y"),
    ],
)
def test_parse_model_ref_splits_on_the_first_slash(text: str, provider: str, model_id: str) -> None:
    ref = parse_model_ref(text)
    assert ref == ModelRef(provider, model_id)
    assert str(ref) == text.strip()


@pytest.mark.parametrize(
    "text",
    ["", "kilocode", "kilocode/", "/kilo-auto/balanced", "kilocode/kilo auto", "kilo code/x"],
)
def test_malformed_model_ref_is_a_usage_error(text: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_model_ref(text)
    assert caught.value.exit_code is ExitCode.USAGE
    assert caught.value.message == f"'{text.strip()}' is not a model ref."


def test_model_ref_with_unknown_provider_is_a_usage_error() -> None:
    with pytest.raises(UsageError) as caught:
        parse_model_ref("anthropic/claude-sonnet-4.5")
    assert caught.value.exit_code is ExitCode.USAGE
    assert caught.value.message == (
        "'anthropic/claude-sonnet-4.5' names the unknown provider 'anthropic' "
        "(known: kilocode, openrouter)."
    )
    assert caught.value.hint == (
        "For a Kilo Gateway model, write kilocode/anthropic/claude-sonnet-4.5."
    )
