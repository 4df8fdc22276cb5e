"""``kilocli models …`` as a user runs it, against the fake gateway (SPEC §6, §7, §9)."""

from __future__ import annotations

import json
import textwrap
import time
import tomllib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from kilocli.errors import ExitCode
from tests.catalogs import generate_catalog
from tests.cli.conftest import Kilo, file_state, write_file
from tests.conftest import Run
from tests.fakes import OTHER_VALID_KEY, REJECTED_KEY, RESPONSES, VALID_KEY, FakeGateway
from tests.helpers import document, preview_of

MODELS_PATH = "/api/gateway/models"
SONNET = {
    "id": "anthropic/claude-sonnet-4.5",
    "name": "Anthropic: Claude Sonnet 4.5",
    "architecture": {"input_modalities": ["text", "image"], "output_modalities": ["text"]},
    "top_provider": {"context_length": 200_000, "max_completion_tokens": 64_000},
    "context_length": 1_000_000,
    "pricing": {
        "prompt": "0.000003",
        "completion": "0.000015",
        "input_cache_read": "0.0000003",
        "input_cache_write": "0.00000375",
    },
    "supported_parameters": ["tools", "reasoning", "include_reasoning"],
}
SMALL_CATALOG: dict[str, Any] = {
    "data": [
        SONNET,
        {
            "id": "kilo-auto/frontier",
            "name": "Auto Frontier",
            "architecture": {"input_modalities": ["text", "image"]},
            "top_provider": {"context_length": 1_000_000, "max_completion_tokens": 128_000},
            "pricing": {"prompt": "-1", "completion": "-1"},
            "supported_parameters": ["reasoning"],
            "isFree": False,
            "preferredIndex": 0,
            "autoRouting": {"models": ["anthropic/claude-opus-4.6"]},
        },
        {
            "id": "qwen/qwen3-coder:free",
            "name": "Qwen: Qwen3 Coder (free)",
            "context_length": 262_144,
            "pricing": {"prompt": "0", "completion": "0"},
            "supported_parameters": ["tools"],
        },
        {
            "id": "google/gemini-2.5-pro",
            "name": "Google: Gemini 2.5 Pro",
            "architecture": {"input_modalities": ["text", "image", "file"]},
            "top_provider": {"context_length": 1_048_576, "max_completion_tokens": 65_536},
            "pricing": {
                "prompt": "0.00000125",
                "completion": "0.00001",
                "input_cache_read": "0.00000031",
            },
            "supported_parameters": ["include_reasoning"],
        },
        {
            "id": "openai/gpt-5.4-mini",
            "name": "OpenAI: GPT-5.4 Mini",
            "top_provider": {"context_length": 400_000},
            "pricing": {"prompt": "0.00000025", "completion": "0.000002"},
        },
        "not an object",
        {
            "id": "google/gemini-2.5-flash-image",
            "architecture": {"output_modalities": ["image", "text"]},
        },
    ]
}
ALL_REFS = [
    "kilocode/kilo-auto/balanced",
    "kilocode/kilo-auto/efficient",
    "kilocode/kilo-auto/free",
    "kilocode/kilo-auto/small",
    "kilocode/anthropic/claude-sonnet-4.5",
    "kilocode/kilo-auto/frontier",
    "kilocode/qwen/qwen3-coder:free",
    "kilocode/google/gemini-2.5-pro",
    "kilocode/openai/gpt-5.4-mini",
]
# The gateway's answer has one row that is no model: counted (``skipped``), never warned about.
SKIPPED = ""
CONFIG = """\
[models.providers.kilocode]
api = "openai-completions"
myOwnSetting = "kept"

[[models.providers.kilocode.models]]
id = "mine/custom-model"
name = "My Custom Model"
contextWindow = 32000
maxTokens = 4096

[agents.defaults.model]
primary = "kilocode/anthropic/claude-sonnet-4.5"
fallbacks = ["kilocode/google/gemini-2.5-pro", "kilocode/qwen/qwen3-coder:free"]

[agents.defaults.models."kilocode/kilo-auto/balanced"]
alias = "Kilo Gateway"

[agents.defaults.models."kilocode/anthropic/claude-sonnet-4.5"]
alias = "sonnet"

[unknown.table]
x = 1
"""
PROFILE = f"""\
version = 1

[profiles."kilocode:default"]
type = "api_key"
provider = "kilocode"
key = "{OTHER_VALID_KEY}"
"""


@pytest.fixture(autouse=True)
def small_catalog(gateway: FakeGateway) -> None:
    gateway.models_body = json.dumps(SMALL_CATALOG).encode()


