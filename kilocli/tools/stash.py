"""kilocli's private store for what ``setup`` must be able to put back: a user's file as it
was before kilocli first wrote to it, and a user's secret that ``--force`` replaced. It is a
0700 directory of 0600 files in kilocli's config directory, never beside another tool's file,
and never in ``config.toml``."""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass
from pathlib import Path

from kilocli.storage import ensure_private_dir, read_file_bytes, write_private_bytes


@dataclass(frozen=True)
class Stash:
    directory: Path

    @staticmethod
    def name_for(*parts: str) -> str:
        """A stable name for what ``parts`` (tool, file, path) identify."""
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]

    def put(self, name: str, data: bytes) -> None:
        ensure_private_dir(self.directory)
        write_private_bytes(self.directory / name, data)

    def get(self, name: str) -> bytes | None:
        return read_file_bytes(self.directory / name)

    def drop(self, name: str) -> None:
        with contextlib.suppress(OSError):
            (self.directory / name).unlink()
