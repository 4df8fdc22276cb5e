"""Mapping the gateway's ``GET /models`` answer to catalog models (SPEC §6)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from kilocli.catalog.parse import CatalogFormatError, parse_models_payload
from kilocli.catalog.records import CatalogModel
from tests.catalogs import generate_catalog
from tests.fakes import DATA

# SPEC §6: a price the row does not give is unknown (None), never $0; "-1" is "variable".
UNKNOWN_COST = {"input": None, "output": None, "cacheRead": None, "cacheWrite": None}


def mapped(model: CatalogModel) -> dict[str, Any]:
    """A parsed model under SPEC §7's field names, to compare with hand-written expectations."""
    return {
        "id": model.id,
        "name": model.name,
        "input": list(model.input),
        "reasoning": model.reasoning,
        "contextWindow": model.context_window,
        "maxTokens": model.max_tokens,
        "cost": {
            "input": model.cost.input,
            "output": model.cost.output,
            "cacheRead": model.cost.cache_read,
            "cacheWrite": model.cost.cache_write,
        },
        "free": model.free,
    }


def parse_one(row: dict[str, Any]) -> dict[str, Any]:
    parsed = parse_models_payload({"data": [row]})
    assert len(parsed.models) == 1
    return mapped(parsed.models[0])


def model(model_id: str, **changes: Any) -> dict[str, Any]:
    """The mapping of a row with only ``model_id``: SPEC §6's defaults (token counts and
    prices unknown, None), then ``changes``."""
    expected: dict[str, Any] = {
        "id": model_id,
        "name": model_id,
        "input": ["text"],
        "reasoning": False,
        "contextWindow": None,
        "maxTokens": None,
        "cost": UNKNOWN_COST,
        "free": False,
    }
    return expected | changes


# The example answer of the real gateway, mapped by hand from SPEC §6.
EXAMPLE_EXPECTED = [
    model(
        "kilo-auto/frontier",
        name="Auto Frontier",
        input=["text", "image"],  # "pdf" is not an input kilocli knows
        reasoning=True,
        contextWindow=1_000_000,
        maxTokens=128_000,
        # "-1" is variable; the cache prices are not given: unknown
        cost={"input": "variable", "output": "variable", "cacheRead": None, "cacheWrite": None},
        free=False,  # isFree: false
    ),
    model(
        "kilo-auto/free",
        name="Auto Free",
        reasoning=True,
        contextWindow=256_000,
        maxTokens=32_768,
        cost={"input": 0.0, "output": 0.0, "cacheRead": 0.0, "cacheWrite": 0.0},
        free=True,
    ),
    model(
        "openai/gpt-5.4",
        name="OpenAI: GPT-5.4",
        input=["text", "image"],
        reasoning=True,
        contextWindow=272_000,  # top_provider's, not the top-level 400000
        maxTokens=128_000,
        cost={"input": 1.25, "output": 10.0, "cacheRead": 0.125, "cacheWrite": None},
    ),
    model(
        "qwen/qwen3-coder:free",
        name="Qwen: Qwen3 Coder (free)",
        contextWindow=262_144,  # no max_completion_tokens: maxTokens unknown
        cost={"input": 0.0, "output": 0.0, "cacheRead": None, "cacheWrite": None},
        free=True,
    ),
    model(
        "example-exclusive",
        name="Example Exclusive",
        contextWindow=131_072,
        cost={"input": 0.0, "output": 0.0, "cacheRead": None, "cacheWrite": None},
        free=True,
    ),
    model("vendor/minimal-row", name="Vendor: Minimal"),  # every other value unknown
]


def test_the_example_answer_is_mapped_whole() -> None:
    parsed = parse_models_payload(json.loads((DATA / "gateway-models.json").read_text()))
    assert [mapped(m) for m in parsed.models] == EXAMPLE_EXPECTED
    assert (parsed.skipped_invalid, parsed.skipped_duplicate, parsed.skipped_image_output) == (
        2,  # a string row, a row without an id
        1,  # openai/gpt-5.4 again
        1,  # google/gemini-2.5-flash-image
    )
    assert all(m.origin == "gateway" for m in parsed.models)


