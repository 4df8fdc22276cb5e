"""Mapping the gateway's ``GET <base>models`` answer to catalog models (SPEC §6)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from kilocli.catalog.records import (
    DEFAULT_CONTEXT_WINDOW,
    DEFAULT_MAX_TOKENS,
    CatalogModel,
    Cost,
)

PER_MILLION = Decimal(1_000_000)


class CatalogFormatError(ValueError):
    """The answer is not ``{"data": [...]}``."""


@dataclass(frozen=True)
class ParsedCatalog:
    """The models of one answer, in gateway order, and how many rows were passed over."""

    models: tuple[CatalogModel, ...]
    skipped_invalid: int = 0
    skipped_duplicate: int = 0
    skipped_image_output: int = 0


def parse_models_payload(payload: Any) -> ParsedCatalog:
    """Map every usable row of a ``{"data": [...]}`` answer.

    Rows that are not objects or have no string ``id`` are skipped as invalid, a repeated id as a
    duplicate (the first wins), and models that output images are left out.

    Raises:
        CatalogFormatError: the payload has no ``data`` list.
    """
    if not isinstance(payload, Mapping) or not isinstance(payload.get("data"), list):
        raise CatalogFormatError('no "data" list')
    models: list[CatalogModel] = []
    seen: set[str] = set()
    invalid = duplicate = image_output = 0
    for row in payload["data"]:
        if not isinstance(row, Mapping) or not isinstance(row.get("id"), str) or not row["id"]:
            invalid += 1
        elif row["id"] in seen:
            duplicate += 1
        elif "image" in _strings(_table(row, "architecture").get("output_modalities")):
            seen.add(row["id"])
            image_output += 1
        else:
            seen.add(row["id"])
            models.append(map_model(row))
    return ParsedCatalog(tuple(models), invalid, duplicate, image_output)


def map_model(row: Mapping[str, Any]) -> CatalogModel:
    """One gateway row as a :class:`CatalogModel`; every field but ``id`` may be missing."""
    model_id: str = row["id"]
    architecture = _table(row, "architecture")
    top = _table(row, "top_provider")
    pricing = _table(row, "pricing")
    parameters = _strings(row.get("supported_parameters"))
    name = row.get("name")
    prompt, completion = _price(pricing.get("prompt")), _price(pricing.get("completion"))
    return CatalogModel(
        id=model_id,
        name=name if isinstance(name, str) and name.strip() else model_id,
        input=("text", "image")
        if "image" in _strings(architecture.get("input_modalities"))
        else ("text",),
        reasoning="reasoning" in parameters or "include_reasoning" in parameters,
        context_window=_count(top.get("context_length"))
        or _count(row.get("context_length"))
        or DEFAULT_CONTEXT_WINDOW,
        max_tokens=_count(top.get("max_completion_tokens")) or DEFAULT_MAX_TOKENS,
        cost=Cost(
            input=prompt,
            output=completion,
            cache_read=_price(pricing.get("input_cache_read")),
            cache_write=_price(pricing.get("input_cache_write")),
        ),
        free=_is_free(row, model_id, pricing),
    )


def _is_free(row: Mapping[str, Any], model_id: str, pricing: Mapping[str, Any]) -> bool:
    if isinstance(row.get("isFree"), bool):
        return bool(row["isFree"])
    if model_id.endswith(":free"):
        return True
    given = [pricing.get("prompt"), pricing.get("completion")]
    return all(p is not None for p in given) and all(_price(p) == 0 for p in given)


def _price(value: Any) -> float | None:
    """A per-token price string as USD per million tokens; "-1" (variable) or junk is None."""
    if value is None:
        return 0.0
    try:
        per_token = Decimal(str(value))
    except InvalidOperation:
        return None
    if not per_token.is_finite() or per_token < 0:
        return None
    return float(per_token * PER_MILLION)


def _count(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        return None
    return int(value)


def _table(row: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = row.get(name)
    return value if isinstance(value, Mapping) else {}


def _strings(value: Any) -> frozenset[str]:
    if not isinstance(value, list):
        return frozenset()
    return frozenset(item for item in value if isinstance(item, str))
