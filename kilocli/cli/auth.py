"""``kilocli auth list|status|login|logout|use|token|store``."""

from __future__ import annotations

from typing import Annotated

import typer

from kilocli.cli.choices import (
    complete_profile_ids,
    complete_providers,
    complete_stores,
    one_of,
    provider_ids,
    store_names,
)
from kilocli.cli.context import OrganizationOption, command_app, command_session
from kilocli.cli.exec import ProfileOption
from kilocli.cli.help import examples

app = command_app(
    help="See, store and remove credentials.",
    epilog=examples(
        ("kilocli auth status --check", "Which key is in effect, and does the gateway take it"),
        ("kilocli auth login kilocode --device", "Sign in with Kilo in a browser"),
    ),
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]
ProviderArgument = Annotated[
    str,
    typer.Argument(
        help=f"{one_of(provider_ids())}.",
        metavar="PROVIDER",
        autocompletion=complete_providers,
        show_default=False,
    ),
]


@app.command(
    "list",
    epilog=examples(
        ("kilocli auth list", "Every stored profile"),
        ("kilocli auth list --json", "The same as one JSON object"),
    ),
)
def list_profiles(ctx: typer.Context, json_output: JsonOption = False) -> None:
    """List stored profiles, with key previews and which one is in effect."""
    from kilocli.cli.render import show
    from kilocli.cli.render_auth import profiles_text
    from kilocli.services.auth_status import list_profiles as gather

    with command_session(ctx, json_output=json_output) as session:
        show(session, gather(session.runtime()), profiles_text)


@app.command(
    "status",
    epilog=examples(
        ("kilocli auth status", "The key in effect per provider, and its source"),
        ("kilocli auth status kilocode --check", "Also ask the gateway: account and balance"),
    ),
)
def status(
    ctx: typer.Context,
    provider: Annotated[
        str | None,
        typer.Argument(
            help=f"{one_of(provider_ids())} (default: those configured).",
            metavar="PROVIDER",
            autocompletion=complete_providers,
            show_default=False,
        ),
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Ask the gateway whether the key works.")
    ] = False,
    all_providers: Annotated[
        bool, typer.Option("--all", help="Show every provider, configured or not.")
    ] = False,
    json_output: JsonOption = False,
) -> None:
    """Show which key is in effect, where it comes from, and what it shadows."""
    from kilocli.cli.render import show
    from kilocli.cli.render_auth import status_text
    from kilocli.services.auth_status import auth_status

    with command_session(ctx, json_output=json_output) as session:
        rt = session.runtime()
        result = auth_status(rt, provider, check=check, every_provider=all_providers)
        show(session, result, status_text)


@app.command(
    "login",
    epilog=examples(
        ("kilocli auth login kilocode", "Asks for the key, hidden"),
        ('printf %s "$KEY" | kilocli auth login kilocode --stdin', "The key from stdin"),
    ),
)
def login(
    ctx: typer.Context,
    provider: ProviderArgument,
    key: Annotated[str | None, typer.Option("--key", help="The key.", metavar="KEY")] = None,
    stdin: Annotated[bool, typer.Option("--stdin", help="Read the key from stdin.")] = False,
    profile_id: Annotated[
        str | None,
        typer.Option(
            "--profile-id",
            help="Default: <provider>:default.",
            metavar="ID",
            autocompletion=complete_profile_ids,
        ),
    ] = None,
    device: Annotated[
        bool, typer.Option("--device", help="Sign in with Kilo in a browser (no key to copy).")
    ] = False,
    organization: OrganizationOption = None,
    no_verify: Annotated[bool, typer.Option("--no-verify", help="Do not check the key.")] = False,
    no_browser: Annotated[
        bool, typer.Option("--no-browser", help="With --device: print the link only.")
    ] = False,
    json_output: JsonOption = False,
) -> None:
    """Store a key as a profile (asks, hidden, on a terminal), or sign in with --device."""
    from kilocli.cli.render import show
    from kilocli.cli.render_auth import login_text
    from kilocli.services.login import LoginRequest
    from kilocli.services.login import login as store_key

    with command_session(ctx, json_output=json_output) as session:
        request = LoginRequest(
            provider=provider,
            key=key,
            stdin_text=session.read_stdin(flag="--stdin") if stdin else None,
            profile_id=profile_id,
            verify=not no_verify,
            device=device,
            organization=organization,
            open_browser=not no_browser,
        )
        # a terminal asks before replacing another stored key, however the key came (SPEC §8)
        interactive = not stdin and session.can_prompt()
        show(session, store_key(session.runtime(interactive=interactive), request), login_text)


