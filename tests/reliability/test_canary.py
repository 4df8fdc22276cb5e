"""One canary key, every source, every command: it is only ever seen as its preview (SPEC §4).

The canary is put in turn in each place a key can come from (the onboarding flag, ``--token``,
stdin, both env vars, a stored profile, config's ``apiKey``), and every command and option that
touches a key is run against a gateway that accepts it, rejects it, has no credits, fails, or
is down; the failing gateways echo the Authorization header back in their error bodies, as a
careless server might. ``KILOCLI_DEBUG=1`` is always on, and unexpected exceptions carrying the
key are forced through an injected HTTP client.

Nothing may show the canary (or any six characters of it in a row, so that a partial or
over-long preview is caught too) on stdout, stderr, in ``config.toml``, the cache directory or
any other file, except ``auth token``'s stdout, ``auth-profiles.toml`` (and its ``.bak``), and
the config file for the one source where the user put the key there. The preview
(first 4 … last 4) is allowed everywhere.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from kilocli.cli.app import app
from kilocli.cli.context import Overrides
from kilocli.errors import ExitCode
from tests.conftest import run_kilocli
from tests.fakes import KILO_AUTO_IDS, FakeGateway
from tests.reliability.conftest import refused_base_url

CANARY = "eyJjYW5hcnkiOiJ0d2VldCJ9.C4n4rY-m1dDL3-0f-th3-k3y-x7Qz.c1Gn-zQk0"
PREVIEW = f"{CANARY[:4]}…{CANARY[-4:]}"  # SPEC §4: first 4 and last 4
WINDOW = 6  # any 6 characters of the canary in a row reach past the preview
STDIN_TEXT = f"export KILOCODE_API_KEY='{CANARY}'\n"


def leaks(text: str) -> list[str]:
    """How ``text`` shows the canary: whole, or in part (line breaks and spaces ignored)."""
    squeezed = "".join(text.split())
    if CANARY in squeezed:
        return ["the whole key"]
    parts = {CANARY[i : i + WINDOW] for i in range(len(CANARY) - WINDOW + 1)}
    return [f"part of the key: {part!r}" for part in sorted(parts) if part in squeezed]


def test_the_leak_detector_allows_the_preview_and_nothing_more() -> None:
    assert leaks(f"Key {PREVIEW} (env: KILOCODE_API_KEY)") == []
    assert leaks(f"token={CANARY}") == ["the whole key"]
    assert leaks(f"wrapped {CANARY[:30]}\n  {CANARY[30:]}") == ["the whole key"]
    assert leaks(f"{CANARY[:6]}…{CANARY[-4:]}") != []  # a preview two characters too long
    assert leaks(f"…{CANARY[20:27]}…") != []  # a piece of the middle


# Where the canary starts ---------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """One place the canary can come from, and how the key-taking commands are given it."""

    onboard_args: tuple[str, ...] = ()
    login_args: tuple[str, ...] = ()
    stdin: str | None = None
    env: dict[str, str] = field(default_factory=dict)
    profile: bool = False
    config: bool = False


SOURCES = {
    "flag": Source(onboard_args=("--kilocode-api-key", CANARY), login_args=("--key", CANARY)),
    "--token": Source(
        onboard_args=("--token", CANARY, "--token-provider", "kilocode"),
        login_args=("--key", CANARY),
    ),
    "stdin": Source(onboard_args=("--api-key-stdin",), login_args=("--stdin",), stdin=STDIN_TEXT),
    "env KILOCODE_API_KEY": Source(env={"KILOCODE_API_KEY": CANARY}),
    "env KILO_API_KEY": Source(env={"KILO_API_KEY": CANARY}),
    "existing profile": Source(profile=True),
    "config apiKey": Source(config=True),
}


def place_canary(home: Path, source: Source) -> None:
    home.mkdir(mode=0o700)
    if source.profile:
        store = home / "auth-profiles.toml"
        store.write_text(
            f'version = 1\n\n[profiles."kilocode:default"]\n'
            f'type = "api_key"\nprovider = "kilocode"\nkey = "{CANARY}"\n'
        )
        store.chmod(0o600)
    if source.config:
        config = home / "config.toml"
        config.write_text(f'[models.providers.kilocode]\napiKey = "{CANARY}"\n')
        config.chmod(0o600)


def allowed_files(source: Source) -> set[str]:
    """Files that may hold the canary: the credential store (and its backup), and the config
    when that is where the user put the key."""
    allowed = {"auth-profiles.toml", "auth-profiles.toml.bak"}
    if source.config:
        allowed |= {"config.toml", "config.toml.bak"}
    return allowed


# The gateway's moods -------------------------------------------------------------------------


def echo(shape: str) -> bytes:
    """An error body that repeats the Authorization header, in one of the gateway's shapes."""
    if shape == "object":
        error: Any = {"code": "ECHO", "message": f"Authorization: Bearer {CANARY} is not valid"}
        return json.dumps({"error": error, "message": CANARY}).encode()
    if shape == "credits":
        error = {
            "title": f"No credits for {CANARY}",
            "message": f"Bearer {CANARY}",
            "buyCreditsUrl": f"https://app.kilo.ai/credits?key={CANARY}",
        }
        return json.dumps({"error": error}).encode()
    return json.dumps({"error": f"Bearer {CANARY}", "message": f"key {CANARY} failed"}).encode()