@pytest.mark.parametrize(
    ("per_token", "per_million"),
    [
        ("0.000003", 3.0),
        ("0.000015", 15.0),
        ("0.00000125", 1.25),
        ("0.000000125", 0.125),
        ("0.0000003", 0.3),
        ("0.00000375", 3.75),
        ("0.0000000375", 0.0375),
        ("0.0006", 600.0),
        ("0", 0.0),
        ("-1", "variable"),
    ],
)
def test_per_token_prices_become_usd_per_million(per_token: str, per_million: float | str) -> None:
    pricing = dict.fromkeys(("prompt", "completion", "input_cache_read", "input_cache_write"))
    row = {"id": "v/m", "pricing": {name: per_token for name in pricing}}
    assert parse_one(row)["cost"] == dict.fromkeys(UNKNOWN_COST, per_million)


def test_each_price_goes_to_its_own_field() -> None:
    row = {
        "id": "anthropic/claude-sonnet-4.5",
        "pricing": {
            "prompt": "0.000003",
            "completion": "0.000015",
            "input_cache_read": "0.0000003",
            "input_cache_write": "0.00000375",
            "request": "0.5",
            "image": "0.0048",
            "web_search": "0.01",
        },
    }
    assert parse_one(row)["cost"] == {
        "input": 3.0,
        "output": 15.0,
        "cacheRead": 0.3,
        "cacheWrite": 3.75,
    }


def test_a_row_with_only_an_id_takes_every_default() -> None:
    assert parse_one({"id": "vendor/bare"}) == model("vendor/bare")


@pytest.mark.parametrize("name", [None, "", "   "])
def test_a_missing_or_blank_name_is_the_id(name: str | None) -> None:
    row: dict[str, Any] = {"id": "vendor/nameless"}
    if name is not None:
        row["name"] = name
    assert parse_one(row)["name"] == "vendor/nameless"


def test_a_row_with_every_field_and_kilo_extras() -> None:
    row = {
        "id": "anthropic/claude-sonnet-4.5",
        "name": "Anthropic: Claude Sonnet 4.5",
        "created": 1759161676,
        "architecture": {
            "modality": "text+image->text",
            "input_modalities": ["image", "text", "file"],
            "output_modalities": ["text"],
            "tokenizer": "Claude",
        },
        "top_provider": {
            "is_moderated": True,
            "context_length": 200_000,
            "max_completion_tokens": 64_000,
        },
        "context_length": 1_000_000,
        "pricing": {"prompt": "0.000003", "completion": "0.000015"},
        "supported_parameters": ["include_reasoning", "tools"],
        "preferredIndex": 1,
        "isFree": False,
        "autoRouting": {"models": ["x"]},
        "opencode": {"family": "claude"},
        "terminalBench": {"overallScore": 0.7},
        "unknownFutureField": {"nested": [1, 2]},
    }
    assert parse_one(row) == model(
        "anthropic/claude-sonnet-4.5",
        name="Anthropic: Claude Sonnet 4.5",
        input=["text", "image"],
        reasoning=True,
        contextWindow=200_000,
        maxTokens=64_000,
        cost={"input": 3.0, "output": 15.0, "cacheRead": None, "cacheWrite": None},
    )


@pytest.mark.parametrize(
    ("row", "context_window", "max_tokens"),
    [
        ({"top_provider": {"context_length": 200_000}, "context_length": 400_000}, 200_000, None),
        ({"top_provider": {"context_length": None}, "context_length": 400_000}, 400_000, None),
        ({"top_provider": {}, "context_length": 131_072}, 131_072, None),
        ({"context_length": 32_768}, 32_768, None),
        ({"top_provider": {"max_completion_tokens": 8192}}, None, 8192),
        ({"top_provider": {"max_completion_tokens": None}}, None, None),
        ({"top_provider": None, "context_length": None}, None, None),
    ],
)
def test_context_window_and_max_tokens(
    row: dict[str, Any], context_window: int | None, max_tokens: int | None
) -> None:
    """What the row does not give stays unknown (None): no default is invented."""
    parsed = parse_one({"id": "v/m", **row})
    assert parsed["contextWindow"] == context_window
    assert parsed["maxTokens"] == max_tokens


