"""``load_catalog`` against the real fake gateway: merge order, request, cache and failures
(SPEC §6)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from kilocli.catalog.assemble import Catalog
from kilocli.catalog.records import CatalogModel, Cost
from kilocli.config.model import Config
from kilocli.providers.registry import get_provider
from kilocli.services.catalog import load_catalog
from kilocli.services.runtime import Runtime
from tests.catalog.conftest import MakeRuntime
from tests.catalog.test_parse import mapped
from tests.catalogs import generate_catalog
from tests.fakes import KILO_AUTO_IDS, OTHER_VALID_KEY, RESPONSES, VALID_KEY, FakeGateway

KILOCODE = get_provider("kilocode")
MODELS_PATH = "/api/gateway/models"
NO_CONFIG = Config()
SMALL_BODY = {
    "data": [
        {"id": "zeta/last-by-name", "name": "Zeta"},
        {"id": "alpha/first-by-name", "name": "Alpha"},
        {"id": "mid/both", "name": "Discovered wins"},
    ]
}
KILO_500_BODY = json.dumps(RESPONSES["GET /api/gateway/models 500"]).encode()


def config_of(document: dict[str, Any]) -> Config:
    """The config as it would be read from ``document``."""
    return Config.model_validate(document)


def ids(catalog: Catalog) -> list[str]:
    return [model.id for model in catalog.models]


def model_requests(gateway: FakeGateway) -> list[str]:
    return [seen.path for seen in gateway.requests if seen.path.startswith("/api/gateway")]


def header(seen_headers: dict[str, str], name: str) -> str | None:
    lowered = {key.lower(): value for key, value in seen_headers.items()}
    return lowered.get(name.lower())


def cache_file(rt: Runtime) -> Path:
    """SPEC §2: ``cache/models-<provider>.json`` under ``KILOCLI_HOME``."""
    return Path(rt.env["KILOCLI_HOME"]) / "cache" / "models-kilocode.json"


def age_cache(rt: Runtime, seconds: float) -> None:
    """Pretend the cached list was fetched ``seconds`` earlier than it was."""
    path = cache_file(rt)
    document = json.loads(path.read_bytes())
    document["fetchedAt"] -= seconds
    path.write_text(json.dumps(document))


def serve(gateway: FakeGateway, body: dict[str, Any]) -> None:
    gateway.models_body = json.dumps(body).encode()


@pytest.fixture
def rt(make_runtime: MakeRuntime, gateway: FakeGateway) -> Runtime:
    serve(gateway, SMALL_BODY)
    return make_runtime()


# Merge order


def test_fallback_first_then_discovered_in_gateway_order_then_configured(
    rt: Runtime, gateway: FakeGateway
) -> None:
    config = config_of(
        {
            "models": {
                "providers": {
                    "kilocode": {
                        "models": [
                            {"id": "mid/both", "name": "Configured loses"},
                            {"id": "kilo-auto/balanced", "name": "Configured Auto Balanced"},
                            {
                                "id": "mine/custom",
                                "name": "My Custom",
                                "input": ["text", "image"],
                                "reasoning": True,
                                "contextWindow": 64_000,
                                "maxTokens": 8_000,
                            },
                            {"id": "mine/bare"},
                        ]
                    }
                }
            }
        }
    )
    catalog = load_catalog(rt, KILOCODE, config)
    assert catalog.source == "gateway"
    assert [(m.id, m.name, m.origin) for m in catalog.models] == [
        ("kilo-auto/balanced", "Auto Balanced", "fallback"),
        ("kilo-auto/frontier", "Auto Frontier", "fallback"),
        ("kilo-auto/efficient", "Auto Efficient", "fallback"),
        ("kilo-auto/free", "Auto Free", "fallback"),
        ("kilo-auto/small", "Auto Small", "fallback"),
        ("zeta/last-by-name", "Zeta", "gateway"),
        ("alpha/first-by-name", "Alpha", "gateway"),
        ("mid/both", "Discovered wins", "gateway"),
        ("mine/custom", "My Custom", "configured"),
        ("mine/bare", "mine/bare", "configured"),
    ]
    assert catalog.models[0] == CatalogModel(
        id="kilo-auto/balanced",
        name="Auto Balanced",
        input=("text", "image"),
        reasoning=True,
        context_window=1_000_000,
        max_tokens=65_536,
        # SPEC §6: the built-in Auto Balanced's cost is variable (not unknown, not $0)
        cost=Cost("variable", "variable", "variable", "variable"),
        free=False,
        origin="fallback",
    )
    # ...while Auto Free is free and Auto Small has its published prices (SPEC §6).
    free, small = catalog.models[3], catalog.models[4]
    assert (free.cost, free.free) == (Cost(0.0, 0.0, None, None), True)
    assert (small.cost, small.free) == (Cost(0.05, 0.40, None, None), False)
    custom = catalog.models[8]
    assert (custom.input, custom.reasoning, custom.context_window, custom.max_tokens) == (
        ("text", "image"),
        True,
        64_000,
        8_000,
    )
    # A configured model has no price, and only the token counts its entry gives: unknown,
    # never invented.
    assert custom.cost == Cost(None, None, None, None)
    bare = catalog.models[9]
    assert (bare.input, bare.reasoning, bare.context_window, bare.max_tokens, bare.cost) == (
        ("text",),
        False,
        None,
        None,
        Cost(None, None, None, None),
    )
    assert catalog.warnings == ()


def test_a_discovered_fallback_model_takes_the_gateway_place_and_values(
    rt: Runtime, gateway: FakeGateway
) -> None:
    serve(
        gateway,
        {"data": [{"id": "a/one"}, {"id": "kilo-auto/balanced", "name": "Auto Balanced (live)"}]},
    )
    catalog = load_catalog(rt, KILOCODE, NO_CONFIG)
    assert [(m.id, m.origin) for m in catalog.models] == [
        *((fallback, "fallback") for fallback in KILO_AUTO_IDS[1:]),
        ("a/one", "gateway"),
        ("kilo-auto/balanced", "gateway"),
    ]
    assert catalog.models[-1].name == "Auto Balanced (live)"


def test_a_configured_model_survives_a_failed_discovery(rt: Runtime, gateway: FakeGateway) -> None:
    gateway.fail(MODELS_PATH, status=500, body=KILO_500_BODY)
    config = config_of({"models": {"providers": {"kilocode": {"models": [{"id": "mine/custom"}]}}}})
    catalog = load_catalog(rt, KILOCODE, config)
    assert catalog.source == "fallback"
    assert [(m.id, m.origin) for m in catalog.models] == [
        *((fallback, "fallback") for fallback in KILO_AUTO_IDS),
        ("mine/custom", "configured"),
    ]


# The request


def test_the_request_carries_the_env_key(make_runtime: MakeRuntime, gateway: FakeGateway) -> None:
    load_catalog(make_runtime(KILOCODE_API_KEY=VALID_KEY), KILOCODE, NO_CONFIG)
    (seen,) = gateway.requests
    assert (seen.method, seen.path) == ("GET", MODELS_PATH)
    assert header(seen.headers, "Accept") == "application/json"
    assert header(seen.headers, "Authorization") == f"Bearer {VALID_KEY}"


def test_the_request_carries_the_profile_key(
    make_runtime: MakeRuntime, gateway: FakeGateway, home: Path
) -> None:
    home.mkdir(mode=0o700, parents=True)
    (home / "auth-profiles.toml").write_text(
        'version = 1\n\n[profiles."kilocode:default"]\n'
        f'type = "api_key"\nprovider = "kilocode"\nkey = "{OTHER_VALID_KEY}"\n'
    )
    load_catalog(make_runtime(), KILOCODE, NO_CONFIG)
    (seen,) = gateway.requests
    assert header(seen.headers, "Authorization") == f"Bearer {OTHER_VALID_KEY}"


def test_without_a_key_the_request_has_no_authorization(rt: Runtime, gateway: FakeGateway) -> None:
    load_catalog(rt, KILOCODE, NO_CONFIG)
    (seen,) = gateway.requests
    assert header(seen.headers, "Accept") == "application/json"
    assert header(seen.headers, "Authorization") is None


@pytest.mark.parametrize("suffix", ["", "/", "//"])
def test_the_path_is_base_url_models_and_never_v1(
    make_runtime: MakeRuntime, gateway: FakeGateway, suffix: str
) -> None:
    base = gateway.base_url.rstrip("/") + suffix
    load_catalog(make_runtime(KILOCODE_BASE_URL=base), KILOCODE, NO_CONFIG)
    assert gateway.paths_requested() == [MODELS_PATH]


def test_the_configured_base_url_is_used(make_runtime: MakeRuntime, gateway: FakeGateway) -> None:
    rt = make_runtime(KILOCODE_BASE_URL="")
    config = config_of({"models": {"providers": {"kilocode": {"baseUrl": gateway.base_url}}}})
    assert load_catalog(rt, KILOCODE, config).source == "gateway"
    assert gateway.paths_requested() == [MODELS_PATH]


# The cache


def test_a_successful_discovery_is_cached_and_read_back_whole(
    make_runtime: MakeRuntime, gateway: FakeGateway
) -> None:
    generated = generate_catalog(400, seed=7)
    gateway.models_body = generated.body_bytes()
    rt = make_runtime()
    first = load_catalog(rt, KILOCODE, NO_CONFIG)
    assert first.source == "gateway"
    assert cache_file(rt).is_file()
    assert json.loads(cache_file(rt).read_bytes())["fetchedAt"] == pytest.approx(time.time(), abs=5)
    # Unusable rows are counted (in --json and models status), not warned about per fetch.
    assert first.warnings == ()
    assert first.skipped == generated.invalid + generated.duplicate
    assert first.skipped > 0

    second = load_catalog(rt, KILOCODE, NO_CONFIG, offline=True)
    assert second.source == "cache"
    assert (second.stale, second.warnings) == (False, ())
    assert second.fetched_at == first.fetched_at
    assert second.skipped == first.skipped  # the count is kept with the cache
    assert second.models == first.models
    discovered = [mapped(m) for m in second.models if m.origin == "gateway"]
    assert discovered == generated.expected
    assert len(gateway.requests) == 1


def test_within_the_ttl_no_request_is_made(rt: Runtime, gateway: FakeGateway) -> None:
    load_catalog(rt, KILOCODE, NO_CONFIG)
    age_cache(rt, 3500)
    again = load_catalog(rt, KILOCODE, NO_CONFIG)
    assert (again.source, again.stale) == ("cache", False)
    assert ids(again) == [*KILO_AUTO_IDS, "zeta/last-by-name", "alpha/first-by-name", "mid/both"]
    assert len(gateway.requests) == 1


def test_past_the_ttl_the_gateway_is_asked_again(rt: Runtime, gateway: FakeGateway) -> None:
    load_catalog(rt, KILOCODE, NO_CONFIG)
    age_cache(rt, 3700)
    serve(gateway, {"data": [{"id": "new/model"}]})
    again = load_catalog(rt, KILOCODE, NO_CONFIG)
    assert (again.source, again.stale) == ("gateway", False)
    assert ids(again) == [*KILO_AUTO_IDS, "new/model"]
    assert len(gateway.requests) == 2
    # ...and the new answer replaced the cache.
    assert ids(load_catalog(rt, KILOCODE, NO_CONFIG, offline=True)) == [*KILO_AUTO_IDS, "new/model"]


def test_ttl_zero_asks_every_time(make_runtime: MakeRuntime, gateway: FakeGateway) -> None:
    rt = make_runtime(KILOCLI_MODELS_TTL="0")
    assert load_catalog(rt, KILOCODE, NO_CONFIG).source == "gateway"
    assert load_catalog(rt, KILOCODE, NO_CONFIG).source == "gateway"
    assert len(gateway.requests) == 2


def test_a_longer_ttl_keeps_an_old_cache_fresh(
    make_runtime: MakeRuntime, gateway: FakeGateway
) -> None:
    rt = make_runtime(KILOCLI_MODELS_TTL="86400")
    load_catalog(rt, KILOCODE, NO_CONFIG)
    age_cache(rt, 7200)
    assert load_catalog(rt, KILOCODE, NO_CONFIG).source == "cache"
    assert len(gateway.requests) == 1


def test_refresh_asks_even_when_the_cache_is_fresh(rt: Runtime, gateway: FakeGateway) -> None:
    load_catalog(rt, KILOCODE, NO_CONFIG)
    assert load_catalog(rt, KILOCODE, NO_CONFIG, refresh=True).source == "gateway"
    assert len(gateway.requests) == 2


def test_offline_with_a_cache_never_asks(rt: Runtime, gateway: FakeGateway) -> None:
    load_catalog(rt, KILOCODE, NO_CONFIG)
    gateway.requests.clear()
    fresh = load_catalog(rt, KILOCODE, NO_CONFIG, offline=True)
    assert (fresh.source, fresh.stale, fresh.warnings) == ("cache", False, ())
    age_cache(rt, 2 * 86400)
    old = load_catalog(rt, KILOCODE, NO_CONFIG, offline=True, refresh=True)
    assert (old.source, old.stale, old.warnings) == ("cache", True, ())
    assert ids(old) == [*KILO_AUTO_IDS, "zeta/last-by-name", "alpha/first-by-name", "mid/both"]
    assert gateway.requests == []


def test_offline_without_a_cache_shows_the_fallback_with_a_warning(
    rt: Runtime, gateway: FakeGateway
) -> None:
    catalog = load_catalog(rt, KILOCODE, NO_CONFIG, offline=True)
    assert (catalog.source, catalog.stale, catalog.fetched_at) == ("fallback", False, None)
    assert ids(catalog) == KILO_AUTO_IDS
    assert catalog.warnings == (
        "Offline and no cached Kilo Gateway model list; showing the built-in catalog.",
    )
    assert gateway.requests == []
    assert not cache_file(rt).exists()


@pytest.mark.parametrize(
    "body", [{"data": []}, {"data": [{"name": "no id"}, 7]}], ids=["empty", "no usable row"]
)
def test_a_list_with_no_usable_model_is_a_failed_discovery_that_keeps_the_cache(
    rt: Runtime, gateway: FakeGateway, body: dict[str, Any]
) -> None:
    """SPEC §6: "the gateway listed no models" — the cache is kept, not wiped."""
    load_catalog(rt, KILOCODE, NO_CONFIG)  # a good list, cached
    before = cache_file(rt).read_bytes()
    serve(gateway, body)
    catalog = load_catalog(rt, KILOCODE, NO_CONFIG, refresh=True)
    assert catalog.source == "cache"
    assert "Kilo Gateway listed no models" in catalog.warnings[0]
    assert cache_file(rt).read_bytes() == before


def test_a_list_with_no_usable_model_and_no_cache_shows_the_fallback(
    rt: Runtime, gateway: FakeGateway
) -> None:
    serve(gateway, {"data": []})
    catalog = load_catalog(rt, KILOCODE, NO_CONFIG)
    assert (catalog.source, ids(catalog)) == ("fallback", KILO_AUTO_IDS)
    assert not cache_file(rt).exists()


def test_a_cache_for_another_base_url_is_ignored(
    make_runtime: MakeRuntime, gateway: FakeGateway, closed_port_url: str
) -> None:
    load_catalog(make_runtime(), KILOCODE, NO_CONFIG)
    elsewhere = make_runtime(KILOCODE_BASE_URL=closed_port_url)
    offline = load_catalog(elsewhere, KILOCODE, NO_CONFIG, offline=True)
    assert (offline.source, ids(offline)) == ("fallback", KILO_AUTO_IDS)
    online = load_catalog(elsewhere, KILOCODE, NO_CONFIG)
    assert (online.source, ids(online)) == ("fallback", KILO_AUTO_IDS)
    assert online.warnings[0].startswith("Could not fetch the Kilo Gateway model list")


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not json at all",
        b'{"version": 1}',
        b"[]",
        b'{"version": 999, "baseUrl": "BASE", "fetchedAt": 1, "models": []}',
        b'{"version": 1, "baseUrl": "BASE", "fetchedAt": "yesterday", "models": []}',
        b'{"version": 1, "baseUrl": "BASE", "fetchedAt": 1, "models": [["too short"]]}',
        b'{"version": 1, "baseUrl": "BASE", "fetchedAt": 1, "models": 5}',
    ],
)
def test_a_corrupt_cache_counts_as_none(rt: Runtime, gateway: FakeGateway, content: bytes) -> None:
    path = cache_file(rt)
    path.parent.mkdir(parents=True)
    path.write_bytes(content.replace(b"BASE", gateway.base_url.encode()))
    offline = load_catalog(rt, KILOCODE, NO_CONFIG, offline=True)
    assert (offline.source, ids(offline)) == ("fallback", KILO_AUTO_IDS)
    online = load_catalog(rt, KILOCODE, NO_CONFIG)
    assert online.source == "gateway"
    assert load_catalog(rt, KILOCODE, NO_CONFIG, offline=True).source == "cache"


# Failures

HOURS_2 = 2 * 3600
FAILURES = {
    "HTTP 500": (
        {"status": 500, "body": KILO_500_BODY},
        "Kilo Gateway is unavailable (HTTP 500: Failed to fetch models: Error from OpenRouter API)",
    ),
    "HTML": (
        {"status": 200, "body": b"<!doctype html><html><body>Bad gateway</body></html>"},
        "Kilo Gateway sent an answer that is not JSON",
    ),
    "no data": (
        {"status": 200, "body": b'{"models": []}'},
        'Kilo Gateway sent an answer with no "data" list',
    ),
    "data not a list": (
        {"status": 200, "body": b'{"data": {"id": "a/b"}}'},
        'Kilo Gateway sent an answer with no "data" list',
    ),
    "HTTP 404": (
        {"status": 404, "body": b'{"error": "Not found", "success": false}'},
        "Kilo Gateway answered with an error (HTTP 404: Not found)",
    ),
}


@pytest.mark.parametrize("failure", list(FAILURES))
def test_a_failure_without_a_cache_falls_back_and_says_why(
    rt: Runtime, gateway: FakeGateway, failure: str
) -> None:
    fault, reason = FAILURES[failure]
    gateway.fail(MODELS_PATH, **fault)
    config = config_of({"models": {"providers": {"kilocode": {"models": [{"id": "mine/custom"}]}}}})
    catalog = load_catalog(rt, KILOCODE, config)
    assert (catalog.source, catalog.stale, catalog.fetched_at) == ("fallback", False, None)
    assert ids(catalog) == [*KILO_AUTO_IDS, "mine/custom"]
    assert catalog.warnings == (
        f"Could not fetch the Kilo Gateway model list ({reason}); showing the built-in catalog.",
    )
    assert not cache_file(rt).exists()


@pytest.mark.parametrize("failure", list(FAILURES))
@pytest.mark.parametrize(
    ("age", "refresh", "stale", "said"),
    [
        (HOURS_2, False, True, "2 h"),  # expired: asked, failed, stale cache used
        (30 * 60, True, False, "30 min"),  # --refresh of a fresh cache that fails
        (3 * 86400, False, True, "3 d"),
    ],
)
def test_a_failure_with_a_cache_uses_it_and_says_how_old(
    rt: Runtime,
    gateway: FakeGateway,
    failure: str,
    age: float,
    refresh: bool,
    stale: bool,
    said: str,
) -> None:
    load_catalog(rt, KILOCODE, NO_CONFIG)
    age_cache(rt, age)
    before = cache_file(rt).read_bytes()
    fault, reason = FAILURES[failure]
    gateway.fail(MODELS_PATH, **fault)
    catalog = load_catalog(rt, KILOCODE, NO_CONFIG, refresh=refresh)
    assert (catalog.source, catalog.stale) == ("cache", stale)
    assert ids(catalog) == [*KILO_AUTO_IDS, "zeta/last-by-name", "alpha/first-by-name", "mid/both"]
    assert catalog.warnings == (
        f"Could not refresh the Kilo Gateway model list ({reason}); "
        f"using the cached list from {said} ago.",
    )
    assert len(gateway.requests) == 2
    assert cache_file(rt).read_bytes() == before


def test_connection_refused(
    make_runtime: MakeRuntime, gateway: FakeGateway, closed_port_url: str
) -> None:
    rt = make_runtime(KILOCODE_BASE_URL=closed_port_url)
    catalog = load_catalog(rt, KILOCODE, NO_CONFIG)
    assert (catalog.source, ids(catalog)) == ("fallback", KILO_AUTO_IDS)
    assert catalog.warnings == (
        "Could not fetch the Kilo Gateway model list (could not connect (ConnectError)); "
        "showing the built-in catalog.",
    )


def test_connection_refused_with_a_cache(
    make_runtime: MakeRuntime, gateway: FakeGateway, closed_port_url: str
) -> None:
    load_catalog(make_runtime(), KILOCODE, NO_CONFIG)
    rt = make_runtime(KILOCODE_BASE_URL=closed_port_url)
    # Move the cache to the unreachable gateway's base URL, five hours old.
    document = json.loads(cache_file(rt).read_bytes())
    document.update(baseUrl=closed_port_url, fetchedAt=document["fetchedAt"] - 5 * 3600)
    cache_file(rt).write_text(json.dumps(document))
    before = cache_file(rt).read_bytes()
    catalog = load_catalog(rt, KILOCODE, NO_CONFIG)
    assert (catalog.source, catalog.stale) == ("cache", True)
    assert catalog.warnings == (
        "Could not refresh the Kilo Gateway model list (could not connect (ConnectError)); "
        "using the cached list from 5 h ago.",
    )
    assert cache_file(rt).read_bytes() == before


def test_no_answer_within_the_timeout(rt: Runtime, gateway: FakeGateway) -> None:
    """The timeout is the runtime's (5 s by default; 0.5 s here, with the answer held for 3 s:
    waiting for it would make a success, not the fallback)."""
    gateway.fail(MODELS_PATH, status=None, delay=3, times=1)
    rt.http_timeout = 0.5
    catalog = load_catalog(rt, KILOCODE, NO_CONFIG)
    assert (catalog.source, ids(catalog)) == ("fallback", KILO_AUTO_IDS)
    assert catalog.warnings == (
        "Could not fetch the Kilo Gateway model list (no answer within 0.5 s); "
        "showing the built-in catalog.",
    )


def test_a_timeout_with_a_cache_uses_it(rt: Runtime, gateway: FakeGateway) -> None:
    load_catalog(rt, KILOCODE, NO_CONFIG)
    age_cache(rt, HOURS_2)
    before = cache_file(rt).read_bytes()

    def time_out(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    rt.http_client = lambda: httpx.Client(transport=httpx.MockTransport(time_out))
    catalog = load_catalog(rt, KILOCODE, NO_CONFIG)
    assert (catalog.source, catalog.stale) == ("cache", True)
    assert catalog.warnings == (
        "Could not refresh the Kilo Gateway model list (no answer within 5 s); "
        "using the cached list from 2 h ago.",
    )
    assert cache_file(rt).read_bytes() == before


def test_the_key_never_reaches_a_warning(make_runtime: MakeRuntime, gateway: FakeGateway) -> None:
    rt = make_runtime(KILOCODE_API_KEY=VALID_KEY)
    echo = json.dumps({"error": f"Bad token {VALID_KEY}", "message": VALID_KEY}).encode()
    gateway.fail(MODELS_PATH, status=500, body=echo)
    catalog = load_catalog(rt, KILOCODE, NO_CONFIG)
    assert catalog.source == "fallback"
    (warning,) = catalog.warnings
    assert "HTTP 500" in warning
    assert VALID_KEY not in warning
    assert VALID_KEY[8:-8] not in warning
