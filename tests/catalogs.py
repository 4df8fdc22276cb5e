"""Gateway-shaped model lists of any size, each with the mapping SPEC §6 expects of it.

:func:`generate_catalog` builds a ``{"data": [...]}`` body that mixes every shape the real
``GET /api/gateway/models`` answer mixes (see ``tests/data/gateway-models.json``), and writes
down, row by row, what kilocli must make of it. The expected values follow from the choices made
while building each row, by the rules of SPEC §6 — never from kilocli's own parser — so a test
that compares the two can fail.

Expected models use the field names of SPEC §7's ``--json``: ``id``, ``name``, ``input``,
``reasoning``, ``contextWindow``, ``maxTokens``, ``cost`` (``input``, ``output``, ``cacheRead``,
``cacheWrite``: USD per million tokens, ``"variable"`` for a price given as ``"-1"``, None for a
price the row does not give: unknown) and ``free``. A token count the row does not give is None
(unknown) too: nothing is invented.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

# Per-token price strings as the gateway sends them, and the same price per million tokens.
PRICES: tuple[tuple[str, float], ...] = (
    ("0", 0.0),
    ("0.00000002", 0.02),
    ("0.0000000375", 0.0375),
    ("0.000000075", 0.075),
    ("0.00000015", 0.15),
    ("0.0000005", 0.5),
    ("0.00000125", 1.25),
    ("0.0000025", 2.5),
    ("0.000003", 3.0),
    ("0.00001", 10.0),
    ("0.000015", 15.0),
    ("0.000075", 75.0),
    ("0.0006", 600.0),
)
NONZERO_PRICES = PRICES[1:]
VARIABLE = "-1"  # what the gateway sends for a price set per request
SHOWN_VARIABLE = "variable"  # what kilocli's --json shows for it

VENDORS = ("anthropic", "openai", "google", "meta-llama", "qwen", "mistralai", "x-ai", "deepseek")
FAMILIES = {
    "anthropic": ("claude-sonnet", "claude-opus", "claude-haiku"),
    "openai": ("gpt", "o4-mini", "gpt-oss"),
    "google": ("gemini-pro", "gemini-flash", "gemma"),
    "meta-llama": ("llama",),
    "qwen": ("qwen3-coder", "qwen3"),
    "mistralai": ("mistral-large", "codestral"),
    "x-ai": ("grok",),
    "deepseek": ("deepseek-chat", "deepseek-r1"),
}

# Rows that are not objects, or objects without a usable (non-empty string) id.
JUNK_ROWS: tuple[Any, ...] = (
    "a-string-instead-of-an-object",
    42,
    None,
    ["openai/gpt-5.4"],
    {"name": "a row without an id"},
    {"id": 42, "name": "a numeric id"},
    {"id": None, "name": "a null id"},
    {"id": "", "name": "an empty id"},
    {"id": ["vendor/model"], "name": "a list as id"},
)

# Fields only Kilo Gateway sends, and OpenRouter fields kilocli ignores.
EXTRA_FIELDS: tuple[tuple[str, Any], ...] = (
    ("preferredIndex", 4),
    ("autoRouting", {"models": ["anthropic/claude-opus-4.6", "openai/gpt-5.4"]}),
    ("opencode", {"ai_sdk_provider": "anthropic", "family": "claude"}),
    ("terminalBench", {"overallScore": 0.61, "avgAttemptCostUsd": 0.42}),
    ("mayTrainOnYourPrompts", True),
    ("created", 1767000000),
    ("description", "Something about the model."),
    ("canonical_slug", "vendor/model-20260101"),
    ("per_request_limits", None),
    ("default_parameters", {}),
    ("hugging_face_id", ""),
)


@dataclass
class GeneratedCatalog:
    """A gateway answer and what kilocli must make of it."""

    rows: list[Any]
    expected: list[dict[str, Any]]  # mapped models, in gateway order
    invalid: int = 0
    duplicate: int = 0
    image_output: int = 0
    shapes: Counter[str] = field(default_factory=Counter)  # how often each shape was used

    @property
    def body(self) -> dict[str, Any]:
        return {"data": self.rows}

    def body_bytes(self) -> bytes:
        """The body as the fake gateway serves it."""
        return json.dumps(self.body).encode()


def generate_catalog(count: int, *, seed: int = 0) -> GeneratedCatalog:
    """A gateway answer of ``count`` rows: about 6 % invalid rows, 5 % duplicate ids, 4 % image
    models and 4 % rows with only an id (and a name); the rest mix every other shape."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    catalog = GeneratedCatalog(rows=[], expected=[])
    seen: list[str] = []
    for index in range(count):
        roll = rng.random()
        if roll < 0.06:
            catalog.rows.append(rng.choice(JUNK_ROWS))
            catalog.invalid += 1
            catalog.shapes["invalid row"] += 1
        elif roll < 0.11 and seen:
            catalog.rows.append(_duplicate_row(rng, rng.choice(seen)))
            catalog.duplicate += 1
            catalog.shapes["duplicate id"] += 1
        elif roll < 0.15:
            row = _image_output_row(rng, index)
            seen.append(row["id"])
            catalog.rows.append(row)
            catalog.image_output += 1
            catalog.shapes["image output"] += 1
        elif roll < 0.19:
            row, expected = _minimal_row(rng, index)
            seen.append(row["id"])
            catalog.rows.append(row)
            catalog.expected.append(expected)
            catalog.shapes["only id" if len(row) == 1 else "only id and name"] += 1
        else:
            row, expected = _model_row(rng, index, catalog.shapes)
            seen.append(row["id"])
            catalog.rows.append(row)
            catalog.expected.append(expected)
    return catalog


