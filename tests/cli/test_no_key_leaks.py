"""A key reaches the credential store and nothing else: not stdout, stderr, or config.toml.

Every key source is run through success, a rejection and a gateway error, plainly and with
``--json`` plus ``KILOCLI_DEBUG=1``. The faulty gateway answers here echo the key back, as a
careless server might, so that only kilocli's own scrubbing keeps it off the screen.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from kilocli.cli.app import app
from kilocli.cli.context import Overrides
from kilocli.errors import ExitCode
from tests.cli.conftest import Kilo, write_file
from tests.conftest import run_kilocli
from tests.fakes import REJECTED_KEY, VALID_KEY, Answer, FakeGateway, ScriptedPrompter

KEY = VALID_KEY


@dataclass(frozen=True)
class Source:
    args: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    stdin: str | None = None
    profile: bool = False


SOURCES = {
    "flag": Source(args=("--kilocode-api-key", KEY)),
    "token": Source(args=("--token", KEY, "--token-provider", "kilocode")),
    "token, no provider": Source(args=("--token", KEY)),
    "stdin": Source(args=("--api-key-stdin",), stdin=f"KILOCODE_API_KEY='{KEY}'\n"),
    "env KILOCODE_API_KEY": Source(env={"KILOCODE_API_KEY": KEY}),
    "env KILO_API_KEY": Source(env={"KILO_API_KEY": KEY}),
    "existing profile": Source(profile=True),
}
OUTCOMES = {
    # outcome: (status the gateway answers with, exit code)
    "success": (None, ExitCode.OK),
    "rejected": (401, ExitCode.NOT_AUTHENTICATED),
    "gateway error": (503, ExitCode.OK),
}
MODES = {"plain": ((), {}), "json and debug": (("--json",), {"KILOCLI_DEBUG": "1"})}

PROFILE = f"""\
version = 1

[profiles."kilocode:default"]
type = "api_key"
provider = "kilocode"
key = "{KEY}"
"""


def echoing(status: int) -> bytes:
    """An error body that repeats the key, in both of the gateway's error shapes."""
    return json.dumps(
        {"error": {"code": "ECHO", "message": f"Bearer {KEY} is not {KEY}"}, "message": KEY}
    ).encode()


def assert_key_only_in_the_store(home: Path, output: str, *, stored: bool) -> None:
    assert KEY not in output
    config = home / "config.toml"
    if config.exists():
        assert KEY not in config.read_text()
    store = home / "auth-profiles.toml"
    assert (store.exists() and KEY in store.read_text()) is stored


@pytest.mark.parametrize("mode", MODES.keys())
@pytest.mark.parametrize("outcome", OUTCOMES.keys())
@pytest.mark.parametrize("source", SOURCES.values(), ids=SOURCES.keys())
def test_the_key_never_reaches_the_screen_or_the_config(
    kilo: Kilo, home: Path, gateway: FakeGateway, source: Source, outcome: str, mode: str
) -> None:
    status, exit_code = OUTCOMES[outcome]
    extra_args, extra_env = MODES[mode]
    if source.profile:
        write_file(home / "auth-profiles.toml", PROFILE)
    if status is not None:
        gateway.fail("/api/profile", status=status, body=echoing(status))

    run = kilo("onboard", *source.args, *extra_args, env=source.env | extra_env, stdin=source.stdin)

    assert run.code == exit_code, run.stderr
    # A gateway that verified the key is asked its default model too (SPEC §3), without a key,
    # and its model list is cached (SPEC §12).
    asked_defaults = ["/api/defaults", "/api/gateway/models"] if status is None else []
    assert gateway.paths_requested() == ["/api/profile", *asked_defaults]
    if extra_args:
        json.loads(run.stdout)
    assert_key_only_in_the_store(
        home, run.output, stored=source.profile or exit_code == ExitCode.OK
    )


def test_a_key_refused_for_inner_whitespace_is_not_echoed(kilo: Kilo, home: Path) -> None:
    head, tail = KEY[:40], KEY[40:]

    run = kilo("onboard", "--kilocode-api-key", f"{head} {tail}", "--json")

    assert run.code == ExitCode.USAGE
    assert head not in run.output
    assert tail not in run.output
    assert not home.exists()


def test_a_key_of_another_shape_is_warned_about_by_preview(kilo: Kilo, home: Path) -> None:
    odd_key = "sk-kilo-0123456789abcdefghijklmnop"

    run = kilo("onboard", "--kilocode-api-key", odd_key, "--no-verify")

    assert run.code == ExitCode.OK, run.stderr
    assert f"{odd_key[:4]}…{odd_key[-4:]}" in run.stderr
    assert odd_key not in run.output
    assert odd_key not in (home / "config.toml").read_text()
    assert odd_key in (home / "auth-profiles.toml").read_text()


