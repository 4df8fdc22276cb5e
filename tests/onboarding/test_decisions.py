"""The pure decisions of onboarding: which key, which auth choice, which steps, which model."""

from __future__ import annotations

from typing import Any

import pytest

from kilocli.errors import ExitCode, UsageError
from kilocli.onboarding.decisions import (
    KeyInput,
    ModelDecision,
    collect_key_inputs,
    decide_default_model,
    infer_auth_choice,
    is_skip,
    key_steps,
)
from tests.fakes import OTHER_VALID_KEY, VALID_KEY

NO_FLAGS: dict[str, str | None] = {"kilocode": None, "openrouter": None}


def flags(kilocode: str | None = None, openrouter: str | None = None) -> dict[str, str | None]:
    return {"kilocode": kilocode, "openrouter": openrouter}


# collect_key_inputs ------------------------------------------------------------------------


def test_no_key_given_collects_nothing() -> None:
    assert collect_key_inputs(NO_FLAGS) == []


def test_a_provider_flag_names_its_provider_and_flag() -> None:
    assert collect_key_inputs(flags(kilocode=VALID_KEY)) == [
        KeyInput("kilocode", "--kilocode-api-key", VALID_KEY)
    ]
    assert collect_key_inputs(flags(openrouter=VALID_KEY)) == [
        KeyInput("openrouter", "--openrouter-api-key", VALID_KEY)
    ]


def test_flag_values_are_kept_raw_for_the_flow_to_normalise() -> None:
    raw = f'  "{VALID_KEY}"\n'
    assert collect_key_inputs(flags(kilocode=raw))[0].raw == raw


def test_both_provider_flags_are_collected_for_infer_auth_choice_to_refuse() -> None:
    inputs = collect_key_inputs(flags(kilocode=VALID_KEY, openrouter=OTHER_VALID_KEY))
    assert [(i.provider, i.origin) for i in inputs] == [
        ("kilocode", "--kilocode-api-key"),
        ("openrouter", "--openrouter-api-key"),
    ]


def test_token_without_provider_is_for_whichever_provider_is_chosen() -> None:
    assert collect_key_inputs(NO_FLAGS, token=VALID_KEY) == [KeyInput(None, "--token", VALID_KEY)]


@pytest.mark.parametrize("provider", ["kilocode", "openrouter"])
def test_token_with_provider_names_that_provider(provider: str) -> None:
    assert collect_key_inputs(NO_FLAGS, token=VALID_KEY, token_provider=provider) == [
        KeyInput(provider, "--token", VALID_KEY)
    ]


def test_stdin_without_provider_is_for_whichever_provider_is_chosen() -> None:
    text = f"export KILOCODE_API_KEY={VALID_KEY}\n"
    assert collect_key_inputs(NO_FLAGS, stdin_text=text) == [KeyInput(None, "stdin", text)]


def test_stdin_with_token_provider_names_that_provider() -> None:
    assert collect_key_inputs(NO_FLAGS, stdin_text=VALID_KEY, token_provider="openrouter") == [
        KeyInput("openrouter", "stdin", VALID_KEY)
    ]


def usage_error(**kwargs: Any) -> UsageError:
    with pytest.raises(UsageError) as caught:
        collect_key_inputs(**kwargs)
    assert caught.value.exit_code is ExitCode.USAGE
    return caught.value


def test_token_and_stdin_together_are_a_usage_error() -> None:
    error = usage_error(flag_keys=NO_FLAGS, token=VALID_KEY, stdin_text=OTHER_VALID_KEY)
    assert "--token" in error.message
    assert "--api-key-stdin" in error.message


def test_token_provider_without_a_key_is_a_usage_error() -> None:
    error = usage_error(flag_keys=NO_FLAGS, token_provider="kilocode")
    assert "--token-provider" in error.message


def test_an_unknown_token_provider_is_a_usage_error() -> None:
    error = usage_error(flag_keys=NO_FLAGS, token=VALID_KEY, token_provider="acme")
    assert "acme" in error.message


def test_flag_and_token_for_the_same_provider_are_a_usage_error_naming_both() -> None:
    error = usage_error(flag_keys=flags(kilocode=VALID_KEY), token="x", token_provider="kilocode")
    assert "--kilocode-api-key" in error.message
    assert "--token" in error.message


