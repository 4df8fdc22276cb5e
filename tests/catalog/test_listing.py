"""Filters, sorting, tags, policies and the ``--json`` document of ``models list`` (SPEC §6, §7)."""

from __future__ import annotations

from typing import Any

import pytest

from kilocli.catalog.assemble import Catalog
from kilocli.catalog.listing import ModelFilter, SortKey, build_listing
from kilocli.catalog.policies import cache_ttl_eligible, transcript_sanitize
from kilocli.catalog.records import CatalogModel, Cost
from kilocli.config.model import Config
from kilocli.providers.registry import get_provider
from kilocli.providers.resolve import ModelRef
from kilocli.services.listing import listing_result

KILOCODE = get_provider("kilocode")
VARIABLE = "variable"

# Prices and token counts as SPEC §6 maps them: a number, "variable", or None (unknown); what a
# model below does not name is unknown.
CATALOG_MODELS = (
    CatalogModel(  # as the fallback catalog has it
        "kilo-auto/balanced",
        "Auto Balanced",
        ("text", "image"),
        reasoning=True,
        context_window=1_000_000,
        max_tokens=65_536,
        cost=Cost(VARIABLE, VARIABLE, VARIABLE, VARIABLE),
        origin="fallback",
    ),
    CatalogModel(
        "anthropic/claude-sonnet-4.5",
        "Anthropic: Claude Sonnet 4.5",
        ("text", "image"),
        reasoning=True,
        context_window=200_000,
        max_tokens=64_000,
        cost=Cost(3.0, 15.0, 0.3, 3.75),
    ),
    CatalogModel(
        "kilo-auto/frontier",
        "Auto Frontier",
        ("text", "image"),
        reasoning=True,
        context_window=1_000_000,
        max_tokens=128_000,
        cost=Cost(VARIABLE, VARIABLE, None, None),
    ),
    CatalogModel(
        "qwen/qwen3-coder:free",
        "Qwen: Qwen3 Coder (free)",
        context_window=262_144,
        cost=Cost(0.0, 0.0),
        free=True,
    ),
    CatalogModel(
        "google/gemini-2.5-pro",
        "Google: Gemini 2.5 Pro",
        ("text", "image"),
        reasoning=True,
        context_window=1_048_576,
        max_tokens=65_536,
        cost=Cost(1.25, 10.0, 0.31, 0.0),
    ),
    CatalogModel(
        "x-ai/grok-code-fast", "xAI: Grok Code Fast", context_window=256_000, cost=Cost(0.2, 1.5)
    ),
    CatalogModel(
        "openai/gpt-5.4",
        "OpenAI: GPT-5.4",
        ("text", "image"),
        reasoning=True,
        context_window=272_000,
        cost=Cost(1.25, 10.0, 0.125, 0.0),
    ),
    CatalogModel("vendor/half-variable", "Half Variable", cost=Cost(0.1, VARIABLE)),
    CatalogModel("mine/custom", "My Custom", context_window=64_000, origin="configured"),
    CatalogModel("vendor/prompt-only", "Prompt Only", cost=Cost(0.05, None)),  # output unknown
)
CATALOG = Catalog(KILOCODE, "gateway", 1_795_000_000.0, False, (), CATALOG_MODELS)


NO_FILTER = ModelFilter()
NO_CONFIG = Config()


def config_of(document: dict[str, Any]) -> Config:
    """The config as it would be read from ``document``."""
    return Config.model_validate(document)


def listed_ids(model_filter: ModelFilter = NO_FILTER, sort: SortKey | None = None) -> list[str]:
    listing = build_listing(CATALOG, NO_CONFIG, model_filter, sort)
    return [listed.model.id for listed in listing.models]


# Filters


@pytest.mark.parametrize(
    ("queries", "expected"),
    [
        (("claude",), ["anthropic/claude-sonnet-4.5"]),
        (("CLAUDE",), ["anthropic/claude-sonnet-4.5"]),
        (("Sonnet", "anthropic"), ["anthropic/claude-sonnet-4.5"]),
        (("anthropic", "gpt"), []),
        (("xai",), ["x-ai/grok-code-fast"]),  # only the name says "xAI"
        (("x-ai",), ["x-ai/grok-code-fast"]),  # only the id says "x-ai"
        (("grok", "xAI: grok code"), ["x-ai/grok-code-fast"]),  # one in the id, one in the name
        (("auto",), ["kilo-auto/balanced", "kilo-auto/frontier"]),
        (("gemini 2.5",), ["google/gemini-2.5-pro"]),
        (("gemini-2.5",), ["google/gemini-2.5-pro"]),
        (("5.4", "openai"), ["openai/gpt-5.4"]),
        ((":free",), ["qwen/qwen3-coder:free"]),
        (("no-such-model",), []),
    ],
)
def test_queries_all_match_id_or_name_case_insensitively(
    queries: tuple[str, ...], expected: list[str]
) -> None:
    assert listed_ids(ModelFilter(queries=queries)) == expected


