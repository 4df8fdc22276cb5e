"""Storing and removing keys: ``login`` and ``logout`` in-process, with a scripted prompter."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from kilocli.errors import ExitCode, InputRequired, KilocliError, NotAuthenticated, UsageError
from kilocli.paths import resolve_paths
from kilocli.services.login import LoginRequest, login, logout
from kilocli.services.runtime import Runtime
from tests.cli.conftest import file_state
from tests.fakes import (
    OTHER_VALID_KEY,
    REJECTED_KEY,
    RESPONSES,
    VALID_KEY,
    Answer,
    FakeGateway,
    RecordingFeedback,
    ScriptedPrompter,
)
from tests.helpers import preview_of
from tests.key_sources import (
    DEFAULT,
    OPENROUTER_PROFILE,
    ORDERED,
    arrange,
    profile,
    write_private,
)

EMAIL = RESPONSES["GET /api/profile 200"]["user"]["email"]


class World:
    """One run's runtime, with what its prompter was asked and its feedback was told."""

    def __init__(self, runtime: Runtime, prompter: ScriptedPrompter | None) -> None:
        self.runtime = runtime
        self.prompter = prompter
        assert isinstance(runtime.feedback, RecordingFeedback)
        self.feedback: RecordingFeedback = runtime.feedback


WorldFactory = Callable[..., World]


@pytest.fixture
def world(home: Path, gateway: FakeGateway) -> WorldFactory:
    """Build a :class:`World`; ``answers`` gives it a terminal (a scripted prompter)."""

    def build(answers: Sequence[Answer] | None = None, **env: str) -> World:
        full_env = {
            "KILOCLI_HOME": str(home),
            "KILOCODE_BASE_URL": gateway.base_url,
            "OPENROUTER_BASE_URL": gateway.openrouter_base_url,
            "KILOCLI_STORE": "file",
            **env,
        }
        prompter = ScriptedPrompter(answers) if answers is not None else None
        runtime = Runtime(
            env=full_env,
            paths=resolve_paths(full_env),
            feedback=RecordingFeedback(),
            prompter=prompter,
        )
        return World(runtime, prompter)

    return build


def stored(home: Path) -> dict[str, Any]:
    profiles: dict[str, Any] = tomllib.loads((home / "auth-profiles.toml").read_text())["profiles"]
    return profiles


# login -------------------------------------------------------------------------------------------


def test_login_asks_for_the_key_when_none_is_given_and_refuses_a_bad_answer(
    world: WorldFactory, home: Path
) -> None:
    w = world([f"{VALID_KEY[:30]} {VALID_KEY[30:]}", f"  Bearer {VALID_KEY}\n"])

    result = login(w.runtime, LoginRequest("kilocode"))

    assert w.prompter is not None
    assert [(a.kind, a.message, a.errors) for a in w.prompter.asked] == [
        (
            "secret",
            "Enter Kilo Gateway API key",
            (
                "The key contains whitespace at character 31, so it cannot be a key; "
                "it was not used.",
            ),
        ),
    ]
    assert (result.profile_id, result.key_preview, result.verified, result.detail) == (
        "kilocode:default",
        preview_of(VALID_KEY),
        True,
        EMAIL,
    )
    assert stored(home) == {"kilocode:default": profile("kilocode", VALID_KEY)}


def test_login_with_a_key_never_asks(world: WorldFactory, home: Path) -> None:
    w = world([], KILO_API_KEY=DEFAULT.key)

    result = login(w.runtime, LoginRequest("kilocode", key=VALID_KEY, profile_id="kilocode:ci"))

    assert result.to_json() == {
        "ok": True,
        "profileId": "kilocode:ci",
        "provider": "kilocode",
        "replaced": False,
        "keyPreview": preview_of(VALID_KEY),
        "verified": True,
        "organization": None,
        "envOverride": "KILO_API_KEY",
    }
    assert stored(home) == {"kilocode:ci": profile("kilocode", VALID_KEY)}


def test_a_login_request_never_shows_its_key() -> None:
    request = LoginRequest("kilocode", key=VALID_KEY, stdin_text=REJECTED_KEY)

    assert VALID_KEY not in repr(request)
    assert REJECTED_KEY not in repr(request)