def block(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def table(run: Run) -> str:
    """stdout with each line's trailing padding removed (rich pads the last column)."""
    assert run.code == ExitCode.OK, run.stderr
    return "".join(line.rstrip() + "\n" for line in run.stdout.splitlines())


def plain(run: Run) -> list[str]:
    assert run.code == ExitCode.OK, run.stderr
    return run.stdout.splitlines()


def set_up_config(home: Path) -> None:
    write_file(home / "config.toml", CONFIG)


def read_config(home: Path) -> dict[str, Any]:
    return tomllib.loads((home / "config.toml").read_text())


def age_cache(home: Path, seconds: float) -> None:
    path = home / "cache" / "models-kilocode.json"
    cached = json.loads(path.read_bytes())
    cached["fetchedAt"] -= seconds
    path.write_text(json.dumps(cached))


# The table -------------------------------------------------------------------------------------


def test_table_at_80_columns(kilo: Kilo) -> None:
    run = kilo("models", "kilocode", env={"COLUMNS": "80"})
    assert table(run) == block(
        """
        Model                                Input        Ctx Max out   $/M in/out Tags
        kilocode/kilo-auto/balanced          text+image    1M     66k     variable
        kilocode/kilo-auto/efficient         text+image    1M     66k     variable
        kilocode/kilo-auto/free              text        256k     33k         free free
        kilocode/kilo-auto/small             text+image  262k     33k  $0.05/$0.40
        kilocode/anthropic/claude-sonnet-4.5 text+image  200k     64k $3.00/$15.00
        kilocode/kilo-auto/frontier          text+image    1M    128k     variable
        kilocode/qwen/qwen3-coder:free       text        262k       —         free free
        kilocode/google/gemini-2.5-pro       text+image 1.05M     66k $1.25/$10.00
        kilocode/openai/gpt-5.4-mini         text        400k       —  $0.25/$2.00
        """
    )
    assert max(len(line) for line in run.stdout.splitlines()) <= 80
    assert run.stderr == SKIPPED + "9 Kilo Gateway model(s), from the gateway\n"


def test_table_at_120_columns_with_names_and_tags(kilo: Kilo, home: Path) -> None:
    set_up_config(home)
    run = kilo("models", "kilocode", env={"COLUMNS": "120"})
    assert table(run) == block(
        """
        Model                                Name                     Input        Ctx Max out   $/M in/out Tags
        kilocode/kilo-auto/balanced          Auto Balanced            text+image    1M     66k     variable alias:Kilo Gateway
        kilocode/kilo-auto/efficient         Auto Efficient           text+image    1M     66k     variable
        kilocode/kilo-auto/free              Auto Free                text        256k     33k         free free
        kilocode/kilo-auto/small             Auto Small               text+image  262k     33k  $0.05/$0.40
        kilocode/anthropic/claude-sonnet-4.5 Anthropic: Claude Sonne… text+image  200k     64k $3.00/$15.00 default alias:sonnet
        kilocode/kilo-auto/frontier          Auto Frontier            text+image    1M    128k     variable
        kilocode/qwen/qwen3-coder:free       Qwen: Qwen3 Coder (free) text        262k       —         free fallback#2 free
        kilocode/google/gemini-2.5-pro       Google: Gemini 2.5 Pro   text+image 1.05M     66k $1.25/$10.00 fallback#1
        kilocode/openai/gpt-5.4-mini         OpenAI: GPT-5.4 Mini     text        400k       —  $0.25/$2.00
        kilocode/mine/custom-model           My Custom Model          text         32k      4k            — configured
        """  # noqa: E501 - the table is 120 columns wide
    )
    assert max(len(line) for line in run.stdout.splitlines()) <= 120
    assert run.stderr == SKIPPED + "10 Kilo Gateway model(s), from the gateway\n"


def test_a_long_id_makes_other_columns_give_way_first_and_is_cut_in_the_middle_last(
    kilo: Kilo, gateway: FakeGateway
) -> None:
    """SPEC §7: the table fits 80 columns whatever the longest id: Name is cut and dropped,
    Input and Max out are dropped, and only then is the long Model cut in the middle."""
    long_id = "some-very-long-vendor-name/an-extraordinarily-long-model-identifier-v2:free"
    body = {"data": [SONNET, {"id": long_id, "name": "Long", "context_length": 8192}]}
    gateway.models_body = json.dumps(body).encode()
    run = kilo("models", "kilocode", env={"COLUMNS": "80"})
    assert table(run) == block(
        """
        Model                                                      Ctx   $/M in/out Tags
        kilocode/kilo-auto/balanced                                 1M     variable
        kilocode/kilo-auto/frontier                                 1M     variable
        kilocode/kilo-auto/efficient                                1M     variable
        kilocode/kilo-auto/free                                   256k         free free
        kilocode/kilo-auto/small                                  262k  $0.05/$0.40
        kilocode/anthropic/claude-sonnet-4.5                      200k $3.00/$15.00
        kilocode/some-very-long-vend…ong-model-identifier-v2:free   8k         free free
        """
    )
    assert max(len(line) for line in run.stdout.splitlines()) <= 80


# A row that gives only an id and a name: SPEC §6 says its prices and token counts are unknown,
# shown as "—" and null, never as $0, free, variable or a default count.
BARE = {"id": "vendor/bare", "name": "Bare"}


def test_a_row_with_only_an_id_and_a_name_shows_dashes_in_the_table(
    kilo: Kilo, gateway: FakeGateway
) -> None:
    gateway.models_body = json.dumps({"data": [SONNET, BARE]}).encode()
    run = kilo("models", "kilocode", env={"COLUMNS": "80"})
    assert table(run) == block(
        """
        Model                                Input       Ctx Max out   $/M in/out Tags
        kilocode/kilo-auto/balanced          text+image   1M     66k     variable
        kilocode/kilo-auto/frontier          text+image   1M    128k     variable
        kilocode/kilo-auto/efficient         text+image   1M     66k     variable
        kilocode/kilo-auto/free              text       256k     33k         free free
        kilocode/kilo-auto/small             text+image 262k     33k  $0.05/$0.40
        kilocode/anthropic/claude-sonnet-4.5 text+image 200k     64k $3.00/$15.00
        kilocode/vendor/bare                 text          —       —            —
        """
    )
    assert run.stderr == "7 Kilo Gateway model(s), from the gateway\n"


def test_a_row_with_only_an_id_and_a_name_is_null_in_json(kilo: Kilo, gateway: FakeGateway) -> None:
    gateway.models_body = json.dumps({"data": [BARE]}).encode()
    got = document(kilo("models", "kilocode", "--json"))
    assert got["models"][5] == {  # after the five built-in auto models
        "ref": "kilocode/vendor/bare",
        "id": "vendor/bare",
        "name": "Bare",
        "input": ["text"],
        "reasoning": False,
        "contextWindow": None,
        "maxTokens": None,
        "cost": {"input": None, "output": None, "cacheRead": None, "cacheWrite": None},
        "free": False,
        "tags": [],
        "cacheTtlEligible": False,
        "transcriptSanitize": False,
    }


def test_info_of_a_row_with_only_an_id_and_a_name_says_unknown(
    kilo: Kilo, gateway: FakeGateway
) -> None:
    gateway.models_body = json.dumps({"data": [BARE]}).encode()
    run = kilo("models", "info", "kilocode/vendor/bare")
    assert run.code == ExitCode.OK, run.stderr
    assert run.stdout == block(
        """
        Ref         kilocode/vendor/bare
        Name        Bare
        Input       text
        Reasoning   no
        Context     unknown
        Max output  unknown
        Price $/M   input unknown, output unknown, cache read unknown, cache write unknown
        Tags        -
        Cache TTL   no
        Sanitise    no
        Origin      gateway (catalog: gateway)
        """
    )


def test_info_of_the_built_in_router_says_variable(kilo: Kilo) -> None:
    run = kilo("models", "info", "kilocode/kilo-auto/balanced", "--offline")
    assert run.code == ExitCode.OK, run.stderr
    lines = run.stdout.splitlines()
    assert "Context     1,000,000 tokens" in lines
    assert "Max output  65,536 tokens" in lines
    assert (
        "Price $/M   input variable, output variable, cache read variable, cache write variable"
        in lines
    )


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        (
            "price",
            [  # free and priced (cheapest first), then variable, then unknown (never as $0)
                "kilocode/kilo-auto/free",  # free: 0 / 0, ties by id
                "kilocode/qwen/qwen3-coder:free",
                "kilocode/kilo-auto/small",  # 0.05 / 0.40
                "kilocode/openai/gpt-5.4-mini",
                "kilocode/google/gemini-2.5-pro",
                "kilocode/anthropic/claude-sonnet-4.5",
                "kilocode/kilo-auto/balanced",  # variable, ties by id
                "kilocode/kilo-auto/efficient",
                "kilocode/kilo-auto/frontier",
                "kilocode/mine/custom-model",  # configured: no price given
                "kilocode/vendor/bare",
            ],
        ),
        (
            "context",
            [  # largest first, unknown last
                "kilocode/google/gemini-2.5-pro",
                "kilocode/kilo-auto/balanced",  # 1,000,000, ties by id
                "kilocode/kilo-auto/efficient",
                "kilocode/kilo-auto/frontier",
                "kilocode/openai/gpt-5.4-mini",
                "kilocode/kilo-auto/small",  # 262,144, ties by id
                "kilocode/qwen/qwen3-coder:free",
                "kilocode/kilo-auto/free",  # 256,000
                "kilocode/anthropic/claude-sonnet-4.5",
                "kilocode/mine/custom-model",  # 32,000, from the config
                "kilocode/vendor/bare",
            ],
        ),
    ],
)
def test_sorting_puts_unknown_values_last(
    kilo: Kilo, gateway: FakeGateway, home: Path, sort: str, expected: list[str]
) -> None:
    set_up_config(home)
    body = {"data": [*SMALL_CATALOG["data"], BARE]}
    gateway.models_body = json.dumps(body).encode()
    assert plain(kilo("models", "kilocode", "--plain", "--sort", sort)) == expected


