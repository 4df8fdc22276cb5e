"""The ordered key source chain of SPEC §4: resolve_key and profile_order."""

from __future__ import annotations

from typing import Any

import pytest

from kilocli.config.model import Config
from kilocli.credentials.model import AuthStore, StoredProfile
from kilocli.credentials.sources import FoundKey, KeyResolution, KeySource, resolve_key
from kilocli.credentials.sources import profile_order as typed_profile_order
from kilocli.errors import ExitCode, InvalidKey
from kilocli.providers.registry import Provider, get_provider

KILO = get_provider("kilocode")
OPENROUTER = get_provider("openrouter")

FLAG_KEY = "eyJflag.key.aaaa"
ENV_KEY = "eyJenv.primary.bbbb"
ALT_ENV_KEY = "eyJenv.alternate.cccc"
DEFAULT_KEY = "eyJprofile.default.dddd"
WORK_KEY = "eyJprofile.work.eeee"
CI_KEY = "eyJprofile.ci.ffff"
CONFIG_KEY = "eyJconfig.apikey.gggg"

FLAG = FoundKey(KeySource("flag", "--kilocode-api-key"), FLAG_KEY)


def profile(key: Any, provider: str = "kilocode") -> dict[str, Any]:
    return {"type": "api_key", "provider": provider, "key": key}


def store_of(**profiles: dict[str, Any]) -> dict[str, Any]:
    """A store whose profiles keep the keyword order; ``__`` in a name stands for ``:``."""
    return {"version": 1, "profiles": {k.replace("__", ":"): v for k, v in profiles.items()}}


def config_with_api_key(key: str) -> dict[str, Any]:
    return {"models": {"providers": {"kilocode": {"apiKey": key}}}}


def resolve(
    provider: Provider,
    *,
    explicit: FoundKey | None = None,
    env: dict[str, str],
    store: dict[str, Any],
    config: dict[str, Any],
) -> KeyResolution:
    """``resolve_key`` over the files as they would be read (typed from these documents)."""
    return resolve_key(
        provider,
        explicit=explicit,
        env=env,
        store=AuthStore.model_validate(store),
        config=Config.model_validate(config),
    )


def profile_order(
    provider: Provider, profiles: dict[str, dict[str, Any]], config: dict[str, Any]
) -> list[str]:
    typed = {pid: StoredProfile.model_validate(p) for pid, p in profiles.items()}
    return typed_profile_order(provider, typed, Config.model_validate(config))


def chain(**kwargs: Any) -> list[tuple[str, str]]:
    """Every source found, in effect first, as (source, key) pairs."""
    kwargs.setdefault("env", {})
    kwargs.setdefault("store", {})
    kwargs.setdefault("config", {})
    resolution = resolve(kwargs.pop("provider", KILO), **kwargs)
    found = ([resolution.in_effect] if resolution.in_effect else []) + list(resolution.shadowed)
    return [(str(item.source), item.key) for item in found]


def test_nothing_found() -> None:
    resolution = resolve(KILO, env={}, store={}, config={})
    assert resolution.provider == "kilocode"
    assert resolution.in_effect is None
    assert resolution.shadowed == ()


def test_explicit_beats_env() -> None:
    assert chain(explicit=FLAG, env={"KILOCODE_API_KEY": ENV_KEY}) == [
        ("flag: --kilocode-api-key", FLAG_KEY),
        ("env: KILOCODE_API_KEY", ENV_KEY),
    ]


def test_kilocode_api_key_beats_kilo_api_key() -> None:
    env = {"KILO_API_KEY": ALT_ENV_KEY, "KILOCODE_API_KEY": ENV_KEY}
    assert chain(env=env) == [
        ("env: KILOCODE_API_KEY", ENV_KEY),
        ("env: KILO_API_KEY", ALT_ENV_KEY),
    ]


def test_kilo_api_key_alone_is_used() -> None:
    assert chain(env={"KILO_API_KEY": ALT_ENV_KEY}) == [("env: KILO_API_KEY", ALT_ENV_KEY)]


