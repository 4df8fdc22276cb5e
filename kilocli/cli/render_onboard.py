"""The summary ``kilocli onboard`` prints (SPEC §5 step 7)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kilocli.cli.render import escape
from kilocli.text import a_or_an

if TYPE_CHECKING:
    from kilocli.cli.context import Session
    from kilocli.services.onboard_result import OnboardingResult


def onboarding_text(session: Session, result: OnboardingResult) -> None:
    """The summary of SPEC §5 step 7."""
    out = session.out
    if not result.wrote_files:
        from kilocli.providers.registry import PROVIDERS

        out.print("Skipped: no provider was configured and nothing was written.")
        for provider in PROVIDERS:
            label = a_or_an(provider.label)
            out.print(f"  Get {escape(label)} key at {escape(provider.keys_page)}")
        out.print("Run [bold]kilocli onboard[/bold] again when you have a key.")
        return
    source = str(result.key_source)
    if result.key_copied_from_env:
        source += "; stored as a copy in the profile"
    verified = {True: "yes", False: "no (saved anyway)", None: "unknown"}[result.verdict.verified]
    model = result.default_model or "(none)"
    model += " (changed)" if result.default_model_changed else " (unchanged)"
    rows = [
        ("Provider", str(result.provider)),
        ("Profile", str(result.profile_id)),
        ("Key", f"{result.key_preview} ({source})"),
        *([("Kept in", str(result.key_store))] if _in_keyring(result) else []),
        ("Verified", f"{verified}: {result.verdict.detail}"),
        *([("Organisation", _organization_line(result))] if result.organization else []),
        *([("Gateway", result.custom_gateway)] if result.custom_gateway else []),
        ("Default model", model),
        *_files_rows(result),
    ]
    tools = [tool for tool in result.tools if tool.ok]
    if tools:
        rows.append(("Tools set up", ", ".join(tool.tool for tool in tools)))
    out.print("[bold green]Onboarding complete.[/bold green]")
    for label, value in rows:
        lines = value.split("\n")
        out.print(f"  {label:<14} {escape(lines[0])}")
        for line in lines[1:]:
            out.print(f"  {'':<14} {escape(line)}")
    out.print(f"Next: [bold]kilocli models {escape(str(result.provider))}[/bold]")
    runs = [tool.run for tool in tools if tool.run] or ["kilocli exec -- <your tool>"]
    for run in runs:
        out.print(f"      [bold]{escape(run)}[/bold]")


def _in_keyring(result: OnboardingResult) -> bool:
    """The key went to the OS keyring: the summary says so, since "Wrote" then names a file
    that holds no key (a key in the file needs no line of its own)."""
    return result.key_store is not None and result.key_store != str(result.auth_store_path)


def _files_rows(result: OnboardingResult) -> list[tuple[str, str]]:
    """ "Wrote" for the files this run changed, "Unchanged" for the others."""
    files = [result.auth_store_path, result.config_path]
    wrote = [str(path) for path in files if path in result.files_changed]
    kept = [str(path) for path in files if path not in result.files_changed]
    return [
        (label, "\n".join(paths))
        for label, paths in (("Wrote", wrote), ("Unchanged", kept))
        if paths
    ]


def _organization_line(result: OnboardingResult) -> str:
    """The organisation by its name (its id when the gateway gave none), and where it comes
    from when that is not the profile just written."""
    shown = result.organization_name or str(result.organization)
    source = result.organization_source or ""
    return shown + (f" ({source})" if source and not source.startswith("profile:") else "")