def set_mood(gateway: FakeGateway, mood: str, down_url: str) -> str:
    """Make the gateway behave as ``mood`` says; returns the base URL to use."""
    gateway.reset()
    gateway.valid_keys.add(CANARY)
    faults = {
        "rejects": (401, echo("object")),
        "no credits": (402, echo("credits")),
        "fails": (500, echo("string")),
        "rate limits": (429, echo("string")),
    }
    if mood in faults:
        # Kilo Gateway's paths only: the echo stands for a header that carried the canary, and
        # only requests to Kilo Gateway carry it (OpenRouter's paths live on the same server).
        status, body = faults[mood]
        for path in ("/api/profile", "/api/gateway/"):
            gateway.fail(path, status=status, body=body, headers={"Retry-After": "0"})
    return down_url if mood == "down" else gateway.base_url


# "accepts" first: from then on the canary is in effect (stored by onboarding when it came
# from a flag, --token or stdin), so every echo below stands for a header kilocli really sent.
MOODS = ("accepts", "rejects", "no credits", "fails", "rate limits", "down")


# Running commands in-process -----------------------------------------------------------------


@dataclass
class Scenario:
    """One source's home, and everything found wrong while running commands in it."""

    home: Path
    source: Source
    gateway: FakeGateway
    down_url: str  # nothing answers there: the gateway is down
    base_url: str = ""
    mood: str = ""
    problems: list[str] = field(default_factory=list)
    sent: set[str | None] = field(default_factory=set)  # Authorization headers the gateway saw

    def set_mood(self, mood: str) -> None:
        self.sent |= {seen.headers.get("Authorization") for seen in self.gateway.requests}
        self.base_url, self.mood = set_mood(self.gateway, mood, self.down_url), mood

    def env(self) -> dict[str, str]:
        return {
            "KILOCLI_HOME": str(self.home),
            "KILOCODE_BASE_URL": self.base_url or self.gateway.base_url,
            "OPENROUTER_BASE_URL": self.gateway.openrouter_base_url,
            "KILOCLI_DEBUG": "1",
            **self.source.env,
        }

    def run(
        self,
        *args: str,
        stdin: str | None = None,
        http_client: Callable[[], httpx.Client] | None = None,
    ) -> tuple[int, str, str]:
        """Run one command in-process; note every leak and every crash past the handler."""
        overrides = Overrides(env=self.env(), interactive=False, http_client=http_client)
        result = CliRunner().invoke(app, list(args), obj=overrides, input=stdin)
        name = " ".join(args).replace(CANARY, "<canary>") + (f" ({self.mood})" if self.mood else "")
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            self.problems.append(f"{name}: crashed with {type(result.exception).__name__}")
        if result.exit_code not in set(ExitCode):
            self.problems.append(f"{name}: exit code {result.exit_code} is not an ExitCode")
        streams = {"stderr": result.stderr}
        if args[:2] != ("auth", "token"):
            streams["stdout"] = result.stdout
        for stream, text in streams.items():
            self.problems += [f"{name}: {stream} shows {leak}" for leak in leaks(text)]
        self.check_files(name)
        return result.exit_code, result.stdout, result.stderr

    def check_files(self, name: str) -> None:
        allowed = allowed_files(self.source)
        for path in sorted(self.home.rglob("*")):
            if path.is_file() and path.relative_to(self.home).as_posix() not in allowed:
                text = path.read_bytes().decode("utf-8", errors="replace")
                self.problems += [f"{name}: {path.name} holds {leak}" for leak in leaks(text)]


