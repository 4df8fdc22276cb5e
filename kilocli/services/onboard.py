"""``kilocli onboard`` as a short sequence of named steps.

Nothing is written before the last step; every question can be answered by a flag, and without
a terminal a missing answer is an error that names that flag. The credential comes through the
one credential flow that ``auth login`` uses too (SPEC §8).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

from kilocli.config.model import Config
from kilocli.credentials.model import AuthStore
from kilocli.onboarding.decisions import (
    KeyInput,
    collect_key_inputs,
    infer_auth_choice,
    is_skip,
    stored_choice,
)
from kilocli.onboarding.prompts import BackToMethods, ask_auth_choice
from kilocli.providers.registry import AuthChoice, Provider, get_provider
from kilocli.providers.resolve import normalise_base_url, parse_model_ref
from kilocli.services.credential_flow import Credential, settle_credential
from kilocli.services.credential_obtain import Arrival
from kilocli.services.onboard_model import choose_default_model, with_gateway_default
from kilocli.services.onboard_result import OnboardingResult
from kilocli.services.onboard_tools import (
    choose_tools,
)
from kilocli.services.onboard_write import configure_for, write_everything
from kilocli.services.runtime import Runtime
from kilocli.services.steps import base_url_in_effect, read_both_files

if TYPE_CHECKING:
    from kilocli.prompting import Prompter


@dataclass(frozen=True)
class OnboardRequest:
    """Everything given on the command line (or by stdin) before onboarding starts."""

    auth_choice: str | None = None
    flag_keys: Mapping[str, str | None] = field(default_factory=dict, repr=False)
    token: str | None = field(default=None, repr=False)
    token_provider: str | None = None
    stdin_text: str | None = field(default=None, repr=False)
    model: str | None = None
    set_default: bool = False
    base_url: str | None = None
    verify: bool = True
    setup_tools: tuple[str, ...] = ()
    organization: str | None = None
    open_browser: bool = True


@dataclass(frozen=True)
class _Given:
    """What the command line settled before anything is asked (each checked early)."""

    inputs: list[KeyInput]
    model: str | None
    base_url: str | None
    tools: list[str]


def _given(request: OnboardRequest) -> _Given:
    inputs = collect_key_inputs(
        request.flag_keys,
        token=request.token,
        token_provider=request.token_provider,
        stdin_text=request.stdin_text,
    )
    model = str(parse_model_ref(request.model)) if request.model else None
    base_url = request.base_url
    if base_url is not None:  # an empty one is refused, never taken for "none given"
        base_url = normalise_base_url(base_url, given_as="--base-url")
    named_tools: list[str] = []
    if request.setup_tools:  # setup's editors load only with --setup
        from kilocli.tools.registry import get_tool

        named_tools = [get_tool(t).id for t in request.setup_tools]
    return _Given(inputs, model, base_url, named_tools)


def run_onboarding(rt: Runtime, request: OnboardRequest) -> OnboardingResult:
    """Run the whole onboarding: choose, get a key, verify, pick a model, then write once."""
    config, store = read_both_files(rt)
    given = _given(request)
    rt.feedback.note(f"kilocli onboarding: config in {rt.paths.config_dir}")
    interactive = rt.prompter is not None
    choice = infer_auth_choice(request.auth_choice, given.inputs, interactive=interactive)
    chosen = _choose_and_settle(rt, request, choice, given, (config, store))
    if isinstance(chosen, OnboardingResult):
        return chosen
    choice, provider, base_url, credential = chosen
    told: list[str] = []
    if request.verify and credential.verdict.verified is not None:  # ask the gateway's default
        provider = with_gateway_default(rt, provider, base_url)
    model_ref = choose_default_model(
        rt,
        provider,
        config,
        requested=given.model,
        set_default=request.set_default,
        base_url=base_url,
        told=told,
    )
    tools = given.tools or choose_tools(rt, provider)
    # A default chosen only because none was set must not replace one that another process
    # set meanwhile (SPEC §2: the change applies to the file as it is when written).
    fill_only = given.model is None and not request.set_default and not config.primary
    configure = configure_for(provider, credential, given.base_url, model_ref, fill_only=fill_only)
    written, set_up_now, organization, changed = write_everything(
        rt, provider, credential, configure, tools, told
    )
    if fill_only and model_ref is not None and written.primary == model_ref:
        rt.feedback.note(f"Default model set to {model_ref}")
    from kilocli.services.key_store import described, store_for_new_keys

    found = credential.found
    return OnboardingResult(
        auth_choice=choice.id,
        provider=provider.id,
        profile_id=credential.profile_id,
        key_source=str(found.source),
        key_preview=found.preview,
        key_copied_from_env=found.source.kind in {"env", "shell-env"},
        verified=credential.verdict.verified,
        verification_detail=credential.verdict.detail,
        organization=organization.id,
        organization_source=organization.source,
        organization_name=credential.organization_names.get(organization.id or ""),
        custom_gateway=None if base_url == provider.base_url else base_url,
        default_model=written.primary,
        default_model_changed=model_ref is not None and written.primary == model_ref,
        config_path=rt.paths.config_file,
        auth_store_path=rt.paths.auth_file,
        key_store=described(rt, store_for_new_keys(rt)),
        tools=set_up_now,
        files_changed=changed,
        warnings=told,
    )


Chosen = tuple[AuthChoice, Provider, str, Credential]


def _choose_and_settle(
    rt: Runtime,
    request: OnboardRequest,
    choice: AuthChoice | None,
    given: _Given,
    files: tuple[Config, AuthStore],
) -> Chosen | OnboardingResult:
    """Steps 2 to 4: the auth choice (asked when none is given), then the credential for it
    through the one credential flow; Back at the key prompt returns to the choice's method
    list. "Skip for now" gives the skipped result."""
    back_to: str | None = None
    stored = stored_choice(files[1], files[0].primary)
    while True:
        asked = choice is None
        # None only on a terminal: without one, infer_auth_choice always decides.
        picked = choice or ask_auth_choice(cast("Prompter", rt.prompter), back_to, stored)
        if is_skip(picked):
            return OnboardingResult.skipped(picked.id, rt.paths)
        provider = get_provider(str(picked.provider))
        base_url = base_url_in_effect(rt, provider, files[0], given.base_url).url
        arrival = Arrival(
            provider,
            device=picked.method == "device",
            given=next((i for i in given.inputs if i.provider in {provider.id, None}), None),
            offer_found=True,
            can_go_back=asked,
            open_browser=request.open_browser,
            missing_hint=f'Run: kilocli onboard {provider.key_flag} "$KEY"  (or pipe it: '
            f"... | kilocli onboard --api-key-stdin)",
            keep_both_hint=_keep_both_hint(provider, device=picked.method == "device"),
        )
        try:
            credential = settle_credential(
                rt,
                arrival,
                files,
                base_url=base_url,
                verify=request.verify,
                organization=request.organization,
            )
        except BackToMethods:
            back_to = provider.id  # the method list of the group, whose Back leads up
            continue
        return picked, provider, base_url, credential


def _keep_both_hint(provider: Provider, *, device: bool) -> str:
    """onboard has no --profile-id: ``auth login`` stores a key under another id."""
    how = "--device" if device else "(it asks for the key, hidden)"
    return f"To keep both, run: kilocli auth login {provider.id} --profile-id ID {how}"
