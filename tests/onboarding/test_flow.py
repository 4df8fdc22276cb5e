"""``run_onboarding`` driven through an injected prompter, against the real fake gateway.

Covers every interactive step of SPEC §5: the provider question, the key questions, the
verification and what follows a rejected key, the default-model question, and Ctrl-C at each
prompt (nothing written).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from kilocli.errors import ExitCode, Interrupted, NotAuthenticated
from kilocli.onboarding.prompts import ask_auth_choice
from kilocli.services.onboard import OnboardRequest
from kilocli.services.onboard_result import OnboardingResult, Verdict
from tests.fakes import (
    KILO_AUTO_ENTRIES,
    OTHER_VALID_KEY,
    REJECTED_KEY,
    RESPONSES,
    VALID_KEY,
    Answer,
    FakeGateway,
    ScriptedPrompter,
)
from tests.helpers import preview_of, read_toml
from tests.onboarding.conftest import Wizard, WizardFactory

EMAIL = RESPONSES["GET /api/profile 200"]["user"]["email"]
REJECTION_MESSAGE = RESPONSES["GET /api/profile 401 (bad key)"]["error"]
# Once the gateway has verified the key it is asked its default model, with no key (SPEC §3).
DEFAULTS_ASKED = ("/api/defaults", None)


def listed_with(key: str, path: str = "/api/gateway/models") -> tuple[str, str]:
    """The model list a verified onboarding caches (SPEC §12), asked with its key."""
    return (path, f"Bearer {key}")


KILO_AUTO = "kilocode/kilo-auto/balanced"
CUSTOM = "kilocode/anthropic/claude-sonnet-4.5"
KILO = OnboardRequest(auth_choice="kilocode-api-key")

# SPEC §2's example config, which is what a first Kilo Gateway onboarding writes. The base URL
# is the registry default: KILOCODE_BASE_URL (the fake gateway) is never persisted.
FRESH_KILO_CONFIG = {
    "models": {
        "mode": "merge",
        "providers": {
            "kilocode": {
                "baseUrl": "https://api.kilo.ai/api/gateway/",
                "api": "openai-completions",
                "models": KILO_AUTO_ENTRIES,
            }
        },
    },
    "agents": {
        "defaults": {
            "model": {"primary": KILO_AUTO},
            "models": {KILO_AUTO: {"alias": "Kilo Gateway"}},
        }
    },
    "auth": {"profiles": {"kilocode:default": {"provider": "kilocode", "mode": "api_key"}}},
}

EXISTING_CONFIG = f"""\
[models.providers.kilocode]
baseUrl = "https://api.kilo.ai/api/gateway/"

[[models.providers.kilocode.models]]
id = "anthropic/claude-sonnet-4.5"

[[models.providers.kilocode.models]]
id = "openai/gpt-5"