@pytest.fixture
def scenario(home: Path, gateway: FakeGateway) -> Iterator[Callable[[Source], Scenario]]:
    with contextlib.ExitStack() as stack:

        def start(source: Source) -> Scenario:
            place_canary(home, source)
            return Scenario(home, source, gateway, refused_base_url(stack))

        yield start
    gateway.reset()


def key_commands(source: Source) -> list[tuple[tuple[str, ...], str | None]]:
    """Every command and option combination that sends the key to the gateway."""
    onboard = ("onboard", "--non-interactive", *source.onboard_args)
    login = ("auth", "login", "kilocode", *source.login_args)
    return [
        (onboard, source.stdin),
        ((*onboard, "--json"), source.stdin),
        ((*onboard, "--set-default"), source.stdin),
        (("auth", "status", "--check"), None),
        (("auth", "status", "kilocode", "--check", "--json"), None),
        (login, source.stdin),
        ((*login, "--json"), source.stdin),
        ((*login, "--profile-id", "kilocode:canary"), source.stdin),
        (("models", "kilocode", "--refresh"), None),
        (("models", "kilocode", "--refresh", "--json"), None),
        (("models", "kilocode", "--refresh", "--plain"), None),
        (("models", "list", "--all", "--refresh", "--json"), None),
        (("models", "info", "kilocode/kilo-auto/balanced", "--refresh", "--json"), None),
        (("doctor",), None),
        (("doctor", "--json"), None),
    ]


LOCAL_COMMANDS: tuple[tuple[str, ...], ...] = (
    ("auth", "list"),
    ("auth", "list", "--json"),
    ("auth", "status"),
    ("auth", "status", "--json"),
    ("auth", "status", "kilocode"),
    ("models", "kilocode"),
    ("models", "kilocode", "--json"),
    ("models", "kilocode", "--offline", "--plain"),
    ("models", "status"),
    ("models", "status", "--json"),
    ("models", "info", "kilocode/kilo-auto/balanced"),
    ("models", "info", "kilocode/kilo-auto/balanced", "--json"),
    ("models", "set", "kilocode/kilo-auto/balanced"),
    ("models", "set", "kilocode/kilo-auto/balanced", "--json"),
    ("config", "show"),
    ("config", "show", "--json"),
    ("config", "path"),
    ("config", "path", "--json"),
    ("doctor", "--offline"),
    ("doctor", "--offline", "--json"),
    ("doctor", "--fix", "--offline"),
)
LOGOUTS: tuple[tuple[str, ...], ...] = (
    ("auth", "logout", "kilocode:canary", "--yes", "--json"),
    ("auth", "logout", "kilocode:default", "--yes"),
    ("auth", "logout", "--provider", "kilocode", "--yes"),
    ("auth", "logout", "--provider", "kilocode", "--yes", "--json"),
    ("auth", "logout", "kilocode:default"),
    ("auth", "status", "--json"),
)


@pytest.mark.parametrize("source", SOURCES.values(), ids=SOURCES.keys())
def test_the_canary_is_only_ever_seen_as_its_preview(
    scenario: Callable[[Source], Scenario], source: Source
) -> None:
    s = scenario(source)
    seen: list[str] = []
    for mood in MOODS:
        s.set_mood(mood)
        for args, stdin in key_commands(source):
            _, out, err = s.run(*args, stdin=stdin)
            seen.append(out + err)
    s.set_mood("accepts")
    s.mood = ""
    for args in LOCAL_COMMANDS:
        _, out, err = s.run(*args)
        seen.append(out + err)
    code, token, _ = s.run("auth", "token", "kilocode")
    backup = s.home / "auth-profiles.toml.bak"  # holds keys too, so it is private too
    if backup.exists():  # (once a store has been rewritten)
        assert backup.stat().st_mode & 0o777 == 0o600
    for args in LOGOUTS:
        s.run(*args)
    # SPEC §2: once logout says the key is gone from this machine, no file of kilocli's holds it
    # (the .bak included).
    assert not any(
        CANARY in path.read_text(errors="replace")
        for path in s.home.rglob("*")
        if path.is_file() and path.name.startswith("auth-profiles")
    )
    s.set_mood("accepts")

    assert s.problems == [], "\n".join(s.problems)
    # The key really was in play: it went to the gateway (so the echoes stand for what a careless
    # gateway would send back), the one exception printed it, and previews were shown.
    assert f"Bearer {CANARY}" in s.sent
    assert (code, token) == (ExitCode.OK, CANARY + "\n")
    assert any(PREVIEW in text for text in seen)


# Unexpected errors, with KILOCLI_DEBUG=1 tracebacks --------------------------------------------


