"""``kilocli setup TOOL`` and ``setup list``: the gateway written into other tools' own files
(SPEC §12). Merge, never replace; nothing is written unless every file of the tool can be
read and rewritten without loss."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from kilocli.config.files import load_config, update_config
from kilocli.config.merge import with_setup_record
from kilocli.config.model import Config, SetupFileRecord, SetupRecord
from kilocli.errors import UsageError
from kilocli.providers.registry import Provider
from kilocli.providers.resolve import parse_model_ref, provider_named
from kilocli.services.handover import credentials_in_effect
from kilocli.services.runtime import Runtime
from kilocli.services.setup_files import (
    FilePlan,
    Guest,
    plan_remove,
    plan_setup,
    write_remove,
    write_setup,
)
from kilocli.services.setup_result import SetupResult, ask_before_writing, setup_result
from kilocli.services.shell_init import kilocli_command
from kilocli.services.steps import base_url_in_effect
from kilocli.text import a_or_an
from kilocli.tools.entries import ModelChoice, Target
from kilocli.tools.files import one_writer, remove_empty_dirs
from kilocli.tools.registry import Locations, Tool, file_path, get_tool
from kilocli.tools.stash import Stash


def setup_tool(
    rt: Runtime,
    tool_id: str,
    *,
    provider_id: str | None = None,
    models: Sequence[str] = (),
    remove: bool = False,
    dry_run: bool = False,
    confirm: bool = False,
    force: bool = False,
    keep_default: bool = False,
) -> SetupResult:
    """Add (or with ``remove`` take out) kilocli's entries in ``tool_id``'s files. With
    ``confirm`` and a terminal, the diff is shown and the user asked before anything is written.

    Runs on the same files are serialised (SPEC §12): the files and kilocli's record of them
    are read again under the lock, and written only when every file can take its change.

    Raises:
        NotAuthenticated: no key is in effect (not needed to remove).
        UsageError: an unknown tool, provider or model ref.
        FileProblem: a file is not a regular file, not UTF-8, or could not be written.
    """
    tool = get_tool(tool_id)
    config = load_config(rt.paths)
    record = config.setup.get(tool.id, SetupRecord())
    target, organization = _target(rt, config, tool, record, provider_id, models, remove=remove)
    where = Locations(rt.env)
    guest = Guest(tool.id, where.home, Stash(rt.paths.config_dir / "setup"), force, keep_default)
    paths = [file_path(f, where, target.provider) for f in tool.files]
    if dry_run or (confirm and rt.prompter is not None):
        preview = _plan(guest, tool, paths, target, record, remove=remove)
        result = setup_result(rt, tool, target, organization, preview, remove=remove, dry=True)
        if dry_run or result.action != "dry-run":
            return result
        if rt.prompter is not None:
            ask_before_writing(rt, rt.prompter, tool, result)
    with one_writer(rt.paths.cache_dir, paths):
        config = load_config(rt.paths)  # as it is now: another run may have written meanwhile
        record = config.setup.get(tool.id, SetupRecord())
        if not remove:
            target = replace(
                target,
                models=_models(rt, config, target.provider, record, tool, models, warn=False),
            )
        plans = _plan(guest, tool, paths, target, record, remove=remove)
        result = setup_result(rt, tool, target, organization, plans, remove=remove, dry=False)
        if result.ok and result.action != "absent":
            _write(rt, guest, tool, target, plans, record, remove=remove)
    return result


def _plan(
    guest: Guest,
    tool: Tool,
    paths: list[Path],
    target: Target,
    record: SetupRecord,
    *,
    remove: bool,
) -> list[FilePlan]:
    plans = []
    for tool_file, path in zip(tool.files, paths, strict=True):
        plan = FilePlan(tool_file, path, _file_record(record, path))
        plans.append(plan_remove(guest, plan) if remove else plan_setup(guest, plan, target))
    return plans


def _file_record(record: SetupRecord, path: Path) -> SetupFileRecord | None:
    """The record of ``path`` (kept under its real path: a link may point elsewhere now)."""
    import os

    return record.file(os.path.realpath(path)) or record.file(str(path))


def _write(
    rt: Runtime,
    guest: Guest,
    tool: Tool,
    target: Target,
    plans: list[FilePlan],
    record: SetupRecord,
    *,
    remove: bool,
) -> None:
    """Write every file, then what kilocli owns in them (also when a later file fails, so
    that what was written can still be removed)."""
    files: list[SetupFileRecord] = []
    made: list[str] = []
    try:
        for plan in plans:
            if remove:
                made += write_remove(guest, plan)
            elif plan.outcome.records or plan.record is not None:
                written = write_setup(guest, plan)
                files += [written] if written is not None else []
        remove_empty_dirs(made)
    finally:
        kept = None
        if files:
            models = [f"{target.provider.id}/{m.id}" for m in target.models]
            kept = SetupRecord(provider=target.provider.id, models=models, files=files)
        data = kept.model_dump(by_alias=True, exclude_none=True) if kept else None
        if data or record.files:
            update_config(rt.paths, lambda doc: with_setup_record(doc, tool.id, data))


def _target(
    rt: Runtime,
    config: Config,
    tool: Tool,
    record: SetupRecord,
    provider_id: str | None,
    models: Sequence[str],
    *,
    remove: bool,
) -> tuple[Target, str | None]:
    if remove:
        provider = provider_named(provider_id or record.provider, config.primary)
        base = base_url_in_effect(rt, provider, config).url.rstrip("/")
        return Target(provider, base), None
    credentials = credentials_in_effect(rt, provider_id)
    chosen = _models(rt, config, credentials.provider, record, tool, models, warn=True)
    target = Target(
        credentials.provider,
        credentials.api_base,
        chosen,
        credentials.headers(),
        credentials.key,
        kilocli_command(rt.env),
    )
    return target, credentials.organization_id


def _models(
    rt: Runtime,
    config: Config,
    provider: Provider,
    record: SetupRecord,
    tool: Tool,
    named: Sequence[str],
    *,
    warn: bool,
) -> tuple[ModelChoice, ...]:
    """The default model (config's, when it is this provider's), the models set up before
    (as ``record`` says), and every ``--model``; a one-model tool takes the last."""
    earlier = [] if tool.one_model or record.provider != provider.id else record.models
    chosen = _model_choices(rt, config, provider, [*earlier, *named], warn=warn)
    return chosen[-1:] if tool.one_model else chosen


def _model_choices(
    rt: Runtime, config: Config, provider: Provider, extra: Sequence[str], *, warn: bool
) -> tuple[ModelChoice, ...]:
    from kilocli.services.catalog import load_catalog

    primary = config.primary
    own_primary = primary is not None and parse_model_ref(primary).provider == provider.id
    refs = [primary if primary is not None and own_primary else provider.default_model]
    for text in extra:
        ref = parse_model_ref(text)
        if ref.provider != provider.id:
            raise UsageError(
                f"{ref} is a model of {ref.provider}, not of {provider.id}.",
                hint=f"Add --provider {ref.provider}, or name {a_or_an(provider.id)}/… model.",
            )
        refs.append(str(ref))
    catalog = load_catalog(rt, provider, config, offline=True)
    names = {model.id: model.name for model in catalog.models}
    chosen: dict[str, ModelChoice] = {}
    for ref_text in refs:
        model_id = parse_model_ref(ref_text).model_id
        if warn and model_id not in names and ref_text in (primary, *extra[-1:]):
            # before --confirm's question, which asks about writing this very model
            rt.feedback.warn(f"{ref_text} is not in the cached catalog; set up anyway.")
        chosen.pop(model_id, None)  # the last named goes last (a one-model tool takes it)
        chosen[model_id] = ModelChoice(model_id, names.get(model_id) or model_id)
    return tuple(chosen.values())
