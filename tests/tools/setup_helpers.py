"""Helpers the ``kilocli setup`` tests share: where each tool keeps its files in the test's
home, how to store a key (with or without an organisation), how to read the files back with
real parsers (not kilocli's own editors), and snapshots to prove nothing was written."""

from __future__ import annotations

import json
import os
import stat
import tomllib
from pathlib import Path
from typing import Any

from dotenv import dotenv_values
from ruamel.yaml import YAML

from tests.conftest import Run, run_kilocli
from tests.fakes import OTHER_VALID_KEY, VALID_KEY

ORG = "9f4c1d2e-0000-4000-8000-000000000001"
ORG_HEADER = "X-KILOCODE-ORGANIZATIONID"
DEFAULT_BASE = "https://api.kilo.ai/api/gateway"
TOOLS = ("llm", "codex", "claude", "opencode", "aider", "continue")


def user_home() -> Path:
    """The test's ``HOME`` (the conftest's ``isolation`` fixture sets it)."""
    return Path(os.environ["HOME"])


def kilocli_home() -> Path:
    """The test's ``KILOCLI_HOME``."""
    return Path(os.environ["KILOCLI_HOME"])


def llm_dir() -> Path:
    """llm's user directory with no ``LLM_USER_PATH`` or ``XDG_CONFIG_HOME``."""
    return user_home() / ".config" / "io.datasette.llm"


def codex_dir() -> Path:
    """Codex's home with no ``CODEX_HOME``."""
    return user_home() / ".codex"


def opencode_file() -> Path:
    """opencode's global config with no ``XDG_CONFIG_HOME``."""
    return user_home() / ".config" / "opencode" / "opencode.json"


def aider_file() -> Path:
    """aider's settings file in the home directory."""
    return user_home() / ".aider.conf.yml"


def claude_dir() -> Path:
    """Claude Code's directory with no ``CLAUDE_CONFIG_DIR``."""
    return user_home() / ".claude"


def continue_dir() -> Path:
    """Continue's global directory with no ``CONTINUE_GLOBAL_DIR``."""
    return user_home() / ".continue"


def tool_files(tool: str) -> list[Path]:
    """Every file ``kilocli setup TOOL`` writes, in the order SPEC §12 lists them."""
    return {
        "llm": [
            llm_dir() / "extra-openai-models.yaml",
            llm_dir() / "keys.json",
            llm_dir() / "default_model.txt",
        ],
        "codex": [codex_dir() / "config.toml"],
        "claude": [claude_dir() / "settings.json"],
        "opencode": [opencode_file()],
        "aider": [aider_file(), user_home() / ".aider.model.settings.yml"],
        "continue": [continue_dir() / "config.yaml", continue_dir() / ".env"],
    }[tool]


def written_files(tool: str) -> list[Path]:
    """The files ``kilocli setup TOOL`` writes with a personal key (aider's model settings
    only carry an organisation's header)."""
    return [p for p in tool_files(tool) if p.name != ".aider.model.settings.yml"]


def store_key() -> None:
    """Onboard ``VALID_KEY`` as the ``kilocode:default`` profile (default kilo-auto/balanced)."""
    run = run_kilocli(
        "onboard", "--non-interactive", "--kilocode-api-key", VALID_KEY, "--no-verify"
    )
    assert run.code == 0, run.stderr


def store_org_profile(organization: str | None = ORG) -> None:
    """Write kilocli's files by hand: a profile holding ``VALID_KEY`` with ``organization``
    (none: personal), and (the first time) a config whose default model is
    ``kilocode/kilo-auto/balanced``."""
    home = kilocli_home()
    home.mkdir(mode=0o700, exist_ok=True)
    org_line = f'organizationId = "{organization}"\n' if organization else ""
    store = home / "auth-profiles.toml"
    store.write_text(
        'version = 1\n[profiles."kilocode:default"]\ntype = "api_key"\n'
        f'provider = "kilocode"\nkey = "{VALID_KEY}"\n{org_line}'
    )
    store.chmod(0o600)
    config = home / "config.toml"
    if not config.exists():  # a later call keeps it: it holds the record of what setup wrote
        config.write_text('[agents.defaults.model]\nprimary = "kilocode/kilo-auto/balanced"\n')
        config.chmod(0o600)


def setup(*args: str, env: dict[str, str] | None = None) -> Run:
    """``kilocli setup ARGS`` in-process, on a console wide enough that no path is wrapped.

    Whatever it exits with, no raw key may be in its output (SPEC §4: previews only).
    """
    run = run_kilocli("setup", *args, env={"COLUMNS": "1000", **(env or {})})
    for key in (VALID_KEY, OTHER_VALID_KEY):
        assert key not in run.output, run.output
    return run


def setup_ok(*args: str, env: dict[str, str] | None = None) -> Run:
    """``kilocli setup ARGS``, which must succeed."""
    run = setup(*args, env=env)
    assert run.code == 0, run.output
    return run


def setup_json(*args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    """``kilocli setup ARGS --json`` as the one JSON object it prints."""
    run = setup(*args, "--json", env=env)
    parsed = json.loads(run.stdout)
    assert isinstance(parsed, dict), parsed
    return parsed


def load_yaml(path: Path) -> Any:
    """A YAML file as plain Python data (ruamel's safe loader: no comments, no styles)."""
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


def load_toml(path: Path) -> dict[str, Any]:
    """A TOML file as the standard library reads it."""
    return tomllib.loads(path.read_text(encoding="utf-8"))


def load_json(path: Path) -> Any:
    """A JSON file as the standard library reads it."""
    return json.loads(path.read_text(encoding="utf-8"))


def load_dotenv(path: Path) -> dict[str, str | None]:
    """A ``.env`` file as python-dotenv reads it."""
    return dict(dotenv_values(path))


def mode_of(path: Path) -> int:
    """The permission bits of ``path``."""
    return stat.S_IMODE(path.stat().st_mode)


def comment_lines(text: str) -> list[str]:
    """The lines of ``text`` that hold a ``#`` comment (whole-line or trailing)."""
    return [line for line in text.splitlines() if "#" in line]


def tree(root: Path) -> dict[str, tuple[bytes | None, int]]:
    """Every path under ``root`` (itself included): its bytes (None for a directory) and its
    modification time in nanoseconds, to prove that nothing was written or created."""
    found: dict[str, tuple[bytes | None, int]] = {}
    for path in [root, *sorted(root.rglob("*"))]:
        info = path.lstat()
        data = path.read_bytes() if path.is_file() and not path.is_symlink() else None
        found[str(path.relative_to(root))] = (data, info.st_mtime_ns)
    return found


def files_holding(root: Path, secret: str) -> list[Path]:
    """The files under ``root`` whose bytes contain ``secret``."""
    return [p for p in root.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]
