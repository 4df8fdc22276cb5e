"""Sign in with Kilo: the device flow of SPEC §13, through ``onboard --auth-choice
kilocode-device``, ``auth login kilocode --device`` and the service itself.

No test here waits in earnest: every run of the CLI (the ``kilo`` fixture) is given a virtual
clock and sleep (the ``virtual_time`` fixture) and a recording browser through its
``Overrides``, so a poll every 3 s, a code that runs out after 10 s or a retry after a 429 take
no time, and the pauses can be asserted. (The pty tests are driven by what the screen shows.)
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from kilocli.cli.context import Overrides
from kilocli.gateway.device import Approved
from kilocli.paths import resolve_paths
from kilocli.providers.registry import get_provider
from kilocli.services.account import sign_in_with_device
from kilocli.services.onboard import OnboardRequest, run_onboarding
from kilocli.services.runtime import Runtime
from tests.conftest import Run, run_kilocli
from tests.fakes import VALID_KEY, FakeGateway, RecordingFeedback, Seen
from tests.helpers import document, preview_of, read_toml

KILO = get_provider("kilocode")
DEVICE_EMAIL = "dev@example.com"  # the approval's userEmail (the profile says person@…)
PROFILE_EMAIL = "person@example.com"
USER_CODE = "ABCD-EF23"
HTTPS_URL = f"https://app.kilo.ai/device-auth?code={USER_CODE}"
ONBOARD_DEVICE = ("onboard", "--auth-choice", "kilocode-device", "--no-browser", "--json")
LOGIN_DEVICE = ("auth", "login", "kilocode", "--device", "--no-browser")
START = ("POST", "/api/device-auth/codes")
NEW_POLL = ("POST", "/api/device-auth/token")
OLD_POLL = ("GET", f"/api/device-auth/codes/{USER_CODE}")
PROFILE = ("GET", "/api/profile")
DEFAULTS = ("GET", "/api/defaults")
CATALOG = ("GET", "/api/gateway/models")  # cached once the token is verified (SPEC §12)
OAUTH_PROFILE = {"type": "oauth", "provider": "kilocode", "key": VALID_KEY, "email": DEVICE_EMAIL}

no_display_everywhere = pytest.mark.skipif(
    sys.platform in {"darwin", "win32"}, reason="a display is always there on macOS and Windows"
)


# Helpers


def kilo_env(gateway: FakeGateway) -> dict[str, str]:
    return {"KILOCODE_BASE_URL": gateway.base_url}


def sign_in(kilo: Kilo, gateway: FakeGateway, *args: str, **env: str) -> Run:
    """``kilocli onboard --auth-choice kilocode-device --no-browser --json ARGS``."""
    return kilo(*ONBOARD_DEVICE, *args, env={**kilo_env(gateway), **env})


def calls(gateway: FakeGateway) -> list[tuple[str, str]]:
    """(method, path) of every request the gateway received, in order."""
    return [(seen.method, seen.path) for seen in gateway.requests]


def device_requests(gateway: FakeGateway) -> list[Seen]:
    return [seen for seen in gateway.requests if seen.path.startswith("/api/device-auth/")]


def nothing_written(home: Path) -> bool:
    return not (home / "auth-profiles.toml").exists() and not (home / "config.toml").exists()


@dataclass
class VirtualTime:
    """A clock that only moves when slept on; ``interrupt_on`` makes that call of ``sleep``
    (1-based) raise KeyboardInterrupt, as Ctrl-C during the wait would."""

    now: float = field(default_factory=time.time)
    sleeps: list[float] = field(default_factory=list)
    interrupt_on: int | None = None

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        if len(self.sleeps) == self.interrupt_on:
            raise KeyboardInterrupt
        self.now += seconds


class Browser:
    """Records the URLs kilocli opens instead of opening them."""

    def __init__(self) -> None:
        self.opened: list[str] = []

    def open(self, url: str) -> bool:
        self.opened.append(url)
        return True


@dataclass(frozen=True)
class CliWorld:
    time: VirtualTime
    browser: Browser


@pytest.fixture
def cli_world() -> CliWorld:
    return CliWorld(VirtualTime(), Browser())


Kilo = Callable[..., Run]


@pytest.fixture
def kilo(cli_world: CliWorld) -> Kilo:
    """Run kilocli in-process in this test's world: it sleeps and tells time on the virtual
    clock and opens URLs in the recording browser (never a real one), through the
    ``Overrides`` every run may be given."""
    overrides = Overrides(
        clock=cli_world.time.clock, sleep=cli_world.time.sleep, open_url=cli_world.browser.open
    )

    def run(*args: str, env: Mapping[str, str] | None = None) -> Run:
        return run_kilocli(*args, env=env, overrides=overrides)

    return run


@pytest.fixture
def virtual_time(cli_world: CliWorld) -> VirtualTime:
    return cli_world.time


@dataclass
class DeviceWorld:
    """A runtime for calling the services directly: virtual time, a recorded browser."""

    runtime: Runtime
    feedback: RecordingFeedback
    time: VirtualTime
    browser: Browser

    @property
    def opened(self) -> list[str]:
        return self.browser.opened


def device_world(home: Path, gateway: FakeGateway, **env: str) -> DeviceWorld:
    """A runtime on the fake gateway; ``env`` adds variables (``DISPLAY``) to its environment."""
    full_env = {"KILOCLI_HOME": str(home), "KILOCODE_BASE_URL": gateway.base_url, **env}
    full_env.setdefault("KILOCLI_STORE", "file")
    feedback, clock, browser = RecordingFeedback(), VirtualTime(), Browser()
    runtime = Runtime(
        env=full_env,
        paths=resolve_paths(full_env),
        feedback=feedback,
        sleep=clock.sleep,
        clock=clock.clock,
        open_url=browser.open,
    )
    return DeviceWorld(runtime, feedback, clock, browser)


def service_sign_in(world: DeviceWorld, gateway: FakeGateway, **options: Any) -> Approved:
    return sign_in_with_device(world.runtime, KILO, gateway.base_url, **options)


# Onboarding without a terminal


@pytest.mark.parametrize(
    ("style", "poll"), [("new", NEW_POLL), ("old", OLD_POLL)], ids=["token-poll", "legacy-poll"]
)
def test_device_onboarding_polls_until_approved(kilo, gateway, virtual_time, style, poll) -> None:
    gateway.device_style = style
    gateway.device_pending_polls = 3

    run = sign_in(kilo, gateway)

    assert run.code == 0, run.stderr
    assert calls(gateway) == [START, poll, poll, poll, poll, PROFILE, DEFAULTS, CATALOG]
    assert virtual_time.sleeps == [3.0] * 4  # Kilo's pace: a poll every 3 s


def test_kilocli_poll_interval_sets_the_pace(kilo, gateway, virtual_time) -> None:
    run = sign_in(kilo, gateway, KILOCLI_POLL_INTERVAL="0.05")

    assert run.code == 0, run.stderr
    assert virtual_time.sleeps == [0.05] * 3


def test_device_onboarding_shows_the_url_and_code_on_stderr(kilo, gateway) -> None:
    run = sign_in(kilo, gateway)

    assert run.code == 0, run.stderr
    assert f"open {HTTPS_URL} and confirm the code {USER_CODE}" in run.stderr
    assert USER_CODE not in run.stdout  # stdout holds the JSON result only


@pytest.mark.parametrize("style", ["new", "old"])
def test_device_onboarding_reports_the_device_sign_in(kilo, gateway, style) -> None:
    gateway.device_style = style

    run = sign_in(kilo, gateway)

    result = document(run)
    assert result["ok"] is True
    assert result["authChoice"] == "kilocode-device"
    assert result["keySource"] == "device sign-in"
    assert result["keyPreview"] == preview_of(VALID_KEY)
    assert result["verified"] is True
    assert result["organization"] is None


@pytest.mark.parametrize("style", ["new", "old"])
def test_device_onboarding_stores_an_oauth_profile(kilo, home, gateway, style) -> None:
    gateway.device_style = style

    run = sign_in(kilo, gateway)

    assert run.code == 0, run.stderr
    assert read_toml(home / "auth-profiles.toml")["profiles"] == {"kilocode:default": OAUTH_PROFILE}
    config = read_toml(home / "config.toml")
    assert config["auth"]["profiles"]["kilocode:default"] == {
        "provider": "kilocode",
        "mode": "oauth",
    }
    assert config["agents"]["defaults"]["model"]["primary"] == "kilocode/kilo-auto/balanced"


def test_the_token_poll_sends_the_device_code(kilo, gateway) -> None:
    gateway.device_style = "new"

    sign_in(kilo, gateway)

    polls = [seen for seen in device_requests(gateway) if seen.path == NEW_POLL[1]]
    assert [seen.json() for seen in polls] == [{"deviceCode": gateway.device_code}] * 3


def test_the_sign_in_requests_carry_no_key_and_the_token_is_then_verified(kilo, gateway) -> None:
    sign_in(kilo, gateway)

    assert [seen.header("Authorization") for seen in device_requests(gateway)] == [None] * 4
    verify, defaults, catalog = gateway.requests[-3:]
    assert [(s.method, s.path) for s in (verify, defaults, catalog)] == [PROFILE, DEFAULTS, CATALOG]
    assert defaults.header("Authorization") is None  # /api/defaults needs no key
    assert verify.header("Authorization") == f"Bearer {VALID_KEY}"
    assert catalog.header("Authorization") == f"Bearer {VALID_KEY}"


@pytest.mark.parametrize("style", ["new", "old"])
def test_the_token_never_reaches_the_screen(kilo, gateway, style) -> None:
    gateway.device_style = style

    run = sign_in(kilo, gateway)

    assert run.code == 0, run.stderr
    assert VALID_KEY not in run.stdout
    assert VALID_KEY not in run.stderr


def test_a_text_onboarding_says_verified_and_where_the_profile_is(kilo, home, gateway) -> None:
    run = kilo("onboard", "--auth-choice", "kilocode-device", "--no-browser", env=kilo_env(gateway))

    assert run.code == 0, run.stderr
    assert f"Verified: {PROFILE_EMAIL}" in run.stderr
    assert "kilocode:default" in run.stdout
    assert VALID_KEY not in run.output


# How a sign-in ends without approval


@dataclass(frozen=True)
class Ending:
    """A sign-in that is not approved: the fake's settings, the exit code and the words."""

    settings: dict[str, Any]
    code: int
    says: str
    next_command: str