def test_empty_env_var_counts_as_unset() -> None:
    env = {"KILOCODE_API_KEY": "", "KILO_API_KEY": ALT_ENV_KEY}
    assert chain(env=env) == [("env: KILO_API_KEY", ALT_ENV_KEY)]


def test_env_values_are_normalised() -> None:
    env = {"KILOCODE_API_KEY": f'  "{ENV_KEY}"\n'}
    assert chain(env=env) == [("env: KILOCODE_API_KEY", ENV_KEY)]


def test_env_beats_profile() -> None:
    store = store_of(kilocode__default=profile(DEFAULT_KEY))
    assert chain(env={"KILOCODE_API_KEY": ENV_KEY}, store=store) == [
        ("env: KILOCODE_API_KEY", ENV_KEY),
        ("profile: kilocode:default", DEFAULT_KEY),
    ]


def test_profile_beats_config_api_key() -> None:
    store = store_of(kilocode__default=profile(DEFAULT_KEY))
    assert chain(store=store, config=config_with_api_key(CONFIG_KEY)) == [
        ("profile: kilocode:default", DEFAULT_KEY),
        ("config: models.providers.kilocode.apiKey", CONFIG_KEY),
    ]


def test_config_api_key_alone_is_used_trimmed() -> None:
    assert chain(config=config_with_api_key(f"  {CONFIG_KEY} ")) == [
        ("config: models.providers.kilocode.apiKey", CONFIG_KEY),
    ]


def test_default_profile_comes_before_the_rest_in_file_order() -> None:
    store = store_of(
        kilocode__work=profile(WORK_KEY),
        kilocode__ci=profile(CI_KEY),
        kilocode__default=profile(DEFAULT_KEY),
    )
    assert chain(store=store) == [
        ("profile: kilocode:default", DEFAULT_KEY),
        ("profile: kilocode:work", WORK_KEY),
        ("profile: kilocode:ci", CI_KEY),
    ]


def test_auth_order_comes_first() -> None:
    store = store_of(
        kilocode__work=profile(WORK_KEY),
        kilocode__default=profile(DEFAULT_KEY),
        kilocode__ci=profile(CI_KEY),
    )
    config = {"auth": {"order": {"kilocode": ["kilocode:ci"]}}}
    assert chain(store=store, config=config) == [
        ("profile: kilocode:ci", CI_KEY),
        ("profile: kilocode:default", DEFAULT_KEY),
        ("profile: kilocode:work", WORK_KEY),
    ]


def test_the_whole_chain_in_order() -> None:
    store = store_of(
        kilocode__work=profile(WORK_KEY),
        kilocode__default=profile(DEFAULT_KEY),
        kilocode__ci=profile(CI_KEY),
    )
    config = {
        "auth": {"order": {"kilocode": ["kilocode:work"]}},
        **config_with_api_key(CONFIG_KEY),
    }
    env = {"KILOCODE_API_KEY": ENV_KEY, "KILO_API_KEY": ALT_ENV_KEY}
    resolution = resolve(KILO, explicit=FLAG, env=env, store=store, config=config)
    assert resolution.in_effect == FLAG
    assert [(str(s.source), s.key) for s in resolution.shadowed] == [
        ("env: KILOCODE_API_KEY", ENV_KEY),
        ("env: KILO_API_KEY", ALT_ENV_KEY),
        ("profile: kilocode:work", WORK_KEY),
        ("profile: kilocode:default", DEFAULT_KEY),
        ("profile: kilocode:ci", CI_KEY),
        ("config: models.providers.kilocode.apiKey", CONFIG_KEY),
    ]


def test_profiles_of_another_provider_are_ignored() -> None:
    store = store_of(
        openrouter__default=profile("sk-or-v1-openrouter", provider="openrouter"),
        # the provider field decides, not the profile id
        kilocode__mislabelled=profile("sk-or-v1-mislabelled", provider="openrouter"),
        kilocode__default=profile(DEFAULT_KEY),
    )
    config = {"auth": {"order": {"kilocode": ["openrouter:default", "kilocode:mislabelled"]}}}
    assert chain(store=store, config=config) == [("profile: kilocode:default", DEFAULT_KEY)]
    assert chain(provider=OPENROUTER, store=store) == [
        ("profile: openrouter:default", "sk-or-v1-openrouter"),
        ("profile: kilocode:mislabelled", "sk-or-v1-mislabelled"),
    ]


