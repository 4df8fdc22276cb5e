"""The questions onboarding asks, one function each. Each returns plain data."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal

from kilocli.credentials.keys import key_problem, normalise_key, preview
from kilocli.credentials.kilo_cli import KiloCliSignIn
from kilocli.credentials.sources import FoundKey, KeySource
from kilocli.errors import KilocliError
from kilocli.onboarding.decisions import KeyStep
from kilocli.prompting import Option, Prompter
from kilocli.providers.registry import (
    AUTH_CHOICES,
    PROVIDERS,
    SKIP_CHOICE,
    AuthChoice,
    Provider,
    choices_for,
    get_auth_choice,
)
from kilocli.providers.resolve import parse_model_ref

BACK = "__back__"
KEEP, PROVIDER_DEFAULT, FROM_CATALOG, MANUAL = "keep", "provider-default", "catalog", "manual"
MANUAL_QUESTION = "Model (provider/model; empty to go back)"
AfterRejection = Literal["retry", "save", "cancel"]
AfterFailedSignIn = Literal["retry", "key", "cancel"]


def ask_auth_choice(
    prompter: Prompter, group: str | None = None, stored: str | None = None
) -> AuthChoice:
    """ "Model/auth provider": the provider groups, then "Skip for now"; a group with several
    choices asks "<label> auth method" with a Back entry. With ``group`` (coming back from the
    key prompt), its method list is asked first; a group with one method has no list, so Back
    from its key prompt returns to the groups. ``stored`` (the choice what is stored was made
    with) is the default of both questions, so that Enter on a re-run keeps it."""
    start = next((c for c in AUTH_CHOICES if c.id == stored), None)
    groups = [Option(p.label, p.id, p.hint) for p in PROVIDERS if choices_for(p.id)]
    skip = get_auth_choice(SKIP_CHOICE)
    groups.append(Option(skip.label, skip.id, skip.hint))
    first = start.provider if start is not None else None
    while True:
        has_methods = group is not None and len(choices_for(group)) > 1
        picked = (
            group
            if has_methods and group
            else prompter.select("Model/auth provider", groups, default=first)
        )
        group = None
        if picked == SKIP_CHOICE:
            return skip
        choices = choices_for(picked)
        if len(choices) == 1:
            return choices[0]
        label = next(p.label for p in PROVIDERS if p.id == picked)
        options = [Option(c.label, c.id, c.hint) for c in choices] + [Option("Back", BACK)]
        default = start.id if start is not None and start.provider == picked else None
        method = prompter.select(f"{label} auth method", options, default=default)
        if method != BACK:
            return next(c for c in AUTH_CHOICES if c.id == method)


class BackToMethods(KilocliError):
    """The user chose "Back" at the key prompt: return to the auth method list (a signal the
    wizard catches; it never reaches the user)."""

    def __init__(self) -> None:
        super().__init__("Back to the auth method list.")


def ask_key(
    prompter: Prompter,
    provider: Provider,
    steps: Sequence[KeyStep],
    stored: Sequence[FoundKey],
    from_env: Sequence[FoundKey],
    note: Callable[[str], None] = lambda _: None,
    *,
    kilo_cli: KiloCliSignIn | None = None,
    can_go_back: bool = False,
) -> FoundKey:
    """Offer a stored profile, then an env key, then a Kilo CLI sign-in; declining them all
    leads to hidden entry, with a line (through ``note``) saying where to create a key. An
    empty answer there offers "Back" (with ``can_go_back``) instead of only "Required".

    Raises:
        BackToMethods: the user chose Back.
    """
    for step in steps:
        if step == "profile" and stored:
            found = stored[0]
            question = (
                f"Keep the existing {provider.label} key ({found.source.name}, {found.preview})?"
            )
            if prompter.confirm(question, default=True):
                return found
        elif step == "env" and from_env:
            found = from_env[0]
            question = f"Use existing {found.source.name} ({found.source}, {found.preview})?"
            if prompter.confirm(question, default=True):
                return found
        elif step == "kilo-cli" and kilo_cli is not None:
            question = f"Use your Kilo CLI sign-in ({kilo_cli.path}, {preview(kilo_cli.key)})?"
            if prompter.confirm(question, default=True):
                return FoundKey(KeySource("kilo-cli", str(kilo_cli.path)), kilo_cli.key)
    note(f"Get your {provider.label} key at {provider.keys_page}")
    return _typed_key(prompter, provider, can_go_back=can_go_back)


def _typed_key(prompter: Prompter, provider: Provider, *, can_go_back: bool) -> FoundKey:
    def problem(answer: str) -> str | None:
        return None if can_go_back and not answer.strip() else key_problem(answer)

    while True:
        key = prompter.secret(f"Enter {provider.label} API key", validate=problem)
        if key.strip():
            return FoundKey(KeySource("prompt", "prompt"), normalise_key(key))
        options = [Option("Enter the key", "enter"), Option("Back", BACK)]
        if prompter.select("No key was entered", options, default="enter") == BACK:
            raise BackToMethods


def ask_what_after_rejection(prompter: Prompter) -> AfterRejection:
    """After a 401/403: enter another key, save this one anyway, or cancel."""
    answer = prompter.select(
        "What would you like to do?",
        [
            Option("Enter another key", "retry"),
            Option("Save this key anyway", "save"),
            Option("Cancel (nothing is written)", "cancel"),
        ],
        default="retry",
    )
    return "save" if answer == "save" else "cancel" if answer == "cancel" else "retry"


def ask_after_failed_sign_in(prompter: Prompter, what_happened: str) -> AfterFailedSignIn:
    """After a denied or expired sign-in (SPEC §13): try again, use an API key, or cancel."""
    answer = prompter.select(
        f"{what_happened} What would you like to do?",
        [
            Option("Try again", "retry"),
            Option("Enter an API key instead", "key"),
            Option("Cancel (nothing is written)", "cancel"),
        ],
        default="retry",
    )
    return "key" if answer == "key" else "cancel" if answer == "cancel" else "retry"


def ask_default_model(
    prompter: Prompter, provider: Provider, current: str, list_refs: Callable[[], list[str]]
) -> str:
    """ "Default model": keep the current one (default), the provider's, one from the catalog,
    or one typed in."""
    options = [
        Option(f"Keep current ({current})", KEEP),
        Option(f"{provider.label} default ({provider.default_model})", PROVIDER_DEFAULT),
        Option(f"Choose from {provider.label} models…", FROM_CATALOG),
        Option("Enter model manually", MANUAL),
    ]
    while True:
        answer = prompter.select("Default model", options, default=KEEP)
        if answer == PROVIDER_DEFAULT:
            return provider.default_model
        if answer == MANUAL:
            typed = _ask_ref(prompter, provider, list_refs)
            if typed is not None:
                return typed
            continue
        if answer != FROM_CATALOG:
            return current
        refs = list_refs()
        models = [Option(r, r) for r in refs] + [Option("Back", BACK)]
        start = current if current in refs else None
        picked = prompter.select(f"{provider.label} model", models, default=start, searchable=True)
        if picked != BACK:
            return picked


def _ask_ref(
    prompter: Prompter, provider: Provider, list_refs: Callable[[], list[str]]
) -> str | None:
    """A ref typed in, or None (an empty answer) for Back to "Default model". The prompt
    starts empty: a pre-filled ref would take what is typed as its tail. One of this
    provider's refs that its catalog does not list is confirmed first (default no), as
    ``models set`` warns about it."""
    while True:
        text = prompter.text(MANUAL_QUESTION, validate=_ref_problem, default="")
        if not text.strip():
            return None
        ref = str(parse_model_ref(text))
        if not ref.startswith(f"{provider.id}/") or ref in list_refs():
            return ref
        question = f"{ref} is not in the {provider.label} catalog. Use it anyway?"
        if prompter.confirm(question, default=False):
            return ref


def _ref_problem(answer: str) -> str | None:
    if not answer.strip():
        return None  # Back
    try:
        parse_model_ref(answer)
    except KilocliError as exc:
        return f"{exc.message} {exc.hint or ''}".strip()
    return None


def ask_tools(prompter: Prompter, candidates: Sequence[tuple[str, str, str]]) -> list[str]:
    """ "Also set up these tools?": each detected tool (id, label, the file it would change),
    none ticked; returns the ids ticked."""
    options = [Option(label, tool_id, f"changes {path}") for tool_id, label, path in candidates]
    return prompter.checkbox("Also set up these tools?", options)