ENDINGS = {
    "denied": Ending(
        {"device_outcome": "denied"}, 3, "denied", "kilocli auth login kilocode --device"
    ),
    "expired-410": Ending(
        {"device_outcome": "expired"}, 3, "expired", "kilocli auth login kilocode --device"
    ),
    "start-5xx": Ending({"device_start_status": 503}, 4, "HTTP 503", "kilocli auth login kilocode"),
}


@pytest.mark.parametrize("ending", ENDINGS.values(), ids=ENDINGS.keys())
def test_a_sign_in_that_is_not_approved_writes_nothing(kilo, home, gateway, ending) -> None:
    for name, value in ending.settings.items():
        setattr(gateway, name, value)

    run = sign_in(kilo, gateway)

    assert run.code == ending.code, run.stderr
    error = document(run)
    assert error["ok"] is False
    assert error["exitCode"] == ending.code
    assert ending.says in error["error"]
    assert ending.next_command in error["hint"]
    assert error["hint"] in run.stderr
    assert nothing_written(home)


def test_a_code_that_runs_out_of_time_expires(kilo, home, gateway, virtual_time) -> None:
    gateway.device_expires_in = 10
    gateway.device_pending_polls = 10**6  # pending for ever

    run = sign_in(kilo, gateway)

    assert run.code == 3, run.stderr
    assert "expired" in document(run)["error"]
    assert "kilocli auth login kilocode --device" in document(run)["hint"]
    assert virtual_time.sleeps == [3.0, 3.0, 3.0, 1.0]  # every 3 s, the last one up to the end
    assert gateway.device_polls == 4
    assert nothing_written(home)


