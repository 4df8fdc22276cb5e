"""The listing's documents are written straight from the catalog (SPEC §10), and must be exactly
what validating them into :class:`ProviderListing` (the schema) and dumping them again gives."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kilocli.catalog.assemble import Catalog
from kilocli.catalog.cache import CachedCatalog, read_cache, write_cache
from kilocli.catalog.listing import ModelFilter, SortKey, build_listing
from kilocli.catalog.records import CatalogModel, Cost
from kilocli.config.model import Config
from kilocli.gateway.http import (
    MAX_JSON_CONTAINERS,
    GatewayClient,
    MalformedAnswer,
    json_text,
    parse_json,
    parse_json_text,
)
from kilocli.providers.registry import get_provider
from kilocli.services.listing import Listing, Listings, listing_result
from kilocli.services.models import AllListings, ProviderListing

KILOCODE = get_provider("kilocode")
OPENROUTER = get_provider("openrouter")
BASE = "https://gateway.test/api/"

# Odd but valid values: every kind of price (unknown, variable, zero, tiny, huge), unknown and
# huge token counts, names that are not ASCII or carry control characters, both policies.
ODD_MODELS = (
    CatalogModel("kilo/auto", "Kilo Auto", ("text", "image"), True, 1_000_000, 128_000,
                 Cost.variable(), origin="fallback"),
    CatalogModel("anthropic/claude-sonnet-4.5", "Anthropic: Claude Sonnet 4.5", ("text", "image"),
                 True, 200_000, 64_000, Cost(3.0, 15.0, 0.3, 3.75)),
    CatalogModel("google/gemini-2.5-pro", "Gemini \u2713 \u00e9\u00e8 \U0001f600", ("text",),
                 False, None, None, Cost(None, None, None, None)),
    CatalogModel("Anthropic/Claude-Upper", "Upper", cost=Cost(0.0, 0.0, 0.0, 0.0), free=True),
    CatalogModel("vendor/odd\x1b[31m", "Odd\tname\nwith \u202e bidi", cost=Cost(1e-9, 1e300)),
    CatalogModel("vendor/half", "Half", cost=Cost(0.1, "variable", None, 0.0)),
    CatalogModel("qwen/qwen3:free", "Qwen (free)", context_window=2**62, max_tokens=1,
                 cost=Cost(0.0, 0.0), free=True),
    CatalogModel("mine/custom", "Mine", origin="configured"),
    CatalogModel("x/\"quoted\\slash", "with \"quotes\" and \\", cost=Cost(0.125, 10.0)),
)  # fmt: skip
CONFIG = Config.model_validate(
    {
        "agents": {
            "defaults": {
                "model": {
                    "primary": "kilocode/mine/custom",
                    "fallbacks": ["kilocode/kilo/auto", "kilocode/mine/custom"],
                },
                "models": {"kilocode/kilo/auto": {"alias": "Kilo Gateway"}},
            }
        }
    }
)


EVERYTHING = ModelFilter()


def pydantic_document(listing: Listing) -> dict[str, Any]:
    """What the listing was before it was written straight: validated, then dumped."""
    return ProviderListing.model_validate({**listing.to_json(), "label": listing.label}).to_json()


def compact(document: Any) -> str:
    return json.dumps(document, ensure_ascii=False, default=str)


def listing_of(
    models: tuple[CatalogModel, ...],
    model_filter: ModelFilter = EVERYTHING,
    sort: SortKey | None = None,
    organization: str | None = None,
) -> Listing:
    catalog = Catalog(KILOCODE, "cache", 1_795_000_000.5, True, ("A warning.",), models, 3,
                      organization)  # fmt: skip
    return listing_result(catalog, CONFIG, model_filter, sort)


@pytest.mark.parametrize(
    ("model_filter", "sort"),
    [(ModelFilter(), None), (ModelFilter(free=True), "price"), (ModelFilter(("zzz",)), "id")],
    ids=["everything", "free by price", "nothing"],
)
def test_the_document_is_what_the_schema_gives(model_filter: ModelFilter, sort: SortKey) -> None:
    listing = listing_of(ODD_MODELS, model_filter, sort, organization="org_1")
    assert listing.to_json() == pydantic_document(listing)
    assert "".join(listing.json_pieces()) == compact(pydantic_document(listing))


def test_the_document_of_a_cache_read_back_is_what_the_schema_gives(tmp_path: Path) -> None:
    path = tmp_path / "models.json"
    gateway_models = tuple(m for m in ODD_MODELS if m.origin == "gateway")
    write_cache(path, CachedCatalog(BASE, 1_795_000_000.0, gateway_models))
    cached = read_cache(path, BASE)
    assert cached is not None
    listing = listing_of(cached.models)
    assert listing.to_json() == pydantic_document(listing)
    assert "".join(listing.json_pieces()) == compact(pydantic_document(listing))


@pytest.mark.parametrize("count", [999, 1000, 1001, 2500])
def test_pieces_join_into_the_whole_document_across_batches(count: int) -> None:
    models = tuple(
        CatalogModel(f"vendor/m{i}", f"M {i}", cost=Cost(i / 7, None), free=i % 3 == 0)
        for i in range(count)
    )
    listing = listing_of(models)
    assert "".join(listing.json_pieces()) == compact(pydantic_document(listing))


def test_every_provider_is_what_the_schema_gives() -> None:
    listings = Listings([listing_of(ODD_MODELS), listing_of(())])
    validated = AllListings.model_validate(
        {"providers": [{**p.to_json(), "label": p.label} for p in listings.providers]}
    )
    assert listings.to_json() == validated.to_json()
    assert "".join(listings.json_pieces()) == compact(validated.to_json())


def test_a_listing_warns_like_a_result_and_ends_ok() -> None:
    listing = listing_of(ODD_MODELS)
    assert listing.warnings == ["A warning."]
    assert int(listing.exit_code) == 0
    assert Listings([listing]).warnings == ()  # --all tells them in each provider's document


# The refresh: a body with too many objects is refused while it arrives, as before it was
# refused once whole; the text is decoded as json.loads decodes bytes.


def client_for(body_chunks: list[bytes], sent: list[int]) -> GatewayClient:
    def stream() -> Any:
        for chunk in body_chunks:
            sent.append(len(chunk))
            yield chunk

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=stream())

    return GatewayClient(httpx.Client(transport=httpx.MockTransport(handler)))


def test_too_many_objects_are_refused_before_the_rest_is_read() -> None:
    row = b'{"id": "m"},'
    chunk = b'{"data": [' + row * 10_000
    chunks = [chunk] * 100  # a million objects in all
    sent: list[int] = []
    with client_for(chunks, sent) as client, pytest.raises(MalformedAnswer) as refused:
        client.get(f"{BASE}models", {}, max_json_containers=MAX_JSON_CONTAINERS)
    assert str(refused.value) == "with more than 250,000 objects"
    assert len(sent) < len(chunks) // 2


def test_an_error_answer_is_not_refused_for_its_objects() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(500, content=b"[" * 300_000)

    with GatewayClient(httpx.Client(transport=httpx.MockTransport(handler))) as client:
        answer = client.get(f"{BASE}models", {}, max_json_containers=10)
    assert answer.status_code == 500


@pytest.mark.parametrize(
    "body",
    [
        b'{"a": 1}',
        '\ufeff{"a": "\u00e9"}'.encode(),
        '{"a": "\u00e9"}'.encode("utf-16"),
        b'{"a": "\\ud800"}',
        b"\xff\xfe\xfd",
        b"",
        b"[" * 100_000 + b"]" * 100_000,
    ],
)
def test_text_then_parse_is_parse_json(body: bytes) -> None:
    def outcome(parse: Any) -> Any:
        try:
            return parse(body)
        except MalformedAnswer as exc:
            return f"refused: {exc}"

    assert outcome(lambda b: parse_json_text(json_text(b))) == outcome(parse_json)
    try:
        expected: Any = json.loads(body)
    except (ValueError, RecursionError):
        return
    assert parse_json(body) == expected


def test_the_listing_agrees_with_build_listing() -> None:
    catalog = Catalog(KILOCODE, "cache", None, False, (), ODD_MODELS)
    listed = build_listing(catalog, CONFIG, ModelFilter(), "price").models
    documents = list(listing_result(catalog, CONFIG, ModelFilter(), "price").models())
    assert [(d["ref"], d["tags"]) for d in documents] == [
        (str(m.ref), list(m.tags)) for m in listed
    ]


# The compact writer writes each model from its fields: it must be json.dumps to the byte.
_text = st.text(max_size=12)
_price = st.one_of(
    st.none(),
    st.just("variable"),
    st.floats(min_value=0, allow_nan=False, allow_infinity=False),
    st.integers(min_value=0, max_value=10**20),
)
_count = st.one_of(st.none(), st.integers(min_value=1, max_value=2**70))
_model = st.builds(
    CatalogModel,
    id=_text,
    name=_text,
    input=st.sampled_from([("text",), ("text", "image"), (), ("ü\u2028",)]),
    reasoning=st.booleans(),
    context_window=_count,
    max_tokens=_count,
    cost=st.builds(Cost, _price, _price, _price, _price),
    free=st.booleans(),
    origin=st.sampled_from(["gateway", "fallback", "configured"]),
)


@settings(max_examples=200, deadline=None)
@given(models=st.lists(_model, max_size=6), provider=st.sampled_from(["kilocode", "openrouter"]))
def test_the_compact_writer_is_json_dumps(models: list[CatalogModel], provider: str) -> None:
    catalog = Catalog(get_provider(provider), "cache", None, False, (), tuple(models))
    listing = listing_result(catalog, CONFIG)
    assert "".join(listing.json_pieces()) == compact(listing.to_json())