[agents.defaults.model]
primary = "{CUSTOM}"
fallbacks = ["kilocode/openai/gpt-5"]
"""


OTHER_PREVIEW = preview_of(OTHER_VALID_KEY)


def store_with(**profiles: str) -> str:
    """``auth-profiles.toml`` text holding one Kilo Gateway profile per ``id=key``."""
    text = "version = 1\n"
    for profile_id, key in profiles.items():
        name = profile_id.replace("_", ":")
        text += f'\n[profiles."{name}"]\ntype = "api_key"\nprovider = "kilocode"\nkey = "{key}"\n'
    return text


def seed(home: Path, *, config: str | None = None, store: str | None = None) -> None:
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    if config is not None:
        (home / "config.toml").write_text(config)
    if store is not None:
        (home / "auth-profiles.toml").write_text(store)
        (home / "auth-profiles.toml").chmod(0o600)  # as kilocli writes it


def snapshot(home: Path) -> dict[str, bytes]:
    """Every file in the home directory, by name, with its bytes.

    The model cache is left out: choosing from the catalog may refresh it before the user
    answers, and a cache is not part of the set-up onboarding promises not to touch.
    """
    if not home.exists():
        return {}
    cache = home / "cache"
    return {
        p.name: p.read_bytes()
        for p in sorted(home.rglob("*"))
        if p.is_file() and cache not in p.parents
    }


def asked(w: Wizard) -> list[tuple[str, str]]:
    return [(question.kind, question.message) for question in w.prompter.asked]


def stored_key(home: Path, profile_id: str = "kilocode:default") -> str:
    key = read_toml(home / "auth-profiles.toml")["profiles"][profile_id]["key"]
    assert isinstance(key, str)
    return key


def authorizations(gateway: FakeGateway) -> list[tuple[str, str | None]]:
    return [(seen.path, seen.headers.get("Authorization")) for seen in gateway.requests]


# Step 2: the provider question --------------------------------------------------------------


def test_provider_question_lists_kilo_gateway_then_openrouter_then_skip(
    wizard: WizardFactory, home: Path, gateway: FakeGateway
) -> None:
    w = wizard(["Skip for now"])

    result = w.run()

    [question] = w.prompter.selects
    assert question.message == "Model/auth provider"
    assert [title for title, _ in question.options] == [
        "Kilo Gateway",
        "OpenRouter",
        "Skip for now",
    ]
    assert result == OnboardingResult.skipped("skip", w.runtime.paths)
    assert not result.wrote_files
    assert snapshot(home) == {}
    assert gateway.requests == []


def test_a_typed_key_is_verified_and_everything_is_written(
    wizard: WizardFactory, home: Path, gateway: FakeGateway
) -> None:
    w = wizard(["Kilo Gateway", "Kilo Gateway API key", VALID_KEY])

    result = w.run()

    assert asked(w) == [
        ("select", "Model/auth provider"),
        ("select", "Kilo Gateway auth method"),
        ("secret", "Enter Kilo Gateway API key"),
    ]
    assert w.prompter.finished
    assert result == OnboardingResult(
        auth_choice="kilocode-api-key",
        provider="kilocode",
        profile_id="kilocode:default",
        key_source="prompt",
        key_preview=preview_of(VALID_KEY),
        key_copied_from_env=False,
        verified=True,
        verification_detail=EMAIL,
        default_model=KILO_AUTO,
        default_model_changed=True,
        config_path=home / "config.toml",
        auth_store_path=home / "auth-profiles.toml",
        key_store=str(home / "auth-profiles.toml"),
        custom_gateway=gateway.base_url,
        files_changed=[home / "auth-profiles.toml", home / "config.toml"],
    )
    assert f"Verified: {EMAIL}" in w.feedback.notes
    assert f"Default model set to {KILO_AUTO}" in w.feedback.notes
    assert w.feedback.warnings == []
    assert authorizations(gateway) == [
        ("/api/profile", f"Bearer {VALID_KEY}"),
        DEFAULTS_ASKED,
        listed_with(VALID_KEY),
    ]
    assert read_toml(home / "auth-profiles.toml") == {
        "version": 1,
        "profiles": {
            "kilocode:default": {"type": "api_key", "provider": "kilocode", "key": VALID_KEY}
        },
    }
    assert read_toml(home / "config.toml") == FRESH_KILO_CONFIG


def test_openrouter_is_verified_at_its_key_endpoint_and_configured(
    wizard: WizardFactory, home: Path, gateway: FakeGateway
) -> None:
    w = wizard(["OpenRouter", VALID_KEY])

    result = w.run()

    assert asked(w) == [("select", "Model/auth provider"), ("secret", "Enter OpenRouter API key")]
    assert (result.auth_choice, result.provider, result.profile_id) == (
        "openrouter-api-key",
        "openrouter",
        "openrouter:default",
    )
    assert result.verdict.verified is True
    assert authorizations(gateway) == [
        ("/api/v1/key", f"Bearer {VALID_KEY}"),
        listed_with(VALID_KEY, "/api/v1/models"),
    ]
    config = read_toml(home / "config.toml")
    assert config["models"]["providers"] == {
        "openrouter": {
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
    }
    assert config["agents"]["defaults"] == {
        "model": {"primary": "openrouter/auto"},
        "models": {"openrouter/auto": {"alias": "OpenRouter"}},
    }
    assert config["auth"] == {
        "profiles": {"openrouter:default": {"provider": "openrouter", "mode": "api_key"}}
    }
    assert read_toml(home / "auth-profiles.toml")["profiles"] == {
        "openrouter:default": {"type": "api_key", "provider": "openrouter", "key": VALID_KEY}
    }


def test_the_kilo_group_asks_its_auth_method_with_back() -> None:
    """SPEC §3: Kilo Gateway has two methods, so its second level is a real step, and Back
    returns to the group list."""
    prompter = ScriptedPrompter(
        ["Kilo Gateway", "Back", "Kilo Gateway", "Sign in with Kilo (browser)"]
    )

    choice = ask_auth_choice(prompter)

    assert choice.id == "kilocode-device"
    methods = ("Sign in with Kilo (browser)", "Kilo Gateway API key", "Back")
    assert [(q.message, q.options) for q in prompter.asked] == [
        ("Model/auth provider", ("Kilo Gateway", "OpenRouter", "Skip for now")),
        ("Kilo Gateway auth method", methods),
        ("Model/auth provider", ("Kilo Gateway", "OpenRouter", "Skip for now")),
        ("Kilo Gateway auth method", methods),
    ]


def test_a_group_with_one_method_goes_straight_to_it() -> None:
    prompter = ScriptedPrompter(["OpenRouter"])
    assert ask_auth_choice(prompter).id == "openrouter-api-key"
    assert [q.message for q in prompter.asked] == ["Model/auth provider"]


# Step 3: where the key comes from -----------------------------------------------------------


def test_a_key_given_up_front_asks_nothing(wizard: WizardFactory, home: Path) -> None:
    w = wizard([], KILOCODE_API_KEY=OTHER_VALID_KEY)
    seed(home, store=store_with(kilocode_default=VALID_KEY))  # the same key: nothing replaced
    pasted = f'  export KILOCODE_API_KEY="{VALID_KEY}";\n'

    result = w.run(OnboardRequest(flag_keys={"kilocode": pasted}))

    assert w.prompter.asked == []
    assert (result.key_source, result.verdict.verified) == ("flag: --kilocode-api-key", True)
    assert stored_key(home) == VALID_KEY


def test_a_piped_key_names_no_provider_so_the_provider_is_still_asked(
    wizard: WizardFactory, home: Path
) -> None:
    w = wizard(["OpenRouter"])

    result = w.run(OnboardRequest(stdin_text=f"Bearer {VALID_KEY}\n"))

    assert asked(w) == [("select", "Model/auth provider")]
    assert (result.provider, result.key_source) == ("openrouter", "stdin")
    assert stored_key(home, "openrouter:default") == VALID_KEY


def test_an_existing_profile_is_offered_first_and_kept(
    wizard: WizardFactory, home: Path, gateway: FakeGateway
) -> None:
    seed(home, store=store_with(kilocode_default=OTHER_VALID_KEY))
    w = wizard([True], KILOCODE_API_KEY=VALID_KEY)

    result = w.run(KILO)

    [question] = w.prompter.asked
    assert (question.kind, question.message, question.default) == (
        "confirm",
        f"Keep the existing Kilo Gateway key (kilocode:default, {preview_of(OTHER_VALID_KEY)})?",
        True,
    )
    assert (result.key_source, result.profile_id, result.key_copied_from_env) == (
        "profile: kilocode:default",
        "kilocode:default",
        False,
    )
    assert authorizations(gateway) == [
        ("/api/profile", f"Bearer {OTHER_VALID_KEY}"),
        DEFAULTS_ASKED,
        listed_with(VALID_KEY),  # the list as `models` shows it: with the key in effect (env)
    ]
    assert stored_key(home) == OTHER_VALID_KEY
    assert read_toml(home / "config.toml") == FRESH_KILO_CONFIG


def test_the_profile_offered_follows_auth_order(wizard: WizardFactory, home: Path) -> None:
    seed(
        home,
        store=store_with(kilocode_default=OTHER_VALID_KEY, kilocode_work=VALID_KEY),
        config='[auth.order]\nkilocode = ["kilocode:work"]\n',
    )
    w = wizard([True])

    result = w.run(KILO)

    assert asked(w) == [
        ("confirm", f"Keep the existing Kilo Gateway key (kilocode:work, {preview_of(VALID_KEY)})?")
    ]
    assert result.profile_id == "kilocode:work"
    assert stored_key(home, "kilocode:work") == VALID_KEY
    assert stored_key(home, "kilocode:default") == OTHER_VALID_KEY
    auth = read_toml(home / "config.toml")["auth"]
    assert auth == {
        "order": {"kilocode": ["kilocode:work"]},
        "profiles": {"kilocode:work": {"provider": "kilocode", "mode": "api_key"}},
    }


@pytest.mark.parametrize("variable", ["KILOCODE_API_KEY", "KILO_API_KEY"])
def test_declining_the_profile_offers_the_env_key(
    wizard: WizardFactory, home: Path, variable: str
) -> None:
    seed(home, store=store_with(kilocode_default=OTHER_VALID_KEY))
    w = wizard([False, True, True], **{variable: VALID_KEY})

    result = w.run(KILO)

    assert [(q.kind, q.message, q.default) for q in w.prompter.asked] == [
        (
            "confirm",
            f"Keep the existing Kilo Gateway key (kilocode:default, {OTHER_PREVIEW})?",
            True,
        ),
        ("confirm", f"Use existing {variable} (env: {variable}, {preview_of(VALID_KEY)})?", True),
        (
            "confirm",
            f"kilocode:default already holds another key ({OTHER_PREVIEW}). "
            f"Replace it with {preview_of(VALID_KEY)}?",
            False,
        ),
    ]
    assert (result.key_source, result.key_copied_from_env, result.profile_id) == (
        f"env: {variable}",
        True,
        "kilocode:default",
    )
    assert stored_key(home) == VALID_KEY  # the env key is stored as a copy


def test_declining_both_asks_for_the_key_and_refuses_bad_answers(
    wizard: WizardFactory, home: Path
) -> None:
    seed(home, store=store_with(kilocode_default=OTHER_VALID_KEY))
    answers: list[Answer] = [
        False,
        False,
        "",
        " \r\n ",
        "abcd efgh",
        "abcd\x07efgh",
        f"export KILOCODE_API_KEY='{VALID_KEY}';",
        True,  # replace the stored key
    ]
    w = wizard(answers, KILOCODE_API_KEY=OTHER_VALID_KEY)

    result = w.run(KILO)

    assert [kind for kind, _ in asked(w)] == ["confirm", "confirm", "secret", "confirm"]
    entry = w.prompter.asked[2]
    assert entry.message == "Enter Kilo Gateway API key"
    empty, blank, spaced, control = entry.errors
    assert empty.rstrip(".") == "Required"
    assert blank.rstrip(".") == "Required"
    assert "whitespace" in spaced
    assert "control character" in control
    assert (result.key_source, result.verdict.verified) == ("prompt", True)
    assert stored_key(home) == VALID_KEY


def test_a_key_of_another_shape_is_warned_about_not_refused(
    wizard: WizardFactory, home: Path, gateway: FakeGateway
) -> None:
    odd_key = "sk-kilo-0123456789abcdefXYZ"
    w = wizard(["Kilo Gateway", "Kilo Gateway API key", odd_key])

    result = w.run(OnboardRequest(verify=False))

    [warning] = w.feedback.warnings
    assert preview_of(odd_key) in warning
    assert "eyJ" in warning
    assert result.verdict.verified is None
    assert gateway.requests == []  # --no-verify asks nothing
    assert stored_key(home) == odd_key


# Step 4: verification -----------------------------------------------------------------------


def test_a_rejected_key_offers_another_key_save_anyway_or_cancel(
    wizard: WizardFactory, home: Path
) -> None:
    w = wizard([REJECTED_KEY, "Cancel (nothing is written)"])

    with pytest.raises(NotAuthenticated) as caught:
        w.run(KILO)

    assert caught.value.exit_code is ExitCode.NOT_AUTHENTICATED
    [warning] = w.feedback.warnings
    assert warning.startswith("Kilo Gateway rejected this key (")
    assert REJECTION_MESSAGE in warning
    choice = w.prompter.selects[-1]
    assert [title for title, _ in choice.options] == [
        "Enter another key",
        "Save this key anyway",
        "Cancel (nothing is written)",
    ]
    assert choice.default_title == "Enter another key"
    assert snapshot(home) == {}


def test_a_key_rejected_with_403_is_treated_as_rejected(
    wizard: WizardFactory, home: Path, gateway: FakeGateway
) -> None:
    gateway.fail("/api/profile", status=403, body=b'{"error": {"code": "FORBIDDEN"}}')
    w = wizard([VALID_KEY, "Cancel (nothing is written)"])

    with pytest.raises(NotAuthenticated):
        w.run(KILO)

    assert "rejected" in w.feedback.warnings[0]
    assert "FORBIDDEN" in w.feedback.warnings[0]
    assert snapshot(home) == {}


def test_a_rejected_key_can_be_saved_anyway(wizard: WizardFactory, home: Path) -> None:
    w = wizard([REJECTED_KEY, "Save this key anyway"])

    result = w.run(KILO)

    assert result.verdict.verified is False
    assert REJECTION_MESSAGE in result.verdict.detail
    assert stored_key(home) == REJECTED_KEY
    assert read_toml(home / "config.toml") == FRESH_KILO_CONFIG


def test_a_rejected_key_can_be_replaced_by_another(
    wizard: WizardFactory, home: Path, gateway: FakeGateway
) -> None:
    w = wizard([REJECTED_KEY, "Enter another key", VALID_KEY])

    result = w.run(KILO)

    assert asked(w) == [
        ("secret", "Enter Kilo Gateway API key"),
        ("select", "What would you like to do?"),
        ("secret", "Enter Kilo Gateway API key"),
    ]
    assert result.verdict == Verdict(True, EMAIL)
    assert authorizations(gateway) == [
        ("/api/profile", f"Bearer {REJECTED_KEY}"),
        ("/api/profile", f"Bearer {VALID_KEY}"),
        DEFAULTS_ASKED,
        listed_with(VALID_KEY),
    ]
    assert stored_key(home) == VALID_KEY


def test_back_at_an_empty_key_after_a_rejection_returns_to_the_question(
    wizard: WizardFactory, home: Path
) -> None:
    """As at the first key prompt: an empty key offers "Enter the key" / "Back" (not only
    "Required."), and Back returns to "What would you like to do?"."""
    answers = [REJECTED_KEY, "Enter another key", "", "Back", "Enter another key", VALID_KEY]
    w = wizard(answers)

    result = w.run(KILO)

    assert asked(w) == [
        ("secret", "Enter Kilo Gateway API key"),
        ("select", "What would you like to do?"),
        ("secret", "Enter Kilo Gateway API key"),
        ("select", "No key was entered"),
        ("select", "What would you like to do?"),
        ("secret", "Enter Kilo Gateway API key"),
    ]
    assert w.prompter.asked[2].errors == ()
    assert result.verdict.verified is True
    assert stored_key(home) == VALID_KEY


def test_a_gateway_error_warns_and_goes_on(
    wizard: WizardFactory, home: Path, gateway: FakeGateway
) -> None:
    gateway.fail("/api/profile", status=503, body=json.dumps({"error": "Down"}).encode())
    w = wizard([VALID_KEY])

    result = w.run(KILO)

    [warning] = w.feedback.warnings
    assert "503" in warning
    assert result.verdict.verified is None
    assert w.prompter.finished  # no rejection question
    assert stored_key(home) == VALID_KEY


def test_a_gateway_that_does_not_answer_in_time_warns_and_goes_on(
    wizard: WizardFactory, home: Path, gateway: FakeGateway
) -> None:
    """The verify request times out (after 0.5 s here; 5 s by default)."""
    gateway.fail("/api/profile", status=None, delay=3, times=1)
    w = wizard([VALID_KEY])
    w.runtime.http_timeout = 0.5

    result = w.run(KILO)

    [warning] = w.feedback.warnings
    assert "did not answer within 0.5 s" in warning
    assert result.verdict.verified is None
    assert stored_key(home) == VALID_KEY


# Step 5: the default model ------------------------------------------------------------------


@dataclass(frozen=True)
class ModelCase:
    answers: list[Answer]
    primary: str
    extra_questions: list[tuple[str, str]] = field(default_factory=list)


MODEL_CASES = {
    "keep current": ModelCase([f"Keep current ({CUSTOM})"], CUSTOM),
    "provider default": ModelCase(
        ["Kilo Gateway default (kilocode/kilo-auto/balanced)"], KILO_AUTO
    ),
    "from the catalog": ModelCase(
        ["Choose from Kilo Gateway models…", "kilocode/openai/gpt-5"],
        "kilocode/openai/gpt-5",
        [("select", "Kilo Gateway model")],
    ),
    "typed in": ModelCase(
        ["Enter model manually", "gpt-5", "acme/gpt-5", " kilocode/openai/gpt-5 "],
        "kilocode/openai/gpt-5",
        [("text", "Model (provider/model; empty to go back)")],
    ),
}


@pytest.mark.parametrize("case", MODEL_CASES.values(), ids=MODEL_CASES.keys())
def test_another_primary_leads_to_the_default_model_question(
    wizard: WizardFactory, home: Path, case: ModelCase
) -> None:
    seed(home, config=EXISTING_CONFIG, store=store_with(kilocode_default=VALID_KEY))
    w = wizard([True, *case.answers])

    result = w.run(KILO)

    assert asked(w)[1:] == [("select", "Default model"), *case.extra_questions]
    question = w.prompter.selects[0]
    titles = [title for title, _ in question.options]
    assert titles[0] == f"Keep current ({CUSTOM})"
    assert KILO_AUTO in titles[1]
    assert titles[2:] == ["Choose from Kilo Gateway models…", "Enter model manually"]
    assert question.default_title == titles[0]
    assert (result.default_model, result.default_model_changed) == (
        case.primary,
        case.primary != CUSTOM,
    )
    model = read_toml(home / "config.toml")["agents"]["defaults"]["model"]
    assert model == {"primary": case.primary, "fallbacks": ["kilocode/openai/gpt-5"]}


def test_the_catalog_choice_is_searchable_and_offers_the_known_models(
    wizard: WizardFactory, home: Path
) -> None:
    seed(home, config=EXISTING_CONFIG, store=store_with(kilocode_default=VALID_KEY))
    w = wizard([True, "Choose from Kilo Gateway models…", KILO_AUTO])

    w.run(KILO)

    catalog = w.prompter.selects[-1]
    assert catalog.searchable
    refs = [title for title, _ in catalog.options]
    assert {KILO_AUTO, CUSTOM, "kilocode/openai/gpt-5"} <= set(refs)
    assert len(refs) == len(set(refs))


def test_a_typed_model_ref_must_be_provider_slash_model(wizard: WizardFactory, home: Path) -> None:
    seed(home, config=EXISTING_CONFIG, store=store_with(kilocode_default=VALID_KEY))
    w = wizard([True, *MODEL_CASES["typed in"].answers])

    w.run(KILO)

    typed = w.prompter.asked[-1]
    no_slash, unknown_provider = typed.errors
    assert "gpt-5" in no_slash
    assert "acme" in unknown_provider


# Ctrl-C --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InterruptCase:
    answers: list[Answer]
    interrupted_at: str
    request: OnboardRequest = KILO
    env: dict[str, str] = field(default_factory=dict)
    config: str | None = None
    store: str | None = None


WITH_PRIMARY = {"config": EXISTING_CONFIG, "store": store_with(kilocode_default=VALID_KEY)}
INTERRUPT_CASES = {
    "provider question": InterruptCase(
        [Interrupted], "Model/auth provider", request=OnboardRequest()
    ),
    "keep the profile": InterruptCase(
        [Interrupted],
        f"Keep the existing Kilo Gateway key (kilocode:default, {preview_of(VALID_KEY)})?",
        store=store_with(kilocode_default=VALID_KEY),
    ),
    "use the env key": InterruptCase(
        [Interrupted],
        f"Use existing KILOCODE_API_KEY (env: KILOCODE_API_KEY, {preview_of(VALID_KEY)})?",
        env={"KILOCODE_API_KEY": VALID_KEY},
    ),
    "enter the key": InterruptCase(
        ["Kilo Gateway", "Kilo Gateway API key", Interrupted], "Enter Kilo Gateway API key"
    ),
    "after a rejection": InterruptCase(
        [Interrupted],
        "What would you like to do?",
        request=OnboardRequest(flag_keys={"kilocode": REJECTED_KEY}),
    ),
    "another key after a rejection": InterruptCase(
        [REJECTED_KEY, "Enter another key", Interrupted], "Enter Kilo Gateway API key"
    ),
    "default model": InterruptCase([True, Interrupted], "Default model", **WITH_PRIMARY),
    "catalog model": InterruptCase(
        [True, "Choose from Kilo Gateway models…", Interrupted],
        "Kilo Gateway model",
        **WITH_PRIMARY,
    ),
    "typed model": InterruptCase(
        [True, "Enter model manually", "nope", Interrupted],
        "Model (provider/model; empty to go back)",
        **WITH_PRIMARY,
    ),
}


@pytest.mark.parametrize("case", INTERRUPT_CASES.values(), ids=INTERRUPT_CASES.keys())
def test_ctrl_c_at_any_prompt_writes_nothing(
    wizard: WizardFactory, home: Path, case: InterruptCase
) -> None:
    if case.config or case.store:
        seed(home, config=case.config, store=case.store)
    before = snapshot(home)
    w = wizard(case.answers, **case.env)

    with pytest.raises(Interrupted) as caught:
        w.run(case.request)

    assert caught.value.exit_code is ExitCode.INTERRUPTED
    assert w.prompter.finished
    assert w.prompter.asked[-1].message == case.interrupted_at
    assert snapshot(home) == before
    if case.config is None:
        assert not (home / "config.toml").exists()
    if case.store is None:
        assert not (home / "auth-profiles.toml").exists()


# Keys stay out of everything but the credential store ---------------------------------------


def test_keys_never_reach_feedback_or_results(wizard: WizardFactory, home: Path) -> None:
    seed(home, store=store_with(kilocode_default=OTHER_VALID_KEY))
    answers: list[Answer] = [False, False, REJECTED_KEY, "Enter another key", VALID_KEY, True]
    w = wizard(answers, KILO_API_KEY="k" * 30)

    result = w.run(KILO)

    shown = "\n".join([w.told, repr(result), json.dumps(result.to_json())])
    for key in (VALID_KEY, OTHER_VALID_KEY, REJECTED_KEY, "k" * 30):
        assert key not in shown
    assert len(w.feedback.warnings) == 1  # the rejection was reported, by preview at most
    assert VALID_KEY not in (home / "config.toml").read_text()
    assert stored_key(home) == VALID_KEY


def test_an_onboard_request_never_shows_its_keys_in_repr() -> None:
    request = OnboardRequest(
        flag_keys={"kilocode": VALID_KEY},
        token=OTHER_VALID_KEY,
        stdin_text=REJECTED_KEY,
    )
    text = repr(request)
    for key in (VALID_KEY, OTHER_VALID_KEY, REJECTED_KEY):
        assert key not in text


@pytest.mark.parametrize(
    ("group", "line"),
    [
        ("Kilo Gateway", "Get your Kilo Gateway key at https://app.kilo.ai/profile"),
        ("OpenRouter", "Get your OpenRouter key at https://openrouter.ai/settings/keys"),
    ],
)
def test_the_hidden_key_prompt_says_where_to_get_a_key(
    wizard: WizardFactory, group: str, line: str
) -> None:
    """SPEC §5 step 3d: one line above the prompt names the provider's own key page."""
    method = ["Kilo Gateway API key"] if group == "Kilo Gateway" else []
    w = wizard([group, *method, VALID_KEY])

    w.run()

    assert line in w.feedback.notes
    assert asked(w)[-1][0] == "secret"


def test_a_typed_ref_that_the_catalog_lacks_is_confirmed_and_may_be_taken_back(
    wizard: WizardFactory, home: Path
) -> None:
    seed(home, config=EXISTING_CONFIG, store=store_with(kilocode_default=VALID_KEY))
    w = wizard(
        [
            True,
            "Enter model manually",
            "kilocode/vendor/not-listed",
            False,
            "kilocode/kilo-auto/balanced",
        ]
    )

    result = w.run(KILO)

    assert asked(w)[1:] == [
        ("select", "Default model"),
        ("text", "Model (provider/model; empty to go back)"),
        (
            "confirm",
            "kilocode/vendor/not-listed is not in the Kilo Gateway catalog. Use it anyway?",
        ),
        ("text", "Model (provider/model; empty to go back)"),
    ]
    assert result.default_model == "kilocode/kilo-auto/balanced"
