"""A Kilo sign-in the Kilo CLI (``kilo``) already holds, offered read-only by onboarding
(SPEC §4): ``$XDG_DATA_HOME/kilo/auth.json``, entry ``kilo`` — the ``access`` token of an
``oauth`` entry, or the ``key`` of an ``api`` entry. kilocli never writes that file, and it is
not part of the source chain of other commands."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kilocli.credentials.keys import key_problem, normalise_key
from kilocli.errors import FileProblem


@dataclass(frozen=True)
class KiloCliSignIn:
    """The Kilo CLI's credential: where it is, the key, and whether it is a sign-in token."""

    path: Path
    key: str = field(repr=False)
    oauth: bool


def kilo_cli_store(env: Mapping[str, str]) -> Path:
    """``$XDG_DATA_HOME/kilo/auth.json`` (default ``~/.local/share/kilo/auth.json``)."""
    data = env.get("XDG_DATA_HOME") or str(Path(env.get("HOME") or Path.home()) / ".local/share")
    return Path(data) / "kilo" / "auth.json"


def read_kilo_cli_sign_in(env: Mapping[str, str]) -> KiloCliSignIn | None:
    """The Kilo CLI's ``kilo`` credential, or None when there is none (or none usable: a file
    that cannot be read or parsed, or a value no header can carry, is passed over quietly —
    it is another program's file)."""
    from kilocli.storage import read_file_bytes

    path = kilo_cli_store(env)
    try:
        data = read_file_bytes(path)
        document = json.loads(data) if data else None
    except (FileProblem, ValueError, RecursionError):
        return None
    entry = document.get("kilo") if isinstance(document, dict) else None
    if not isinstance(entry, dict):
        return None
    oauth = entry.get("type") == "oauth"
    raw = entry.get("access") if oauth else entry.get("key") if entry.get("type") == "api" else None
    if not isinstance(raw, str) or key_problem(raw) is not None:
        return None
    return KiloCliSignIn(path, normalise_key(raw), oauth)
