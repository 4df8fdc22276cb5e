"""The model cache file: its shape on disk, and that a bad one is no cache, never a crash
(SPEC §6: a cache is only a shortcut)."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

import pytest

from kilocli.catalog import cache
from kilocli.catalog.cache import CachedCatalog, read_cache, write_cache
from kilocli.catalog.parse import parse_models_payload
from kilocli.catalog.records import CatalogModel, Cost
from kilocli.errors import FileProblem
from tests.catalogs import generate_catalog

BASE = "http://127.0.0.1:8080/api/gateway/"
FETCHED_AT = 1_795_000_000.25
SONNET = CatalogModel(
    "anthropic/claude-sonnet-4.5",
    "Anthropic: Claude Sonnet 4.5",
    input=("text", "image"),
    reasoning=True,
    context_window=200_000,
    max_tokens=64_000,
    cost=Cost(3.0, 15.0, 0.3, None),  # the cache write price unknown
)
# Token counts unknown, prices variable, one price 0 and one unknown.
AUTO = CatalogModel(
    "kilo-auto/free", "Auto Free ✓", cost=Cost("variable", "variable", 0.0, None), free=True
)
# The same two models as the cache file holds them, written out by hand.
SONNET_RECORD: list[Any] = [
    "anthropic/claude-sonnet-4.5",
    "Anthropic: Claude Sonnet 4.5",
    ["text", "image"],
    True,
    200000,
    64000,
    [3.0, 15.0, 0.3, None],
    False,
]
AUTO_RECORD: list[Any] = [
    "kilo-auto/free",
    "Auto Free ✓",
    ["text"],
    False,
    None,
    None,
    ["variable", "variable", 0.0, None],
    True,
]


def document(**changes: Any) -> dict[str, Any]:
    """A valid cache document for ``BASE``, with ``changes`` applied."""
    return {
        "version": 2,
        "baseUrl": BASE,
        "fetchedAt": FETCHED_AT,
        "skipped": 0,
        "models": [SONNET_RECORD, AUTO_RECORD],
    } | changes


def with_record(**fields: Any) -> dict[str, Any]:
    """A document whose only record is SONNET's with the positions named ``_<n>`` replaced."""
    record = list(SONNET_RECORD)
    for position, value in fields.items():
        record[int(position.lstrip("_"))] = value
    return document(models=[record])


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "cache" / "models-kilocode.json"


