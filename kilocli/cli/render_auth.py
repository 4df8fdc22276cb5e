"""How ``kilocli auth`` shows credentials: previews and sources, never keys."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from kilocli.cli.render import escape, print_json

if TYPE_CHECKING:
    from kilocli.cli.context import Session
    from kilocli.services.auth_status import AuthStatus, ProfileRow, ProviderAuth
    from kilocli.services.login import LoginResult, LogoutResult


def _warn(session: Session, text: str) -> None:
    session.err.print(f"[yellow]Warning:[/yellow] {escape(text)}")


def render_profiles(session: Session, rows: Sequence[ProfileRow]) -> None:
    """``auth list``."""
    if session.json_output:
        print_json(session, {"profiles": [row.to_json() for row in rows]})
        return
    if not rows:
        session.err.print("No stored profiles. Store one with: kilocli auth login kilocode")
        return
    from rich.table import Table

    table = Table(box=None, padding=(0, 2, 0, 0), pad_edge=False, header_style="bold")
    for header in ("Profile", "Provider", "Type", "Key", "In config", "Active"):
        table.add_column(header, no_wrap=True)
    for row in rows:
        table.add_row(
            escape(row.profile_id),
            escape(row.provider),
            escape(row.type),
            escape(row.key_preview or "-"),
            "yes" if row.referenced else "no",
            "yes" if row.active else "",
        )
    session.out.print(table)


def _status_json(entry: ProviderAuth) -> dict[str, Any]:
    found = entry.resolution.in_effect
    check = entry.check
    return {
        "provider": entry.provider.id,
        "baseUrl": entry.base_url,
        "keySource": str(found.source) if found else None,
        "keyPreview": found.preview if found else None,
        "shadowed": [
            {"source": str(s.source), "keyPreview": s.preview} for s in entry.resolution.shadowed
        ],
        "check": None
        if check is None
        else {
            "outcome": check.outcome,
            "detail": check.detail,
            "email": check.email,
            "organizations": list(check.organizations),
            "balance": entry.balance,
            "details": dict(check.details),
        },
        "exitCode": int(entry.exit_code),
    }


def render_status(session: Session, status: AuthStatus) -> None:
    """``auth status``: the key in effect per provider, its source, what it shadows."""
    if session.json_output:
        print_json(
            session,
            {
                "ok": status.exit_code == 0,
                "exitCode": int(status.exit_code),
                "decidingProvider": status.deciding,
                "providers": [_status_json(entry) for entry in status.providers],
            },
        )
        return
    for index, entry in enumerate(status.providers):
        if index:
            session.out.print()
        _status_block(session, entry)


def _status_block(session: Session, entry: ProviderAuth) -> None:
    out = session.out
    provider = entry.provider
    found = entry.resolution.in_effect
    out.print(f"[bold]{escape(provider.id)}[/bold] ({escape(provider.label)})")
    if found is None:
        out.print(
            f"  Key in effect  none (looked in {', '.join(provider.env_vars)}, profiles, config)"
        )
        out.print(f"  Next           kilocli auth login {provider.id}")
        return
    out.print(f"  Key in effect  {escape(found.preview)} ({escape(str(found.source))})")
    for shadowed in entry.resolution.shadowed:
        out.print(f"  Shadowed       {escape(shadowed.preview)} ({escape(str(shadowed.source))})")
    env = entry.env_shadows_profile
    if env:
        out.print(
            f"  Hint           {env} wins over the stored profile; unset it to use the profile."
        )
    check = entry.check
    if check is None:
        return
    if check.outcome == "verified":
        out.print(f"  Check          accepted: {escape(check.detail)}")
        if check.organizations:
            out.print(f"  Organisations  {escape(', '.join(check.organizations))}")
        if entry.balance:
            out.print(f"  Balance        {escape(entry.balance)}")
        for label, value in check.details:
            out.print(f"  {label:<14} {escape(value)}")
    else:
        word = "REJECTED" if check.outcome == "rejected" else "could not check"
        out.print(f"  Check          {word}: {escape(check.detail)}")
        if check.problem is not None:
            out.print(f"  Next           {escape(check.problem.hint_for(provider))}")


def render_login(session: Session, result: LoginResult) -> None:
    """``auth login``."""
    if result.env_override:
        _warn(
            session,
            f"{result.env_override} is set in the environment and wins over this profile "
            "until you unset it.",
        )
    if session.json_output:
        print_json(session, result.to_json())
        return
    verified = f"verified: {result.detail}" if result.verified else result.detail
    session.out.print(
        f"Stored {escape(result.profile_id)} ({escape(result.key_preview)}), {escape(verified)}"
    )


def render_logout(session: Session, result: LogoutResult) -> None:
    """``auth logout``: what went, that the key still works, and any env var still set."""
    for name in result.env_still_set:
        _warn(session, f"{name} is still set in the environment and still supplies a key.")
    if session.json_output:
        print_json(session, result.to_json())
        return
    from kilocli.providers.registry import PROVIDERS

    pages = [
        f"{p.keys_page} for {p.label}"
        for p in PROVIDERS
        if p.id in result.providers and p.keys_page
    ]
    where = f" ({'; '.join(pages)})" if pages else ""
    session.out.print(f"Removed {escape(', '.join(result.removed))} from this machine.")
    session.out.print(
        "The key itself was not revoked: it still works until you delete it in your account"
        f"{escape(where)}."
    )