def test_plain_is_one_ref_per_line(kilo: Kilo) -> None:
    run = kilo("models", "kilocode", "--plain")
    assert run.stdout == "".join(f"{ref}\n" for ref in ALL_REFS)
    assert run.stderr == SKIPPED


def test_json_field_by_field(kilo: Kilo, home: Path) -> None:
    set_up_config(home)
    run = kilo("models", "kilocode", "--json")
    assert run.code == ExitCode.OK, run.stderr
    got = document(run)
    assert list(got) == [
        "provider",
        "organization",
        "count",
        "skipped",
        "source",
        "fetchedAt",
        "stale",
        "warnings",
        "models",
    ]
    fetched = datetime.strptime(got["fetchedAt"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert abs(fetched.timestamp() - time.time()) < 10
    assert {k: v for k, v in got.items() if k not in {"fetchedAt", "models"}} == {
        "provider": "kilocode",
        "organization": None,
        "count": 10,
        "skipped": 1,
        "source": "gateway",
        "stale": False,
        "warnings": [],
    }
    # SPEC §6: what the gateway (or the config) does not give is null, never 0 or a default.
    unknown = {"input": None, "output": None, "cacheRead": None, "cacheWrite": None}

    def entry(ref: str, name: str, **fields: Any) -> dict[str, Any]:
        return {
            "ref": ref,
            "id": ref.removeprefix("kilocode/"),
            "name": name,
            "input": ["text"],
            "reasoning": False,
            "contextWindow": None,
            "maxTokens": None,
            "cost": unknown,
            "free": False,
            "tags": [],
            "cacheTtlEligible": False,
            "transcriptSanitize": False,
        } | fields

    expected = [
        entry(
            "kilocode/kilo-auto/balanced",
            "Auto Balanced",
            input=["text", "image"],
            reasoning=True,
            contextWindow=1_000_000,
            maxTokens=65_536,
            cost=dict.fromkeys(unknown, "variable"),  # the built-in router: priced per request
            tags=["alias:Kilo Gateway"],
        ),
        entry(
            "kilocode/kilo-auto/efficient",
            "Auto Efficient",
            input=["text", "image"],
            reasoning=True,
            contextWindow=1_000_000,
            maxTokens=65_536,
            cost=dict.fromkeys(unknown, "variable"),
        ),
        entry(
            "kilocode/kilo-auto/free",
            "Auto Free",
            contextWindow=256_000,
            maxTokens=32_768,
            cost={"input": 0.0, "output": 0.0, "cacheRead": None, "cacheWrite": None},
            free=True,
            tags=["free"],
        ),
        entry(
            "kilocode/kilo-auto/small",
            "Auto Small",
            input=["text", "image"],
            contextWindow=262_144,
            maxTokens=32_768,
            cost={"input": 0.05, "output": 0.4, "cacheRead": None, "cacheWrite": None},
        ),
        entry(
            "kilocode/anthropic/claude-sonnet-4.5",
            "Anthropic: Claude Sonnet 4.5",
            input=["text", "image"],
            reasoning=True,
            contextWindow=200_000,
            maxTokens=64_000,
            cost={"input": 3.0, "output": 15.0, "cacheRead": 0.3, "cacheWrite": 3.75},
            tags=["default", "alias:sonnet"],
            cacheTtlEligible=True,
        ),
        entry(
            "kilocode/kilo-auto/frontier",
            "Auto Frontier",
            input=["text", "image"],
            reasoning=True,
            contextWindow=1_000_000,
            maxTokens=128_000,
            cost={"input": "variable", "output": "variable", "cacheRead": None, "cacheWrite": None},
        ),
        entry(
            "kilocode/qwen/qwen3-coder:free",
            "Qwen: Qwen3 Coder (free)",
            contextWindow=262_144,
            cost={"input": 0.0, "output": 0.0, "cacheRead": None, "cacheWrite": None},
            free=True,
            tags=["fallback#2", "free"],
        ),
        entry(
            "kilocode/google/gemini-2.5-pro",
            "Google: Gemini 2.5 Pro",
            input=["text", "image"],
            reasoning=True,
            contextWindow=1_048_576,
            maxTokens=65_536,
            cost={"input": 1.25, "output": 10.0, "cacheRead": 0.31, "cacheWrite": None},
            tags=["fallback#1"],
            transcriptSanitize=True,
        ),
        entry(
            "kilocode/openai/gpt-5.4-mini",
            "OpenAI: GPT-5.4 Mini",
            contextWindow=400_000,
            cost={"input": 0.25, "output": 2.0, "cacheRead": None, "cacheWrite": None},
        ),
        entry(
            "kilocode/mine/custom-model",
            "My Custom Model",
            contextWindow=32_000,
            maxTokens=4_096,
            tags=["configured"],  # the config gives no price: unknown
        ),
    ]
    assert len(got["models"]) == len(expected)
    for actual, wanted in zip(got["models"], expected, strict=True):
        assert actual == wanted, wanted["ref"]
        assert list(actual) == list(wanted)
    assert run.stderr == SKIPPED


def test_json_of_a_generated_catalog_of_hundreds(kilo: Kilo, gateway: FakeGateway) -> None:
    generated = generate_catalog(600, seed=11)
    gateway.models_body = generated.body_bytes()
    got = document(kilo("models", "kilocode", "--json"))
    assert got["count"] == len(generated.expected) + 5  # and the five built-in auto models
    fields = ["id", "name", "input", "reasoning", "contextWindow", "maxTokens", "cost", "free"]
    discovered = [{k: m[k] for k in fields} for m in got["models"][5:]]
    assert [m["id"] for m in discovered] == [m["id"] for m in generated.expected]
    for actual, wanted in zip(discovered, generated.expected, strict=True):
        assert actual == {k: wanted[k] for k in fields}, wanted["id"]
    assert [m["ref"] for m in got["models"][5:]] == [
        f"kilocode/{m['id']}" for m in generated.expected
    ]
    assert [m["tags"] for m in got["models"][5:]] == [
        ["free"] if m["free"] else [] for m in generated.expected
    ]


# Filters and sorting ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (["-q", "GEMINI"], ["kilocode/google/gemini-2.5-pro"]),
        (["-q", "google", "--query", "2.5 pro"], ["kilocode/google/gemini-2.5-pro"]),
        (["-q", "google", "-q", "claude"], []),
        (["--free"], ["kilocode/kilo-auto/free", "kilocode/qwen/qwen3-coder:free"]),
        (
            ["--input", "image"],
            [
                "kilocode/kilo-auto/balanced",
                "kilocode/kilo-auto/efficient",
                "kilocode/kilo-auto/small",
                "kilocode/anthropic/claude-sonnet-4.5",
                "kilocode/kilo-auto/frontier",
                "kilocode/google/gemini-2.5-pro",
            ],
        ),
        (
            ["--reasoning", "-q", "o"],
            [
                "kilocode/kilo-auto/balanced",
                "kilocode/kilo-auto/efficient",
                "kilocode/anthropic/claude-sonnet-4.5",
                "kilocode/kilo-auto/frontier",
                "kilocode/google/gemini-2.5-pro",
            ],
        ),
        (["--sort", "id"], sorted(ALL_REFS)),
        (
            ["--sort", "price"],
            [  # the routers are priced per request: variable, so last
                "kilocode/kilo-auto/free",
                "kilocode/qwen/qwen3-coder:free",
                "kilocode/kilo-auto/small",
                "kilocode/openai/gpt-5.4-mini",
                "kilocode/google/gemini-2.5-pro",
                "kilocode/anthropic/claude-sonnet-4.5",
                "kilocode/kilo-auto/balanced",
                "kilocode/kilo-auto/efficient",
                "kilocode/kilo-auto/frontier",
            ],
        ),
        (
            ["--sort", "context", "--input", "image"],
            [
                "kilocode/google/gemini-2.5-pro",
                "kilocode/kilo-auto/balanced",
                "kilocode/kilo-auto/efficient",
                "kilocode/kilo-auto/frontier",
                "kilocode/kilo-auto/small",
                "kilocode/anthropic/claude-sonnet-4.5",
            ],
        ),
    ],
)
def test_filters_and_sorting(kilo: Kilo, options: list[str], expected: list[str]) -> None:
    assert plain(kilo("models", "kilocode", "--plain", *options)) == expected