def _model_row(
    rng: random.Random, index: int, shapes: Counter[str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """One usable row and its expected mapping."""
    vendor = rng.choice(VENDORS)
    model_id = f"{vendor}/{rng.choice(FAMILIES[vendor])}-{index}"
    if rng.random() < 0.15:
        model_id += ":free"
        shapes[":free suffix"] += 1
    row: dict[str, Any] = {"id": model_id}
    expected: dict[str, Any] = {"id": model_id}
    _name(rng, row, expected, shapes)
    _modalities(rng, row, expected, shapes)
    _limits(rng, row, expected, shapes)
    _parameters(rng, row, expected, shapes)
    prompt, completion = _pricing(rng, row, expected, shapes)
    _free(rng, row, expected, shapes, prompt, completion)
    for name, value in EXTRA_FIELDS:
        if rng.random() < 0.2:
            row[name] = value
            shapes["extra fields"] += 1
    return row, expected


def _name(
    rng: random.Random, row: dict[str, Any], expected: dict[str, Any], shapes: Counter[str]
) -> None:
    """``name``, else the id (a missing, empty or blank name)."""
    choice = rng.choice(["given", "given", "given", "missing", "empty", "blank"])
    shapes[f"name {choice}"] += 1
    if choice == "given":
        vendor, model = row["id"].split("/", 1)
        row["name"] = f"{vendor.title()}: {model.replace('-', ' ').title()}"
        expected["name"] = row["name"]
        return
    if choice != "missing":
        row["name"] = "" if choice == "empty" else "   "
    expected["name"] = row["id"]


def _modalities(
    rng: random.Random, row: dict[str, Any], expected: dict[str, Any], shapes: Counter[str]
) -> None:
    """``input`` is text+image when the input modalities name ``image``, else text."""
    choice = rng.choice(["missing", "null", "text", "text+image", "text+image+file", "no inputs"])
    shapes[f"architecture {choice}"] += 1
    with_image = ("text", "image") if "image" in choice else ("text",)
    expected["input"] = list(with_image)
    if choice == "missing":
        return
    if choice == "null":
        row["architecture"] = None
        return
    architecture: dict[str, Any] = {"output_modalities": ["text"], "tokenizer": "Other"}
    if choice == "text+image+file":
        architecture["input_modalities"] = ["text", "image", "file", "pdf"]
        architecture["modality"] = "text+image->text"
    elif choice != "no inputs":
        architecture["input_modalities"] = list(with_image)
    row["architecture"] = architecture


def _limits(
    rng: random.Random, row: dict[str, Any], expected: dict[str, Any], shapes: Counter[str]
) -> None:
    """``contextWindow``: top_provider, else top level, else unknown (None); ``maxTokens``:
    top_provider, else unknown. A null in top_provider counts as missing."""
    top_context = rng.choice([None, None, 8192, 131072, 200000, 272000, 1048576])
    level_context = rng.choice([None, 32768, 262144, 400000])
    top_max = rng.choice([None, None, 4096, 32768, 64000, 128000])
    top: dict[str, Any] = {"is_moderated": rng.random() < 0.5}
    if top_context is not None or rng.random() < 0.3:
        top["context_length"] = top_context
    if top_max is not None or rng.random() < 0.3:
        top["max_completion_tokens"] = top_max
    if len(top) > 1 or rng.random() < 0.3:
        row["top_provider"] = top
    if level_context is not None:
        row["context_length"] = level_context
    expected["contextWindow"] = top_context or level_context  # None when neither is given
    expected["maxTokens"] = top_max
    if top_context is not None:
        shapes["context from top_provider" + (" over top level" if level_context else "")] += 1
    else:
        shapes["context from top level" if level_context else "context unknown"] += 1
    shapes["max tokens given" if top_max else "max tokens unknown"] += 1
    if None in (top.get("context_length", 0), top.get("max_completion_tokens", 0)):
        shapes["top_provider null values"] += 1


def _parameters(
    rng: random.Random, row: dict[str, Any], expected: dict[str, Any], shapes: Counter[str]
) -> None:
    """``reasoning`` when ``supported_parameters`` has reasoning or include_reasoning."""
    choices = {
        "missing": None,
        "plain": ["max_tokens", "temperature", "tools"],
        "reasoning": ["max_tokens", "tools", "reasoning"],
        "include_reasoning": ["include_reasoning", "tools"],
        "both": ["reasoning", "include_reasoning"],
        "reasoning_effort only": ["reasoning_effort", "tools"],
    }
    choice = rng.choice(list(choices))
    shapes[f"parameters {choice}"] += 1
    if choices[choice] is not None:
        row["supported_parameters"] = choices[choice]
    expected["reasoning"] = choice in {"reasoning", "include_reasoning", "both"}


def _pricing(
    rng: random.Random, row: dict[str, Any], expected: dict[str, Any], shapes: Counter[str]
) -> tuple[float | str | None, float | str | None]:
    """Cost per million tokens; a missing price is None (unknown, never 0), ``"-1"`` is
    ``"variable"``.

    Returns the prompt and completion prices as given ("missing" when absent), for the free rule.
    """
    choice = rng.choice(
        ["missing", "priced", "priced+cache", "variable", "zero", "prompt only", "half variable"]
    )
    shapes[f"pricing {choice}"] += 1
    cost: dict[str, float | str | None] = {
        "input": None,
        "output": None,
        "cacheRead": None,
        "cacheWrite": None,
    }
    expected["cost"] = cost
    if choice == "missing":
        return "missing", "missing"
    pricing: dict[str, str] = {"request": "0", "image": "0", "web_search": "0"}
    row["pricing"] = pricing
    if choice == "variable":
        pricing.update(prompt=VARIABLE, completion=VARIABLE, internal_reasoning="0")
        cost.update(input=SHOWN_VARIABLE, output=SHOWN_VARIABLE)
        return SHOWN_VARIABLE, SHOWN_VARIABLE
    if choice == "zero":
        pricing.update(prompt="0", completion="0")
        cost.update(input=0.0, output=0.0)
        return 0.0, 0.0
    prompt, cost["input"] = rng.choice(NONZERO_PRICES)
    pricing["prompt"] = prompt
    if choice == "prompt only":
        return cost["input"], "missing"
    if choice == "half variable":
        pricing["completion"] = VARIABLE
        cost["output"] = SHOWN_VARIABLE
        return cost["input"], SHOWN_VARIABLE
    pricing["completion"], cost["output"] = rng.choice(NONZERO_PRICES)
    if choice == "priced+cache":
        pricing["input_cache_read"], cost["cacheRead"] = rng.choice(PRICES)
        if rng.random() < 0.7:
            pricing["input_cache_write"], cost["cacheWrite"] = rng.choice(PRICES)
        if rng.random() < 0.2:
            pricing["input_cache_write"], cost["cacheWrite"] = VARIABLE, SHOWN_VARIABLE
    return cost["input"], cost["output"]


def _free(
    rng: random.Random,
    row: dict[str, Any],
    expected: dict[str, Any],
    shapes: Counter[str],
    prompt: float | str | None,
    completion: float | str | None,
) -> None:
    """``isFree`` wins; else an id ending ``:free``; else prompt and completion given and 0."""
    choice = rng.choice(["missing", "missing", "missing", "true", "false"])
    shapes[f"isFree {choice}"] += 1
    if choice != "missing":
        row["isFree"] = choice == "true"
        expected["free"] = choice == "true"
    elif row["id"].endswith(":free"):
        expected["free"] = True
    else:
        expected["free"] = prompt == 0.0 and completion == 0.0


def _minimal_row(rng: random.Random, index: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """A row with only an id (and maybe a name): every other field is its default or unknown."""
    model_id = f"vendor-{index}/minimal" + (":free" if rng.random() < 0.3 else "")
    row: dict[str, Any] = {"id": model_id}
    if rng.random() < 0.5:
        row["name"] = f"Vendor {index}: Minimal"
    expected = {
        "id": model_id,
        "name": row.get("name", model_id),
        "input": ["text"],
        "reasoning": False,
        "contextWindow": None,
        "maxTokens": None,
        "cost": {"input": None, "output": None, "cacheRead": None, "cacheWrite": None},
        "free": model_id.endswith(":free"),
    }
    return row, expected


def _duplicate_row(rng: random.Random, model_id: str) -> dict[str, Any]:
    """A later row repeating an id, with different values: skipped, the first one wins."""
    return {
        "id": model_id,
        "name": "a duplicate id: skipped",
        "context_length": rng.choice([1024, 2048]),
        "pricing": {"prompt": "0.001", "completion": "0.002"},
        "isFree": rng.random() < 0.5,
    }


def _image_output_row(rng: random.Random, index: int) -> dict[str, Any]:
    """A model that outputs images: left out of the catalog."""
    return {
        "id": f"{rng.choice(VENDORS)}/image-model-{index}",
        "name": "An image model",
        "architecture": {
            "input_modalities": ["text", "image"],
            "output_modalities": rng.choice([["image"], ["image", "text"], ["text", "image"]]),
        },
        "pricing": {"prompt": "0.0000003", "completion": "0.0000025"},
        "context_length": 32768,
    }