@pytest.mark.parametrize(
    ("architecture", "expected"),
    [
        ({"input_modalities": ["text", "image"]}, ["text", "image"]),
        ({"input_modalities": ["image"]}, ["text", "image"]),
        ({"input_modalities": ["text", "file", "audio"]}, ["text"]),
        ({"input_modalities": ["text"], "output_modalities": ["text"]}, ["text"]),
        ({}, ["text"]),
        (None, ["text"]),
    ],
)
def test_input_is_text_plus_image_when_image_is_an_input(
    architecture: dict[str, Any] | None, expected: list[str]
) -> None:
    assert parse_one({"id": "v/m", "architecture": architecture})["input"] == expected


@pytest.mark.parametrize(
    ("parameters", "expected"),
    [
        (["reasoning"], True),
        (["include_reasoning"], True),
        (["tools", "reasoning", "include_reasoning"], True),
        (["reasoning_effort", "tools"], False),
        ([], False),
        (None, False),
    ],
)
def test_reasoning_comes_from_supported_parameters(
    parameters: list[str] | None, expected: bool
) -> None:
    row: dict[str, Any] = {"id": "v/m"}
    if parameters is not None:
        row["supported_parameters"] = parameters
    assert parse_one(row)["reasoning"] is expected


PRICED = {"prompt": "0.000003", "completion": "0.000015"}
ZERO = {"prompt": "0", "completion": "0"}


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        # isFree wins over everything else
        ({"id": "v/m", "isFree": True, "pricing": PRICED}, True),
        ({"id": "v/m:free", "isFree": False}, False),
        ({"id": "v/m", "isFree": False, "pricing": ZERO}, False),
        # else the :free suffix
        ({"id": "v/m:free", "pricing": PRICED}, True),
        ({"id": "v/m:free"}, True),
        ({"id": "v/free-model"}, False),
        # else both prompt and completion given, and both 0
        ({"id": "v/m", "pricing": ZERO}, True),
        ({"id": "v/m", "pricing": {"prompt": "0.0", "completion": "0.000"}}, True),
        ({"id": "v/m", "pricing": {"prompt": "0"}}, False),
        ({"id": "v/m", "pricing": {"completion": "0"}}, False),
        ({"id": "v/m", "pricing": {"prompt": "0", "completion": "-1"}}, False),
        ({"id": "v/m", "pricing": {"prompt": "-1", "completion": "-1"}}, False),
        ({"id": "v/m", "pricing": PRICED}, False),
        ({"id": "v/m"}, False),
    ],
)
def test_free(row: dict[str, Any], expected: bool) -> None:
    assert parse_one(row)["free"] is expected


def test_unusable_rows_are_skipped_and_counted_in_order() -> None:
    rows: list[Any] = [
        {"id": "a/first", "name": "First"},
        "a string",
        17,
        None,
        ["a/list"],
        {"name": "no id"},
        {"id": 7},
        {"id": None},
        {"id": ""},
        {"id": "a/first", "name": "Second time: skipped"},
        {"id": "b/draws", "architecture": {"output_modalities": ["image"]}},
        {"id": "b/draws", "name": "after an image model: a duplicate"},
        {"id": "c/both", "architecture": {"output_modalities": ["text", "image"]}},
        {"id": "d/last"},
        {"id": "d/last"},
    ]
    parsed = parse_models_payload({"data": rows})
    assert [(m.id, m.name) for m in parsed.models] == [("a/first", "First"), ("d/last", "d/last")]
    assert parsed.skipped_invalid == 8
    assert parsed.skipped_duplicate == 3
    assert parsed.skipped_image_output == 2


def test_an_empty_list_is_a_catalog_of_nothing() -> None:
    parsed = parse_models_payload({"data": []})
    assert parsed.models == ()
    assert (parsed.skipped_invalid, parsed.skipped_duplicate, parsed.skipped_image_output) == (
        0,
        0,
        0,
    )


@pytest.mark.parametrize(
    "payload",
    [{}, {"models": []}, {"data": None}, {"data": {"id": "v/m"}}, {"data": "x"}, [], "data", None],
)
def test_a_payload_without_a_data_list_is_refused(payload: Any) -> None:
    with pytest.raises(CatalogFormatError):
        parse_models_payload(payload)