def test_a_bad_sort_or_input_is_a_usage_error(kilo: Kilo) -> None:
    run = kilo("models", "kilocode", "--sort", "name")
    assert run.code == ExitCode.USAGE
    assert run.stdout == ""


def test_models_list_with_provider_is_the_shortcut(kilo: Kilo, home: Path) -> None:
    kilo("models", "kilocode", "--plain")  # fills the cache: both runs below read it
    shortcut = kilo("models", "kilocode", "-q", "o", "--sort", "price")
    longhand = kilo("models", "list", "--provider", "kilocode", "-q", "o", "--sort", "price")
    assert (shortcut.code, longhand.code) == (ExitCode.OK, ExitCode.OK)
    assert (longhand.stdout, longhand.stderr) == (shortcut.stdout, shortcut.stderr)
    assert shortcut.stdout.startswith("Model ")
    assert shortcut.stderr == "9 Kilo Gateway model(s), cached\n"


def test_models_openrouter_lists_openrouter_refs(kilo: Kilo, gateway: FakeGateway) -> None:
    run = kilo("models", "openrouter", "--plain", env={"OPENROUTER_BASE_URL": gateway.base_url})
    assert plain(run) == [
        "openrouter/auto",  # OpenRouter's built-in catalog: the Auto Router
        "openrouter/anthropic/claude-sonnet-4.5",
        "openrouter/kilo-auto/frontier",
        "openrouter/qwen/qwen3-coder:free",
        "openrouter/google/gemini-2.5-pro",
        "openrouter/openai/gpt-5.4-mini",
    ]
    assert gateway.paths_requested() == [MODELS_PATH]