def test_too_many_pending_sign_ins_is_an_error(kilo, home, gateway, virtual_time) -> None:
    gateway.device_start_status = 429

    run = sign_in(kilo, gateway)

    assert run.code == 1, run.stderr
    assert "too many are pending" in document(run)["error"]
    assert gateway.device_polls == 0
    assert nothing_written(home)


def test_too_many_pending_sign_ins_names_the_command_to_run_again(
    kilo, gateway, virtual_time
) -> None:
    gateway.device_start_status = 429

    run = sign_in(kilo, gateway)

    assert "kilocli auth login kilocode --device" in document(run)["hint"]


def test_a_poll_lost_once_is_retried(kilo, home, gateway) -> None:
    gateway.fail("/api/device-auth/token", status=500, times=1)

    run = sign_in(kilo, gateway)

    assert run.code == 0, run.stderr
    assert read_toml(home / "auth-profiles.toml")["profiles"]["kilocode:default"]["key"] == (
        VALID_KEY
    )


def test_polls_that_keep_failing_end_as_unreachable(kilo, home, gateway) -> None:
    gateway.fail("/api/device-auth/token", status=500)

    run = sign_in(kilo, gateway)

    assert run.code == 4, run.stderr
    assert calls(gateway) == [START, NEW_POLL, NEW_POLL, NEW_POLL]
    assert nothing_written(home)


