"""Onboarding's step 5 (SPEC §5): the default model, starting from the one that is set (a
re-run keeps it unless told otherwise), with the gateway's own default as the provider's."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kilocli.onboarding.decisions import decide_default_model
from kilocli.onboarding.prompts import ask_default_model
from kilocli.providers.registry import LEGACY_KILO_AUTO
from kilocli.services.steps import legacy_model_notice

if TYPE_CHECKING:
    from kilocli.config.model import Config
    from kilocli.providers.registry import Provider
    from kilocli.services.runtime import Runtime


def with_gateway_default(rt: Runtime, provider: Provider, base_url: str) -> Provider:
    """``provider`` whose default model is the one the gateway names (``/api/defaults``), or
    as it is when the gateway does not say (SPEC §3: silently)."""
    from dataclasses import replace

    from kilocli.gateway.verify import fetch_gateway_default

    if provider.defaults_url is None:
        return provider
    with rt.gateway() as client:
        ref = fetch_gateway_default(client, provider, base_url)
    return replace(provider, default_model=ref) if ref else provider


def choose_default_model(
    rt: Runtime,
    provider: Provider,
    config: Config,
    *,
    requested: str | None,
    set_default: bool,
    base_url: str,
    told: list[str],
) -> str | None:
    """Step 5: the new default model, or None to leave the current one alone; what the result
    should say about it is added to ``told``."""
    current = config.primary
    decision = decide_default_model(
        current=current,
        requested=requested,
        set_default=set_default,
        provider_default=provider.default_model,
        interactive=rt.prompter is not None,
    )
    ref = decision.ref
    notice = legacy_model_notice(config)
    if notice is not None and requested is None and not set_default:
        if rt.prompter is None:  # said once; the user's default is never changed unasked
            told.append(notice)
            return None
        if ref == current and current is not None and current.lower() == LEGACY_KILO_AUTO:
            question = (
                f"Your default model {current} is a legacy id that current Kilo gateways no "
                f"longer route. Switch to {provider.default_model}?"
            )
            return provider.default_model if rt.prompter.confirm(question, default=True) else None
        told.append(notice)  # a tool still on it: the fix is named
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
        rt.feedback.warn(warning)  # before the list it is about, not after the summary
    return [f"{provider.id}/{model.id}" for model in catalog.models]