def test_all_lists_every_provider(kilo: Kilo, gateway: FakeGateway) -> None:
    env = {"OPENROUTER_BASE_URL": gateway.base_url}
    assert plain(kilo("models", "list", "--all", "--plain", env=env)) == [
        *ALL_REFS,
        "openrouter/auto",
        *(ref.replace("kilocode/", "openrouter/", 1) for ref in ALL_REFS[4:]),
    ]
    both = document(kilo("models", "list", "--all", "--json", env=env))
    assert [(p["provider"], p["count"], p["source"]) for p in both["providers"]] == [
        ("kilocode", 9, "cache"),
        ("openrouter", 6, "cache"),
    ]


# Failures: the listing still succeeds, with a warning -----------------------------------------

FALLBACK_TABLE = block(
    """
    Model                        Name           Input       Ctx Max out  $/M in/out Tags
    kilocode/kilo-auto/balanced  Auto Balanced  text+image   1M     66k    variable
    kilocode/kilo-auto/frontier  Auto Frontier  text+image   1M    128k    variable
    kilocode/kilo-auto/efficient Auto Efficient text+image   1M     66k    variable
    kilocode/kilo-auto/free      Auto Free      text       256k     33k        free free
    kilocode/kilo-auto/small     Auto Small     text+image 262k     33k $0.05/$0.40
    """
)


