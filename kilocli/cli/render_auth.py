"""How ``kilocli auth`` shows credentials as text: previews and sources, never keys."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kilocli.cli.columns import Column, render_table
from kilocli.cli.render import escape

if TYPE_CHECKING:
    from kilocli.cli.context import Session
    from kilocli.services.auth_status import AuthStatus, ProfileList, ProviderAuth
    from kilocli.services.key_store import StoreReport
    from kilocli.services.login import LoginResult, LogoutResult
    from kilocli.services.profiles import ProfileSwitch


# A narrow terminal drops Provider (its id starts the profile's), Type and In config, then
# shortens Organisation by its middle (names of one company's organisations tend to differ at
# their ends: "… North", "… South"); the profile id, the key preview and Active are always
# whole, so two profiles can always be told apart.
PROFILE_COLUMNS = (
    Column("Profile"),
    Column("Provider", drop=True),
    Column("Type", drop=True),
    Column("Key"),
    Column("Organisation", squeeze=True, middle=True, min_width=8),
    Column("In config", drop=True),
    Column("Store", drop=True),
    Column("Active"),
)


def profiles_text(session: Session, result: ProfileList) -> None:
    """``auth list``: a table of the stored profiles, fitted to the terminal."""
    if not result.profiles:
        session.err.print("No stored profiles. Store one with: kilocli auth login kilocode")
        return
    from kilocli.text import one_line

    rows = [
        [
            one_line(row.profile_id),
            one_line(row.provider),
            row.type,
            row.key_preview or "-",
            one_line(row.organization_name or row.organization or "personal"),
            "yes" if row.referenced_by_config else "no",
            "keyring" if row.key_store.startswith("keyring") else "file",
            "yes" if row.active else "",
        ]
        for row in result.profiles
    ]
    columns: tuple[Column, ...] = PROFILE_COLUMNS
    if not any(row.key_store.startswith("keyring") for row in result.profiles):
        columns = tuple(c for c in columns if c.header != "Store")  # all in the file, as ever
        rows = [row[:6] + row[7:] for row in rows]
    lines = render_table(columns, rows, session.out.width, gap=2, order=("drop", "squeeze"))
    header, *body = lines
    session.out.print(f"[bold]{escape(header)}[/bold]")
    for line in body:
        session.out.print(escape(line))


def status_text(session: Session, status: AuthStatus) -> None:
    """``auth status``: the key in effect per provider, its source, what it shadows."""
    for index, entry in enumerate(status.providers):
        if index:
            session.out.print()
        _status_block(session, entry)


def _status_block(session: Session, entry: ProviderAuth) -> None:
    out = session.out
    out.print(f"[bold]{escape(entry.provider)}[/bold] ({escape(entry.label)})")
    if entry.key_preview is None:
        out.print(
            f"  Key in effect  none (looked in {', '.join(entry.env_vars)}, profiles, config)"
        )
        out.print(f"  Next           kilocli auth login {entry.provider}")
        return
    out.print(f"  Key in effect  {escape(entry.key_preview)} ({escape(str(entry.key_source))})")
    if entry.key_store and entry.key_store.startswith("keyring"):  # the file: as ever
        out.print(f"  Kept in        {escape(entry.key_store)}")
    for shadowed in entry.shadowed:
        out.print(f"  Shadowed       {escape(shadowed.key_preview)} ({escape(shadowed.source)})")
    if entry.env_shadows_profile:
        out.print(
            f"  Hint           {entry.env_shadows_profile} wins over the stored profile; "
            "unset it to use the profile."
        )
    if entry.organization:
        shown = entry.organization_name or entry.organization
        source = entry.organization_source
        if source and not source.startswith("profile:"):
            shown += f" ({source})"
        out.print(f"  Organisation   {escape(shown)}")
    if entry.expires_at:
        state = "EXPIRED" if entry.expired else "expires"
        out.print(f"  Key {state:<10} {escape(entry.expires_at)}")
    check = entry.check
    if check is None:
        return
    if check.outcome == "verified" or check.no_credits:
        state = "accepted, but no credits left" if check.no_credits else "accepted"
        out.print(f"  Check          {state}: {escape(check.detail)}")
        _account_lines(session, entry)
        for label, value in check.details.items():
            out.print(f"  {label:<14} {escape(value)}")
    else:
        word = "REJECTED" if check.outcome == "rejected" else "could not check"
        out.print(f"  Check          {word}: {escape(check.detail)}")
    if check.hint is not None and check.outcome != "verified":
        out.print(f"  Next           {escape(check.hint)}")


def _account_lines(session: Session, entry: ProviderAuth) -> None:
    out = session.out
    account = entry.account
    if account is not None and account.organizations:
        names = {o.id: o.name for o in account.organizations}
        listed = ", ".join(
            o.name + (f" ({o.role})" if o.role else "") for o in account.organizations
        )
        out.print(f"  Organisations  {escape(listed)}")
        in_use = names.get(account.organization or "", account.organization) or "Personal"
        out.print(f"  Using as       {escape(in_use)}")
    if entry.balance:
        out.print(f"  Balance        {escape(entry.balance)}")
    if entry.usage is not None:
        for limit in entry.usage.limits:
            used = "?" if limit.used is None else f"${limit.used:,.2f}"
            cap = "no limit" if limit.limit is None else f"${limit.limit:,.2f}"
            resets = f", resets {limit.reset_at}" if limit.reset_at else ""
            out.print(f"  Usage          {escape(f'{limit.period}: {used} of {cap}{resets}')}")
        if entry.usage.plan:
            out.print(f"  Plan           {escape(entry.usage.plan)}")


def switch_text(session: Session, result: ProfileSwitch) -> None:
    """``auth use``: which profile is active now."""
    organization = f", as organisation {result.organization}" if result.organization else ""
    session.out.print(
        f"{escape(result.profile_id)} is now the active {escape(result.provider)} profile"
        f"{escape(organization)}."
    )


def login_text(session: Session, result: LoginResult) -> None:
    """``auth login``: what was stored, and whether the gateway accepted it."""
    verified = f"verified: {result.detail}" if result.verified else result.detail
    session.out.print(
        f"Stored {escape(result.profile_id)} ({escape(result.key_preview)}), {escape(verified)}"
    )


def logout_text(session: Session, result: LogoutResult) -> None:
    """``auth logout``: what went, and that the key itself still works."""
    where = f" ({'; '.join(result.key_pages)})" if result.key_pages else ""
    session.out.print(f"Removed {escape(', '.join(result.removed))} from this machine.")
    session.out.print(
        "The key itself was not revoked: it still works until you delete it in your account"
        f"{escape(where)}."
    )


def store_text(session: Session, report: StoreReport) -> None:
    """``auth store``: the store new keys go to and why, then where each key is."""
    for profile_id in report.moved:
        session.err.print(f"Moved the key of {escape(profile_id)} to the {report.store} store.")
    where = f"keyring ({report.backend})" if report.store == "keyring" else report.file
    session.out.print(f"New keys go to: {escape(where)}")
    session.out.print(f"Why: {escape(report.reason)}")
    usable = "answers" if report.keyring_usable else "not usable here"
    session.out.print(f"Keyring: {escape(report.backend)} ({usable})")
    for place in report.profiles:
        session.out.print(f"  {escape(place.profile_id)}: {escape(place.where)}")