def test_flag_and_stdin_for_the_same_provider_are_a_usage_error_naming_both() -> None:
    error = usage_error(
        flag_keys=flags(openrouter=VALID_KEY), stdin_text="x", token_provider="openrouter"
    )
    assert "--openrouter-api-key" in error.message
    assert "stdin" in error.message


@pytest.mark.parametrize(
    ("extra", "origin"), [({"token": OTHER_VALID_KEY}, "--token"), ({"stdin_text": "k"}, "stdin")]
)
def test_a_provider_flag_next_to_an_unnamed_key_is_a_usage_error(
    extra: dict[str, str], origin: str
) -> None:
    """Either key would be for the flag's provider; silently using one would hide a mistake."""
    error = usage_error(flag_keys=flags(kilocode=VALID_KEY), **extra)
    assert "--kilocode-api-key" in error.message
    assert origin in error.message


def test_key_inputs_never_show_the_key_in_repr() -> None:
    inputs = collect_key_inputs(flags(kilocode=VALID_KEY))
    assert VALID_KEY not in repr(inputs)


# infer_auth_choice -------------------------------------------------------------------------


def key(provider: str | None, origin: str = "--flag") -> KeyInput:
    return KeyInput(provider, origin, VALID_KEY)


@pytest.mark.parametrize("interactive", [True, False])
@pytest.mark.parametrize("choice", ["kilocode-api-key", "openrouter-api-key", "skip"])
def test_an_explicit_auth_choice_is_taken(choice: str, interactive: bool) -> None:
    result = infer_auth_choice(choice, [], interactive=interactive)
    assert result is not None
    assert result.id == choice


def test_an_explicit_choice_may_come_with_a_key_for_its_provider_or_an_unnamed_key() -> None:
    named = infer_auth_choice("openrouter-api-key", [key("openrouter")], interactive=False)
    unnamed = infer_auth_choice("openrouter-api-key", [key(None, "stdin")], interactive=True)
    assert named is not None
    assert unnamed is not None
    assert (named.provider, unnamed.provider) == ("openrouter", "openrouter")


def test_an_unknown_auth_choice_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="apikey") as caught:
        infer_auth_choice("apikey", [], interactive=False)
    assert caught.value.exit_code is ExitCode.USAGE


@pytest.mark.parametrize("interactive", [True, False])
@pytest.mark.parametrize(
    ("provider", "expected"),
    [("kilocode", "kilocode-api-key"), ("openrouter", "openrouter-api-key")],
)
def test_a_single_key_decides_the_auth_choice(
    provider: str, expected: str, interactive: bool
) -> None:
    result = infer_auth_choice(None, [key(provider)], interactive=interactive)
    assert result is not None
    assert result.id == expected
    assert result.provider == provider


@pytest.mark.parametrize("interactive", [True, False])
def test_keys_for_two_providers_are_a_usage_error_naming_both_flags(interactive: bool) -> None:
    inputs = collect_key_inputs(flags(kilocode=VALID_KEY, openrouter=OTHER_VALID_KEY))
    with pytest.raises(UsageError) as caught:
        infer_auth_choice(None, inputs, interactive=interactive)
    assert caught.value.exit_code is ExitCode.USAGE
    assert "--kilocode-api-key" in caught.value.message
    assert "--openrouter-api-key" in caught.value.message


def test_a_flag_and_a_token_for_two_providers_are_a_usage_error_naming_both() -> None:
    inputs = [key("kilocode", "--kilocode-api-key"), key("openrouter", "--token")]
    with pytest.raises(UsageError) as caught:
        infer_auth_choice("kilocode-api-key", inputs, interactive=False)
    assert "--kilocode-api-key" in caught.value.message
    assert "--token" in caught.value.message


def test_a_key_that_does_not_fit_the_auth_choice_is_a_usage_error() -> None:
    with pytest.raises(UsageError) as caught:
        infer_auth_choice(
            "openrouter-api-key", [key("kilocode", "--kilocode-api-key")], interactive=False
        )
    assert "openrouter-api-key" in caught.value.message
    assert "--kilocode-api-key" in caught.value.message


