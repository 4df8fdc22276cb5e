"""Bad networks: kilocli gives up in time, says why, and loses and leaks nothing (SPEC §6, §9).

Every misbehaving server of ``conftest.py`` (and a port nothing listens on) is put behind key
verification and model discovery, in-process with the real HTTP client and as whole ``kilocli``
commands: ``onboard`` (warns and goes on), ``auth status --check`` (exit 4) and ``models
kilocode --refresh`` with and without a cache (exit 0, a warning naming the reason, the cache
untouched).
SPEC §6 gives every request 5 s; the timeout is injected here (``KILOCLI_HTTP_TIMEOUT``, or the
client's ``timeout``) as 1 s, and each case must be over within four times that.

The slow cases wait out the whole timeout, so everything runs at once, once per module, in
:func:`results`; the tests then look at one case each. Slow commands are started one after
another (each as soon as the previous one's request has arrived), so that their wall time is
not inflated by start-up on a busy CPU.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kilocli.errors import ExitCode
from kilocli.gateway.discover import DiscoveryFailed, discover_models
from kilocli.gateway.http import GatewayClient, make_client
from kilocli.gateway.verify import Verification, verify_key
from kilocli.providers.registry import get_provider
from tests.conftest import ISOLATED_PREFIXES, Run, run_kilocli
from tests.fakes import KILO_AUTO_IDS, VALID_KEY, FakeGateway
from tests.helpers import document
from tests.reliability.conftest import FAST, SLOW, BadNetwork, open_bad_network

TIMEOUT = 1.0  # SPEC §6 says 5 s; injected shorter, so that no test waits out 5 s
# The bad networks never end on their own (a trickle, a stall every 4 s, silence), so any bound
# proves the timeout holds; a generous one keeps the test steady on a machine under heavy load.
ALLOWED = 15 * TIMEOUT
KEY = VALID_KEY
KILO = get_provider("kilocode")
CACHE_AGE = 2 * 3600 + 60  # shown as "2 h"

IN_PROCESS = ("verify", "discover")
COMMANDS: dict[str, tuple[str, ...]] = {
    "onboard": ("onboard", "--non-interactive", "--kilocode-api-key", KEY, "--json"),
    "auth status --check": ("auth", "status", "kilocode", "--check", "--json"),
    "models --refresh, cached": ("models", "kilocode", "--refresh", "--json"),
    "models --refresh, no cache": ("models", "kilocode", "--refresh", "--json"),
}
# Whole commands against slow servers: a few, each waits the whole timeout.
SLOW_COMMANDS = (
    ("silent", "onboard"),
    ("trickling head", "auth status --check"),
    ("trickling body", "models --refresh, cached"),
    ("silent", "models --refresh, no cache"),
)
CASES = (
    [(network, operation) for network in (*SLOW, *FAST) for operation in IN_PROCESS]
    + [(network, command) for network in FAST for command in COMMANDS]
    + list(SLOW_COMMANDS)
)


TIMED_OUT = f"Kilo Gateway did not answer within {TIMEOUT:g} s"
TOO_LARGE = "Kilo Gateway sent an unexpected answer: the answer is larger than 32 MiB"
VERIFICATION_DETAILS = {
    "silent": TIMED_OUT,
    "trickling body": TIMED_OUT,
    "stalling body": TIMED_OUT,
    "trickling head": TIMED_OUT,
    "huge, declared": TOO_LARGE,
    "huge, undeclared": TOO_LARGE,
    "not UTF-8": "Kilo Gateway sent an answer that is not JSON",
    "redirect": "Kilo Gateway answered with an error (HTTP 302)",
}


def verification_detail(network: BadNetwork) -> str:
    """What verification should say about a bad network, as a regular expression (the
    operating system words a refused connection)."""
    if network.name == "refused":
        verify_url = network.base_url.removesuffix("/api/gateway/") + "/api/profile"
        return re.escape(f"could not reach {verify_url} (ConnectError: ") + r"[^)]*refused\)"
    return re.escape(VERIFICATION_DETAILS[network.name])


DISCOVERY_REASONS = {
    "refused": "could not connect (ConnectError)",
    "silent": f"no answer within {TIMEOUT:g} s",
    "trickling body": f"no answer within {TIMEOUT:g} s",
    "stalling body": f"no answer within {TIMEOUT:g} s",
    "trickling head": f"no answer within {TIMEOUT:g} s",
    "huge, declared": "the answer is larger than 32 MiB",
    "huge, undeclared": "the answer is larger than 32 MiB",
    "not UTF-8": "Kilo Gateway sent an answer that is not JSON",
    "redirect": "Kilo Gateway answered with an error (HTTP 302)",
}


@dataclass
class Outcome:
    """One case, finished: how long it took and what came of it."""

    network: BadNetwork
    elapsed: float
    value: Any  # Verification, DiscoveryFailed (or a catalog, which would be a bug), or Run
    home: Path | None = None
    cache_before: tuple[bytes, int] | None = None


# Running every case at once ------------------------------------------------------------------


@pytest.fixture(scope="module")
def isolated_env() -> Iterator[None]:
    """The autouse isolation of tests/conftest.py, for this module's shared fixture."""
    with pytest.MonkeyPatch.context() as patch:
        for name in list(os.environ):
            if name.startswith(ISOLATED_PREFIXES) or name.lower().endswith("_proxy"):
                patch.delenv(name)
        patch.setenv("NO_COLOR", "1")
        patch.setenv("TERM", "dumb")
        patch.setenv("COLUMNS", "100")
        yield


