"""The default model follows the gateway (SPEC §3): onboarding asks ``/api/defaults`` when it
talks to the gateway anyway, falls back to the registry default without a word, and a home
still on the legacy ``kilocode/kilo/auto`` keeps working and is told once how to move."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any

import pytest

from kilocli.cli import main
from kilocli.cli.context import Overrides
from kilocli.errors import ExitCode
from tests.cli.conftest import Kilo, write_file
from tests.conftest import Run
from tests.fakes import VALID_KEY, FakeGateway, ScriptedPrompter
from tests.helpers import document, read_toml

LEGACY = "kilocode/kilo/auto"
BALANCED = "kilocode/kilo-auto/balanced"
FIX = f"kilocli models set {BALANCED}"


def onboard(kilo: Kilo, *args: str) -> Run:
    return kilo("onboard", "--kilocode-api-key", VALID_KEY, "--json", *args)


def default_of(home: Path) -> Any:
    return read_toml(home / "config.toml")["agents"]["defaults"]


def test_onboarding_asks_the_gateway_for_its_default_without_a_key(
    kilo: Kilo, gateway: FakeGateway, home: Path
) -> None:
    run = onboard(kilo)
    assert run.code == ExitCode.OK, run.stderr
    assert document(run)["defaultModel"] == BALANCED
    (asked,) = [seen for seen in gateway.requests if seen.path == "/api/defaults"]
    assert (asked.method, asked.header("Authorization")) == ("GET", None)


def test_the_gateways_default_is_the_providers_default(
    kilo: Kilo, gateway: FakeGateway, home: Path
) -> None:
    """A gateway that names another default gets it, with the group's alias."""
    gateway.defaults = {"defaultModel": "kilo-auto/frontier", "defaultFreeModel": "kilo-auto/free"}
    run = onboard(kilo)
    assert run.code == ExitCode.OK, run.stderr
    assert document(run)["defaultModel"] == "kilocode/kilo-auto/frontier"
    defaults = default_of(home)
    assert defaults["model"] == {"primary": "kilocode/kilo-auto/frontier"}
    assert defaults["models"] == {"kilocode/kilo-auto/frontier": {"alias": "Kilo Gateway"}}
    assert "Default model set to kilocode/kilo-auto/frontier" in run.stderr


ODD_DEFAULTS: dict[str, Any] = {
    "HTTP 500": {"status": 500, "body": b'{"error": "Internal Server Error"}'},
    "not JSON": {"status": 200, "body": b"<html>defaults</html>"},
    "a list": {"status": 200, "body": b'["kilo-auto/frontier"]'},
    "no defaultModel": {"status": 200, "body": b'{"defaultFreeModel": "kilo-auto/free"}'},
    "a number": {"status": 200, "body": b'{"defaultModel": 5}'},
    "a space": {"status": 200, "body": b'{"defaultModel": "kilo auto"}'},
    "control characters": {"status": 200, "body": b'{"defaultModel": "kilo\\u001b[2J"}'},
    "empty": {"status": 200, "body": b'{"defaultModel": ""}'},
    "no answer in time": {"status": None, "delay": 3, "times": 1},
}


@pytest.mark.parametrize("fault", list(ODD_DEFAULTS.values()), ids=list(ODD_DEFAULTS))
def test_any_failure_or_odd_answer_falls_back_to_the_registry_default_silently(
    kilo: Kilo, gateway: FakeGateway, home: Path, fault: dict[str, Any]
) -> None:
    gateway.fail("/api/defaults", **fault)
    run = kilo(
        "onboard", "--kilocode-api-key", VALID_KEY, "--json", env={"KILOCLI_HTTP_TIMEOUT": "0.5"}
    )
    assert run.code == ExitCode.OK, run.stderr
    assert document(run)["defaultModel"] == BALANCED
    assert "Warning" not in run.stderr
    assert gateway.paths_requested() == ["/api/profile", "/api/defaults", "/api/gateway/models"]