def test_the_query_does_not_match_across_id_and_name() -> None:
    # "kilo-auto/balanced" + "Auto Balanced": "autokilo" is in neither.
    assert listed_ids(ModelFilter(queries=("autokilo",))) == []
    assert listed_ids(ModelFilter(queries=("auto kilo",))) == []


def test_free_filter() -> None:
    assert listed_ids(ModelFilter(free=True)) == ["qwen/qwen3-coder:free"]


def test_input_image_filter() -> None:
    assert listed_ids(ModelFilter(input="image")) == [
        "kilo-auto/balanced",
        "anthropic/claude-sonnet-4.5",
        "kilo-auto/frontier",
        "google/gemini-2.5-pro",
        "openai/gpt-5.4",
    ]
    assert listed_ids(ModelFilter(input="text")) == [m.id for m in CATALOG_MODELS]


def test_reasoning_filter() -> None:
    assert listed_ids(ModelFilter(reasoning=True)) == [
        "kilo-auto/balanced",
        "anthropic/claude-sonnet-4.5",
        "kilo-auto/frontier",
        "google/gemini-2.5-pro",
        "openai/gpt-5.4",
    ]


def test_filters_combine() -> None:
    both = ModelFilter(queries=("o",), input="image", reasoning=True)
    assert listed_ids(both) == [
        "kilo-auto/balanced",
        "anthropic/claude-sonnet-4.5",
        "kilo-auto/frontier",
        "google/gemini-2.5-pro",
        "openai/gpt-5.4",
    ]
    assert listed_ids(ModelFilter(queries=("gpt",), free=True)) == []
    assert listed_ids(ModelFilter(queries=("qwen",), free=True, reasoning=True)) == []


# Sorting


def test_without_sort_the_catalog_order_is_kept() -> None:
    assert listed_ids() == [m.id for m in CATALOG_MODELS]


def test_sort_by_id() -> None:
    assert listed_ids(sort="id") == [
        "anthropic/claude-sonnet-4.5",
        "google/gemini-2.5-pro",
        "kilo-auto/balanced",
        "kilo-auto/frontier",
        "mine/custom",
        "openai/gpt-5.4",
        "qwen/qwen3-coder:free",
        "vendor/half-variable",
        "vendor/prompt-only",
        "x-ai/grok-code-fast",
    ]


def test_sort_by_price_cheapest_first_then_variable_then_unknown() -> None:
    """An unknown price is never sorted as $0 (SPEC §6): it goes after the variable ones."""
    assert listed_ids(sort="price") == [
        "qwen/qwen3-coder:free",  # free: 0 / 0
        "x-ai/grok-code-fast",  # 0.2 / 1.5
        "google/gemini-2.5-pro",  # 1.25 / 10, same price as gpt-5.4: by id
        "openai/gpt-5.4",
        "anthropic/claude-sonnet-4.5",  # 3 / 15
        "kilo-auto/balanced",  # variable (both), ties by id
        "kilo-auto/frontier",
        "vendor/half-variable",  # variable (output)
        "mine/custom",  # unknown (both), ties by id
        "vendor/prompt-only",  # unknown (output): not its $0.05 input
    ]


def test_sort_by_context_largest_first_and_unknown_last() -> None:
    assert listed_ids(sort="context") == [
        "google/gemini-2.5-pro",  # 1,048,576
        "kilo-auto/balanced",  # 1,000,000, ties by id
        "kilo-auto/frontier",
        "openai/gpt-5.4",  # 272,000
        "qwen/qwen3-coder:free",  # 262,144
        "x-ai/grok-code-fast",  # 256,000
        "anthropic/claude-sonnet-4.5",  # 200,000
        "mine/custom",  # 64,000
        "vendor/half-variable",  # unknown, ties by id
        "vendor/prompt-only",
    ]


