"""The pure decisions of onboarding: settled from data before anything is asked."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from kilocli.errors import UsageError
from kilocli.providers.registry import (
    PROVIDERS,
    SKIP_CHOICE,
    AuthChoice,
    choices_for,
    get_auth_choice,
    get_provider,
    key_choice_for,
)

if TYPE_CHECKING:
    from kilocli.credentials.model import AuthStore

KeyStep = Literal["profile", "env", "kilo-cli", "enter"]


@dataclass(frozen=True)
class KeyInput:
    """A key handed to onboarding before it starts: by flag, ``--token`` or stdin.

    ``provider`` is None for ``--api-key-stdin`` (or ``--token``) without ``--token-provider``:
    the key is then for whichever provider is chosen.
    """

    provider: str | None
    origin: str  # "--kilocode-api-key", "--token", "stdin"
    raw: str = field(repr=False)


def collect_key_inputs(
    flag_keys: Mapping[str, str | None],
    *,
    token: str | None = None,
    token_provider: str | None = None,
    stdin_text: str | None = None,
) -> list[KeyInput]:
    """Gather the key flags, ``--token`` and stdin into at most one key per provider.

    ``flag_keys`` maps provider ids to the value of their ``--<p>-api-key`` flag.

    Raises:
        UsageError: ``--token`` together with ``--api-key-stdin``, ``--token-provider`` with no
            key, two keys for one provider, or a key flag next to a ``--token`` or stdin
            key that names no provider.
    """
    inputs = [
        KeyInput(provider_id, get_provider(provider_id).key_flag, raw)
        for provider_id, raw in flag_keys.items()
        if raw is not None
    ]
    if token is not None and stdin_text is not None:
        raise UsageError("--token and --api-key-stdin both give a key.", hint="Pass the key once.")
    extra = KeyInput(None, "--token", token) if token is not None else None
    if stdin_text is not None:
        extra = KeyInput(None, "stdin", stdin_text)
    if token_provider is not None:
        if extra is None:
            raise UsageError(
                "--token-provider needs --token or --api-key-stdin.",
                hint='For example: kilocli onboard --token "$KEY" --token-provider kilocode',
            )
        extra = KeyInput(get_provider(token_provider).id, extra.origin, extra.raw)
    if extra is not None and extra.provider is None and inputs:
        # A key for "whichever provider is chosen" next to a provider's key flag would be
        # for that same provider; using one and silently dropping the other hides a mistake.
        raise UsageError(
            f"Both {inputs[0].origin} and {extra.origin} give a key.", hint="Pass the key once."
        )
    if extra is not None:
        inputs.append(extra)
    seen: dict[str, str] = {}
    for item in inputs:
        if item.provider is None:
            continue
        if item.provider in seen:
            raise UsageError(
                f"Both {seen[item.provider]} and {item.origin} give a {item.provider} key.",
                hint="Pass the key once.",
            )
        seen[item.provider] = item.origin
    return inputs


def infer_auth_choice(
    auth_choice: str | None, inputs: list[KeyInput], *, interactive: bool
) -> AuthChoice | None:
    """Which auth choice onboarding runs, or None when the user must be asked.

    ``--auth-choice`` wins; otherwise a single key for a named provider decides; without
    either, a non-interactive run onboards Kilo Gateway (the first provider).

    Raises:
        UsageError: keys for two providers, or a key that does not fit ``--auth-choice``.
    """
    named = [item for item in inputs if item.provider is not None]
    if len(named) > 1:
        flags = " and ".join(item.origin for item in named)
        raise UsageError(
            f"Keys for two providers were given ({flags}); onboarding sets up one at a time.",
            hint="Run kilocli onboard once per provider.",
        )
    if auth_choice is not None:
        choice = get_auth_choice(auth_choice)
        if named and choice.provider != named[0].provider:
            raise UsageError(
                f"--auth-choice {choice.id} does not take {named[0].origin}.",
                hint="Drop one of the two, or make them name the same provider.",
            )
        if inputs and choice.method == "device":
            raise UsageError(
                f"--auth-choice {choice.id} signs in with a browser, but a key was given.",
                hint="Drop the key, or use --auth-choice kilocode-api-key.",
            )
        if inputs and choice.provider is None:
            raise UsageError(
                f"--auth-choice {choice.id} configures no provider, but a key was given.",
                hint="Drop the key, or choose the auth choice it belongs to.",
            )
        return choice
    if named:
        return key_choice_for(str(named[0].provider))
    if not interactive:
        return key_choice_for(PROVIDERS[0].id)
    return None


def stored_choice(store: AuthStore, primary: str | None) -> str | None:
    """The auth choice a re-run starts from (SPEC §8: "starts from what is there"): the way
    the stored profile of the default model's provider (else the first provider with one)
    was made. A sign-in's token means the sign-in method; a key, the API-key method. None
    when nothing is stored."""
    providers = sorted(PROVIDERS, key=lambda p: not (primary or "").startswith(f"{p.id}/"))
    for provider in providers:
        choices = choices_for(provider.id)
        profiles = store.of_provider(provider.id)
        profile = profiles.get(provider.default_profile_id) or next(iter(profiles.values()), None)
        if profile is None or not choices:
            continue
        device = next((c for c in choices if c.method == "device"), None)
        if profile.type == "oauth" and device is not None:
            return device.id
        return key_choice_for(provider.id).id
    return None


def key_steps(
    *, has_profile: bool, has_env_key: bool, has_kilo_cli: bool = False
) -> tuple[KeyStep, ...]:
    """The ways to get a key when none was given up front, in the order they are offered.

    An existing profile is offered first, then a key found in the environment, then a Kilo
    CLI sign-in; declining one moves on to the next, and the last resort is to type the key.
    """
    steps: list[KeyStep] = []
    if has_profile:
        steps.append("profile")
    if has_env_key:
        steps.append("env")
    if has_kilo_cli:
        steps.append("kilo-cli")
    steps.append("enter")
    return tuple(steps)


@dataclass(frozen=True)
class ModelDecision:
    """What happens to ``agents.defaults.model.primary``.

    ``ask`` means the user should choose between keeping ``current`` and the alternatives;
    otherwise ``ref`` is the answer.
    """

    ref: str
    ask: bool = False


def decide_default_model(
    *,
    current: str | None,
    requested: str | None,
    set_default: bool,
    provider_default: str,
    interactive: bool,
) -> ModelDecision:
    """Settle the default model: ``--model`` wins, then ``--set-default``; an unset default
    becomes the provider's; an existing different one is kept, or asked about on a terminal."""
    if requested is not None:
        return ModelDecision(requested)
    if set_default or current is None:
        return ModelDecision(provider_default)
    if current == provider_default or not interactive:
        return ModelDecision(current)
    return ModelDecision(current, ask=True)


def is_skip(choice: AuthChoice) -> bool:
    """Whether the user chose to configure no provider now."""
    return choice.id == SKIP_CHOICE