@pytest.mark.parametrize(
    ("request_", "error", "message"),
    [
        (
            LoginRequest("kilocode"),
            InputRequired,
            "No Kilo Gateway key was given, and there is no terminal to ask on.",
        ),
        (
            LoginRequest("kilocode", key=VALID_KEY, stdin_text=VALID_KEY),
            UsageError,
            "--key and --stdin both give a key.",
        ),
        (
            LoginRequest("kilocode", key=VALID_KEY, profile_id="kilocode work"),
            UsageError,
            "--profile-id 'kilocode work' is not a usable profile id.",
        ),
        (
            LoginRequest("kilocode", key=VALID_KEY, profile_id=" "),
            UsageError,
            "--profile-id ' ' is not a usable profile id.",
        ),
        (
            LoginRequest("kilocode", key=VALID_KEY, profile_id=""),
            UsageError,
            "--profile-id '' is not a usable profile id.",
        ),
        (LoginRequest("anthropic", key=VALID_KEY), UsageError, "Unknown provider 'anthropic'."),
        (LoginRequest("kilocode", stdin_text=" \n"), UsageError, "stdin: Required."),
    ],
    ids=[
        "no key",
        "key and stdin",
        "space in the id",
        "blank id",
        "empty id",
        "unknown provider",
        "empty",
    ],
)
def test_login_refuses_before_asking_or_writing(
    world: WorldFactory,
    home: Path,
    gateway: FakeGateway,
    request_: LoginRequest,
    error: type[KilocliError],
    message: str,
) -> None:
    with pytest.raises(error) as raised:
        login(world().runtime, request_)

    assert raised.value.message == message
    assert raised.value.exit_code == ExitCode.USAGE
    assert gateway.requests == []
    assert not home.exists()


def test_login_without_a_key_names_the_flags_that_give_one(world: WorldFactory) -> None:
    with pytest.raises(InputRequired) as raised:
        login(world().runtime, LoginRequest("openrouter"))

    assert raised.value.hint == (
        'Pass --key "$KEY", or pipe the key into: kilocli auth login openrouter --stdin'
    )


def test_login_of_a_rejected_key_stores_nothing(world: WorldFactory, home: Path) -> None:
    with pytest.raises(NotAuthenticated) as raised:
        login(world().runtime, LoginRequest("kilocode", key=REJECTED_KEY))

    assert raised.value.message == (
        "Kilo Gateway rejected this key (HTTP 401: Invalid token (6a0e…)). Nothing was written."
    )
    assert not home.exists()


def test_a_kilo_key_that_is_not_a_jwt_is_stored_with_a_warning(
    world: WorldFactory, home: Path, gateway: FakeGateway
) -> None:
    odd_key = "sk-kilo-0123456789abcdefghijklmnop"
    w = world()

    login(w.runtime, LoginRequest("kilocode", key=odd_key, verify=False))

    assert w.feedback.warnings == [
        "This key (sk-k…mnop) does not look like a Kilo Gateway key (a JWT starting eyJ); "
        "using it anyway."
    ]
    assert stored(home) == {"kilocode:default": profile("kilocode", odd_key)}
    assert gateway.requests == []


def test_an_openrouter_key_of_any_shape_is_stored_without_a_warning(
    world: WorldFactory, home: Path
) -> None:
    w = world()

    result = login(w.runtime, LoginRequest("openrouter", key="sk-or-v1-abc123", verify=False))

    assert w.feedback.warnings == []
    assert (result.verified, result.detail) == (None, "not checked (--no-verify)")
    assert stored(home) == {"openrouter:default": profile("openrouter", "sk-or-v1-abc123")}


def test_login_without_credits_warns_with_the_top_up_hint_and_stores(
    world: WorldFactory, home: Path, gateway: FakeGateway
) -> None:
    body = RESPONSES["POST /api/gateway/chat/completions 402"]
    top_up = "https://example.test/top-up"
    gateway.fail(
        "/api/profile",
        status=402,
        body=json.dumps({"error": {**body["error"], "buyCreditsUrl": top_up}}).encode(),
    )
    w = world()

    result = login(w.runtime, LoginRequest("kilocode", key=VALID_KEY))

    assert result.verified is None
    assert w.feedback.warnings == [
        "Could not verify the key: Kilo Gateway says there are no credits left (HTTP 402: "
        "Low credit warning!: Add credits to continue, or switch to a free model). "
        "Storing it anyway."
    ]
    assert w.feedback.notes[-1] == (
        f"Add credits at {top_up}, or pick a free model: kilocli models kilocode --free"
    )
    assert stored(home) == {"kilocode:default": profile("kilocode", VALID_KEY)}