def put(path: Path, content: bytes | str | dict[str, Any]) -> Path:
    """Write ``content`` as the cache file (a dict as JSON, as Python's json module writes it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, dict):
        content = json.dumps(content)
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


# The file on disk


def test_the_file_is_compact_positional_json(path: Path) -> None:
    write_cache(path, CachedCatalog(BASE, FETCHED_AT, (SONNET, AUTO)))
    expected = (
        '{"version":2,"baseUrl":"http://127.0.0.1:8080/api/gateway/","fetchedAt":1795000000.25,'
        '"skipped":0,"models":[["anthropic/claude-sonnet-4.5","Anthropic: Claude Sonnet 4.5",'
        '["text","image"],'
        "true,200000,64000,[3.0,15.0,0.3,null],false],"
        '["kilo-auto/free","Auto Free ✓",["text"],false,null,null,'
        '["variable","variable",0.0,null],true]]}'
    )
    assert path.read_bytes() == expected.encode()
    assert json.loads(path.read_bytes()) == document()


def test_a_written_cache_reads_back_whole(path: Path) -> None:
    write_cache(path, CachedCatalog(BASE, FETCHED_AT, (SONNET, AUTO)))
    assert read_cache(path, BASE) == CachedCatalog(BASE, FETCHED_AT, (SONNET, AUTO))


def test_a_hand_written_cache_reads_as_the_models_it_names(path: Path) -> None:
    put(path, document())
    assert read_cache(path, BASE) == CachedCatalog(BASE, FETCHED_AT, (SONNET, AUTO))


@pytest.mark.parametrize(("count", "seed"), [(500, 4), (2000, 5)])
def test_every_parsed_catalog_round_trips(path: Path, count: int, seed: int) -> None:
    parsed = parse_models_payload(json.loads(generate_catalog(count, seed=seed).body_bytes()))
    write_cache(path, CachedCatalog(BASE, FETCHED_AT, parsed.models))
    assert read_cache(path, BASE) == CachedCatalog(BASE, FETCHED_AT, parsed.models)


def test_an_empty_list_round_trips(path: Path) -> None:
    write_cache(path, CachedCatalog(BASE, 0.0, ()))
    assert read_cache(path, BASE) == CachedCatalog(BASE, 0.0, ())


@pytest.mark.parametrize(
    ("changes", "fetched_at", "first_cost"),
    [
        ({"fetchedAt": 1_795_000_000}, 1_795_000_000.0, Cost(3.0, 15.0, 0.3, None)),
        (
            {"models": [[*SONNET_RECORD[:6], [3, 15, 0, None], False]]},
            FETCHED_AT,
            Cost(3.0, 15.0, 0.0, None),
        ),
        ({"somethingNew": {"a": [1]}}, FETCHED_AT, Cost(3.0, 15.0, 0.3, None)),
    ],
    ids=["whole-second time", "whole-number prices", "an unknown top-level key"],
)
def test_equivalent_spellings_are_accepted(
    path: Path, changes: dict[str, Any], fetched_at: float, first_cost: Cost
) -> None:
    put(path, document(**changes))
    cached = read_cache(path, BASE)
    assert cached is not None
    assert (cached.fetched_at, cached.models[0].cost) == (fetched_at, first_cost)


def test_a_cache_pretty_printed_by_hand_still_reads(path: Path) -> None:
    put(path, json.dumps(document(), indent=2))
    assert read_cache(path, BASE) == CachedCatalog(BASE, FETCHED_AT, (SONNET, AUTO))


def test_a_name_that_is_not_text_fails_the_write_not_the_command(path: Path) -> None:
    write_cache(path, CachedCatalog(BASE, FETCHED_AT, (SONNET,)))
    before = path.read_bytes()
    broken = CatalogModel("vendor/odd", "half a surrogate \ud800")
    with pytest.raises(FileProblem):
        write_cache(path, CachedCatalog(BASE, FETCHED_AT, (broken,)))
    assert path.read_bytes() == before


# Not this cache


def test_no_file_is_no_cache(path: Path) -> None:
    assert read_cache(path, BASE) is None


def test_a_cache_of_another_gateway_is_none(path: Path) -> None:
    put(path, document())
    assert read_cache(path, "https://api.kilo.ai/api/gateway/") is None
    assert read_cache(path, BASE.rstrip("/")) is None


@pytest.mark.parametrize("version", [0, 1, 3, "2", 2.0, True, None])
def test_another_version_is_none(path: Path, version: Any) -> None:
    put(path, document(version=version))
    assert read_cache(path, BASE) is None


def test_a_version_1_cache_is_not_read_as_prices_and_counts(path: Path) -> None:
    """Version 1 wrote 0.0 for a price the gateway did not give, null for a variable one and
    invented token counts: read now, it would show unknown prices as $0."""
    old = [*SONNET_RECORD[:4], 1000000, 128000, [0.0, 0.0, 0.0, 0.0], False]
    put(path, document(version=1, models=[old]))
    assert read_cache(path, BASE) is None


# Corrupt: the wrong types anywhere are no cache

CORRUPT_DOCUMENTS: dict[str, Any] = {
    # the top level
    "top level a list": [document()],
    "top level a string": "cache",
    "top level a number": 1,
    "top level null": None,
    "version missing": {k: v for k, v in document().items() if k != "version"},
    "baseUrl missing": {k: v for k, v in document().items() if k != "baseUrl"},
    "baseUrl a number": document(baseUrl=8080),
    "baseUrl null": document(baseUrl=None),
    # fetchedAt: a finite number of seconds a date can show
    "fetchedAt missing": {k: v for k, v in document().items() if k != "fetchedAt"},
    "fetchedAt a string": document(fetchedAt="yesterday"),
    "fetchedAt a numeric string": document(fetchedAt="1795000000"),
    "fetchedAt true": document(fetchedAt=True),
    "fetchedAt null": document(fetchedAt=None),
    "fetchedAt NaN": document(fetchedAt=float("nan")),
    "fetchedAt Infinity": document(fetchedAt=float("inf")),
    "fetchedAt -Infinity": document(fetchedAt=float("-inf")),
    "fetchedAt before 1970": document(fetchedAt=-1),
    "fetchedAt after the year 9999": document(fetchedAt=1e300),
    # models: a list of records
    "models missing": {k: v for k, v in document().items() if k != "models"},
    "models a number": document(models=5),
    "models an object": document(models={"0": SONNET_RECORD}),
    "models a string": document(models="[]"),
    "models null": document(models=None),
    # one record: exactly eight positions of exactly the right types
    "record an object": document(models=[{"id": "v/m"}]),
    "record a string": document(models=["anthropic/claude-sonnet-4.5"]),
    "record null": document(models=[None]),
    "record empty": document(models=[[]]),
    "record too short": document(models=[SONNET_RECORD[:7]]),
    "record one field": document(models=[["too short"]]),
    "record too long": document(models=[[*SONNET_RECORD, "extra"]]),
    "bad record after a good one": document(models=[AUTO_RECORD, SONNET_RECORD[:7]]),
    "id a number": with_record(_0=42),
    "id empty": with_record(_0=""),
    "id null": with_record(_0=None),
    "name a number": with_record(_1=7),
    "name null": with_record(_1=None),
    "input a string": with_record(_2="text"),
    "input holds a number": with_record(_2=["text", 1]),
    "input null": with_record(_2=None),
    "reasoning a string": with_record(_3="yes"),
    "reasoning a number": with_record(_3=1),
    "context a string": with_record(_4="200000"),
    "context a fraction": with_record(_4=4096.5),
    "context a float": with_record(_4=4096.0),
    "context true": with_record(_4=True),
    "context zero": with_record(_4=0),
    "context negative": with_record(_4=-5),
    "context variable": with_record(_4="variable"),
    "max tokens a string": with_record(_5="64000"),
    "max tokens zero": with_record(_5=0),
    "cost an object": with_record(_6={"input": 3.0}),
    "cost too short": with_record(_6=[3.0, 15.0, 0.3]),
    "cost too long": with_record(_6=[3.0, 15.0, 0.3, 0.0, 0.0]),
    "cost a string": with_record(_6=[3.0, "15", 0.3, 0.0]),
    "cost the gateway's -1": with_record(_6=["-1", 15.0, 0.3, 0.0]),
    "cost Variable capitalised": with_record(_6=["Variable", 15.0, 0.3, 0.0]),
    "cost unknown spelt out": with_record(_6=["unknown", 15.0, 0.3, 0.0]),
    "cost true": with_record(_6=[True, 15.0, 0.3, 0.0]),
    "cost negative": with_record(_6=[-1.0, 15.0, 0.3, 0.0]),
    "cost NaN": with_record(_6=[float("nan"), 15.0, 0.3, 0.0]),
    "cost Infinity": with_record(_6=[3.0, float("inf"), 0.3, 0.0]),
    "free a string": with_record(_7="false"),
    "free null": with_record(_7=None),
    "free a number": with_record(_7=0),
}


@pytest.mark.parametrize("content", CORRUPT_DOCUMENTS.values(), ids=CORRUPT_DOCUMENTS.keys())
def test_a_document_of_the_wrong_shape_is_none(path: Path, content: Any) -> None:
    # json.dumps writes NaN and Infinity as bare words, as a careless writer would.
    put(path, json.dumps(content).encode())
    assert read_cache(path, BASE) is None


VALID = json.dumps(document())
NESTED = 100_000
CORRUPT_BYTES: dict[str, bytes] = {
    "empty": b"",
    "whitespace": b"  \n",
    "not JSON": b"not json at all",
    "truncated": VALID[: len(VALID) // 2].encode(),
    "trailing garbage": VALID.encode() + b" x",
    "not UTF-8": VALID.encode().replace(b"Auto Free \\u2713", b"Auto Free \xff"),
    "a lone surrogate escaped": VALID.replace("Auto Free \\u2713", "Auto Free \\ud800").encode(),
    "NUL bytes": b"\0" * 64,
    "deeply nested list": b"[" * NESTED + b"]" * NESTED,
    "deeply nested object": b'{"a":' * NESTED + b"1" + b"}" * NESTED,
    "deeply nested record": (
        VALID.replace('"models": [', '"models": [' + "[" * NESTED + "]" * NESTED + ",")
    ).encode(),
}


@pytest.mark.parametrize("content", CORRUPT_BYTES.values(), ids=CORRUPT_BYTES.keys())
def test_bytes_that_are_not_a_cache_are_none(path: Path, content: bytes) -> None:
    put(path, content)
    assert read_cache(path, BASE) is None


def test_the_corrupt_samples_differ_from_a_valid_cache_only_where_they_say(path: Path) -> None:
    """The samples above would mean nothing if the document they start from were refused."""
    assert "Auto Free \\u2713" in VALID
    put(path, VALID)
    assert read_cache(path, BASE) is not None
    put(path, with_record())
    assert read_cache(path, BASE) == CachedCatalog(BASE, FETCHED_AT, (SONNET,))


# Not a regular file, or too large


def test_a_fifo_in_place_of_the_cache_is_none_without_waiting(path: Path) -> None:
    path.parent.mkdir(parents=True)
    os.mkfifo(path)
    results: list[CachedCatalog | None] = []
    reader = threading.Thread(target=lambda: results.append(read_cache(path, BASE)), daemon=True)
    reader.start()
    reader.join(timeout=10)  # a generous guard: a blocking open or read would hang for ever
    if reader.is_alive():
        # Let the blocked reader go (a writer opening the FIFO ends its wait), then fail.
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
        os.close(fd)
        pytest.fail("read_cache waited on a FIFO")
    assert results == [None]


def test_a_directory_in_place_of_the_cache_is_none(path: Path) -> None:
    path.mkdir(parents=True)
    assert read_cache(path, BASE) is None


def test_a_link_to_a_device_is_none(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.symlink_to("/dev/zero")
    assert read_cache(path, BASE) is None


def test_a_link_to_a_cache_file_reads_through(path: Path, tmp_path: Path) -> None:
    target = put(tmp_path / "elsewhere.json", document())
    path.parent.mkdir(parents=True)
    path.symlink_to(target)
    assert read_cache(path, BASE) == CachedCatalog(BASE, FETCHED_AT, (SONNET, AUTO))


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file_is_none(path: Path) -> None:
    put(path, document()).chmod(0)
    assert read_cache(path, BASE) is None


def test_a_file_over_64_mib_is_none_without_being_read(path: Path) -> None:
    put(path, document())
    with path.open("r+b") as file:  # sparse: the size is there, the bytes are not
        file.truncate(64 * 1024 * 1024 + 1)
    assert read_cache(path, BASE) is None


def test_the_size_limit_is_inclusive(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    size = put(path, VALID).stat().st_size
    monkeypatch.setattr(cache, "MAX_CACHE_BYTES", size)
    assert read_cache(path, BASE) is not None
    monkeypatch.setattr(cache, "MAX_CACHE_BYTES", size - 1)
    assert read_cache(path, BASE) is None


def test_the_limit_is_64_mib() -> None:
    assert cache.MAX_CACHE_BYTES == 64 * 1024 * 1024
