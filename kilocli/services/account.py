"""The Kilo account (SPEC §13): signing in with a browser (the device flow), and choosing the
organisation a profile's requests speak for."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from kilocli.credentials.store import KEEP_ORGANIZATION
from kilocli.errors import InputRequired, UsageError
from kilocli.onboarding.prompts import BACK, BackToMethods, ask_after_failed_sign_in
from kilocli.prompting import Option
from kilocli.providers.registry import Provider
from kilocli.providers.resolve import origin_of
from kilocli.services.organization import checked_organization_flag
from kilocli.services.runtime import Runtime

if TYPE_CHECKING:
    from kilocli.credentials.sources import FoundKey
    from kilocli.gateway.device import Approved, DeviceStart
    from kilocli.gateway.http import GatewayClient
    from kilocli.gateway.verify import Organization, Verification

# The gateway's modules load when a request is made: an onboarding with --no-verify makes none.

PERSONAL = "personal"
MAX_POLL_FAILURES = 3  # answers lost in a row before the sign-in gives up (exit 4)


def sign_in_with_device(
    rt: Runtime, provider: Provider, base_url: str, *, open_browser: bool = True
) -> Approved:
    """Start a device sign-in, show its code and URL on stderr (and open the URL in a browser
    when allowed), then poll until it is approved, denied or expired.

    Raises:
        SignInFailed: too many sign-ins are pending (exit 1).
        SignInRefused: denied or expired (exit 3).
        GatewayUnreachable: the gateway could not be reached (exit 4).
        KeyboardInterrupt: Ctrl-C while waiting (nothing has been written).
    """
    from kilocli.gateway.device import may_open, start_sign_in

    origin = origin_of(base_url)
    with rt.gateway() as client:
        with rt.feedback.working(f"Starting the sign-in with {provider.label}…"):
            start = start_sign_in(client, origin)
        rt.feedback.note(
            f"To sign in, open {start.verification_url} and confirm the code {start.code}."
        )
        if not may_open(start.verification_url):
            # progress: the user needs it now, while the sign-in waits, not after it ends
            rt.feedback.warn(
                "That sign-in address is not https, so kilocli did not open it. Check it before "
                "you open it yourself."
            )
        elif open_browser and has_display(rt.env) and rt.open_url(start.verification_url):
            rt.feedback.note("Opened it in your browser.")
        return _wait_for_approval(rt, client, origin, start)


def _wait_for_approval(
    rt: Runtime, client: GatewayClient, origin: str, start: DeviceStart
) -> Approved:
    from kilocli.errors import GatewayUnreachable
    from kilocli.gateway.device import expired, poll

    deadline = rt.clock() + start.expires_in
    failures = 0
    while True:
        left = deadline - rt.clock()
        if left <= 0:
            raise expired()
        minutes, seconds = divmod(int(left), 60)
        with rt.feedback.working(
            f"Waiting for you to approve the sign-in ({minutes}:{seconds:02d} left)…"
        ):
            rt.sleep(min(rt.poll_interval, left))
            try:
                answer = poll(client, origin, start)
            except GatewayUnreachable:
                failures += 1
                if failures >= MAX_POLL_FAILURES:
                    raise
                continue
        failures = 0
        from kilocli.gateway.device import Approved

        if isinstance(answer, Approved):
            return answer


def sign_in_offering_retry(
    rt: Runtime,
    provider: Provider,
    base_url: str,
    *,
    open_browser: bool,
    enter_key: Callable[[], FoundKey],
) -> Approved | FoundKey:
    """The device sign-in; on a terminal, a denied or expired one offers "Try again", "Enter
    an API key instead" (``enter_key``'s key) or "Cancel" instead of ending the wizard (SPEC
    §13). Back at that key prompt returns to this question.

    Raises:
        SignInRefused: denied or expired without a terminal, or cancelled after it.
    """
    from kilocli.gateway.device import SignInRefused

    while True:
        try:
            return sign_in_with_device(rt, provider, base_url, open_browser=open_browser)
        except SignInRefused as refused:
            if rt.prompter is None or refused.outcome is None:
                raise
            outcome, hint, prompter = refused.outcome, refused.hint, rt.prompter
        what = {
            "denied": "The sign-in was denied.",
            "expired": "The sign-in code expired before it was approved.",
        }[outcome]
        while (action := ask_after_failed_sign_in(prompter, what)) == "key":
            try:
                return enter_key()
            except BackToMethods:  # Back at the empty key prompt: this question again
                continue
        if action == "cancel":
            raise SignInRefused(
                f"Cancelled after the sign-in was {outcome}; nothing was written.", hint=hint
            )


def has_display(env: Mapping[str, str]) -> bool:
    """Whether a browser can be opened here: macOS and Windows always; elsewhere an X11 or
    Wayland display, or a ``BROWSER`` the user chose."""
    if sys.platform in {"darwin", "win32"}:
        return True
    return any(env.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER"))


def choose_organization(
    rt: Runtime,
    provider: Provider,
    answer: Verification | None,
    flag: str | None,
    *,
    current: str | None = None,
    can_go_back: bool = False,
) -> str | None:
    """The organisation the profile's requests speak for: an id, or None for Personal.

    ``--organization`` (an id, or ``personal``) wins, and must be one the profile lists. Else,
    on a terminal with a choice to make, "Use Kilo Gateway as" is asked (default: ``current``,
    the one chosen before — an id or ``personal`` — when the account still offers it, else the
    account's selected organisation, else Personal). Without a terminal: ``current`` when still
    offered (a re-run keeps what it is not told to change), else the selected one, else
    Personal, else the only organisation. Without a verified profile answer, nothing is
    chosen: :data:`KEEP_ORGANIZATION`.

    With ``can_go_back`` (the wizard's own choice), the question offers "Back", which leads
    back to the auth method list as Back at the key prompt does.

    Raises:
        BackToMethods: the user chose Back.
        UsageError: ``--organization`` names an organisation the profile does not list.
        InputRequired: several organisations, no personal account, and no terminal.
    """
    listed = answer.organization_list if answer and answer.outcome == "verified" else ()
    personal = answer.has_personal_account if answer else True
    if answer is not None and answer.skipped_organizations:
        # said before "Use Kilo Gateway as", which would otherwise silently lack them
        rt.feedback.warn(
            f"Skipped {answer.skipped_organizations} organisation(s) whose id {provider.label} "
            "sent is not a usable id (a space, a slash, a control or non-ASCII character, or "
            "too long)."
        )
    if flag is not None:
        return _named(flag.strip(), listed, verified=bool(answer and answer.outcome == "verified"))
    if answer is None or answer.outcome != "verified":
        return KEEP_ORGANIZATION
    if not listed:
        return None
    selected = answer.selected_organization_id
    selected = selected if any(o.id == selected for o in listed) else None
    offered = ([PERSONAL] if personal else []) + [o.id for o in listed]
    kept = current if current in offered else None
    if rt.prompter is not None and (len(listed) > 1 or personal):
        options = [Option("Personal", PERSONAL)] if personal else []
        names = organization_names(listed)
        options += [Option(_title(o, names[o.id]), o.id) for o in listed]
        options += [Option("Back", BACK)] if can_go_back else []
        default = kept or selected or (PERSONAL if personal else listed[0].id)
        picked = rt.prompter.select(f"Use {provider.label} as", options, default=default)
        if picked == BACK:
            raise BackToMethods
        return None if picked == PERSONAL else picked
    if kept is not None:
        return None if kept == PERSONAL else kept
    return _without_asking(provider, listed, selected, personal=personal)


def _without_asking(
    provider: Provider,
    listed: tuple[Organization, ...],
    selected: str | None,
    *,
    personal: bool,
) -> str | None:
    """SPEC §13's rule without a terminal: the selected one, Personal, the only one."""
    if selected is not None:
        return selected
    if personal:
        return None
    if len(listed) == 1:
        return listed[0].id
    raise InputRequired(
        f"This {provider.label} account belongs to several organisations and has no personal "
        "account; say which one to use.",
        hint="Pass --organization ID, one of: " + ", ".join(_listed(listed)),
    )


def _named(flag: str, listed: tuple[Organization, ...], *, verified: bool) -> str | None:
    if flag.lower() == PERSONAL:
        return None
    if not flag:
        raise UsageError("--organization is empty.", hint="Give an id, or personal.")
    checked_organization_flag(flag)
    if not verified or any(o.id == flag for o in listed):
        return flag
    choices = ["personal", *_listed(listed)]
    raise UsageError(
        f"This account is not a member of the organisation {flag!r}.",
        hint="Use one of: " + ", ".join(choices),
    )


def organization_names(listed: tuple[Organization, ...]) -> dict[str, str]:
    """How each organisation is shown to a person: by its name, with the id after it when
    another organisation has the same name (SPEC §13)."""
    counts: dict[str, int] = {}
    for org in listed:
        counts[org.name] = counts.get(org.name, 0) + 1
    return {
        o.id: o.name if counts[o.name] == 1 and o.name else f"{o.name} ({o.id})" for o in listed
    }


def _title(org: Organization, shown: str) -> str:
    return f"{shown} ({org.role})" if org.role else shown


def _listed(listed: tuple[Organization, ...]) -> list[str]:
    return [f"{o.id} ({o.name})" for o in listed]
