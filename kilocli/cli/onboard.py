"""``kilocli onboard``."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from kilocli.cli.choices import (
    auth_choice_ids,
    complete_auth_choices,
    complete_model_refs,
    complete_providers,
    complete_tools,
    one_of,
    provider_ids,
    tool_ids,
)
from kilocli.cli.context import OrganizationOption, command_app, command_session
from kilocli.cli.help import ReadableCommand, examples

app = command_app(no_args_is_help=False)

FLAG_KEYS = "kilocli.flag_keys"  # where the key options leave their values, in ctx.meta


class OnboardCommand(ReadableCommand):
    """``onboard``, with one ``--<provider>-api-key KEY`` option per provider of the registry
    (after ``--auth-choice``), so that a new provider needs no new parameter here."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from kilocli.providers.registry import PROVIDERS

        super().__init__(*args, **kwargs)
        after = next(i for i, p in enumerate(self.params) if p.name == "auth_choice") + 1
        self.params[after:after] = [_key_option(p.id, p.key_flag, p.label) for p in PROVIDERS]


def _key_option(provider_id: str, flag: str, label: str) -> Any:
    """``--<provider>-api-key KEY``, built by Typer as it builds the options it reads from a
    signature (``typer.main._get_param``; Typer is pinned to 0.29), its value left in
    ``ctx.meta`` rather than passed to :func:`onboard`."""
    from typer.main import _get_param
    from typer.models import ParamMeta

    def remember(ctx: typer.Context, value: str | None) -> None:
        ctx.meta.setdefault(FLAG_KEYS, {})[provider_id] = value

    option = typer.Option(
        None, flag, metavar="KEY", help=f"{label} API key.", expose_value=False, callback=remember
    )
    name = flag.lstrip("-").replace("-", "_")
    return _get_param(ParamMeta(name=name, default=option, annotation=str | None))


@app.command(
    "onboard",
    cls=OnboardCommand,
    epilog=examples(
        ("kilocli onboard", "Asks what it needs, on a terminal"),
        (
            'printf %s "$KILOCODE_API_KEY" | kilocli onboard --api-key-stdin --setup codex',
            "In CI: the key from stdin, then set up Codex",
        ),
    ),
)
def onboard(
    ctx: typer.Context,
    auth_choice: Annotated[
        str | None,
        typer.Option(
            "--auth-choice",
            help=f"How to sign in: {one_of(auth_choice_ids())}.",
            metavar="CHOICE",
            autocompletion=complete_auth_choices,
        ),
    ] = None,
    api_key_stdin: Annotated[
        bool,
        typer.Option("--api-key-stdin", help="Read the key for the chosen provider from stdin."),
    ] = False,
    token: Annotated[
        str | None,
        typer.Option("--token", help="A key for --token-provider.", metavar="KEY"),
    ] = None,
    token_provider: Annotated[
        str | None,
        typer.Option(
            "--token-provider",
            help=f"The provider --token is for: {one_of(provider_ids())}.",
            metavar="PROVIDER",
            autocompletion=complete_providers,
        ),
    ] = None,
    non_interactive: Annotated[
        bool, typer.Option("--non-interactive", help="Never prompt, even on a terminal.")
    ] = False,
    model: Annotated[
        str | None,
        typer.Option(
            "--model",
            help="Make REF the default model.",
            metavar="REF",
            autocompletion=complete_model_refs,
        ),
    ] = None,
    set_default: Annotated[
        bool,
        typer.Option("--set-default", help="Make the provider's default model the default."),
    ] = False,
    base_url: Annotated[
        str | None,
        typer.Option("--base-url", help="Use (and save) another gateway URL.", metavar="URL"),
    ] = None,
    no_verify: Annotated[
        bool, typer.Option("--no-verify", help="Do not check the key with the gateway.")
    ] = False,
    organization: OrganizationOption = None,
    no_browser: Annotated[
        bool,
        typer.Option("--no-browser", help="Sign in with Kilo: print the link, open no browser."),
    ] = False,
    setup: Annotated[
        list[str] | None,
        typer.Option(
            "--setup",
            help=f"Also set up TOOL afterwards: {one_of(tool_ids())} (repeatable).",
            metavar="TOOL",
            autocompletion=complete_tools,
            show_default=False,
        ),
    ] = None,
    json_output: Annotated[
        bool, typer.Option("--json", help="Print the result as one JSON object.")
    ] = False,
) -> None:
    """Set up a provider: store its key, merge its config, choose a default model."""
    from kilocli.cli.render import show
    from kilocli.cli.render_onboard import onboarding_text
    from kilocli.services.onboard import OnboardRequest, run_onboarding

    with command_session(ctx, json_output=json_output) as session:
        request = OnboardRequest(
            auth_choice=auth_choice,
            flag_keys=dict(ctx.meta.get(FLAG_KEYS, {})),
            token=token,
            token_provider=token_provider,
            stdin_text=session.read_stdin() if api_key_stdin else None,
            model=model,
            set_default=set_default,
            base_url=base_url,
            verify=not no_verify,
            setup_tools=tuple(setup or ()),
            organization=organization,
            open_browser=not no_browser,
        )
        interactive = session.can_prompt(non_interactive=non_interactive)
        result = run_onboarding(session.runtime(interactive=interactive), request)
        show(session, result, onboarding_text)
