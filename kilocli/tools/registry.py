"""The tools ``kilocli setup`` writes for, as data (SPEC §12): for each, the files it reads,
their format, whether they hold a key, the edits that add and remove kilocli's entries, how to
tell it is installed, and how to run it afterwards. Adding a tool is an entry here and its
edits in :mod:`kilocli.tools.edits`, not new control flow."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from kilocli.errors import UsageError
from kilocli.providers.registry import Provider
from kilocli.tools.claims import Claim
from kilocli.tools.documents import Document, FileFormat
from kilocli.tools.edits import aider, codex, continue_dev, llm, opencode
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


@dataclass(frozen=True)
class Tool:
    """A program ``setup`` can point at the gateway."""

    id: str
    label: str
    binaries: tuple[str, ...]
    marker: Callable[[Locations], Path]
    """A file or directory whose existence means the tool is in use here (its config)."""
    files: tuple[ToolFile, ...]
    run: Callable[[Target], str]
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


def _opencode_dir(where: Locations) -> Path:
    return where.xdg_config() / "opencode"


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
        ),
        run=lambda target: f"llm -m {target.provider.id}/{target.models[0].id} 'hello'",
    ),
    Tool(
        id="codex",
        label="Codex CLI",
        binaries=("codex",),
        marker=_codex_dir,
        files=(
            ToolFile(
                locate=lambda where: _codex_dir(where) / "config.toml",
                claims=codex.codex_provider,
                format="toml",
            ),
            ToolFile(
                # Current Codex releases refuse [profiles.*] in config.toml: a profile is a
                # file of its own, <CODEX_HOME>/<name>.config.toml.
                locate=lambda where: _codex_dir(where) / "PROVIDER.config.toml",
                claims=codex.codex_profile,
                format="toml",
            ),
        ),
        run=lambda target: f"kilocli exec -- codex --profile {target.provider.id}",
        one_model=True,
    ),
    Tool(
        id="opencode",
        label="opencode",
        binaries=("opencode",),
        marker=_opencode_dir,
        files=(
            ToolFile(
                locate=lambda where: _opencode_dir(where) / "opencode.json",
                claims=opencode.opencode_provider,
                format="json",
            ),
        ),
        run=lambda target: (
            f"kilocli exec -- opencode -m {target.provider.id}/{target.models[0].id}"
        ),
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
        ),
        run=lambda target: "kilocli exec -- aider",
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
        run=lambda target: "cn (or reload Continue in your editor)",
    ),
)


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
    """Where ``tool_file`` is for ``provider`` (a Codex profile is named after it)."""
    path = tool_file.locate(where)
    return path.with_name(path.name.replace("PROVIDER", provider.id))
