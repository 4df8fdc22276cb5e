"""The tools ``kilocli setup`` writes for, as data (SPEC §12): for each, the files it reads,
their format, whether they hold a key, the edits that add and remove kilocli's entries, how to
tell it is installed, and how to run it afterwards. Adding a tool is an entry here and its
edits in :mod:`kilocli.tools.edits`, not new control flow."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kilocli.errors import UsageError
from kilocli.providers.registry import Provider
from kilocli.tools.documents import FileFormat
from kilocli.tools.edits import aider, codex, continue_dev, llm, opencode
from kilocli.tools.entries import EditLog, Target


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
    """One file of a tool that ``setup`` changes."""

    locate: Callable[[Locations], Path]
    format: FileFormat
    write: Callable[[Any, Target, EditLog], Any]
    remove: Callable[[Any, Target, Mapping[str, Any]], Any]
    configured: Callable[[Any, Provider], bool]
    holds_key: bool = False
    new: Callable[[Target], Any] | None = None


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
                format="yaml",
                write=llm.llm_models,
                remove=llm.llm_models_removed,
                configured=llm.llm_models_configured,
            ),
            ToolFile(
                locate=lambda where: _llm_dir(where) / "keys.json",
                format="json",
                write=llm.llm_key,
                remove=llm.llm_key_removed,
                configured=llm.llm_key_configured,
                holds_key=True,
                new=llm.llm_keys_file,
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
                format="toml",
                write=codex.codex_provider,
                remove=codex.codex_provider_removed,
                configured=codex.codex_provider_configured,
            ),
            ToolFile(
                # Current Codex releases refuse [profiles.*] in config.toml: a profile is a
                # file of its own, <CODEX_HOME>/<name>.config.toml.
                locate=lambda where: _codex_dir(where) / "PROVIDER.config.toml",
                format="toml",
                write=codex.codex_profile,
                remove=codex.codex_profile_removed,
                configured=codex.codex_profile_configured,
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
                format="json",
                write=opencode.opencode_provider,
                remove=opencode.opencode_provider_removed,
                configured=opencode.opencode_provider_configured,
                new=opencode.opencode_file,
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
                format="yaml",
                write=aider.aider_settings,
                remove=aider.aider_settings_removed,
                configured=aider.aider_settings_configured,
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
                format="yaml",
                write=continue_dev.continue_models,
                remove=continue_dev.continue_models_removed,
                configured=continue_dev.continue_models_configured,
                new=continue_dev.continue_file,
            ),
            ToolFile(
                locate=lambda where: _continue_dir(where) / ".env",
                format="dotenv",
                write=continue_dev.continue_secret,
                remove=continue_dev.continue_secret_removed,
                configured=continue_dev.continue_secret_configured,
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