def test_env_vars_of_another_provider_are_ignored() -> None:
    env = {"OPENROUTER_API_KEY": "sk-or-v1-abc"}
    assert chain(env=env) == []
    assert chain(provider=OPENROUTER, env={"KILOCODE_API_KEY": ENV_KEY}) == []


@pytest.mark.parametrize("key", [None, "", "   "])  # (a key that is no string: the file is refused)
def test_profiles_without_a_usable_key_are_skipped(key: Any) -> None:
    store = store_of(kilocode__default=profile(key), kilocode__work=profile(WORK_KEY))
    assert chain(store=store) == [("profile: kilocode:work", WORK_KEY)]


@pytest.mark.parametrize("value", ["SECRETone SECRETtwo", "SECRETone\x00SECRETtwo"])
def test_bad_env_value_names_the_variable_and_hides_the_value(value: str) -> None:
    with pytest.raises(InvalidKey) as caught:
        resolve(KILO, env={"KILO_API_KEY": value}, store={}, config={})
    error = caught.value
    assert error.message.startswith("KILO_API_KEY ")
    assert error.exit_code is ExitCode.USAGE
    assert "SECRET" not in f"{error.message} {error.hint} {error!r}"


@pytest.mark.parametrize(
    ("source", "text"),
    [
        (KeySource("env", "KILOCODE_API_KEY"), "env: KILOCODE_API_KEY"),
        (KeySource("profile", "kilocode:default"), "profile: kilocode:default"),
        (
            KeySource("config", "models.providers.kilocode.apiKey"),
            "config: models.providers.kilocode.apiKey",
        ),
        (KeySource("flag", "--kilocode-api-key"), "flag: --kilocode-api-key"),
        (KeySource("stdin", "stdin"), "stdin"),
        (KeySource("prompt", "prompt"), "prompt"),
    ],
)
def test_source_reads_as_users_see_it(source: KeySource, text: str) -> None:
    assert str(source) == text


def test_repr_never_contains_the_key() -> None:
    store = store_of(kilocode__default=profile(DEFAULT_KEY))
    env = {"KILOCODE_API_KEY": ENV_KEY}
    resolution = resolve(KILO, explicit=FLAG, env=env, store=store, config={})
    shown = repr(resolution) + repr(FLAG) + str(FLAG)
    for key in (FLAG_KEY, ENV_KEY, DEFAULT_KEY):
        assert key not in shown
    assert "--kilocode-api-key" in repr(FLAG)


def test_found_key_preview() -> None:
    assert FoundKey(
        KeySource("env", "KILOCODE_API_KEY"), "eyJhbGciOiJIUzI1NiJ9.x.Qk0s"
    ).preview == ("eyJh…Qk0s")


def test_profile_order_directly() -> None:
    profiles = {
        "kilocode:a": profile("k1"),
        "kilocode:default": profile("k2"),
        "kilocode:b": profile("k3"),
    }
    assert profile_order(KILO, profiles, {}) == ["kilocode:default", "kilocode:a", "kilocode:b"]
    config = {"auth": {"order": {"kilocode": ["kilocode:b", "kilocode:gone", "kilocode:b"]}}}
    assert profile_order(KILO, profiles, config) == [
        "kilocode:b",
        "kilocode:default",
        "kilocode:a",
    ]
    other = {"auth": {"order": {"openrouter": ["kilocode:b"]}}}
    assert profile_order(KILO, profiles, other) == [
        "kilocode:default",
        "kilocode:a",
        "kilocode:b",
    ]


def test_profile_order_without_a_default_profile() -> None:
    profiles = {"kilocode:z": profile("k1"), "kilocode:a": profile("k2")}
    assert profile_order(KILO, profiles, {}) == ["kilocode:z", "kilocode:a"]