@pytest.mark.parametrize(("count", "seed"), [(300, 1), (500, 2), (800, 3)])
def test_generated_catalogs_map_field_by_field(count: int, seed: int) -> None:
    catalog = generate_catalog(count, seed=seed)
    # Round-trip through JSON, as the gateway's answer arrives.
    parsed = parse_models_payload(json.loads(catalog.body_bytes()))
    got = [mapped(m) for m in parsed.models]
    assert [m["id"] for m in got] == [m["id"] for m in catalog.expected]
    for actual, expected in zip(got, catalog.expected, strict=True):
        assert actual == expected, actual["id"]
    assert parsed.skipped_invalid == catalog.invalid
    assert parsed.skipped_duplicate == catalog.duplicate
    assert parsed.skipped_image_output == catalog.image_output
    assert len(parsed.models) + catalog.invalid + catalog.duplicate + catalog.image_output == count


SHAPES = [
    "invalid row",
    "duplicate id",
    "image output",
    "only id",
    "only id and name",
    ":free suffix",
    "name given",
    "name missing",
    "name empty",
    "name blank",
    "architecture missing",
    "architecture null",
    "architecture text",
    "architecture text+image",
    "architecture text+image+file",
    "architecture no inputs",
    "context from top_provider",
    "context from top_provider over top level",
    "context from top level",
    "context unknown",
    "max tokens given",
    "max tokens unknown",
    "top_provider null values",
    "parameters missing",
    "parameters plain",
    "parameters reasoning",
    "parameters include_reasoning",
    "parameters both",
    "parameters reasoning_effort only",
    "pricing missing",
    "pricing priced",
    "pricing priced+cache",
    "pricing variable",
    "pricing zero",
    "pricing prompt only",
    "pricing half variable",
    "isFree missing",
    "isFree true",
    "isFree false",
    "extra fields",
]


def test_the_generator_mixes_every_shape_and_every_outcome() -> None:
    """The comparisons above only mean something if the catalogs hold every case."""
    catalog = generate_catalog(300, seed=1)
    assert sorted(catalog.shapes) == sorted(SHAPES)
    assert all(catalog.shapes[shape] >= 2 for shape in SHAPES), catalog.shapes
    expected = catalog.expected
    assert {m["free"] for m in expected} == {True, False}
    assert {m["reasoning"] for m in expected} == {True, False}
    assert {tuple(m["input"]) for m in expected} == {("text",), ("text", "image")}
    assert any(m["cost"]["input"] == "variable" for m in expected)
    assert any(m["cost"]["input"] is None for m in expected)
    assert any(m["cost"]["output"] is None and m["cost"]["input"] is not None for m in expected)
    assert any(m["cost"]["cacheRead"] not in (0.0, None, "variable") for m in expected)
    assert any(m["contextWindow"] is None for m in expected)
    assert any(m["maxTokens"] is None for m in expected)
    assert any(m["name"] == m["id"] for m in expected)


# SPEC §6: a value of the wrong kind is treated as missing, never as a crash or an invalid row.


def parse_json_row(text: str) -> dict[str, Any]:
    """Map a row written as JSON text, so that ``1e400`` and ``NaN`` arrive as the gateway's
    answer would (Python's json module reads them as inf and nan)."""
    return parse_one(json.loads(text))


NOT_A_TOKEN_COUNT = [
    "1e400",  # read as inf
    "-1e400",
    "NaN",
    "Infinity",
    "4096.5",
    "0.5",
    "0",
    "0.0",
    "-5",
    "-4096.0",
    '"131072"',
    '""',
    "true",
    "false",
    "null",
    "[131072]",
    '{"value": 131072}',
]


@pytest.mark.parametrize("value", NOT_A_TOKEN_COUNT)
def test_a_top_provider_context_that_is_not_a_positive_whole_number_is_missing(
    value: str,
) -> None:
    row = parse_json_row(f'{{"id": "v/m", "top_provider": {{"context_length": {value}}}}}')
    assert row["contextWindow"] is None
    # Missing, so the top-level context_length is used instead.
    text = f'{{"id": "v/m", "top_provider": {{"context_length": {value}}}, "context_length": 8192}}'
    assert parse_json_row(text)["contextWindow"] == 8192


