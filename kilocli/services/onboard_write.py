"""Onboarding's step 7 (SPEC §5): write everything at once — the credential through the one
credential flow's store, then the config, then the model list and each chosen tool — and say
what was written even when a later part fails."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from kilocli.config.merge import (
    apply_default_alias,
    apply_provider_config,
    set_env_key_organization,
    set_primary_model,
)
from kilocli.config.model import Config
from kilocli.credentials.store import KEEP_ORGANIZATION, load_auth_store
from kilocli.errors import told_on_failure
from kilocli.services.credential_flow import Credential, store_credential
from kilocli.services.onboard_result import ToolSetUp
from kilocli.services.onboard_tools import cache_catalog, refresh_other_tools, set_up
from kilocli.services.organization import OrganizationInEffect, organization_in_effect
from kilocli.services.steps import keys_of
from kilocli.storage import Document, read_file_bytes

if TYPE_CHECKING:
    from kilocli.providers.registry import Provider
    from kilocli.services.runtime import Runtime


def write_everything(
    rt: Runtime,
    provider: Provider,
    credential: Credential,
    configure: Callable[[Document], Document],
    tools: list[str],
    told: list[str],
) -> tuple[Config, list[ToolSetUp], OrganizationInEffect, list[Path]]:
    """Step 7: the credential and config, then the model list (with a key the gateway took)
    and each tool. Returns the config as written, the tools set up, the organisation requests
    now carry and which of kilocli's two files changed; what to say is added to ``told``, and
    a later step that fails still says what was written."""
    kilocli_files = (rt.paths.auth_file, rt.paths.config_file)
    before = [read_file_bytes(path) for path in kilocli_files]
    with told_on_failure(told):
        written, said = store_credential(rt, provider, credential, configure)
        told += said
        if credential.verdict.verified:
            told += cache_catalog(rt, provider, written)
        set_up_now = [set_up(rt, provider, tool_id, told) for tool_id in dict.fromkeys(tools)]
        told += refresh_other_tools(rt, provider, tools)
        organization = _organization_requests_carry(rt, provider, written)
    changed = [p for p, old in zip(kilocli_files, before, strict=True) if read_file_bytes(p) != old]
    return written, set_up_now, organization, changed


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


def configure_for(
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
    """Whether the config document (as re-read inside the write's lock) has a default model.

    Read as any config file is (a document that fits the model's shape is not validated
    again: the write validated it as it read it)."""
    from pathlib import Path

    from kilocli.config.files import parse_config
    from kilocli.paths import CONFIG_NAME

    return parse_config(document, Path(CONFIG_NAME)).primary is not None