@app.command(
    "logout",
    epilog=examples(
        ("kilocli auth logout kilocode:default", "Remove one profile"),
        ("kilocli auth logout --provider openrouter --yes", "Every profile of a provider"),
    ),
)
def logout(
    ctx: typer.Context,
    profile_id: Annotated[
        str | None,
        typer.Argument(
            help="The profile to remove.",
            metavar="PROFILE_ID",
            autocompletion=complete_profile_ids,
            show_default=False,
        ),
    ] = None,
    provider: Annotated[
        str | None,
        typer.Option(
            "--provider",
            help="Remove every profile of this provider.",
            metavar="PROVIDER",
            autocompletion=complete_providers,
        ),
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    json_output: JsonOption = False,
) -> None:
    """Remove a stored profile (the key is not revoked at the gateway)."""
    from kilocli.cli.render import show
    from kilocli.cli.render_auth import logout_text
    from kilocli.services.login import logout as remove

    with command_session(ctx, json_output=json_output) as session:
        rt = session.runtime(interactive=not yes and session.can_prompt())
        show(session, remove(rt, profile_id, provider, confirmed=yes), logout_text)


@app.command(
    "use",
    epilog=examples(
        ("kilocli auth use kilocode:work", "kilocode:work's key is the one in effect"),
        ("kilocli auth list", "See the profiles first"),
    ),
)
def use(
    ctx: typer.Context,
    profile_id: Annotated[
        str,
        typer.Argument(
            help="The stored profile to make active.",
            metavar="PROFILE_ID",
            autocompletion=complete_profile_ids,
            show_default=False,
        ),
    ],
    json_output: JsonOption = False,
) -> None:
    """Make a stored profile the active one for its provider."""
    from kilocli.cli.render import show
    from kilocli.cli.render_auth import switch_text
    from kilocli.services.profiles import use_profile

    with command_session(ctx, json_output=json_output) as session:
        show(session, use_profile(session.runtime(), profile_id), switch_text)


@app.command(
    "token",
    epilog=examples(
        ('curl -H "Authorization: Bearer $(kilocli auth token kilocode)" ...', "In a request"),
        ("kilocli auth token kilocode --profile kilocode:work", "That profile's key"),
    ),
)
def token(
    ctx: typer.Context,
    provider: ProviderArgument,
    profile: ProfileOption = None,
) -> None:
    """Print the key in effect, raw, for scripts (the only command that shows a key)."""
    from kilocli.cli.render import write_raw
    from kilocli.errors import KilocliError, on_one_line
    from kilocli.services.token import key_in_effect

    with command_session(ctx) as session:
        try:
            key = key_in_effect(session.runtime(), provider, profile)
        except KilocliError as exc:  # one line on stderr, hint included (SPEC §8)
            raise on_one_line(exc) from None
        write_raw(session, key + "\n")


@app.command(
    "store",
    epilog=examples(
        ("kilocli auth store", "Where keys are kept, and why"),
        ("kilocli auth store keyring", "Move every key into the OS keyring"),
    ),
)
def store(
    ctx: typer.Context,
    target: Annotated[
        str | None,
        typer.Argument(
            help=f"Move every key to this store: {one_of(store_names())}.",
            metavar="|".join(store_names()),
            autocompletion=complete_stores,
            show_default=False,
        ),
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """Show where keys are kept, or move every key to the keyring or the file."""
    from kilocli.cli.render import show
    from kilocli.cli.render_auth import store_text
    from kilocli.services.key_store import move_keys, show_store, store_named

    with command_session(ctx, json_output=json_output) as session:
        rt = session.runtime()
        report = show_store(rt) if target is None else move_keys(rt, store_named(target))
        show(session, report, store_text)
