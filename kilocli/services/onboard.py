"""``kilocli onboard`` as a short sequence of named steps.

Nothing is written before the last step; every question can be answered by a flag, and without
a terminal a missing answer is an error that names that flag. The credential comes through the
one credential flow that ``auth login`` uses too (SPEC §8).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

from kilocli.config.merge import (
    apply_default_alias,
    apply_provider_config,
    set_env_key_organization,
    set_primary_model,
)
from kilocli.config.model import Config
from kilocli.credentials.model import AuthStore
from kilocli.credentials.store import KEEP_ORGANIZATION, load_auth_store
from kilocli.errors import told_on_failure
from kilocli.onboarding.decisions import (
    KeyInput,
    collect_key_inputs,
    infer_auth_choice,
    is_skip,
)
from kilocli.onboarding.prompts import BackToMethods, ask_auth_choice
from kilocli.providers.registry import AuthChoice, Provider, get_provider
from kilocli.providers.resolve import normalise_base_url, parse_model_ref
from kilocli.services.credential_flow import Credential, settle_credential, store_credential
from kilocli.services.credential_obtain import Arrival
from kilocli.services.onboard_model import choose_default_model, with_gateway_default
from kilocli.services.onboard_result import OnboardingResult
from kilocli.services.onboard_tools import (
    cache_catalog,
    choose_tools,
    refresh_other_tools,
    set_up,
)
from kilocli.services.organization import OrganizationInEffect, organization_in_effect
from kilocli.services.runtime import Runtime
from kilocli.services.steps import base_url_in_effect, keys_of, read_both_files
from kilocli.storage import Document, read_file_bytes

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


def run_onboarding(rt: Runtime, request: OnboardRequest) -> OnboardingResult:
    """Run the whole onboarding: choose, get a key, verify, pick a model, then write once."""
    config, store = read_both_files(rt)
    inputs = collect_key_inputs(
        request.flag_keys,
        token=request.token,
        token_provider=request.token_provider,
        stdin_text=request.stdin_text,
    )
    requested_model = str(parse_model_ref(request.model)) if request.model else None
    base_url_flag = (
        normalise_base_url(request.base_url, given_as="--base-url")
        if request.base_url is not None
        else None
    )
    from kilocli.tools.registry import get_tool  # setup's editors load only with --setup

    named_tools = [get_tool(tool_id).id for tool_id in request.setup_tools]  # fail early
    rt.feedback.note(f"kilocli onboarding: config in {rt.paths.config_dir}")
    choice = infer_auth_choice(request.auth_choice, inputs, interactive=rt.prompter is not None)
    chosen = _choose_and_settle(rt, request, choice, inputs, (config, store), base_url_flag)
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
        requested=requested_model,
        set_default=request.set_default,
        base_url=base_url,
        told=told,
    )
    tools = named_tools or choose_tools(rt, provider)
    # A default chosen only because none was set must not replace one that another process
    # set meanwhile (SPEC §2: the change applies to the file as it is when written).
    fill_only = requested_model is None and not request.set_default and not config.primary
    kilocli_files = (rt.paths.auth_file, rt.paths.config_file)
    before = [read_file_bytes(path) for path in kilocli_files]
    configure = _configure(provider, credential, base_url_flag, model_ref, fill_only=fill_only)
    with told_on_failure(told):
        written, said = store_credential(rt, provider, credential, configure)
    told += said
    with told_on_failure(told):  # what was written is said even if a later step fails
        if fill_only and model_ref is not None and written.primary == model_ref:
            rt.feedback.note(f"Default model set to {model_ref}")
        if credential.verdict.verified:
            told += cache_catalog(rt, provider, written)
        set_up_now = [set_up(rt, provider, tool_id, told) for tool_id in dict.fromkeys(tools)]
        told += refresh_other_tools(rt, provider, tools)
        organization = _organization_requests_carry(rt, provider, written)
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
        tools=set_up_now,
        files_changed=[
            path
            for path, old in zip(kilocli_files, before, strict=True)
            if read_file_bytes(path) != old
        ],
        warnings=told,
    )


Chosen = tuple[AuthChoice, Provider, str, Credential]


def _choose_and_settle(
    rt: Runtime,
    request: OnboardRequest,
    choice: AuthChoice | None,
    inputs: list[KeyInput],
    files: tuple[Config, AuthStore],
    base_url_flag: str | None,
) -> Chosen | OnboardingResult:
    """Steps 2 to 4: the auth choice (asked when none is given), then the credential for it
    through the one credential flow; Back at the key prompt returns to the choice's method
    list. "Skip for now" gives the skipped result."""
    back_to: str | None = None
    while True:
        asked = choice is None
        # None only on a terminal: without one, infer_auth_choice always decides.
        picked = choice or ask_auth_choice(cast("Prompter", rt.prompter), back_to)
        if is_skip(picked):
            return OnboardingResult.skipped(picked.id, rt.paths)
        provider = get_provider(str(picked.provider))
        base_url = base_url_in_effect(rt, provider, files[0], base_url_flag).url
        arrival = Arrival(
            provider,
            device=picked.method == "device",
            given=next((i for i in inputs if i.provider in {provider.id, None}), None),
            offer_found=True,
            can_go_back=asked,
            open_browser=request.open_browser,
            missing_hint=f'Run: kilocli onboard {provider.key_flag} "$KEY"  (or pipe it: '
            f"... | kilocli onboard --api-key-stdin)",
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


def _organization_requests_carry(
    rt: Runtime, provider: Provider, config: Config
) -> OrganizationInEffect:
    """The organisation every request will carry now that everything is written, by the one
    rule of SPEC §13 over the key in effect: the summary never names one requests will not
    carry (a key from the environment keeps the organisation chosen for it in config, and
    ``KILO_ORG_ID`` overrides both)."""
    store = load_auth_store(rt.paths)
    found = keys_of(rt, provider, config, store).in_effect
    return organization_in_effect(rt, provider, config, store, found)


def _configure(
    provider: Provider,
    credential: Credential,
    base_url: str | None,
    model_ref: str | None,
    *,
    fill_only: bool,
) -> Callable[[Document], Document]:
    """Step 7's change to config, applied to the file as it is when written (after the
    credential). ``fill_only``: set ``model_ref`` only if the config on disk still has no
    default model."""
    env_key = credential.found.source.kind in {"env", "shell-env"}
    organization = credential.stored.organization

    def configure(config: Document) -> Document:
        config = apply_provider_config(config, provider, base_url=base_url)
        if env_key and organization != KEEP_ORGANIZATION:
            # the key stays in the environment: its organisation is kept for it (SPEC §13)
            config = set_env_key_organization(config, provider, organization)
        if model_ref is not None and not (fill_only and _has_primary(config)):
            config = set_primary_model(config, model_ref)
        return apply_default_alias(config, provider)

    return configure


def _has_primary(document: Document) -> bool:
    """Whether the config document (as re-read inside the write's lock) has a default model."""
    return Config.model_validate(document).primary is not None