@pytest.mark.parametrize("value", NOT_A_TOKEN_COUNT)
def test_a_top_level_context_that_is_not_a_positive_whole_number_is_missing(value: str) -> None:
    assert parse_json_row(f'{{"id": "v/m", "context_length": {value}}}')["contextWindow"] is None


@pytest.mark.parametrize("value", NOT_A_TOKEN_COUNT)
def test_max_tokens_that_are_not_a_positive_whole_number_are_missing(value: str) -> None:
    text = f'{{"id": "v/m", "top_provider": {{"max_completion_tokens": {value}}}}}'
    assert parse_json_row(text)["maxTokens"] is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("4096", 4096),
        ("4096.0", 4096),  # JSON has one number type: an integral float is that whole number
        ("1e5", 100_000),
        ("1", 1),
        ("100000000000000000000", 100_000_000_000_000_000_000),
    ],
)
def test_token_counts_that_are_positive_whole_numbers(value: str, expected: int) -> None:
    text = (
        f'{{"id": "v/m", "context_length": {value}, '
        f'"top_provider": {{"max_completion_tokens": {value}}}}}'
    )
    row = parse_json_row(text)
    assert (row["contextWindow"], row["maxTokens"]) == (expected, expected)
    assert type(row["contextWindow"]) is int
    assert type(row["maxTokens"]) is int


NOT_A_PRICE = [
    '"abc"',
    '""',
    '" "',
    '"NaN"',
    '"Infinity"',
    '"-Infinity"',
    '"1e400"',  # finite as a decimal, but not as a float per million tokens
    "1e400",  # read as inf
    "NaN",
    '"-0.5"',
    '"-2"',
    '"-1.0"',  # only the string "-1" means variable
    "-1",
    "true",
    "false",
    "[]",
    '["0.000003"]',
    '{"usd": "0.000003"}',
]


@pytest.mark.parametrize("value", NOT_A_PRICE)
def test_a_price_that_is_not_a_finite_non_negative_number_is_missing(value: str) -> None:
    """Missing is unknown (None): never $0, never "variable" and never free."""
    prices = ", ".join(
        f'"{name}": {value}'
        for name in ("prompt", "completion", "input_cache_read", "input_cache_write")
    )
    row = parse_json_row(f'{{"id": "v/m", "pricing": {{{prices}}}}}')
    assert row["cost"] == UNKNOWN_COST
    assert row["free"] is False  # no price was given, so "both 0" does not hold


@pytest.mark.parametrize("value", NOT_A_PRICE)
def test_one_bad_price_leaves_the_others_alone(value: str) -> None:
    text = (
        f'{{"id": "v/m", "pricing": {{"prompt": {value}, "completion": "0.000015", '
        f'"input_cache_read": "-1", "input_cache_write": "0.00000375"}}}}'
    )
    assert parse_json_row(text)["cost"] == {
        "input": None,  # unknown, not $0
        "output": 15.0,
        "cacheRead": "variable",
        "cacheWrite": 3.75,
    }


@pytest.mark.parametrize(
    ("value", "per_million"),
    [
        ("0.000003", 3.0),  # a JSON number, not a string
        ('"3e-6"', 3.0),
        ('" 0.000003 "', 3.0),
        ("0", 0.0),
        ('"-0"', 0.0),
        ('"0.0001"', 100.0),
        ('"1e-400"', 0.0),  # below what a float can hold: rounds to 0
    ],
)
def test_prices_written_other_ways(value: str, per_million: float) -> None:
    cost = parse_json_row(f'{{"id": "v/m", "pricing": {{"prompt": {value}}}}}')["cost"]
    assert cost["input"] == per_million
    assert str(cost["input"]) != "-0.0"


