"""``kilocli setup list``: the tools kilocli can set up, whether each is on this machine and
already set up; and which of their files hold a copy of a key (for ``auth logout``)."""

from __future__ import annotations

import os

from kilocli.config.files import load_config
from kilocli.config.model import SetupRecord
from kilocli.errors import FileProblem
from kilocli.providers.registry import PROVIDERS, Provider
from kilocli.providers.resolve import provider_named
from kilocli.results import Record, Result
from kilocli.services.runtime import Runtime
from kilocli.services.setup_files import file_format
from kilocli.tools import documents
from kilocli.tools.claims import Written, holds_everything
from kilocli.tools.files import Refused, read_state
from kilocli.tools.registry import TOOLS, KeyBy, Locations, Tool, file_path


def tool_files_holding(rt: Runtime, keys: set[str]) -> list[tuple[str, str]]:
    """The tools' key files (llm's ``keys.json``, Continue's ``.env``) that hold one of
    ``keys``: kilocli's own files forget a key at logout, another tool's keep their copy."""
    where = Locations(rt.env)
    found = []
    for tool in TOOLS:
        paths = {file_path(f, where, p) for f in tool.files if f.holds_key for p in PROVIDERS}
        for path in sorted(paths):
            try:
                state = read_state(path, where.home)
            except (FileProblem, Refused):
                continue
            data = state.data or b""
            if any(key.encode() in data for key in keys):
                found.append((tool.id, str(state.path)))
    return found


class ToolRow(Record):
    """One tool in ``setup list``."""

    tool: str
    label: str
    detected: bool
    configured: bool
    key_by: KeyBy
    """How the tool gets the key: ``helper`` (it runs ``kilocli auth token``), ``env`` (from
    the environment: ``kilocli exec`` or ``kilocli shell-init``) or ``copy``."""
    works: bool
    """Its plain command reaches the gateway now: set up, and for ``env`` the key variable is
    set here (through ``kilocli exec`` or ``shell-init`` it is)."""
    files: list[str]


class ToolList(Result):
    """``setup list``: every tool kilocli can set up, for one provider."""

    provider: str
    tools: list[ToolRow]


def list_tools(rt: Runtime, provider_id: str | None = None) -> ToolList:
    """Each tool: found on this machine (its program on ``PATH`` or its config directory),
    set up for the provider, and the files ``setup`` would change."""
    config = load_config(rt.paths)
    provider = provider_named(provider_id, config.primary)
    where = Locations(rt.env)
    rows = []
    for tool in TOOLS:
        configured = _configured(tool, where, config.setup.get(tool.id), provider)
        in_env = bool(rt.env.get(provider.env_vars[0]))
        rows.append(
            ToolRow(
                tool=tool.id,
                label=tool.label,
                detected=detected(tool, where),
                configured=configured,
                key_by=tool.key_by,
                works=configured and (tool.key_by != "env" or in_env),
                files=[str(file_path(f, where, provider)) for f in tool.files],
            )
        )
    return ToolList(provider=provider.id, tools=rows)


def detected(tool: Tool, where: Locations) -> bool:
    """The tool's program is on ``PATH``, or its config (directory or file) exists."""
    import shutil

    on_path = any(shutil.which(b, path=where.env.get("PATH")) for b in tool.binaries)
    return on_path or tool.marker(where).exists()


def _configured(
    tool: Tool, where: Locations, record: SetupRecord | None, provider: Provider
) -> bool:
    """kilocli's values for ``provider`` are in the tool's first file (it holds the entries)."""
    if record is None or record.provider not in (None, provider.id) or not tool.files:
        return False
    path = file_path(tool.files[0], where, provider)
    entry = record.file(os.path.realpath(path))
    if entry is None:
        return False
    try:
        state = read_state(path, where.home)
        if state.data is None:
            return False
        document = documents.load(file_format(tool.files[0], path), state.text)
    except (FileProblem, Refused, documents.Unreadable):
        return False
    return holds_everything(document, [Written.from_data(c) for c in entry.claims])
