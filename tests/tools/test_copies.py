"""Copies kept true (SPEC §12): when the key, organisation or gateway in effect changes, the
tools ``setup`` wrote for follow; ``auth logout`` takes a copy of a key that is gone out; and
``doctor`` says when a tool's entries no longer match."""

from __future__ import annotations

import json

from tests.conftest import run_kilocli
from tests.fakes import OTHER_VALID_KEY, VALID_KEY
from tests.tools.setup_helpers import (
    continue_dir,
    files_holding,
    kilocli_home,
    llm_dir,
    load_dotenv,
    load_json,
    setup_ok,
    store_key,
    user_home,
)


def login(key: str, *extra: str) -> str:
    run = run_kilocli("auth", "login", "kilocode", "--key", key, "--no-verify", *extra)
    assert run.code == 0, run.stderr
    return run.stderr


def test_a_new_key_reaches_the_copies_in_llm_and_continue() -> None:
    store_key()
    setup_ok("llm")
    setup_ok("continue")

    said = login(OTHER_VALID_KEY)

    assert load_json(llm_dir() / "keys.json")["kilocode"] == OTHER_VALID_KEY
    assert load_dotenv(continue_dir() / ".env")["KILOCODE_API_KEY"] == OTHER_VALID_KEY
    assert "Updated its copy of the key in llm" in said
    assert "Updated its copy of the key in Continue" in said
    assert files_holding(user_home(), VALID_KEY) == []


def test_switching_profiles_reaches_the_copies() -> None:
    store_key()
    login(OTHER_VALID_KEY, "--profile-id", "kilocode:work")
    setup_ok("llm")
    assert load_json(llm_dir() / "keys.json")["kilocode"] == VALID_KEY

    run = run_kilocli("auth", "use", "kilocode:work")

    assert run.code == 0, run.stderr
    assert load_json(llm_dir() / "keys.json")["kilocode"] == OTHER_VALID_KEY


def test_logout_takes_out_the_copies_of_a_key_that_is_gone() -> None:
    store_key()
    setup_ok("llm")
    setup_ok("continue")
    setup_ok("codex")  # a credential helper holds no copy: its entries stay

    run = run_kilocli("auth", "logout", "kilocode:default", "--yes")

    assert run.code == 0, run.stderr
    assert files_holding(user_home(), VALID_KEY) == []
    assert files_holding(kilocli_home(), VALID_KEY) == []
    assert not (llm_dir() / "keys.json").exists()
    assert "Took kilocli's entries out of llm" in run.stderr
    assert (user_home() / ".codex" / "config.toml").exists()


def test_logout_with_another_key_in_effect_rewrites_the_copies_with_it() -> None:
    store_key()
    login(OTHER_VALID_KEY, "--profile-id", "kilocode:work")
    setup_ok("llm")

    run = run_kilocli("auth", "logout", "kilocode:default", "--yes")

    assert run.code == 0, run.stderr
    assert load_json(llm_dir() / "keys.json")["kilocode"] == OTHER_VALID_KEY
    assert files_holding(user_home(), VALID_KEY) == []


def test_doctor_lists_the_copies_and_says_when_one_is_stale() -> None:
    store_key()
    setup_ok("llm")

    fine = json.loads(run_kilocli("doctor", "--offline", "--json").stdout)
    moved = json.loads(
        run_kilocli(
            "doctor",
            "--offline",
            "--json",
            env={"KILOCODE_BASE_URL": "http://127.0.0.1:9/api/gateway/"},
        ).stdout
    )

    [ok] = [f for f in fine["findings"] if f["check"] == "tool llm"]
    assert ok["severity"] == "ok"
    assert str(llm_dir() / "keys.json") in ok["message"]
    [stale] = [f for f in moved["findings"] if f["check"] == "tool llm"]
    assert (stale["severity"], stale["fix"]) == ("warning", "kilocli setup llm")
    assert VALID_KEY not in json.dumps(moved)
