"""The last discovered model list of a provider, in the cache directory.

The file is one :class:`CacheDocument`: the gateway it came from, when, and the models as the
compact positional records of :meth:`CatalogModel.to_record`. It is read strictly: anything
that does not match exactly (a wrong type anywhere, a record too short or too long, a time that
is not a finite number) is no cache at all, never an error: a cache is only a shortcut.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import PydanticSerializationError

from kilocli.catalog.records import CatalogModel
from kilocli.errors import FileProblem
from kilocli.storage import ensure_private_dir, write_private_bytes

CACHE_VERSION = 2  # 2: unknown prices and token counts are null, a variable price "variable"
MAX_CACHE_BYTES = 64 * 1024 * 1024  # 20,000 models take about 2 MiB
# The last second ``datetime`` can show (9999-12-31T23:59:59Z): a later time could not be listed.
LAST_EPOCH_SECOND = 253_402_300_799

_Id = Annotated[str, Field(min_length=1)]
_Tokens = Annotated[int, Field(gt=0)]
_Price = Annotated[float, Field(ge=0, allow_inf_nan=False)] | Literal["variable"] | None
CacheRecord = tuple[
    _Id,
    str,
    tuple[str, ...],
    bool,
    _Tokens | None,
    _Tokens | None,
    tuple[_Price, _Price, _Price, _Price],
    bool,
]


class CacheDocument(BaseModel):
    """The cache file: ``{"version", "baseUrl", "fetchedAt", "models": [record, ...]}``."""

    model_config = ConfigDict(
        strict=True, frozen=True, validate_by_name=True, serialize_by_alias=True
    )

    version: int
    base_url: str = Field(alias="baseUrl")
    fetched_at: float = Field(alias="fetchedAt", ge=0, le=LAST_EPOCH_SECOND, allow_inf_nan=False)
    skipped: Annotated[int, Field(ge=0)] = 0  # rows of the answer that were not usable
    models: list[CacheRecord]


@dataclass(frozen=True)
class CachedCatalog:
    """A cached model list: the gateway it came from and when (seconds since the epoch)."""

    base_url: str
    fetched_at: float
    models: tuple[CatalogModel, ...]
    skipped: int = 0


def read_cache(path: Path, base_url: str) -> CachedCatalog | None:
    """The cache for ``base_url``, or None when there is none.

    None as well when the file is not a regular file, is larger than 64 MiB, does not match
    :class:`CacheDocument`, or is from another gateway or another version.

    Args:
        path: the cache file.
        base_url: the gateway the caller would ask.

    Returns:
        The cached list, or None.
    """
    data = _read_regular_file(path, MAX_CACHE_BYTES)
    if data is None:
        return None
    try:
        document = CacheDocument.model_validate_json(data)
    except ValidationError:
        return None
    if document.version != CACHE_VERSION or document.base_url != base_url:
        return None
    from_record = CatalogModel.from_record
    models = tuple([from_record(record) for record in document.models])
    return CachedCatalog(document.base_url, document.fetched_at, models, document.skipped)


def write_cache(path: Path, cached: CachedCatalog) -> None:
    """Replace the cache atomically (the mapped records, so reading it needs no re-parse).

    Args:
        path: the cache file.
        cached: what to save.

    Raises:
        FileProblem: the file could not be written.
    """
    document = CacheDocument.model_construct(
        version=CACHE_VERSION,
        base_url=cached.base_url,
        fetched_at=cached.fetched_at,
        skipped=cached.skipped,
        models=[model.to_record() for model in cached.models],
    )
    try:
        # Compact (no spaces), UTF-8. Not validated: what parsing produced always reads back,
        # and a record that would not is only no cache on the next read, not a failed command.
        data = document.model_dump_json(warnings=False).encode()
    except PydanticSerializationError:  # a string that is not Unicode text (a lone surrogate)
        raise FileProblem(f"Could not write {path}: the model list is not valid text.") from None
    ensure_private_dir(path.parent)
    write_private_bytes(path, data)


def _read_regular_file(path: Path, limit: int) -> bytes | None:
    """The bytes of ``path`` if it is a regular file of at most ``limit`` bytes, else None.

    Opened without blocking, so a FIFO (or a device) in its place is refused, not waited on.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        with open(fd, "rb", closefd=False) as file:
            data = file.read(info.st_size + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    return data if len(data) == info.st_size else None  # else it changed while being read