@pytest.mark.parametrize(
    ("failure", "reason"),
    [
        (
            "500",
            "Kilo Gateway is unavailable "
            "(HTTP 500: Failed to fetch models: Error from OpenRouter API)",
        ),
        ("html", "Kilo Gateway sent an answer that is not JSON"),
        ("down", "could not connect (ConnectError)"),
    ],
)
def test_a_failed_discovery_still_lists_with_a_warning(
    kilo: Kilo, gateway: FakeGateway, closed_port_url: str, failure: str, reason: str
) -> None:
    env = {}
    if failure == "500":
        body = json.dumps(RESPONSES["GET /api/gateway/models 500"]).encode()
        gateway.fail(MODELS_PATH, status=500, body=body)
    elif failure == "html":
        gateway.fail(MODELS_PATH, status=200, body=b"<html><body>Oops</body></html>")
    else:
        env["KILOCODE_BASE_URL"] = closed_port_url
    run = kilo("models", "kilocode", env=env)
    assert run.code == ExitCode.OK
    assert table(run) == FALLBACK_TABLE
    assert run.stderr == (
        f"Warning: Could not fetch the Kilo Gateway model list ({reason}); "
        "showing the built-in catalog.\n"
        "5 Kilo Gateway model(s), built-in catalog\n"
    )


def test_offline_without_a_cache(kilo: Kilo, gateway: FakeGateway) -> None:
    run = kilo("models", "kilocode", "--offline")
    assert table(run) == FALLBACK_TABLE
    assert run.stderr == (
        "Warning: Offline and no cached Kilo Gateway model list; showing the built-in catalog.\n"
        "5 Kilo Gateway model(s), built-in catalog\n"
    )
    assert gateway.requests == []


def test_a_failed_refresh_uses_the_stale_cache(
    kilo: Kilo, gateway: FakeGateway, home: Path
) -> None:
    kilo("models", "kilocode", "--plain")
    age_cache(home, 3 * 3600)
    gateway.fail(MODELS_PATH, status=502, body=b"<html>Bad gateway</html>")
    run = kilo("models", "kilocode", "--json")
    assert run.code == ExitCode.OK
    got = document(run)
    reason = "Kilo Gateway is unavailable (HTTP 502)"
    warning = f"Could not refresh the Kilo Gateway model list ({reason}); using the cached list "
    assert (got["source"], got["stale"], got["count"]) == ("cache", True, 9)
    assert got["warnings"] == [warning + "from 3 h ago."]
    assert run.stderr == f"Warning: {warning}from 3 h ago.\n"


# models set ------------------------------------------------------------------------------------


def test_set_keeps_fallbacks_and_everything_else(kilo: Kilo, home: Path) -> None:
    set_up_config(home)
    before = read_config(home)
    run = kilo("models", "set", "kilocode/google/gemini-2.5-pro")
    assert run.code == ExitCode.OK, run.stderr
    assert run.stdout == (
        "Default model set to kilocode/google/gemini-2.5-pro "
        "(was kilocode/anthropic/claude-sonnet-4.5)\n"
    )
    assert run.stderr == ""  # the model is in the catalog: no warning
    after = read_config(home)
    before["agents"]["defaults"]["model"]["primary"] = "kilocode/google/gemini-2.5-pro"
    assert after == before