def test_filter_and_sort_together() -> None:
    assert listed_ids(ModelFilter(reasoning=True), sort="price") == [
        "google/gemini-2.5-pro",
        "openai/gpt-5.4",
        "anthropic/claude-sonnet-4.5",
        "kilo-auto/balanced",
        "kilo-auto/frontier",
    ]


# Tags


def test_tags() -> None:
    config = {
        "agents": {
            "defaults": {
                "model": {
                    "primary": "kilocode/anthropic/claude-sonnet-4.5",
                    "fallbacks": [
                        "kilocode/openai/gpt-5.4",
                        "openrouter/openai/gpt-5.4",  # another provider: not this ref
                        "kilocode/qwen/qwen3-coder:free",
                        "kilocode/anthropic/claude-sonnet-4.5",
                    ],
                },
                "models": {
                    "kilocode/kilo-auto/balanced": {"alias": "Kilo Gateway"},
                    "kilocode/anthropic/claude-sonnet-4.5": {"alias": "sonnet"},
                    "kilocode/mine/custom": {"note": "no alias here"},
                },
            }
        }
    }
    listing = build_listing(CATALOG, config_of(config))
    assert {listed.model.id: listed.tags for listed in listing.models} == {
        "kilo-auto/balanced": ("alias:Kilo Gateway",),
        "anthropic/claude-sonnet-4.5": ("default", "fallback#4", "alias:sonnet"),
        "kilo-auto/frontier": (),
        "qwen/qwen3-coder:free": ("fallback#3", "free"),
        "google/gemini-2.5-pro": (),
        "x-ai/grok-code-fast": (),
        "openai/gpt-5.4": ("fallback#1",),
        "vendor/half-variable": (),
        "mine/custom": ("configured",),
        "vendor/prompt-only": (),
    }


def test_no_config_means_only_configured_and_free_tags() -> None:
    listing = build_listing(CATALOG, NO_CONFIG)
    tagged = {listed.model.id: listed.tags for listed in listing.models if listed.tags}
    assert tagged == {"qwen/qwen3-coder:free": ("free",), "mine/custom": ("configured",)}


def test_a_configured_free_default_has_every_tag_in_order() -> None:
    model = CatalogModel("mine/free", "Mine", free=True, origin="configured")
    catalog = Catalog(KILOCODE, "fallback", None, False, (), (model,))
    ref = "kilocode/mine/free"
    config = {
        "agents": {
            "defaults": {
                "model": {"primary": ref, "fallbacks": [ref]},
                "models": {ref: {"alias": "cheap"}},
            }
        }
    }
    (listed,) = build_listing(catalog, config_of(config)).models
    assert listed.tags == ("default", "fallback#1", "alias:cheap", "configured", "free")


# Policies


@pytest.mark.parametrize(
    ("provider", "model_id", "cache_ttl", "sanitize"),
    [
        ("kilocode", "anthropic/claude-sonnet-4.5", True, False),
        ("kilocode", "anthropic/claude-opus-4.6", True, False),
        ("openrouter", "anthropic/claude-haiku-4.5", True, False),
        ("anthropic", "claude-sonnet-4.5", True, False),
        ("kilocode", "openai/gpt-5.4", False, False),
        ("kilocode", "openai/anthropic-lookalike", False, False),
        ("kilocode", "kilo-auto/balanced", False, False),
        ("openai", "anthropic/claude-sonnet-4.5", False, False),  # not a gateway
        ("kilocode", "google/gemini-2.5-pro", False, True),
        ("openrouter", "google/gemini-2.5", False, True),
        ("kilocode", "GEMINI", False, True),
        ("kilocode", "vendor/Gemini-Flash", False, True),
        ("google", "gemini-2.5-pro", False, True),
        ("google", "palm-2", False, True),
        ("openai", "gemini-lookalike", False, False),  # not a gateway, not google
        ("kilocode", "google/gemma-3", False, False),
    ],
)
def test_policies(provider: str, model_id: str, cache_ttl: bool, sanitize: bool) -> None:
    ref = ModelRef(provider, model_id)
    assert cache_ttl_eligible(ref) is cache_ttl
    assert transcript_sanitize(ref) is sanitize


# The --json document