@pytest.fixture(scope="module")
def real_cache(
    isolated_env: None, shared_gateway: FakeGateway, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    """A model cache as kilocli writes it after a good discovery."""
    shared_gateway.reset()
    home = tmp_path_factory.mktemp("good-home")
    run = run_kilocli(
        "models",
        "kilocode",
        "--refresh",
        "--plain",
        env={"KILOCLI_HOME": str(home), "KILOCODE_BASE_URL": shared_gateway.base_url},
    )
    assert run.code == ExitCode.OK, run.stderr
    document: dict[str, Any] = json.loads((home / "cache" / "models-kilocode.json").read_bytes())
    return document


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.monotonic()
    try:
        value = action()
    except DiscoveryFailed as exc:
        value = exc
    return time.monotonic() - started, value


def in_process(operation: str, network: BadNetwork) -> Outcome:
    with GatewayClient(make_client(TIMEOUT), timeout=TIMEOUT) as client:
        if operation == "verify":
            elapsed, value = timed(lambda: verify_key(client, KILO, network.base_url, KEY))
        else:
            elapsed, value = timed(lambda: discover_models(client, KILO, network.base_url, KEY))
    return Outcome(network, elapsed, value)


def prepare_home(
    command: str, network: BadNetwork, home: Path, real_cache: dict[str, Any]
) -> Outcome:
    """A home for ``command``, with the cache the case asks for (the key comes in the env)."""
    outcome = Outcome(network, 0.0, None, home)
    home.mkdir(mode=0o700)
    if command == "models --refresh, cached":
        cache = dict(real_cache, baseUrl=network.base_url, fetchedAt=time.time() - CACHE_AGE)
        path = home / "cache" / "models-kilocode.json"
        path.parent.mkdir(mode=0o700)
        path.write_text(json.dumps(cache))
        path.chmod(0o600)
        outcome.cache_before = (path.read_bytes(), path.stat().st_mtime_ns)
    return outcome


def command_env(command: str, outcome: Outcome) -> dict[str, str]:
    env = {
        "KILOCLI_HOME": str(outcome.home),
        "KILOCODE_BASE_URL": outcome.network.base_url,
        "KILOCLI_HTTP_TIMEOUT": str(TIMEOUT),
    }
    if command != "onboard":
        env["KILOCODE_API_KEY"] = KEY
    return env


def run_command(command: str, outcome: Outcome) -> Outcome:
    env = command_env(command, outcome)
    outcome.elapsed, outcome.value = timed(lambda: run_kilocli(*COMMANDS[command], env=env))
    return outcome


def wait_for_request(network: BadNetwork, started: Future[Outcome]) -> None:
    deadline = time.monotonic() + ALLOWED
    while not network.received and not started.done() and time.monotonic() < deadline:
        time.sleep(0.02)


@pytest.fixture(scope="module")
def results(
    isolated_env: None, real_cache: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[tuple[str, str], Outcome]]:
    """Every case of :data:`CASES`, run concurrently; each against a server of its own."""
    root = tmp_path_factory.mktemp("bad-networks")
    pending: dict[tuple[str, str], Future[Outcome]] = {}
    done: dict[tuple[str, str], Outcome] = {}
    with contextlib.ExitStack() as stack:
        pool = stack.enter_context(ThreadPoolExecutor(max_workers=16))
        networks = {case: open_bad_network(case[0], stack) for case in CASES}
        for index, case in enumerate(SLOW_COMMANDS):
            outcome = prepare_home(case[1], networks[case], root / f"slow-{index}", real_cache)
            pending[case] = pool.submit(run_command, case[1], outcome)
            wait_for_request(networks[case], pending[case])
        for case in CASES:
            if case[0] in SLOW and case[1] in IN_PROCESS:
                pending[case] = pool.submit(in_process, case[1], networks[case])
        for index, case in enumerate(CASES):
            if case in pending:
                continue
            if case[1] in IN_PROCESS:
                done[case] = in_process(case[1], networks[case])
            else:
                outcome = prepare_home(case[1], networks[case], root / f"fast-{index}", real_cache)
                done[case] = run_command(case[1], outcome)
        give_up = time.monotonic() + 2 * ALLOWED
        for case, future in pending.items():
            try:
                done[case] = future.result(timeout=max(0.0, give_up - time.monotonic()))
            except TimeoutError:  # a hang: stopping the servers (below) lets it go
                done[case] = Outcome(networks[case], math.inf, "still running")
        yield done


def ids(cases: list[tuple[str, str]] | tuple[tuple[str, str], ...]) -> list[str]:
    return [f"{network} / {operation}" for network, operation in cases]


def cases_of(*operations: str) -> list[tuple[str, str]]:
    return [case for case in CASES if case[1] in operations]


# In-process: the verifier and the discoverer with the real client ----------------------------


@pytest.mark.parametrize("case", cases_of("verify"), ids=ids(cases_of("verify")))
def test_verification_gives_up_in_time_and_says_why(
    results: dict[tuple[str, str], Outcome], case: tuple[str, str]
) -> None:
    outcome = results[case]

    assert isinstance(outcome.value, Verification)
    assert outcome.value.outcome == "unverified"
    assert re.fullmatch(verification_detail(outcome.network), outcome.value.detail), (
        outcome.value.detail
    )
    assert outcome.elapsed < ALLOWED


@pytest.mark.parametrize("case", cases_of("discover"), ids=ids(cases_of("discover")))
def test_discovery_gives_up_in_time_and_says_why(
    results: dict[tuple[str, str], Outcome], case: tuple[str, str]
) -> None:
    outcome = results[case]

    assert isinstance(outcome.value, DiscoveryFailed), outcome.value
    assert outcome.value.reason == DISCOVERY_REASONS[outcome.network.name]
    assert outcome.elapsed < ALLOWED


# Whole commands --------------------------------------------------------------------------------


@pytest.mark.parametrize("case", cases_of("onboard"), ids=ids(cases_of("onboard")))
def test_onboarding_warns_that_the_key_is_unverified_and_goes_on(
    results: dict[tuple[str, str], Outcome], case: tuple[str, str]
) -> None:
    outcome = results[case]
    run: Run = outcome.value
    assert outcome.home is not None

    assert run.code == ExitCode.OK, run.stderr
    warnings = [line for line in run.stderr.splitlines() if line.startswith("Warning:")]
    assert len(warnings) == 1, run.stderr
    detail = verification_detail(outcome.network)
    expected = (
        re.escape("Warning: Could not verify the key: ")
        + detail
        + re.escape(". Storing it anyway.")
    )
    assert re.fullmatch(expected, warnings[0]), warnings[0]
    assert document(run)["verified"] is None
    assert KEY in (outcome.home / "auth-profiles.toml").read_text()  # nothing lost
    assert outcome.elapsed < ALLOWED


@pytest.mark.parametrize(
    "case", cases_of("auth status --check"), ids=ids(cases_of("auth status --check"))
)
def test_auth_status_check_says_the_gateway_is_unreachable(
    results: dict[tuple[str, str], Outcome], case: tuple[str, str]
) -> None:
    outcome = results[case]
    run: Run = outcome.value

    assert run.code == ExitCode.UNREACHABLE, run.stderr
    check = document(run)["providers"][0]["check"]
    assert check["outcome"] == "unverified"
    assert re.fullmatch(verification_detail(outcome.network), check["detail"])
    assert outcome.elapsed < ALLOWED


CACHED = cases_of("models --refresh, cached")
UNCACHED = cases_of("models --refresh, no cache")


@pytest.mark.parametrize("case", CACHED, ids=ids(CACHED))
def test_a_failed_refresh_falls_back_to_the_cache_and_leaves_it_alone(
    results: dict[tuple[str, str], Outcome], case: tuple[str, str]
) -> None:
    outcome = results[case]
    run: Run = outcome.value
    assert outcome.home is not None
    reason = DISCOVERY_REASONS[outcome.network.name]
    warning = (
        f"Could not refresh the Kilo Gateway model list ({reason}); "
        "using the cached list from 2 h ago."
    )

    assert run.code == ExitCode.OK, run.stderr
    got = document(run)
    assert (got["source"], got["warnings"]) == ("cache", [warning])
    assert run.stderr == f"Warning: {warning}\n"
    cache = outcome.home / "cache" / "models-kilocode.json"
    assert (cache.read_bytes(), cache.stat().st_mtime_ns) == outcome.cache_before
    assert sorted(p.name for p in cache.parent.iterdir()) == [cache.name]
    assert outcome.elapsed < ALLOWED


@pytest.mark.parametrize("case", UNCACHED, ids=ids(UNCACHED))
def test_a_failed_first_fetch_shows_the_built_in_catalog_and_caches_nothing(
    results: dict[tuple[str, str], Outcome], case: tuple[str, str]
) -> None:
    outcome = results[case]
    run: Run = outcome.value
    assert outcome.home is not None
    reason = DISCOVERY_REASONS[outcome.network.name]
    warning = (
        f"Could not fetch the Kilo Gateway model list ({reason}); showing the built-in catalog."
    )

    assert run.code == ExitCode.OK, run.stderr
    got = document(run)
    assert (got["source"], got["warnings"]) == ("fallback", [warning])
    assert [model["ref"] for model in got["models"]] == [f"kilocode/{id_}" for id_ in KILO_AUTO_IDS]
    assert run.stderr == f"Warning: {warning}\n"
    assert not (outcome.home / "cache").exists()
    assert outcome.elapsed < ALLOWED


# Where the key went ----------------------------------------------------------------------------

REDIRECTED = [case for case in CASES if case[0] == "redirect"]


@pytest.mark.parametrize("case", REDIRECTED, ids=ids(REDIRECTED))
def test_a_redirect_to_another_host_is_not_followed(
    results: dict[tuple[str, str], Outcome], case: tuple[str, str]
) -> None:
    network = results[case].network
    assert network.redirect_target is not None

    # The configured host got the key it was meant to get, and redirected...
    assert network.received, "kilocli never asked the configured gateway"
    assert {seen.headers.get("authorization") for seen in network.received} == {f"Bearer {KEY}"}
    # ...and the other host never heard from kilocli: no Authorization header, no request at all.
    got_the_key = [r for r in network.redirect_target.received if "authorization" in r.headers]
    assert got_the_key == []
    assert network.redirect_target.received == []


def test_every_bad_server_was_actually_asked(results: dict[tuple[str, str], Outcome]) -> None:
    """Guards the tests above: each answer came from its bad server, not from a shortcut."""
    unasked = [
        case
        for case, outcome in results.items()
        if case[0] != "refused" and not outcome.network.received
    ]
    assert unasked == []