def failing_factory() -> httpx.Client:
    raise RuntimeError(f"could not build a client for Bearer {CANARY}")


def failing_transport() -> httpx.Client:
    """A client whose every request blows up with the Authorization header in the message."""

    def explode(request: httpx.Request) -> httpx.Response:
        raise RuntimeError(f"transport broke sending {request.headers['Authorization']}")

    return httpx.Client(transport=httpx.MockTransport(explode))


NETWORK_COMMANDS = {
    "onboard": ("onboard", "--non-interactive"),
    "onboard --json": ("onboard", "--non-interactive", "--json"),
    "auth login": ("auth", "login", "kilocode", "--key", CANARY),
    "auth status --check": ("auth", "status", "--check"),
    "auth status --check --json": ("auth", "status", "--check", "--json"),
    "models --refresh": ("models", "kilocode", "--refresh"),
    "models --refresh --json": ("models", "kilocode", "--refresh", "--json"),
    "doctor": ("doctor",),
    "doctor --json": ("doctor", "--json"),
}


@pytest.mark.parametrize("factory", [failing_factory, failing_transport])
@pytest.mark.parametrize("args", NETWORK_COMMANDS.values(), ids=NETWORK_COMMANDS.keys())
def test_an_unexpected_error_shows_a_debug_traceback_without_the_canary(
    scenario: Callable[[Source], Scenario],
    args: tuple[str, ...],
    factory: Callable[[], httpx.Client],
) -> None:
    s = scenario(SOURCES["env KILOCODE_API_KEY"])

    code, out, err = s.run(*args, http_client=factory)

    assert s.problems == [], "\n".join(s.problems)
    assert code == ExitCode.ERROR
    assert "Traceback (most recent call last)" in err
    assert "RuntimeError" in err
    assert PREVIEW in err  # the message survived, with the key reduced to its preview
    if "--json" in args:
        assert json.loads(out)["ok"] is False


# A gateway that echoes the key in its good answers ---------------------------------------------


def test_a_gateway_echoing_the_key_in_good_answers_is_not_repeated(
    scenario: Callable[[Source], Scenario],
) -> None:
    s = scenario(SOURCES["env KILOCODE_API_KEY"])
    s.gateway.valid_keys.add(CANARY)
    s.gateway.profile = {
        "user": {"email": f"{CANARY}@example.com", "name": CANARY},
        "organizations": [{"name": f"Org of {CANARY}"}],
    }
    s.gateway.models_body = json.dumps(
        {"data": [{"id": f"echo/{CANARY}", "name": f"Echo {CANARY}", "description": CANARY}]}
    ).encode()

    for args in (
        ("auth", "status", "--check"),
        ("auth", "status", "--check", "--json"),
        ("models", "kilocode", "--refresh"),
        ("models", "kilocode", "--json"),
        ("models", "kilocode", "--plain"),
        ("models", "info", f"kilocode/echo/{PREVIEW}", "--json"),
        ("models", "status"),
        ("doctor",),
        ("doctor", "--json"),
        ("onboard", "--non-interactive", "--json"),
    ):
        s.run(*args)

    assert s.problems == [], "\n".join(s.problems)
    # The model is kept, with the key reduced to its preview.
    _, out, _ = s.run("models", "kilocode", "--offline", "--json")
    assert [m["id"] for m in json.loads(out)["models"]] == [*KILO_AUTO_IDS, f"echo/{PREVIEW}"]


# As real processes -----------------------------------------------------------------------------


def test_real_processes_never_show_the_canary(home: Path, gateway: FakeGateway) -> None:
    """A few commands as separate processes: nothing but kilocli's own output gets through
    (no interpreter warnings or logging with a header in them)."""
    place_canary(home, SOURCES["existing profile"])
    gateway.valid_keys.add(CANARY)
    env = {"KILOCODE_BASE_URL": gateway.base_url, "KILOCLI_DEBUG": "1"}
    problems = []
    for mood in ("rejects", "fails", "accepts"):
        env["KILOCODE_BASE_URL"] = set_mood(gateway, mood, down_url="")
        for args in (
            ("onboard", "--non-interactive", "--json"),
            ("auth", "status", "--check"),
            ("models", "kilocode", "--refresh"),
            ("doctor", "--json"),
        ):
            run = run_kilocli(*args, env=env)
            problems += [f"{args} ({mood}): {leak}" for leak in leaks(run.output)]
    token = run_kilocli("auth", "token", "kilocode", env=env)

    assert problems == []
    assert token.stdout == CANARY + "\n"
    assert leaks(token.stderr) == []
