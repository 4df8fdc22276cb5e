"""The tools ``kilocli setup`` writes for, as data (SPEC §12): for each, the files it reads,
their format, whether they hold a key, the edits that add and remove kilocli's entries, how to
tell it is installed, and how to run it afterwards. Adding a tool is an entry here and its
edits in :mod:`kilocli.tools.edits`, not new control flow."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from kilocli.errors import UsageError
from kilocli.providers.registry import Provider
from kilocli.tools import TOOL_IDS
from kilocli.tools.claims import Claim
from kilocli.tools.documents import Document, FileFormat
from kilocli.tools.edits import aider, claude, codex, continue_dev, llm, opencode
from kilocli.tools.entries import Target


@dataclass(frozen=True)
class Locations:
    """Where a tool's files are, from the environment (so that tests can move them)."""

    env: Mapping[str, str]

    @property
    def home(self) -> Path:
        return Path(self.env.get("HOME") or Path.home())

    def xdg_config(self) -> Path:
        return Path(self.env.get("XDG_CONFIG_HOME") or self.home / ".config")

    def override(self, name: str, default: Path) -> Path:
        """``$name`` when it is set (``CODEX_HOME``, ``LLM_USER_PATH``…), else ``default``."""
        value = self.env.get(name, "").strip()
        return Path(value).expanduser() if value else default


@dataclass(frozen=True)
class ToolFile:
    """One file of a tool that ``setup`` changes: where it is, its format, the values kilocli
    wants in it, whether it holds a key, and what to tell the user about its contents."""

    locate: Callable[[Locations], Path]
    format: FileFormat
    claims: Callable[[Target], list[Claim]]
    holds_key: bool = False
    notes: Callable[[Document, Target], list[str]] | None = None


KeyBy = Literal["helper", "env", "copy"]
"""How a tool gets the key (SPEC §12, best first): it runs kilocli's ``auth token``; it reads
a variable (so its plain command needs ``kilocli exec`` or ``kilocli shell-init``); or it keeps
a private copy kilocli keeps true."""


@dataclass(frozen=True)
class Tool:
    """A program ``setup`` can point at the gateway."""

    id: str
    label: str
    binaries: tuple[str, ...]
    marker: Callable[[Locations], Path]
    """A file or directory whose existence means the tool is in use here (its config)."""
    files: tuple[ToolFile, ...]
    key_by: KeyBy
    run: Callable[[Target], str]
    """The plain command to try once it is set up."""
    one_model: bool = False
    """The tool uses one model: the last one named (``--model``, else the default)."""


def _llm_dir(where: Locations) -> Path:
    # click.get_app_dir("io.datasette.llm"), which llm uses, unless LLM_USER_PATH is set.
    if sys.platform == "darwin":
        default = where.home / "Library" / "Application Support" / "io.datasette.llm"
    else:
        default = where.xdg_config() / "io.datasette.llm"
    return where.override("LLM_USER_PATH", default)


def _codex_dir(where: Locations) -> Path:
    return where.override("CODEX_HOME", where.home / ".codex")


def _claude_dir(where: Locations) -> Path:
    return where.override("CLAUDE_CONFIG_DIR", where.home / ".claude")


def _opencode_dir(where: Locations) -> Path:
    return where.xdg_config() / "opencode"


def _opencode_file(where: Locations) -> Path:
    """``opencode.json``, or the user's ``opencode.jsonc`` when only that exists (opencode
    reads both: kilocli never writes a ``.json`` beside a ``.jsonc``)."""
    plain, commented = (
        _opencode_dir(where) / "opencode.json",
        _opencode_dir(where) / "opencode.jsonc",
    )
    return commented if commented.exists() and not plain.exists() else plain


def _continue_dir(where: Locations) -> Path:
    return where.override("CONTINUE_GLOBAL_DIR", where.home / ".continue")


TOOLS: tuple[Tool, ...] = (
    Tool(
        id="llm",
        label="llm (simonw/llm)",
        binaries=("llm",),
        marker=_llm_dir,
        files=(
            ToolFile(
                locate=lambda where: _llm_dir(where) / "extra-openai-models.yaml",
                claims=llm.llm_models,
                format="yaml",
            ),
            ToolFile(
                locate=lambda where: _llm_dir(where) / "keys.json",
                claims=llm.llm_key,
                format="json",
                holds_key=True,
            ),
            ToolFile(
                locate=lambda where: _llm_dir(where) / "default_model.txt",
                claims=llm.llm_default,
                format="text",
            ),
        ),
        key_by="copy",
        run=lambda target: "llm 'Say hello'",
    ),
    Tool(
        id="codex",
        label="Codex CLI",
        binaries=("codex",),
        marker=_codex_dir,
        files=(
            ToolFile(
                locate=lambda where: _codex_dir(where) / "config.toml",
                claims=codex.codex_config,
                format="toml",
            ),
        ),
        key_by="helper",
        run=lambda target: "codex",
        one_model=True,
    ),
    Tool(
        id="claude",
        label="Claude Code",
        binaries=("claude",),
        marker=_claude_dir,
        files=(
            ToolFile(
                locate=lambda where: _claude_dir(where) / "settings.json",
                claims=claude.claude_settings,
                format="json",
            ),
        ),
        key_by="helper",
        run=lambda target: "claude",
        one_model=True,
    ),
    Tool(
        id="opencode",
        label="opencode",
        binaries=("opencode",),
        marker=_opencode_dir,
        files=(
            ToolFile(
                locate=_opencode_file,
                claims=opencode.opencode_provider,
                format="json",
            ),
        ),
        key_by="env",
        run=lambda target: "opencode",
    ),
    Tool(
        id="aider",
        label="aider",
        binaries=("aider",),
        marker=lambda where: where.home / ".aider.conf.yml",
        files=(
            ToolFile(
                locate=lambda where: where.home / ".aider.conf.yml",
                claims=aider.aider_settings,
                format="yaml",
                notes=aider.aider_notes,
            ),
            ToolFile(
                locate=lambda where: where.home / ".aider.model.settings.yml",
                claims=aider.aider_model_settings,
                format="yaml",
            ),
        ),
        key_by="env",
        run=lambda target: "aider",
        one_model=True,
    ),
    Tool(
        id="continue",
        label="Continue",
        binaries=("cn",),
        marker=_continue_dir,
        files=(
            ToolFile(
                locate=lambda where: _continue_dir(where) / "config.yaml",
                claims=continue_dev.continue_models,
                format="yaml",
            ),
            ToolFile(
                locate=lambda where: _continue_dir(where) / ".env",
                claims=continue_dev.continue_secret,
                format="dotenv",
                holds_key=True,
            ),
        ),
        key_by="copy",
        run=lambda target: "cn (or reload Continue in your editor)",
    ),
)


if tuple(tool.id for tool in TOOLS) != TOOL_IDS:  # pragma: no cover - a mistake in this file
    raise AssertionError("kilocli.tools.TOOL_IDS must list TOOLS' ids, in their order")


def get_tool(tool_id: str) -> Tool:
    """Look a tool up by id.

    Raises:
        UsageError: no such tool.
    """
    for tool in TOOLS:
        if tool.id == tool_id.lower():
            return tool
    known = ", ".join(t.id for t in TOOLS)
    raise UsageError(f"Unknown tool '{tool_id}'.", hint=f"kilocli setup knows: {known}.")


def file_path(tool_file: ToolFile, where: Locations, provider: Provider) -> Path:
    """Where ``tool_file`` is (for ``provider``: a file may be named after it)."""
    path = tool_file.locate(where)
    return path.with_name(path.name.replace("PROVIDER", provider.id))
