"""The one replace rule of SPEC §8, in every way a credential arrives: replacing a different
key already stored under the profile id asks first on a terminal (default No; "no" keeps the
stored key and writes nothing at all, config included), and without a terminal replaces it and
says "Replaced the key of <id> (was <preview>)". The same key asks nothing."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from kilocli.errors import KilocliError
from kilocli.paths import resolve_paths
from kilocli.services.login import LoginRequest, login
from kilocli.services.onboard import OnboardRequest, run_onboarding
from kilocli.services.runtime import Runtime
from tests.cli.conftest import file_state
from tests.fakes import (
    OTHER_VALID_KEY,
    VALID_KEY,
    Answer,
    FakeGateway,
    RecordingFeedback,
    ScriptedPrompter,
)
from tests.helpers import preview_of, read_toml

OLD, NEW = OTHER_VALID_KEY, VALID_KEY  # the device sign-in of the fake gateway hands out NEW
REPLACE_QUESTION = (
    f"kilocode:default already holds another key ({preview_of(OLD)}). "
    f"Replace it with {preview_of(NEW)}?"
)
REPLACED = f"Replaced the key of kilocode:default (was {preview_of(OLD)})"
KEEP_OLD = f"Keep the existing Kilo Gateway key (kilocode:default, {preview_of(OLD)})?"


@dataclass(frozen=True)
class Entry:
    """One way a credential arrives: the answers that lead a terminal to the replace question,
    and the run (with the environment it needs)."""

    name: str
    before_question: tuple[Answer, ...]
    run: Callable[[Runtime], object]
    env: tuple[tuple[str, str], ...] = ()
    terminal_only: bool = False
    kilo_cli: bool = False


def _onboard(**request: object) -> Callable[[Runtime], object]:
    return lambda rt: run_onboarding(rt, OnboardRequest(**request))  # type: ignore[arg-type]


def _login(**request: object) -> Callable[[Runtime], object]:
    return lambda rt: login(rt, LoginRequest("kilocode", **request))  # type: ignore[arg-type]


ENTRIES = [
    Entry("onboard --kilocode-api-key", (), _onboard(flag_keys={"kilocode": NEW})),
    Entry("onboard --api-key-stdin", (), _onboard(stdin_text=NEW, auth_choice="kilocode-api-key")),
    Entry(
        "onboard prompt",
        ("Kilo Gateway", "Kilo Gateway API key", False, NEW),
        _onboard(),
        terminal_only=True,
    ),
    Entry(
        "onboard env key",
        (False, True),
        _onboard(auth_choice="kilocode-api-key"),
        env=(("KILOCODE_API_KEY", NEW),),
    ),
    Entry(
        "onboard Kilo CLI sign-in",
        (False, True),
        _onboard(auth_choice="kilocode-api-key"),
        terminal_only=True,
        kilo_cli=True,
    ),
    Entry("onboard device sign-in", (), _onboard(auth_choice="kilocode-device")),
    Entry("auth login --key", (), _login(key=NEW)),
    Entry("auth login --stdin", (), _login(stdin_text=NEW)),
    Entry("auth login prompt", (NEW,), _login(), terminal_only=True),
    Entry("auth login --device", (), _login(device=True)),
]
QUIET = [entry for entry in ENTRIES if not entry.terminal_only]


def _runtime(
    home: Path, gateway: FakeGateway, entry: Entry, answers: list[Answer] | None
) -> tuple[Runtime, ScriptedPrompter | None, RecordingFeedback]:
    if entry.kilo_cli:
        path = Path(os.environ["HOME"]) / ".local/share/kilo/auth.json"
        path.parent.mkdir(parents=True)
        path.write_text(json.dumps({"kilo": {"type": "api", "key": NEW}}))
        path.chmod(0o600)
    env = {"KILOCLI_HOME": str(home), "KILOCODE_BASE_URL": gateway.base_url, **dict(entry.env)}
    prompter = ScriptedPrompter(answers) if answers is not None else None
    feedback = RecordingFeedback()
    rt = Runtime(
        env=env,
        paths=resolve_paths(env),
        feedback=feedback,
        prompter=prompter,
        sleep=lambda seconds: None,
        open_url=lambda url: False,
        poll_interval=0.0,
    )
    return rt, prompter, feedback


def _store_old(home: Path, gateway: FakeGateway) -> None:
    plain = Entry("seed", (), _login(key=OLD, verify=False))
    rt, _, _ = _runtime(home, gateway, plain, None)
    login(rt, LoginRequest("kilocode", key=OLD, verify=False))


def _stored_key(home: Path) -> str:
    return str(read_toml(home / "auth-profiles.toml")["profiles"]["kilocode:default"]["key"])


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.name for e in ENTRIES])
def test_on_a_terminal_no_keeps_the_stored_key_and_writes_nothing(
    home: Path, gateway: FakeGateway, entry: Entry
) -> None:
    _store_old(home, gateway)
    before = file_state(home)
    rt, prompter, _ = _runtime(home, gateway, entry, [*entry.before_question, False])
    assert prompter is not None

    with pytest.raises(KilocliError) as kept:
        entry.run(rt)

    question = prompter.asked[-1]
    assert (question.kind, question.message, question.default) == (
        "confirm",
        REPLACE_QUESTION,
        False,
    )
    assert kept.value.message == "Kept the key of kilocode:default; nothing was written."
    assert file_state(home) == before  # config included
    # the hint names an option the command has: onboard has no --profile-id
    if entry.name.startswith("onboard"):
        assert "kilocli auth login kilocode --profile-id ID" in str(kept.value.hint)
    else:
        assert kept.value.hint == "Store the new key under another id with --profile-id ID."


@pytest.mark.parametrize("entry", QUIET, ids=[e.name for e in QUIET])
def test_without_a_terminal_the_key_is_replaced_and_that_is_said(
    home: Path, gateway: FakeGateway, entry: Entry
) -> None:
    _store_old(home, gateway)
    rt, _, feedback = _runtime(home, gateway, entry, None)

    result = entry.run(rt)

    assert REPLACED in result.warnings  # type: ignore[attr-defined]
    assert not any("Replac" in line for line in feedback.warnings + feedback.notes)
    assert _stored_key(home) == NEW


def test_on_a_terminal_yes_replaces_the_key(home: Path, gateway: FakeGateway) -> None:
    _store_old(home, gateway)
    entry = ENTRIES[0]
    rt, prompter, _ = _runtime(home, gateway, entry, [True])

    result = entry.run(rt)

    assert prompter is not None
    assert [q.message for q in prompter.asked] == [REPLACE_QUESTION]
    assert REPLACED not in result.warnings  # type: ignore[attr-defined]  # asked, so not told
    assert _stored_key(home) == NEW


@pytest.mark.parametrize("terminal", [True, False], ids=["terminal", "no terminal"])
@pytest.mark.parametrize("entry", [ENTRIES[0], ENTRIES[6]], ids=["onboard", "auth login"])
def test_the_same_key_again_asks_and_says_nothing(
    home: Path, gateway: FakeGateway, entry: Entry, terminal: bool
) -> None:
    rt, _, _ = _runtime(home, gateway, entry, None)
    login(rt, LoginRequest("kilocode", key=NEW, verify=False))
    rt, prompter, _ = _runtime(home, gateway, entry, [] if terminal else None)

    result = entry.run(rt)

    assert prompter is None or prompter.asked == []
    assert not any("Replac" in line for line in result.warnings)  # type: ignore[attr-defined]


def test_a_re_run_that_keeps_the_stored_key_asks_no_replace_question(
    home: Path, gateway: FakeGateway
) -> None:
    _store_old(home, gateway)
    entry = Entry("re-run", (), _onboard(auth_choice="kilocode-api-key"))
    rt, prompter, _ = _runtime(home, gateway, entry, [True])

    result = entry.run(rt)

    assert prompter is not None
    assert [q.message for q in prompter.asked] == [KEEP_OLD]
    assert _stored_key(home) == OLD
    assert not any("Replac" in line for line in result.warnings)  # type: ignore[attr-defined]
