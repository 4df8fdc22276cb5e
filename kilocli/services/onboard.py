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
    set_primary_model,
)
from kilocli.config.model import Config
from kilocli.credentials.keys import normalise_key
from kilocli.credentials.model import AuthStore
from kilocli.credentials.sources import FoundKey, KeySource, resolve_key
from kilocli.errors import KilocliError, NotAuthenticated
from kilocli.onboarding.decisions import (
    KeyInput,
    collect_key_inputs,
    decide_default_model,
    infer_auth_choice,
    is_skip,
    key_steps,
)
from kilocli.onboarding.prompts import (
    ask_auth_choice,
    ask_default_model,
    ask_key,
    ask_tools,
    ask_what_after_rejection,
)
from kilocli.providers.registry import Provider, get_provider
from kilocli.providers.resolve import normalise_base_url, parse_model_ref
from kilocli.services.onboard_result import OnboardingResult, ToolSetUp, Verdict
from kilocli.services.runtime import Runtime
from kilocli.services.steps import (
    ask_gateway_about_key,
    base_url_in_effect,
    read_both_files,
    store_profile,
    warn_if_not_provider_shaped,
    warn_unverified,
)
from kilocli.storage import Document
from kilocli.tools.registry import get_tool

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
    named_tools = [get_tool(tool_id).id for tool_id in request.setup_tools]  # fail early
    rt.feedback.note(f"kilocli onboarding: config in {rt.paths.config_dir}")
    choice = infer_auth_choice(request.auth_choice, inputs, interactive=interactive)
    if choice is None:
        # None only on a terminal: without one, infer_auth_choice always decides.
        choice = ask_auth_choice(cast("Prompter", rt.prompter))
    if is_skip(choice):
        return OnboardingResult.skipped(choice.id, rt.paths)
    provider = get_provider(str(choice.provider))
    base_url = base_url_in_effect(rt, provider, config, base_url_flag).url
    given = next((item for item in inputs if item.provider in {provider.id, None}), None)
    found = _obtain_key(rt, provider, given, store, config)
    found, verdict = _verify(rt, provider, base_url, found, enabled=request.verify)
    model_ref = _choose_default_model(rt, provider, config, request, requested_model, base_url)
    tools = named_tools or _choose_tools(rt, provider)
    profile_id = (
        found.source.name if found.source.kind == "profile" else provider.default_profile_id
    )
    # A default chosen only because none was set must not replace one that another process
    # set meanwhile (SPEC §2: the change applies to the file as it is when written).
    fill_only = requested_model is None and not request.set_default and not config.primary
    written = _write(
        rt,
        provider,
        profile_id=profile_id,
        key=found.key,
        base_url=base_url_flag,
        model_ref=model_ref,
        fill_only=fill_only,
    )
    primary = written.primary
    if fill_only and model_ref is not None and primary == model_ref:
        rt.feedback.note(f"Default model set to {model_ref}")
    set_up = [_set_up(rt, provider, tool_id) for tool_id in dict.fromkeys(tools)]
    return OnboardingResult(
        auth_choice=choice.id,
        provider=provider.id,
        profile_id=profile_id,
        key_source=str(found.source),
        key_preview=found.preview,
        key_copied_from_env=found.source.kind == "env",
        verified=verdict.verified,
        verification_detail=verdict.detail,
        default_model=primary,
        default_model_changed=model_ref is not None and primary == model_ref,
        config_path=rt.paths.config_file,
        auth_store_path=rt.paths.auth_file,
        tools=set_up,
    )


def _choose_tools(rt: Runtime, provider: Provider) -> list[str]:
    """Step 6: on a terminal, offer the tools found on this machine that are not yet set up
    for ``provider`` (none ticked). Without one, only ``--setup`` sets tools up."""
    if rt.prompter is None:
        return []
    from kilocli.services.setup import list_tools

    candidates = [
        (row.tool, row.label, row.files[0])
        for row in list_tools(rt, provider.id).tools
        if row.detected and not row.configured
    ]
    return ask_tools(rt.prompter, candidates) if candidates else []


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