def test_set_a_model_not_in_the_catalog_warns_and_sets_it(kilo: Kilo, home: Path) -> None:
    run = kilo("models", "set", "kilocode/vendor/not-listed", "--json")
    assert run.code == ExitCode.OK
    assert document(run) == {
        "ok": True,
        "defaultModel": "kilocode/vendor/not-listed",
        "previous": None,
        "inCatalog": False,
    }
    assert run.stderr == (
        "Warning: kilocode/vendor/not-listed is not in the catalog (gateway); set anyway. "
        "Check it with: kilocli models kilocode --refresh\n"
    )
    assert read_config(home) == {
        "agents": {"defaults": {"model": {"primary": "kilocode/vendor/not-listed"}}}
    }


@pytest.mark.parametrize(
    "ref", ["claude-sonnet-4.5", "kilocode/", "anthropic/claude-sonnet-4.5", "kilocode/a b"]
)
def test_set_refuses_a_malformed_ref_or_unknown_provider(kilo: Kilo, home: Path, ref: str) -> None:
    set_up_config(home)
    before = file_state(home)
    run = kilo("models", "set", ref)
    assert run.code == ExitCode.USAGE
    assert run.stdout == ""
    assert run.stderr.startswith("Error: ")
    assert file_state(home) == before


# models status ---------------------------------------------------------------------------------


def set_up_keys(home: Path) -> dict[str, str]:
    """A key in a profile and in config; returns the env that adds a third."""
    write_file(home / "auth-profiles.toml", PROFILE)
    write_file(
        home / "config.toml",
        CONFIG.replace(
            'myOwnSetting = "kept"', f'myOwnSetting = "kept"\napiKey = "{REJECTED_KEY}"'
        ),
    )
    return {"KILOCODE_API_KEY": VALID_KEY}


def test_status(kilo: Kilo, home: Path, gateway: FakeGateway) -> None:
    env = set_up_keys(home)
    kilo("models", "kilocode", "--plain", env=env)
    age_cache(home, 2 * 3600)
    run = kilo("models", "status", env=env)
    assert run.code == ExitCode.OK, run.stderr
    assert run.stdout == block(
        f"""
        Default model  kilocode/anthropic/claude-sonnet-4.5
        Fallbacks      kilocode/google/gemini-2.5-pro, kilocode/qwen/qwen3-coder:free
        Alias          Kilo Gateway -> kilocode/kilo-auto/balanced
        Alias          sonnet -> kilocode/anthropic/claude-sonnet-4.5

        kilocode
          Base URL     {gateway.base_url} (env: KILOCODE_BASE_URL)
          Key          {preview_of(VALID_KEY)} (env: KILOCODE_API_KEY); shadows profile: kilocode:default, config: models.providers.kilocode.apiKey
          Model cache  5 models, 2 h old (1 unusable row(s) of the gateway's answer skipped)

        openrouter
          Base URL     {gateway.openrouter_base_url} (env: OPENROUTER_BASE_URL)
          Key          none
          Model cache  none
        """  # noqa: E501 - one line per fact
    )
    assert run.stderr == ""


def test_status_json(kilo: Kilo, home: Path, gateway: FakeGateway) -> None:
    set_up_keys(home)
    kilo("models", "kilocode", "--plain")
    age_cache(home, 600)
    got = document(kilo("models", "status", "--json", env={"OPENROUTER_BASE_URL": ""}))
    age = got["providers"][0].pop("cacheAgeSeconds")
    assert 600 <= age <= 610
    assert got == {
        "defaultModel": "kilocode/anthropic/claude-sonnet-4.5",
        "fallbacks": ["kilocode/google/gemini-2.5-pro", "kilocode/qwen/qwen3-coder:free"],
        "aliases": {
            "kilocode/kilo-auto/balanced": "Kilo Gateway",
            "kilocode/anthropic/claude-sonnet-4.5": "sonnet",
        },
        "providers": [
            {
                "provider": "kilocode",
                "baseUrl": gateway.base_url,
                "baseUrlSource": "env: KILOCODE_BASE_URL",
                "keySource": "profile: kilocode:default",
                "keyPreview": preview_of(OTHER_VALID_KEY),
                "shadowed": ["config: models.providers.kilocode.apiKey"],
                "cachedModels": 5,
                "skippedRows": 1,
            },
            {
                "provider": "openrouter",
                "baseUrl": "https://openrouter.ai/api/v1/",
                "baseUrlSource": "default",
                "keySource": None,
                "keyPreview": None,
                "shadowed": [],
                "cachedModels": None,
                "skippedRows": None,
                "cacheAgeSeconds": None,
            },
        ],
    }


# models info -----------------------------------------------------------------------------------