@pytest.mark.parametrize(
    ("args", "profile_status"),
    [(("--no-verify",), None), ((), 503)],
    ids=["not verified", "gateway unavailable"],
)
def test_without_a_verifying_answer_the_gateway_is_not_asked_its_default(
    kilo: Kilo, gateway: FakeGateway, args: tuple[str, ...], profile_status: int | None
) -> None:
    if profile_status is not None:
        gateway.fail("/api/profile", status=profile_status)
    run = onboard(kilo, *args)
    assert run.code == ExitCode.OK, run.stderr
    assert document(run)["defaultModel"] == BALANCED
    assert "/api/defaults" not in gateway.paths_requested()


# A home still on the legacy default


LEGACY_CONFIG = f"""\
[agents.defaults.model]
primary = "{LEGACY}"
"""


def test_a_legacy_default_keeps_working_and_doctor_names_the_fix(
    kilo: Kilo, home: Path, gateway: FakeGateway
) -> None:
    write_file(home / "config.toml", LEGACY_CONFIG)
    before = (home / "config.toml").read_bytes()
    run = kilo("doctor", "--offline", "--json", env={"KILOCODE_API_KEY": VALID_KEY})
    findings = {f["check"]: f for f in json.loads(run.stdout)["findings"]}
    legacy = findings["default model"]
    assert legacy["severity"] == "warning"
    assert "no longer route it" in legacy["message"]
    assert legacy["fix"] == FIX
    assert (home / "config.toml").read_bytes() == before  # nothing rewritten behind the back


def test_models_status_says_it_once_and_models_set_accepts_the_legacy_id(
    kilo: Kilo, home: Path, gateway: FakeGateway
) -> None:
    write_file(home / "config.toml", LEGACY_CONFIG)
    status = kilo("models", "status", "--json")
    assert status.code == ExitCode.OK, status.stderr
    assert json.loads(status.stdout)["defaultModel"] == LEGACY
    assert status.stderr.count("no longer route it") == 1
    assert FIX in status.stderr
    again = kilo("models", "set", LEGACY)  # typed: accepted (with the catalog warning)
    assert again.code == ExitCode.OK, again.stderr
    assert default_of(home)["model"]["primary"] == LEGACY


def test_a_tool_set_up_with_the_legacy_id_is_named_with_its_fix(
    kilo: Kilo, home: Path, gateway: FakeGateway
) -> None:
    write_file(
        home / "config.toml",
        '[setup.aider]\nprovider = "kilocode"\nmodels = ["kilocode/kilo/auto"]\n',
    )
    run = kilo("models", "status")
    assert f"kilocli setup aider --model {BALANCED}" in run.stderr


def test_onboarding_without_a_terminal_keeps_the_legacy_default_and_says_how_to_move(
    kilo: Kilo, home: Path, gateway: FakeGateway
) -> None:
    write_file(home / "config.toml", LEGACY_CONFIG)
    run = onboard(kilo)
    assert run.code == ExitCode.OK, run.stderr
    assert document(run)["defaultModel"] == LEGACY
    assert default_of(home)["model"]["primary"] == LEGACY
    assert FIX in run.stderr


@pytest.mark.parametrize(("answer", "expected"), [(True, BALANCED), (False, LEGACY)])
def test_onboarding_on_a_terminal_offers_to_switch(
    home: Path, gateway: FakeGateway, answer: bool, expected: str
) -> None:
    write_file(home / "config.toml", LEGACY_CONFIG)
    prompter = ScriptedPrompter([answer])
    out, err = io.StringIO(), io.StringIO()
    code = main(
        ["onboard", "--kilocode-api-key", VALID_KEY],
        env={**os.environ, "KILOCODE_BASE_URL": gateway.base_url},
        stdin=io.StringIO(),
        stdout=out,
        stderr=err,
        overrides=Overrides(prompter=prompter, interactive=True),
    )
    assert code == ExitCode.OK, err.getvalue()
    (asked,) = prompter.asked
    assert asked.message == (
        f"Your default model {LEGACY} is a legacy id that current Kilo gateways no longer "
        f"route. Switch to {BALANCED}?"
    )
    assert default_of(home)["model"]["primary"] == expected