@pytest.mark.parametrize("provider", ["kilocode", None])
def test_skip_with_a_key_is_a_usage_error(provider: str | None) -> None:
    with pytest.raises(UsageError, match="skip") as caught:
        infer_auth_choice("skip", [key(provider)], interactive=False)
    assert caught.value.exit_code is ExitCode.USAGE


@pytest.mark.parametrize("inputs", [[], [key(None, "stdin")]], ids=["no key", "stdin key"])
def test_without_a_terminal_kilo_gateway_is_the_default(inputs: list[KeyInput]) -> None:
    result = infer_auth_choice(None, inputs, interactive=False)
    assert result is not None
    assert result.id == "kilocode-api-key"


@pytest.mark.parametrize("inputs", [[], [key(None, "stdin")]], ids=["no key", "stdin key"])
def test_on_a_terminal_an_open_choice_is_asked(inputs: list[KeyInput]) -> None:
    assert infer_auth_choice(None, inputs, interactive=True) is None


def test_is_skip_only_for_the_skip_choice() -> None:
    skip = infer_auth_choice("skip", [], interactive=True)
    kilo = infer_auth_choice("kilocode-api-key", [], interactive=True)
    assert skip is not None
    assert kilo is not None
    assert is_skip(skip)
    assert not is_skip(kilo)


# key_steps ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("has_profile", "has_env_key", "expected"),
    [
        (True, True, ("profile", "env", "enter")),
        (True, False, ("profile", "enter")),
        (False, True, ("env", "enter")),
        (False, False, ("enter",)),
    ],
)
def test_profile_then_env_then_typing_the_key(
    has_profile: bool, has_env_key: bool, expected: tuple[str, ...]
) -> None:
    assert key_steps(has_profile=has_profile, has_env_key=has_env_key) == expected


# decide_default_model ----------------------------------------------------------------------

KILO_DEFAULT = "kilocode/kilo-auto/balanced"
CUSTOM = "kilocode/anthropic/claude-sonnet-4.5"
REQUESTED = "openrouter/openai/gpt-5"


@pytest.mark.parametrize("interactive", [True, False])
@pytest.mark.parametrize("set_default", [True, False])
@pytest.mark.parametrize("current", [None, CUSTOM, KILO_DEFAULT])
def test_model_flag_wins_over_everything(
    current: str | None, set_default: bool, interactive: bool
) -> None:
    decision = decide_default_model(
        current=current,
        requested=REQUESTED,
        set_default=set_default,
        provider_default=KILO_DEFAULT,
        interactive=interactive,
    )
    assert decision == ModelDecision(REQUESTED, ask=False)


@pytest.mark.parametrize("interactive", [True, False])
def test_set_default_replaces_an_existing_primary(interactive: bool) -> None:
    decision = decide_default_model(
        current=CUSTOM,
        requested=None,
        set_default=True,
        provider_default=KILO_DEFAULT,
        interactive=interactive,
    )
    assert decision == ModelDecision(KILO_DEFAULT, ask=False)


@pytest.mark.parametrize("interactive", [True, False])
def test_no_primary_becomes_the_provider_default(interactive: bool) -> None:
    decision = decide_default_model(
        current=None,
        requested=None,
        set_default=False,
        provider_default="openrouter/auto",
        interactive=interactive,
    )
    assert decision == ModelDecision("openrouter/auto", ask=False)


@pytest.mark.parametrize("interactive", [True, False])
def test_the_provider_default_already_set_is_not_asked_about(interactive: bool) -> None:
    decision = decide_default_model(
        current=KILO_DEFAULT,
        requested=None,
        set_default=False,
        provider_default=KILO_DEFAULT,
        interactive=interactive,
    )
    assert decision == ModelDecision(KILO_DEFAULT, ask=False)


def test_another_primary_is_kept_without_a_terminal() -> None:
    decision = decide_default_model(
        current=CUSTOM,
        requested=None,
        set_default=False,
        provider_default=KILO_DEFAULT,
        interactive=False,
    )
    assert decision == ModelDecision(CUSTOM, ask=False)


def test_another_primary_is_asked_about_on_a_terminal_with_current_as_the_default() -> None:
    decision = decide_default_model(
        current=CUSTOM,
        requested=None,
        set_default=False,
        provider_default=KILO_DEFAULT,
        interactive=True,
    )
    assert decision == ModelDecision(CUSTOM, ask=True)
