"""``kilocli onboard`` as a short sequence of named steps.

Nothing is written before the last step; every question can be answered by a flag, and without
a terminal a missing answer is an error that names that flag.
"""

from __future__ import annotations

from collections.abc import Mapping
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
from kilocli.credentials.store import KEEP_ORGANIZATION, NewCredential, load_auth_store
from kilocli.errors import KilocliError
from kilocli.onboarding.decisions import (
    KeyInput,
    collect_key_inputs,
    decide_default_model,
    infer_auth_choice,
    is_skip,
)
from kilocli.onboarding.prompts import (
    BackToMethods,
    ask_auth_choice,
    ask_default_model,
    ask_tools,
)
from kilocli.providers.registry import LEGACY_KILO_AUTO, AuthChoice, Provider, get_provider
from kilocli.providers.resolve import normalise_base_url, parse_model_ref
from kilocli.services.onboard_credential import Credential, obtain_credential
from kilocli.services.onboard_result import OnboardingResult, ToolSetUp
from kilocli.services.runtime import Runtime
from kilocli.services.steps import (
    OrganizationInEffect,
    base_url_in_effect,
    keys_of,
    legacy_model_notice,
    organization_in_effect,
    read_both_files,
    store_profile,
)
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
    interactive = rt.prompter is not None
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
    named_tools: list[str] = []
    if request.setup_tools:  # setup's editors load only with --setup
        from kilocli.tools.registry import get_tool

        named_tools = [get_tool(tool_id).id for tool_id in request.setup_tools]  # fail early
    rt.feedback.note(f"kilocli onboarding: config in {rt.paths.config_dir}")
    choice = infer_auth_choice(request.auth_choice, inputs, interactive=interactive)
    chosen = _choose_and_obtain(rt, request, choice, inputs, (config, store), base_url_flag)
    if isinstance(chosen, OnboardingResult):
        return chosen
    choice, provider, base_url, credential = chosen
    found, verdict = credential.found, credential.verdict
    if request.verify and verdict.verified is not None:  # the gateway answers: ask its default
        provider = _with_gateway_default(rt, provider, base_url)
    model_ref = _choose_default_model(rt, provider, config, request, requested_model, base_url)
    tools = named_tools or _choose_tools(rt, provider)
    profile_id = (
        found.source.name if found.source.kind == "profile" else provider.default_profile_id
    )
    # A default chosen only because none was set must not replace one that another process
    # set meanwhile (SPEC §2: the change applies to the file as it is when written).
    fill_only = requested_model is None and not request.set_default and not config.primary
    kilocli_files = (rt.paths.auth_file, rt.paths.config_file)
    before = [read_file_bytes(path) for path in kilocli_files]
    written = _write(
        rt,
        provider,
        profile_id=profile_id,
        credential=credential.stored,
        base_url=base_url_flag,
        model_ref=model_ref,
        fill_only=fill_only,
        env_key=found.source.kind in {"env", "shell-env"},
    )
    primary = written.primary
    if fill_only and model_ref is not None and primary == model_ref:
        rt.feedback.note(f"Default model set to {model_ref}")
    if verdict.verified:
        _cache_catalog(rt, provider, written)
    set_up = [_set_up(rt, provider, tool_id) for tool_id in dict.fromkeys(tools)]
    _refresh_other_tools(rt, provider, tools)
    organization = _organization_requests_carry(rt, provider, written)
    return OnboardingResult(
        auth_choice=choice.id,
        provider=provider.id,
        profile_id=profile_id,
        key_source=str(found.source),
        key_preview=found.preview,
        key_copied_from_env=found.source.kind in {"env", "shell-env"},
        verified=verdict.verified,
        verification_detail=verdict.detail,
        organization=organization.id,
        organization_source=organization.source,
        organization_name=credential.organization_names.get(organization.id or ""),
        custom_gateway=None if base_url == provider.base_url else base_url,
        default_model=primary,
        default_model_changed=model_ref is not None and primary == model_ref,
        config_path=rt.paths.config_file,
        auth_store_path=rt.paths.auth_file,
        tools=set_up,
        files_changed=[
            path
            for path, old in zip(kilocli_files, before, strict=True)
            if read_file_bytes(path) != old
        ],
    )


Chosen = tuple[AuthChoice, Provider, str, Credential]