def _obtain_key(
    rt: Runtime,
    provider: Provider,
    given: KeyInput | None,
    store: AuthStore,
    config: Config,
) -> FoundKey:
    """Step 3: the key given up front, a stored profile, an env var, or one typed in."""
    if given is not None:
        key = normalise_key(given.raw, source=given.origin)
        source = (
            KeySource("stdin", "stdin")
            if given.origin == "stdin"
            else KeySource("flag", given.origin)
        )
        return _checked(rt, provider, FoundKey(source, key))
    # The one source chain (§4), split by kind: onboarding offers profiles and env keys, in
    # chain order, but never a key written into config.toml by hand.
    resolution = resolve_key(provider, env=rt.env, store=store, config=config)
    found = [f for f in (resolution.in_effect, *resolution.shadowed) if f is not None]
    stored = [f for f in found if f.source.kind == "profile"]
    from_env = [f for f in found if f.source.kind == "env"]
    if rt.prompter is None:
        candidates = from_env + stored
        if not candidates:
            raise NotAuthenticated(
                f"Missing {provider.key_flag} (or {provider.env_vars[0]} in env, "
                f"or existing {provider.id} API-key profile).",
                hint=f'Run: kilocli onboard {provider.key_flag} "$KEY"  (or pipe it: '
                f"... | kilocli onboard --api-key-stdin)",
            )
        return _checked(rt, provider, candidates[0])
    steps = key_steps(has_profile=bool(stored), has_env_key=bool(from_env))
    asked = ask_key(rt.prompter, provider, steps, stored[:1], from_env[:1], rt.feedback.note)
    return _checked(rt, provider, asked)


def _checked(rt: Runtime, provider: Provider, found: FoundKey) -> FoundKey:
    rt.remember_secret(found.key)
    warn_if_not_provider_shaped(rt, provider, found.key)
    return found


def _verify(
    rt: Runtime, provider: Provider, base_url: str, found: FoundKey, *, enabled: bool
) -> tuple[FoundKey, Verdict]:
    """Step 4: ask the gateway; on a terminal, a rejected key can be replaced or kept."""
    if not enabled:
        return found, Verdict(None, "not checked (--no-verify)")
    while True:
        answer = ask_gateway_about_key(rt, provider, base_url, found.key)
        if answer.outcome == "verified":
            rt.feedback.note(f"Verified: {answer.detail}")
            return found, Verdict(True, answer.detail)
        if answer.outcome == "unverified":
            warn_unverified(rt, provider, answer, "Going on without.")
            return found, Verdict(None, f"could not verify: {answer.detail}")
        if rt.prompter is None:
            raise NotAuthenticated(
                f"{answer.detail}. Nothing was written.",
                hint=f"Check the key at {provider.keys_page}, "
                "or pass --no-verify to store it anyway.",
            )
        rt.feedback.warn(answer.detail)
        action = ask_what_after_rejection(rt.prompter)
        if action == "save":
            return found, Verdict(False, answer.detail)
        if action == "cancel":
            raise NotAuthenticated("Cancelled after the key was rejected. Nothing was written.")
        again = ask_key(rt.prompter, provider, ("enter",), [], [], rt.feedback.note)
        found = _checked(rt, provider, again)


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
    key: str,
    base_url: str | None,
    model_ref: str | None,
    fill_only: bool,
) -> Config:
    """Step 6: the credential first, then the config, each in its own locked transaction.

    ``fill_only``: set ``model_ref`` only if the config on disk still has no default model.

    Returns:
        The config as written.
    """

    def configure(config: Document) -> Document:
        config = apply_provider_config(config, provider, base_url=base_url)
        if model_ref is not None and not (fill_only and _has_primary(config)):
            config = set_primary_model(config, model_ref)
        return apply_default_alias(config, provider)

    return store_profile(rt, provider, profile_id, key, configure)


def _has_primary(document: Document) -> bool:
    """Whether the config document (as re-read inside the write's lock) has a default model."""
    return Config.model_validate(document).primary is not None
