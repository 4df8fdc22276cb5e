"""The last discovered model list of a provider, in the cache directory."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kilocli.catalog.records import CatalogModel
from kilocli.storage import ensure_private_dir, write_private_bytes

CACHE_VERSION = 1


@dataclass(frozen=True)
class CachedCatalog:
    """A cached model list: the gateway it came from and when (seconds since the epoch)."""

    base_url: str
    fetched_at: float
    models: tuple[CatalogModel, ...]


def read_cache(path: Path, base_url: str) -> CachedCatalog | None:
    """The cache for ``base_url``, or None when there is none (or it is unreadable, from another
    gateway or another version: a cache is only ever a shortcut)."""
    try:
        document: Any = json.loads(path.read_bytes())
        if document.get("version") != CACHE_VERSION or document.get("baseUrl") != base_url:
            return None
        models = tuple(CatalogModel.from_record(record) for record in document["models"])
        return CachedCatalog(base_url, float(document["fetchedAt"]), models)
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def write_cache(path: Path, cached: CachedCatalog) -> None:
    """Replace the cache atomically (the mapped records, so reading it needs no re-parse)."""
    document = {
        "version": CACHE_VERSION,
        "baseUrl": cached.base_url,
        "fetchedAt": cached.fetched_at,
        "models": [model.to_record() for model in cached.models],
    }
    ensure_private_dir(path.parent)
    write_private_bytes(path, json.dumps(document, separators=(",", ":")).encode())