def test_to_json_has_every_key_of_spec_section_7() -> None:
    models = (
        CATALOG_MODELS[0],
        CATALOG_MODELS[1],
        CATALOG_MODELS[2],
        CATALOG_MODELS[3],
        CATALOG_MODELS[4],
    )
    catalog = Catalog(
        KILOCODE, "cache", 1_795_000_000.0, True, ("Could not refresh (test).",), models
    )
    config = {"agents": {"defaults": {"model": {"primary": "kilocode/kilo-auto/balanced"}}}}
    document = listing_result(catalog, config_of(config), ModelFilter(reasoning=True)).to_json()
    expected: dict[str, Any] = {
        "provider": "kilocode",
        "organization": None,
        "count": 4,
        "skipped": 0,
        "source": "cache",
        "fetchedAt": "2026-11-18T11:06:40Z",
        "stale": True,
        "warnings": ["Could not refresh (test)."],
        "models": [
            {
                "ref": "kilocode/kilo-auto/balanced",
                "id": "kilo-auto/balanced",
                "name": "Auto Balanced",
                "input": ["text", "image"],
                "reasoning": True,
                "contextWindow": 1_000_000,
                "maxTokens": 65_536,
                "cost": {
                    "input": "variable",
                    "output": "variable",
                    "cacheRead": "variable",
                    "cacheWrite": "variable",
                },
                "free": False,
                "tags": ["default"],
                "cacheTtlEligible": False,
                "transcriptSanitize": False,
            },
            {
                "ref": "kilocode/anthropic/claude-sonnet-4.5",
                "id": "anthropic/claude-sonnet-4.5",
                "name": "Anthropic: Claude Sonnet 4.5",
                "input": ["text", "image"],
                "reasoning": True,
                "contextWindow": 200_000,
                "maxTokens": 64_000,
                "cost": {"input": 3.0, "output": 15.0, "cacheRead": 0.3, "cacheWrite": 3.75},
                "free": False,
                "tags": [],
                "cacheTtlEligible": True,
                "transcriptSanitize": False,
            },
            {
                "ref": "kilocode/kilo-auto/frontier",
                "id": "kilo-auto/frontier",
                "name": "Auto Frontier",
                "input": ["text", "image"],
                "reasoning": True,
                "contextWindow": 1_000_000,
                "maxTokens": 128_000,
                "cost": {
                    "input": "variable",
                    "output": "variable",
                    "cacheRead": None,
                    "cacheWrite": None,
                },
                "free": False,
                "tags": [],
                "cacheTtlEligible": False,
                "transcriptSanitize": False,
            },
            {
                "ref": "kilocode/google/gemini-2.5-pro",
                "id": "google/gemini-2.5-pro",
                "name": "Google: Gemini 2.5 Pro",
                "input": ["text", "image"],
                "reasoning": True,
                "contextWindow": 1_048_576,
                "maxTokens": 65_536,
                "cost": {"input": 1.25, "output": 10.0, "cacheRead": 0.31, "cacheWrite": 0.0},
                "free": False,
                "tags": [],
                "cacheTtlEligible": False,
                "transcriptSanitize": True,
            },
        ],
    }
    assert document == expected
    assert list(document) == list(expected)
    assert list(document["models"][0]) == list(expected["models"][0])


def test_to_json_shows_unknown_values_as_null_and_variable_prices_as_variable() -> None:
    """SPEC §6: in --json a variable price is "variable", an unknown value null (never 0)."""
    models = (CATALOG_MODELS[7], CATALOG_MODELS[9])  # half-variable, prompt-only
    catalog = Catalog(KILOCODE, "gateway", 1_795_000_000.0, False, (), models)
    document = listing_result(catalog, NO_CONFIG).to_json()
    assert [
        (m["id"], m["contextWindow"], m["maxTokens"], m["cost"], m["free"])
        for m in document["models"]
    ] == [
        (
            "vendor/half-variable",
            None,
            None,
            {"input": 0.1, "output": "variable", "cacheRead": None, "cacheWrite": None},
            False,
        ),
        (
            "vendor/prompt-only",
            None,
            None,
            {"input": 0.05, "output": None, "cacheRead": None, "cacheWrite": None},
            False,
        ),
    ]


def test_to_json_of_the_fallback_has_no_fetch_time() -> None:
    catalog = Catalog(KILOCODE, "fallback", None, False, ("why",), CATALOG_MODELS[:1])
    document = listing_result(catalog, NO_CONFIG).to_json()
    assert (document["source"], document["fetchedAt"], document["stale"]) == (
        "fallback",
        None,
        False,
    )
    assert (document["count"], document["warnings"]) == (1, ["why"])
