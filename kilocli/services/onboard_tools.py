"""Onboarding's step 6 and the end of step 7 (SPEC §5): which tools to set up, the model list
fetched once the key is accepted, and each tool set up after kilocli's own files."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kilocli.errors import KilocliError
from kilocli.onboarding.prompts import ask_tools
from kilocli.services.onboard_result import ToolSetUp

if TYPE_CHECKING:
    from kilocli.config.model import Config
    from kilocli.providers.registry import Provider
    from kilocli.services.runtime import Runtime


def choose_tools(rt: Runtime, provider: Provider) -> list[str]:
    """Step 6: on a terminal, offer the tools found on this machine that are not yet set up
    for ``provider`` (none ticked). Without one, only ``--setup`` sets tools up."""
    if rt.prompter is None:
        return []
    from kilocli.services.setup_list import list_tools

    candidates = [
        (row.tool, row.label, row.files[0])
        for row in list_tools(rt, provider.id).tools
        if row.detected and not row.configured
    ]
    return ask_tools(rt.prompter, candidates) if candidates else []


def cache_catalog(rt: Runtime, provider: Provider, config: Config) -> list[str]:
    """Step 7: with a key the gateway accepted, the model list is fetched now (unless a fresh
    one is cached), so that ``setup --model``, the probe's policies and ``models`` have it at
    once (SPEC §12); the usual bounds apply, and a failure is only said (returned)."""
    from kilocli.services.catalog import load_catalog

    try:
        catalog = load_catalog(rt, provider, config)
    except KilocliError as exc:
        return [f"Could not fetch the model list: {exc.message}"]
    return list(catalog.warnings)


def refresh_other_tools(rt: Runtime, provider: Provider, set_up_now: list[str]) -> list[str]:
    """Tools set up before keep up with the key, organisation and gateway written now; returns
    what to say about them."""
    from kilocli.services.tool_refresh import refresh_tools

    return refresh_tools(rt, provider, skip=set_up_now)


def set_up(rt: Runtime, provider: Provider, tool_id: str, told: list[str]) -> ToolSetUp:
    """Step 7, after the files of kilocli: one tool; its failure is reported (added to
    ``told``), not raised (the credential is stored already)."""
    from kilocli.services.setup import setup_tool

    try:
        result = setup_tool(rt, tool_id, provider_id=provider.id)
    except KilocliError as exc:
        told.append(f"Could not set up {tool_id}: {exc.message} {exc.hint or ''}".strip())
        return ToolSetUp(tool=tool_id, ok=False, files=[], run=None)
    told += result.warnings
    told += [
        f"Could not set up {tool_id}: {entry.path}: {entry.problem}. "
        f"See what to add by hand with: kilocli setup {tool_id} --dry-run"
        for entry in result.files
        if entry.problem
    ]
    changed = [entry.path for entry in result.files if entry.changed]
    return ToolSetUp(tool=tool_id, ok=result.ok, files=changed, run=result.run)
