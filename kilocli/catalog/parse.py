"""Mapping the gateway's ``GET <base>models`` answer to catalog models (SPEC §6).

One row of ``{"data": [...]}`` is read through :class:`GatewayModelRow`, a pydantic model that is
lenient field by field: every field but ``id`` may be missing, and a field of the wrong type is
treated as missing rather than making the row invalid. Only a row that is not an object, or whose
``id`` is not a non-empty string, is invalid.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    OnErrorOmit,
    StrictBool,
    StrictStr,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
)

from kilocli.catalog.records import VARIABLE, CatalogModel, Cost
from kilocli.errors import KilocliError

PER_MILLION = Decimal(1_000_000)


class CatalogFormatError(KilocliError):
    """The answer is not ``{"data": [...]}``."""


def lenient(default: Any) -> WrapValidator:
    """A validator that turns a value of the wrong type into ``default`` (the field's missing)."""

    def validate(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        try:
            return handler(value)
        except ValidationError:
            return default

    return WrapValidator(validate)


# A token count is a positive whole number. JSON has no integer type of its own, so a float
# that is integral (``4096.0``) counts as that number; ``4096.5``, ``0``, ``-5``, ``NaN``,
# ``1e400`` (read as infinity), the string ``"131072"`` and ``true`` count as missing.
_PositiveInt = Annotated[int, Field(strict=True, gt=0)]
_WholeFloat = Annotated[float, Field(strict=True, gt=0, allow_inf_nan=False, multiple_of=1)]
TokenCount = Annotated[_PositiveInt | _WholeFloat | None, lenient(None)]

# A per-token price: the string "-1" (priced per request, "variable"), or a finite,
# non-negative number, given as a string or a number. The upper bound keeps it finite once it
# is a float per million tokens. Anything else counts as missing.
_PerToken = Annotated[Decimal, Field(ge=0, lt=Decimal("1e300"), allow_inf_nan=False)]
Price = Annotated[Literal["-1"] | _PerToken | None, lenient(None)]


def _text(value: str) -> str:
    """Refuse a string that is not Unicode text.

    JSON can escape a lone surrogate (``"\\ud800"``); such a string can be neither shown nor
    saved in the cache.
    """
    value.encode()
    return value


# An id or a name: a string that can be written out as UTF-8.
Text = Annotated[StrictStr, AfterValidator(_text)]

# A list of strings; items that are not strings are left out, anything but a list is empty.
Strings = Annotated[frozenset[OnErrorOmit[StrictStr]], lenient(frozenset())]


class _Lenient(BaseModel):
    """Base of the row models: unknown fields are ignored, the parsed row never changes."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class Architecture(_Lenient):
    """``architecture``: what a model reads and writes."""

    input_modalities: Strings = frozenset()
    output_modalities: Strings = frozenset()


class TopProvider(_Lenient):
    """``top_provider``: the limits of the provider the gateway routes to first."""

    context_length: TokenCount = None
    max_completion_tokens: TokenCount = None


class Pricing(_Lenient):
    """``pricing``: USD per token, as the strings the gateway sends."""

    prompt: Price = None
    completion: Price = None
    input_cache_read: Price = None
    input_cache_write: Price = None


class GatewayModelRow(_Lenient):
    """One row of ``{"data": [...]}``. A nested object of the wrong type reads as missing."""

    id: Annotated[Text, Field(min_length=1)]
    name: Annotated[Text | None, lenient(None)] = None
    architecture: Annotated[Architecture, lenient(Architecture())] = Architecture()
    top_provider: Annotated[TopProvider, lenient(TopProvider())] = TopProvider()
    context_length: TokenCount = None
    pricing: Annotated[Pricing, lenient(Pricing())] = Pricing()
    supported_parameters: Strings = frozenset()
    is_free: Annotated[StrictBool | None, lenient(None)] = Field(default=None, alias="isFree")


class _Payload(BaseModel):
    """The answer's envelope: a ``data`` list of rows of any shape."""

    data: Annotated[list[Any], Field(strict=True)]


@dataclass(frozen=True)
class ParsedCatalog:
    """The models of one answer, in gateway order, and how many rows were passed over."""

    models: tuple[CatalogModel, ...]
    skipped_invalid: int = 0
    skipped_duplicate: int = 0
    skipped_image_output: int = 0


MAX_ROWS = 50_000
"""Rows one answer may have: far above any real catalog (Kilo lists about 300 models)."""


def parse_models_payload(payload: Any) -> ParsedCatalog:
    """Map every usable row of a ``{"data": [...]}`` answer.

    Rows that are not objects or have no non-empty string ``id`` are skipped as invalid, a
    repeated id as a duplicate (the first wins), and models that output images are left out.

    Args:
        payload: the decoded JSON answer.

    Returns:
        The mapped models in gateway order, with the counts of rows skipped.

    Raises:
        CatalogFormatError: the payload has no ``data`` list, or more than :data:`MAX_ROWS`.
    """
    try:
        data = _Payload.model_validate(payload).data
    except ValidationError:
        raise CatalogFormatError('no "data" list') from None
    if len(data) > MAX_ROWS:
        raise CatalogFormatError(f"more than {MAX_ROWS:,} rows")
    models: list[CatalogModel] = []
    seen: set[str] = set()
    invalid = duplicate = image_output = 0
    for item in data:  # one row at a time: 20,000 validated rows at once would take ~70 MiB
        row = _valid_row(item)
        if row is None:
            invalid += 1
            continue
        if row.id in seen:
            duplicate += 1
            continue
        seen.add(row.id)
        if "image" in row.architecture.output_modalities:
            image_output += 1
        else:
            models.append(map_model(row))
    return ParsedCatalog(tuple(models), invalid, duplicate, image_output)


def _valid_row(item: Any) -> GatewayModelRow | None:
    """``item`` as a row, or None when it is not an object with a non-empty string ``id``."""
    try:
        return GatewayModelRow.model_validate(item)
    except ValidationError:
        return None


def map_model(row: GatewayModelRow) -> CatalogModel:
    """One gateway row as a :class:`CatalogModel` (SPEC §6).

    Args:
        row: a validated row; every field but ``id`` may be missing.

    Returns:
        The model, with SPEC §6's defaults for what the row does not give.
    """
    top, pricing, parameters = row.top_provider, row.pricing, row.supported_parameters
    return CatalogModel(
        id=row.id,
        name=row.name if row.name and row.name.strip() else row.id,
        input=("text", "image") if "image" in row.architecture.input_modalities else ("text",),
        reasoning="reasoning" in parameters or "include_reasoning" in parameters,
        context_window=_count(top.context_length) or _count(row.context_length),
        max_tokens=_count(top.max_completion_tokens),
        cost=Cost(
            input=_per_million(pricing.prompt),
            output=_per_million(pricing.completion),
            cache_read=_per_million(pricing.input_cache_read),
            cache_write=_per_million(pricing.input_cache_write),
        ),
        free=_is_free(row),
    )


def _is_free(row: GatewayModelRow) -> bool:
    """``isFree``, else an id ending ``:free``, else prompt and completion given and both 0."""
    if row.is_free is not None:
        return row.is_free
    if row.id.endswith(":free"):
        return True
    return _is_zero(row.pricing.prompt) and _is_zero(row.pricing.completion)


def _is_zero(price: Price) -> bool:
    """A price given as 0 (not missing, not variable)."""
    return price == 0


def _per_million(price: Price) -> float | Literal["variable"] | None:
    """A per-token price as USD per million tokens; ``"-1"`` is variable; a price the row does
    not give (or gives as junk) is unknown, None."""
    match price:
        case None:
            return None
        case Decimal():
            return abs(float(price * PER_MILLION))  # abs: "-0" is 0.0, not -0.0
        case _:  # "-1"
            return VARIABLE


def _count(value: float | None) -> int | None:
    """A validated token count as an int (an integral float such as ``4096.0`` included)."""
    return None if value is None else int(value)