def test_a_rejected_token_writes_nothing(kilo, home, gateway) -> None:
    gateway.valid_keys = set()  # the gateway hands out a token it then refuses

    run = sign_in(kilo, gateway)

    assert run.code == 3, run.stderr
    assert "rejected" in document(run)["error"]
    assert nothing_written(home)


# Ctrl-C while waiting


def test_ctrl_c_while_polling_ends_the_cli_with_130(kilo, home, gateway, virtual_time) -> None:
    virtual_time.interrupt_on = 2
    gateway.device_pending_polls = 10**6

    run = sign_in(kilo, gateway)

    assert run.code == 130, run.stderr
    assert "Interrupted; nothing was written." in run.stderr
    assert gateway.device_polls == 1
    assert nothing_written(home)


def test_ctrl_c_while_polling_writes_nothing(home, gateway) -> None:
    world = device_world(home, gateway)
    world.time.interrupt_on = 2
    gateway.device_pending_polls = 10**6

    with pytest.raises(KeyboardInterrupt):
        run_onboarding(
            world.runtime, OnboardRequest(auth_choice="kilocode-device", open_browser=False)
        )

    assert gateway.device_polls == 1
    assert nothing_written(home)


# The browser


def test_the_service_polls_every_three_seconds(home, gateway) -> None:
    world = device_world(home, gateway)

    approved = service_sign_in(world, gateway)

    assert approved == Approved(VALID_KEY, DEVICE_EMAIL)
    assert world.time.sleeps == [3.0, 3.0, 3.0]


def test_the_browser_opens_once_on_a_display(home, gateway) -> None:
    world = device_world(home, gateway, DISPLAY=":0")

    service_sign_in(world, gateway)

    assert world.opened == [HTTPS_URL]
    assert "Opened it in your browser." in world.feedback.notes


def test_no_browser_opens_with_no_browser(home, gateway) -> None:
    world = device_world(home, gateway, DISPLAY=":0")

    service_sign_in(world, gateway, open_browser=False)

    assert world.opened == []
    assert any(HTTPS_URL in note for note in world.feedback.notes)


def test_onboarding_with_no_browser_opens_none(home, gateway) -> None:
    world = device_world(home, gateway, DISPLAY=":0")

    run_onboarding(world.runtime, OnboardRequest(auth_choice="kilocode-device", open_browser=False))

    assert world.opened == []
    assert (home / "auth-profiles.toml").exists()


@pytest.mark.parametrize(
    ("flags", "opened"), [((), [HTTPS_URL]), (("--no-browser",), [])], ids=["default", "flag"]
)
def test_the_cli_opens_the_browser_unless_no_browser(
    kilo, gateway, cli_world, flags, opened
) -> None:
    args = ("onboard", "--auth-choice", "kilocode-device", *flags)

    run = kilo(*args, env={**kilo_env(gateway), "DISPLAY": ":0"})

    assert run.code == 0, run.stderr
    assert cli_world.browser.opened == opened


@pytest.mark.parametrize(
    ("flags", "opened"), [((), [HTTPS_URL]), (("--no-browser",), [])], ids=["default", "flag"]
)
def test_auth_login_device_opens_the_browser_unless_no_browser(
    kilo, gateway, cli_world, flags, opened
) -> None:
    args = ("auth", "login", "kilocode", "--device", *flags)

    run = kilo(*args, env={**kilo_env(gateway), "DISPLAY": ":0"})

    assert run.code == 0, run.stderr
    assert cli_world.browser.opened == opened


@no_display_everywhere
def test_no_browser_opens_without_a_display(home, gateway) -> None:
    world = device_world(home, gateway)

    service_sign_in(world, gateway)

    assert world.opened == []
    assert world.feedback.warnings == []


@pytest.mark.parametrize(
    "url",
    ["http://example.com/device-auth?code=ABCD-EF23", "javascript:alert(document.cookie)"],
    ids=["http-not-loopback", "javascript"],
)
def test_an_unsafe_verification_url_is_shown_never_opened(home, gateway, url) -> None:
    gateway.device_verification_url = url
    world = device_world(home, gateway, DISPLAY=":0")

    service_sign_in(world, gateway)

    assert world.opened == []
    assert any(url in note for note in world.feedback.notes)
    assert len(world.feedback.warnings) == 1
    assert "did not open it" in world.feedback.warnings[0]