# The key typed at the (injected) prompt -------------------------------------------------------


def invoke(
    home: Path, gateway: FakeGateway, answers: list[Answer], *args: str, debug: bool = False
) -> tuple[int, str]:
    env = {"KILOCLI_HOME": str(home), "KILOCODE_BASE_URL": gateway.base_url}
    if debug:
        env["KILOCLI_DEBUG"] = "1"
    prompter = ScriptedPrompter(answers)
    overrides = Overrides(env=env, prompter=prompter, interactive=True)
    result = CliRunner().invoke(app, ["onboard", *args], obj=overrides)
    assert prompter.finished
    return result.exit_code, result.stdout + result.stderr


PROMPTED = {
    "success": (["Kilo Gateway", "Kilo Gateway API key", KEY], ExitCode.OK, True),
    "rejected, cancelled": (
        ["Kilo Gateway", "Kilo Gateway API key", REJECTED_KEY, "Cancel (nothing is written)"],
        ExitCode.NOT_AUTHENTICATED,
        False,
    ),
    "rejected, saved anyway": (
        ["Kilo Gateway", "Kilo Gateway API key", REJECTED_KEY, "Save this key anyway"],
        ExitCode.OK,
        False,
    ),
    "rejected, replaced": (
        ["Kilo Gateway", "Kilo Gateway API key", REJECTED_KEY, "Enter another key", KEY],
        ExitCode.OK,
        True,
    ),
}


@pytest.mark.parametrize("debug", [False, True], ids=["plain", "json and debug"])
@pytest.mark.parametrize(("answers", "exit_code", "stored"), PROMPTED.values(), ids=PROMPTED.keys())
def test_a_prompted_key_never_reaches_the_screen_or_the_config(
    home: Path,
    gateway: FakeGateway,
    answers: list[Answer],
    exit_code: ExitCode,
    stored: bool,
    debug: bool,
) -> None:
    args = ("--json",) if debug else ()

    code, output = invoke(home, gateway, answers, *args, debug=debug)

    assert code == exit_code, output
    assert REJECTED_KEY not in output
    assert_key_only_in_the_store(home, output, stored=stored)


def test_an_unexpected_error_never_shows_the_key_even_in_a_debug_traceback(
    home: Path, gateway: FakeGateway
) -> None:
    def broken_client() -> httpx.Client:
        raise RuntimeError(f"client setup failed while holding {KEY}")

    env = {"KILOCLI_HOME": str(home), "KILOCLI_DEBUG": "1"}
    overrides = Overrides(
        env=env,
        prompter=ScriptedPrompter(["Kilo Gateway", "Kilo Gateway API key", KEY]),
        interactive=True,
    )
    overrides.http_client = broken_client

    result = CliRunner().invoke(app, ["onboard"], obj=overrides)

    assert result.exit_code == ExitCode.ERROR
    assert "Traceback" in result.stderr
    assert "client setup failed" in result.stderr
    assert f"{KEY[:4]}…{KEY[-4:]}" in result.stderr
    assert KEY not in result.stdout + result.stderr
    assert not home.exists()


WRONG_PLACE_KEY = "eyJhbGciOiJIUzI1NiJ9.eyJ3cm9uZy1wbGFjZSI6MX0.d3JvbmctYXJndW1lbnQtc2lnbmF0dXJl"


@pytest.mark.parametrize(
    "args",
    [
        ("auth", "token", WRONG_PLACE_KEY),  # our own error: unknown provider
        ("auth", "login", WRONG_PLACE_KEY),  # same, from auth login
        ("onboard", WRONG_PLACE_KEY),  # Click's usage error: unexpected extra argument
        ("models", "set", WRONG_PLACE_KEY),  # not a model ref
        ("onboard", "--token", "x", "--token-provider", WRONG_PLACE_KEY),  # unknown provider
    ],
    ids=["auth-token", "auth-login", "onboard-extra-arg", "models-set", "token-provider"],
)
def test_a_key_typed_into_the_wrong_argument_is_not_echoed(args: tuple[str, ...]) -> None:
    run = run_kilocli(*args)
    assert run.code == ExitCode.USAGE
    assert WRONG_PLACE_KEY not in run.output
    assert WRONG_PLACE_KEY[8:30] not in run.output
    assert "eyJh…dXJl" in run.stderr  # the preview says which argument was wrong