# logout ------------------------------------------------------------------------------------------


def test_logout_declined_at_the_prompt_removes_nothing(world: WorldFactory, home: Path) -> None:
    arrange(home, [ORDERED, DEFAULT])
    before = file_state(home)
    w = world([False])

    with pytest.raises(KilocliError) as raised:
        logout(w.runtime, None, "kilocode", confirmed=False)

    assert raised.value.message == "Nothing was removed."
    assert w.prompter is not None
    assert [(a.kind, a.message, a.default) for a in w.prompter.asked] == [
        ("confirm", "Remove kilocode:default, kilocode:work from this machine?", False)
    ]
    assert file_state(home) == before


def test_logout_confirmed_at_the_prompt_removes_the_profile(
    world: WorldFactory, home: Path
) -> None:
    arrange(home, [ORDERED, DEFAULT])
    w = world([True])

    result = logout(w.runtime, "kilocode:work", None, confirmed=False)

    assert result.to_json() == {
        "ok": True,
        "removed": ["kilocode:work"],
        "keyRevoked": False,
        "envStillSet": [],
    }
    assert stored(home) == {"kilocode:default": profile("kilocode", DEFAULT.key)}


def test_logout_with_yes_never_asks(world: WorldFactory, home: Path) -> None:
    arrange(home, [DEFAULT, OPENROUTER_PROFILE])
    w = world([], OPENROUTER_API_KEY="sk-or-v1-still-here", KILOCODE_API_KEY=" ")

    result = logout(w.runtime, None, "openrouter", confirmed=True)

    assert (result.removed, result.key_pages, result.env_still_set) == (
        ["openrouter:default"],
        ["https://openrouter.ai/settings/keys for OpenRouter"],  # only openrouter's page
        ["OPENROUTER_API_KEY"],
    )
    assert stored(home) == {"kilocode:default": profile("kilocode", DEFAULT.key)}


def test_logout_of_a_profile_of_an_unknown_provider(world: WorldFactory, home: Path) -> None:
    write_private(
        home / "auth-profiles.toml",
        {"version": 1, "profiles": {"other:default": profile("other", "k-123456789")}},
    )

    result = logout(world().runtime, "other:default", None, confirmed=True)

    assert (result.removed, result.key_pages, result.env_still_set) == (
        ["other:default"],
        [],  # kilocli knows no keys page (nor env vars) for "other"
        [],
    )
    assert stored(home) == {}


def test_logout_of_an_unknown_provider_is_a_usage_error(world: WorldFactory, home: Path) -> None:
    arrange(home, [DEFAULT])
    before = file_state(home)

    with pytest.raises(UsageError) as raised:
        logout(world().runtime, None, "anthropic", confirmed=True)

    assert raised.value.message == "Unknown provider 'anthropic'."
    assert file_state(home) == before


def test_replacing_another_key_asks_first_on_a_terminal(world: WorldFactory, home: Path) -> None:
    """SPEC §8: a different key already stored under the id is not replaced silently."""
    w = world([])
    login(w.runtime, LoginRequest("kilocode", key=VALID_KEY, verify=False))
    asked = world([False])

    with pytest.raises(KilocliError) as refused:
        login(asked.runtime, LoginRequest("kilocode", key=OTHER_VALID_KEY, verify=False))

    assert refused.value.message == "Kept the key of kilocode:default; nothing was written."
    assert stored(home) == {"kilocode:default": profile("kilocode", VALID_KEY)}


def test_replacing_another_key_without_a_terminal_says_so(world: WorldFactory, home: Path) -> None:
    login(world().runtime, LoginRequest("kilocode", key=VALID_KEY, verify=False))
    quiet = world()  # no terminal

    result = login(quiet.runtime, LoginRequest("kilocode", key=OTHER_VALID_KEY, verify=False))

    assert result.replaced is True
    was = preview_of(VALID_KEY)
    assert result.warnings == [f"Replaced the key of kilocode:default (was {was})"]
    assert stored(home) == {"kilocode:default": profile("kilocode", OTHER_VALID_KEY)}


def test_storing_the_same_key_again_replaces_nothing(world: WorldFactory, home: Path) -> None:
    login(world([]).runtime, LoginRequest("kilocode", key=VALID_KEY, verify=False))

    result = login(world([]).runtime, LoginRequest("kilocode", key=VALID_KEY, verify=False))

    assert (result.replaced, result.warnings) == (False, [])
