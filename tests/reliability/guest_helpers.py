"""What the guest-rule tests (``test_guest_rules.py``, ``test_guest_files.py``) share: the
user's files written with a mode, a file's bytes, mode and owner, and what a refusal must say."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from tests.conftest import Run
from tests.tools.setup_helpers import DEFAULT_BASE, load_dotenv, load_json, tool_files

IS_ROOT = os.geteuid() == 0
NOBODY = 65534
PROCESS_TIMEOUT = 120  # a bound for a run in a process of its own, never a measure
USER_SECRET = "zq8Xr2mP9vL4nK7tW3yB6cF1hJ5dG0sA"  # the user's own key, not shaped like a Kilo key
USERS_KEY_FILES = {  # the user's own key files, with a kilocode key of their own
    "keys.json": b'{\n  "kilocode": "' + USER_SECRET.encode() + b'",\n  "openai": "sk-mine"\n}\n',
    ".env": b"# mine\nKILOCODE_API_KEY=" + USER_SECRET.encode() + b"\nOTHER=1\n",
}
KEY_FILES = [("llm", "keys.json"), ("continue", ".env")]

# What kilocli prints for the user to paste, per file name (a key as the command printing it).
SNIPPETS = {
    ".env": "KILOCODE_API_KEY='<the key: kilocli auth token kilocode>'",
    "keys.json": '"kilocode": "<the key: kilocli auth token kilocode>"',
    ".aider.conf.yml": f"openai-api-base: {DEFAULT_BASE}",
    "opencode.json": f'"baseURL": "{DEFAULT_BASE}"',
    "config.yaml": f"apiBase: {DEFAULT_BASE}",
    "config.toml": f'base_url = "{DEFAULT_BASE}"',
    "extra-openai-models.yaml": f"api_base: {DEFAULT_BASE}",
}


def tool_file(tool: str, name: str) -> Path:
    """The file called ``name`` among those ``kilocli setup TOOL`` writes."""
    return next(p for p in tool_files(tool) if p.name == name)


def put(path: Path, data: bytes, mode: int = 0o644) -> Path:
    """Write a user's file (and its directories) with ``mode``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    path.chmod(mode)
    return path


def state(path: Path) -> tuple[bytes, int, int, int]:
    """A file's bytes, mode and owner (uid, gid), without following a link at ``path``."""
    info = path.lstat()
    data = path.read_bytes() if stat.S_ISREG(info.st_mode) else b""
    return data, stat.S_IMODE(info.st_mode), info.st_uid, info.st_gid


def listing(directory: Path) -> list[str]:
    """The names in ``directory``."""
    return sorted(p.name for p in directory.iterdir())


def assert_refused(run: Run, path: Path, problem: str) -> None:
    """Exit 1, the path and the reason on stderr, the snippet for the file on stdout, and
    never a traceback."""
    assert run.code == 1, run.output
    assert f"Error: {path}: {problem}" in run.stderr, run.stderr
    assert "so kilocli left it as it is (and changed no other file)." in run.stderr
    assert "Add this to it yourself:" in run.stderr
    assert SNIPPETS[path.name] in run.stdout, run.stdout
    assert "Traceback" not in run.output


def read_key(path: Path) -> str | None:
    """The kilocode key in llm's ``keys.json`` or Continue's ``.env``, read by real parsers."""
    if path.name == "keys.json":
        value = load_json(path).get("kilocode")
        return value if isinstance(value, str) else None
    return load_dotenv(path).get("KILOCODE_API_KEY")
