"""Keeping what ``setup`` wrote true (SPEC §12): when the key, organisation or base URL in
effect for a provider changes — ``auth login``, a sign-in, ``auth use``, ``auth logout``,
onboarding again — every tool set up for it is brought up to date (its copy of the key
rewritten, its headers and base URL refreshed); a copy of a key that is gone is taken out.
``doctor`` uses the same plan to report entries that no longer match."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from kilocli.config.files import load_config
from kilocli.errors import KilocliError, NotAuthenticated
from kilocli.providers.registry import Provider
from kilocli.services.runtime import Runtime

if TYPE_CHECKING:
    from kilocli.services.setup_result import SetupResult

# setup (and the tools' editors) load only when a tool was set up: onboarding and auth login
# pass through here on every run (SPEC §10).


def tools_set_up(rt: Runtime, provider: Provider) -> list[str]:
    """The tools ``setup`` wrote for ``provider`` (as kilocli's record says)."""
    config = load_config(rt.paths)
    return [
        tool_id
        for tool_id, record in config.setup.items()
        if record.files and record.provider in (None, provider.id)
    ]


def refresh_tools(rt: Runtime, provider: Provider, *, skip: Iterable[str] = ()) -> list[str]:
    """Bring every tool set up for ``provider`` up to date with the credentials in effect now;
    returns what to tell the user (a line per tool that changed or could not be changed)."""
    told: list[str] = []
    tool_ids = [tool_id for tool_id in tools_set_up(rt, provider) if tool_id not in skip]
    if not tool_ids:
        return told
    from kilocli.services.setup import setup_tool
    from kilocli.tools.registry import get_tool

    for tool_id in tool_ids:
        tool = get_tool(tool_id)
        try:
            result = setup_tool(rt, tool_id, provider_id=provider.id)
        except NotAuthenticated:
            if tool.key_by == "copy":  # its copy of a key that is gone goes too
                setup_tool(rt, tool_id, provider_id=provider.id, remove=True)
                told.append(
                    f"Took kilocli's entries out of {tool.label}: they held a copy of a key "
                    f"that is gone (kilocli setup {tool_id} puts them back)."
                )
            continue
        except KilocliError as exc:
            told.append(f"Could not update {tool.label}: {exc.message}")
            continue
        told += _said(tool.label, tool_id, tool.key_by, result)
    return told


def _said(label: str, tool_id: str, key_by: str, result: SetupResult) -> list[str]:
    if not result.ok:
        problems = "; ".join(f"{f.path}: {f.problem}" for f in result.files if f.problem)
        return [f"Could not update {label} ({problems}); see: kilocli setup {tool_id}"]
    if result.action != "configured":
        return []
    what = "its copy of the key" if key_by == "copy" else "kilocli's entries"
    files = ", ".join(f.path for f in result.files if f.changed)
    return [f"Updated {what} in {label} ({files})."]