def test_prices_given_as_the_number_0_make_a_model_free() -> None:
    assert parse_json_row('{"id": "v/m", "pricing": {"prompt": 0, "completion": 0.0}}')["free"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "42"),
        ("name", '["A name"]'),
        ("name", "null"),
        ("architecture", '"text"'),
        ("architecture", '["text", "image"]'),
        ("architecture", "7"),
        ("architecture", '{"input_modalities": "text", "output_modalities": "text"}'),
        ("architecture", '{"input_modalities": {"image": true}, "output_modalities": null}'),
        ("top_provider", '"big"'),
        ("top_provider", "[200000, 64000]"),
        ("pricing", '"free"'),
        ("pricing", '["0", "0"]'),
        ("pricing", "0"),
        ("supported_parameters", '"tools"'),
        ("supported_parameters", '{"tools": true}'),
        ("isFree", '"yes"'),
        ("isFree", "1"),
        ("isFree", "null"),
        ("context_length", '{"max": 1}'),
    ],
)
def test_a_field_of_the_wrong_type_is_missing_and_the_row_still_counts(
    field: str, value: str
) -> None:
    parsed = parse_models_payload(json.loads(f'{{"data": [{{"id": "v/m", "{field}": {value}}}]}}'))
    assert [mapped(m) for m in parsed.models] == [model("v/m")]
    assert (parsed.skipped_invalid, parsed.skipped_duplicate, parsed.skipped_image_output) == (
        0,
        0,
        0,
    )


def test_a_row_with_every_field_of_the_wrong_type_takes_every_default() -> None:
    row = {
        "id": "v/m",
        "name": 1,
        "architecture": "text->image",
        "top_provider": [],
        "context_length": "1000",
        "pricing": "cheap",
        "supported_parameters": "reasoning",
        "isFree": "true",
    }
    assert parse_one(row) == model("v/m")


@pytest.mark.parametrize(
    ("architecture", "expected"),
    [
        ({"input_modalities": "image"}, ["text"]),  # a string, not a list: missing
        ({"input_modalities": ["image", 5, None]}, ["text", "image"]),  # non-strings left out
        ({"input_modalities": [["image"]]}, ["text"]),
    ],
)
def test_input_modalities_of_the_wrong_type(
    architecture: dict[str, Any], expected: list[str]
) -> None:
    assert parse_one({"id": "v/m", "architecture": architecture})["input"] == expected


@pytest.mark.parametrize(
    ("output_modalities", "image_output"),
    [
        ("image", 0),  # a string, not a list: missing, so not an image model
        (["text", 3, "image"], 1),
        ([{"image": True}], 0),
        (None, 0),
    ],
)
def test_output_modalities_of_the_wrong_type(output_modalities: Any, image_output: int) -> None:
    row = {"id": "v/m", "architecture": {"output_modalities": output_modalities}}
    parsed = parse_models_payload({"data": [row]})
    assert (len(parsed.models), parsed.skipped_image_output) == (1 - image_output, image_output)


def test_supported_parameters_skip_items_that_are_not_strings() -> None:
    assert parse_one({"id": "v/m", "supported_parameters": [1, None, "reasoning"]})["reasoning"]


@pytest.mark.parametrize(
    ("is_free", "expected"),
    [("true", False), (1, False), (0, True), (None, True)],  # not a bool: the pricing decides
)
def test_an_is_free_that_is_not_a_bool_is_missing(is_free: Any, expected: bool) -> None:
    pricing = {"prompt": "0.000003", "completion": "0"} if expected is False else ZERO
    assert parse_one({"id": "v/m", "isFree": is_free, "pricing": pricing})["free"] is expected


def test_text_that_is_not_unicode_is_not_kept() -> None:
    """JSON can escape half a surrogate pair; such an id is invalid and such a name missing
    (neither could be shown or saved in the cache)."""
    payload = json.loads('{"data": [{"id": "v/\\ud800"}, {"id": "v/m", "name": "Half \\udc00"}]}')
    parsed = parse_models_payload(payload)
    assert [(m.id, m.name) for m in parsed.models] == [("v/m", "v/m")]
    assert parsed.skipped_invalid == 1


def test_a_whitespace_id_is_still_an_id() -> None:
    assert parse_one({"id": " "})["id"] == " "


def test_nested_junk_in_ignored_fields_costs_nothing() -> None:
    deep: Any = "x"
    for _ in range(10_000):
        deep = {"a": [deep]}
    assert parse_one({"id": "v/m", "autoRouting": deep, "pricing": {"extra": deep}}) == model("v/m")