def _choose_and_obtain(
    rt: Runtime,
    request: OnboardRequest,
    choice: AuthChoice | None,
    inputs: list[KeyInput],
    files: tuple[Config, AuthStore],
    base_url_flag: str | None,
) -> Chosen | OnboardingResult:
    """Steps 2 to 4: the auth choice (asked when none is given), then the credential for it;
    Back at the key prompt returns to the choice's method list. "Skip for now" gives the
    skipped result."""
    back_to: str | None = None
    while True:
        asked = choice is None
        # None only on a terminal: without one, infer_auth_choice always decides.
        picked = choice or ask_auth_choice(cast("Prompter", rt.prompter), back_to)
        if is_skip(picked):
            return OnboardingResult.skipped(picked.id, rt.paths)
        provider = get_provider(str(picked.provider))
        base_url = base_url_in_effect(rt, provider, files[0], base_url_flag).url
        given = next((item for item in inputs if item.provider in {provider.id, None}), None)
        try:
            credential = obtain_credential(
                rt,
                provider,
                picked,
                given,
                files,
                base_url=base_url,
                verify=request.verify,
                organization=request.organization,
                open_browser=request.open_browser,
                can_go_back=asked,
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


def _with_gateway_default(rt: Runtime, provider: Provider, base_url: str) -> Provider:
    """``provider`` whose default model is the one the gateway names (``/api/defaults``), or
    as it is when the gateway does not say (SPEC §3: silently)."""
    from dataclasses import replace

    from kilocli.gateway.verify import fetch_gateway_default

    if provider.defaults_url is None:
        return provider
    with rt.gateway() as client:
        ref = fetch_gateway_default(client, provider, base_url)
    return replace(provider, default_model=ref) if ref else provider


def _choose_tools(rt: Runtime, provider: Provider) -> list[str]:
    """Step 6: on a terminal, offer the tools found on this machine that are not yet set up
    for ``provider`` (none ticked). Without one, only ``--setup`` sets tools up."""
    if rt.prompter is None:
        return []
    from kilocli.services.setup_list import list_tools

    candidates = [
        (row.tool, row.label, row.files[0])
        for row in list_tools(rt, provider.id).tools
        if row.detected and not row.configured
    ]
    return ask_tools(rt.prompter, candidates) if candidates else []


def _cache_catalog(rt: Runtime, provider: Provider, config: Config) -> None:
    """Step 7: with a key the gateway accepted, the model list is fetched now (unless a fresh
    one is cached), so that ``setup --model``, the probe's policies and ``models`` have it at
    once (SPEC §12); the usual bounds apply, and a failure only warns."""
    from kilocli.services.catalog import load_catalog

    try:
        catalog = load_catalog(rt, provider, config)
    except KilocliError as exc:
        rt.feedback.warn(f"Could not fetch the model list: {exc.message}")
        return
    for warning in catalog.warnings:
        rt.feedback.warn(warning)


def _refresh_other_tools(rt: Runtime, provider: Provider, set_up_now: list[str]) -> None:
    """Tools set up before keep up with the key, organisation and gateway written now."""
    from kilocli.services.tool_refresh import refresh_tools

    for line in refresh_tools(rt, provider, skip=set_up_now):
        rt.feedback.note(line)


def _set_up(rt: Runtime, provider: Provider, tool_id: str) -> ToolSetUp:
    """Step 7, after the files of kilocli: one tool; its failure is reported, not raised (the
    credential is stored already)."""
    from kilocli.services.setup import setup_tool

    try:
        result = setup_tool(rt, tool_id, provider_id=provider.id)
    except KilocliError as exc:
        rt.feedback.warn(f"Could not set up {tool_id}: {exc.message} {exc.hint or ''}".strip())
        return ToolSetUp(tool=tool_id, ok=False, files=[], run=None)
    for warning in result.warnings:
        rt.feedback.warn(warning)
    for entry in result.files:
        if entry.problem:
            rt.feedback.warn(
                f"Could not set up {tool_id}: {entry.path}: {entry.problem}. "
                f"See what to add by hand with: kilocli setup {tool_id} --dry-run"
            )
    changed = [entry.path for entry in result.files if entry.changed]
    return ToolSetUp(tool=tool_id, ok=result.ok, files=changed, run=result.run)


def _choose_default_model(
    rt: Runtime,
    provider: Provider,
    config: Config,
    request: OnboardRequest,
    requested: str | None,
    base_url: str,
) -> str | None:
    """Step 5: the new default model, or None to leave the current one alone."""
    current = config.primary
    decision = decide_default_model(
        current=current,
        requested=requested,
        set_default=request.set_default,
        provider_default=provider.default_model,
        interactive=rt.prompter is not None,
    )
    ref = decision.ref
    notice = legacy_model_notice(config)
    if notice is not None and requested is None and not request.set_default:
        if rt.prompter is None:  # said once; the user's default is never changed unasked
            rt.feedback.warn(notice)
            return None
        if ref == current and current is not None and current.lower() == LEGACY_KILO_AUTO:
            question = (
                f"Your default model {current} is a legacy id that current Kilo gateways no "
                f"longer route. Switch to {provider.default_model}?"
            )
            return provider.default_model if rt.prompter.confirm(question, default=True) else None
        rt.feedback.warn(notice)  # a tool still on it: the fix is named
    if decision.ask and rt.prompter is not None:
        ref = ask_default_model(
            rt.prompter,
            provider,
            decision.ref,
            lambda: _catalog_refs(rt, provider, config, base_url),
        )
    return None if ref == current else ref


def _catalog_refs(rt: Runtime, provider: Provider, config: Config, base_url: str) -> list[str]:
    """The refs of the provider's catalog (cache, gateway or fallback), for a searchable list."""
    from kilocli.services.catalog import load_catalog

    catalog = load_catalog(rt, provider, config, base_url=base_url)
    for warning in catalog.warnings:
        rt.feedback.warn(warning)
    return [f"{provider.id}/{model.id}" for model in catalog.models]


def _write(
    rt: Runtime,
    provider: Provider,
    *,
    profile_id: str,
    credential: NewCredential,
    base_url: str | None,
    model_ref: str | None,
    fill_only: bool,
    env_key: bool,
) -> Config:
    """Step 6: the credential first, then the config, each in its own locked transaction.

    ``fill_only``: set ``model_ref`` only if the config on disk still has no default model.

    Returns:
        The config as written.
    """

    def configure(config: Document) -> Document:
        config = apply_provider_config(config, provider, base_url=base_url)
        if env_key and credential.organization != KEEP_ORGANIZATION:
            # the key stays in the environment: its organisation is kept for it (SPEC §13)
            config = set_env_key_organization(config, provider, credential.organization)
        if model_ref is not None and not (fill_only and _has_primary(config)):
            config = set_primary_model(config, model_ref)
        return apply_default_alias(config, provider)

    return store_profile(rt, provider, profile_id, credential, configure)


def _has_primary(document: Document) -> bool:
    """Whether the config document (as re-read inside the write's lock) has a default model."""
    return Config.model_validate(document).primary is not None