def test_a_loopback_http_verification_url_is_opened(home, gateway) -> None:
    url = f"http://127.0.0.1:{gateway.origin.rsplit(':', 1)[1]}/device-auth?code={USER_CODE}"
    gateway.device_verification_url = url
    world = device_world(home, gateway, DISPLAY=":0")

    service_sign_in(world, gateway)

    assert world.opened == [url]
    assert world.feedback.warnings == []


# auth login --device, and flags that do not go together


def test_auth_login_device_stores_an_oauth_profile(kilo, home, gateway) -> None:
    run = kilo(*LOGIN_DEVICE, env=kilo_env(gateway))

    assert run.code == 0, run.stderr
    assert read_toml(home / "auth-profiles.toml")["profiles"] == {"kilocode:default": OAUTH_PROFILE}
    config = read_toml(home / "config.toml")
    assert config["auth"]["profiles"]["kilocode:default"]["mode"] == "oauth"
    assert f"Stored kilocode:default ({preview_of(VALID_KEY)})" in run.stdout
    assert f"confirm the code {USER_CODE}" in run.stderr
    assert VALID_KEY not in run.output


def test_auth_login_device_is_for_kilo_only(kilo, home, gateway) -> None:
    run = kilo("auth", "login", "openrouter", "--device", env=kilo_env(gateway))

    assert run.code == 2, run.stderr
    assert "--device is Kilo's sign-in" in run.stderr
    assert gateway.requests == []
    assert nothing_written(home)


def test_auth_login_device_takes_no_key(kilo, home, gateway) -> None:
    run = kilo(*LOGIN_DEVICE, "--key", VALID_KEY, env=kilo_env(gateway))

    assert run.code == 2, run.stderr
    assert "takes no --key" in run.stderr
    assert VALID_KEY not in run.output
    assert gateway.requests == []
    assert nothing_written(home)


def test_the_device_auth_choice_takes_no_key(kilo, home, gateway) -> None:
    run = sign_in(kilo, gateway, "--kilocode-api-key", VALID_KEY)

    assert run.code == 2, run.stderr
    assert "signs in with a browser, but a key was given" in document(run)["error"]
    assert VALID_KEY not in run.output
    assert gateway.requests == []
    assert nothing_written(home)


def test_a_sign_in_over_another_stored_key_asks_first_on_a_terminal(kilo, home, gateway) -> None:
    """The sign-in goes into kilocode:default; another key there is not replaced unasked."""
    from kilocli.errors import KilocliError
    from kilocli.paths import resolve_paths
    from kilocli.services.onboard import OnboardRequest, run_onboarding
    from kilocli.services.runtime import Runtime
    from tests.fakes import OTHER_VALID_KEY, RecordingFeedback, ScriptedPrompter

    stored = kilo("auth", "login", "kilocode", "--key", OTHER_VALID_KEY, "--no-verify")
    assert stored.code == 0, stored.stderr
    before = (home / "auth-profiles.toml").read_bytes()
    env = {"KILOCLI_HOME": str(home), "KILOCODE_BASE_URL": gateway.base_url}
    env["KILOCLI_STORE"] = "file"
    prompter = ScriptedPrompter([False])
    rt = Runtime(
        env=env,
        paths=resolve_paths(env),
        feedback=RecordingFeedback(),
        prompter=prompter,
        sleep=lambda seconds: None,
        open_url=lambda url: False,
    )
    with pytest.raises(KilocliError, match="Kept the key of kilocode:default"):
        run_onboarding(rt, OnboardRequest(auth_choice="kilocode-device"))
    assert prompter.asked[0].message.startswith("kilocode:default already holds another key")
    assert (home / "auth-profiles.toml").read_bytes() == before


def test_a_sign_in_over_another_stored_key_says_so_without_a_terminal(kilo, home, gateway) -> None:
    from tests.fakes import OTHER_VALID_KEY

    kilo("auth", "login", "kilocode", "--key", OTHER_VALID_KEY, "--no-verify")
    env = {"KILOCODE_BASE_URL": gateway.base_url, "KILOCLI_POLL_INTERVAL": "0.05"}
    run = kilo("onboard", "--auth-choice", "kilocode-device", "--no-browser", env=env)
    assert run.code == 0, run.stderr
    assert "Replaced the key of kilocode:default" in run.stderr