def test_info(kilo: Kilo, home: Path) -> None:
    set_up_config(home)
    run = kilo("models", "info", "kilocode/anthropic/claude-sonnet-4.5")
    assert run.code == ExitCode.OK, run.stderr
    assert run.stdout == block(
        """
        Ref         kilocode/anthropic/claude-sonnet-4.5
        Name        Anthropic: Claude Sonnet 4.5
        Input       text, image
        Reasoning   yes
        Context     200,000 tokens
        Max output  64,000 tokens
        Price $/M   input $3, output $15, cache read $0.3, cache write $3.75
        Tags        default alias:sonnet
        Cache TTL   eligible
        Sanitise    no
        Origin      gateway (catalog: gateway)
        """
    )
    assert run.stderr == SKIPPED


def test_info_json(kilo: Kilo, home: Path) -> None:
    set_up_config(home)
    kilo("models", "kilocode", "--plain")
    gemini = document(kilo("models", "info", "kilocode/google/gemini-2.5-pro", "--json"))
    assert gemini == {
        "ref": "kilocode/google/gemini-2.5-pro",
        "id": "google/gemini-2.5-pro",
        "name": "Google: Gemini 2.5 Pro",
        "input": ["text", "image"],
        "reasoning": True,
        "contextWindow": 1_048_576,
        "maxTokens": 65_536,
        "cost": {"input": 1.25, "output": 10.0, "cacheRead": 0.31, "cacheWrite": None},
        "free": False,
        "tags": ["fallback#1"],
        "cacheTtlEligible": False,
        "transcriptSanitize": True,
        "origin": "gateway",
        "source": "cache",
        "warnings": [],
    }
    custom = document(kilo("models", "info", "kilocode/mine/custom-model", "--json"))
    assert (custom["origin"], custom["source"], custom["tags"]) == (
        "configured",
        "cache",
        ["configured"],
    )
    assert (custom["contextWindow"], custom["maxTokens"]) == (32_000, 4_096)
    assert custom["cost"] == {"input": None, "output": None, "cacheRead": None, "cacheWrite": None}


def test_info_offline_without_a_cache(kilo: Kilo, gateway: FakeGateway) -> None:
    run = kilo("models", "info", "kilocode/kilo-auto/balanced", "--offline", "--json")
    assert run.code == ExitCode.OK
    got = document(run)
    warning = "Offline and no cached Kilo Gateway model list; showing the built-in catalog."
    assert (got["origin"], got["source"], got["warnings"]) == ("fallback", "fallback", [warning])
    assert run.stderr == f"Warning: {warning}\n"
    assert gateway.requests == []


def test_info_of_an_unknown_model(kilo: Kilo) -> None:
    run = kilo("models", "info", "kilocode/vendor/nope")
    assert run.code == ExitCode.ERROR
    assert run.stdout == ""
    assert run.stderr == SKIPPED + (
        "Error: kilocode/vendor/nope is not in the Kilo Gateway catalog (gateway).\n"
        "Search the list: kilocli models kilocode -q nope\n"
    )


@pytest.mark.parametrize("ref", ["gemini-2.5-pro", "google/gemini-2.5-pro"])
def test_info_of_a_malformed_ref(kilo: Kilo, gateway: FakeGateway, ref: str) -> None:
    run = kilo("models", "info", ref)
    assert run.code == ExitCode.USAGE
    assert run.stdout == ""
    assert run.stderr.startswith("Error: ")
    assert gateway.requests == []


# No key ever shown -----------------------------------------------------------------------------


def test_no_key_appears_in_any_output(kilo: Kilo, home: Path, gateway: FakeGateway) -> None:
    env = set_up_keys(home)
    keys = (VALID_KEY, OTHER_VALID_KEY, REJECTED_KEY)
    runs = [
        kilo("models", "kilocode", env=env),
        kilo("models", "kilocode", "--json", env=env),
        kilo("models", "kilocode", "--plain", env=env),
        kilo("models", "status", env=env),
        kilo("models", "status", "--json", env=env),
        kilo("models", "info", "kilocode/kilo-auto/balanced", env=env),
        kilo("models", "info", "kilocode/kilo-auto/balanced", "--json", env=env),
        kilo("models", "set", "kilocode/anthropic/claude-sonnet-4.5", env=env),
    ]
    echo = json.dumps({"error": f"Bad key {VALID_KEY}", "message": VALID_KEY}).encode()
    gateway.fail(MODELS_PATH, status=500, body=echo)
    runs.append(kilo("models", "kilocode", "--refresh", "--json", env=env))
    runs.append(kilo("models", "info", "kilocode/vendor/nope", "--refresh", env=env))
    assert [run.code for run in runs] == [ExitCode.OK] * 9 + [ExitCode.ERROR]
    for run in runs:
        for key in keys:
            assert key not in run.output
            assert key[4:-4] not in run.output
    assert "HTTP 500" in runs[8].stderr
    # The key in effect (env) was the one sent.
    sent = {seen.headers.get("Authorization") for seen in gateway.requests}
    assert sent == {f"Bearer {VALID_KEY}"}
