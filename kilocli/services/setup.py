"""``kilocli setup TOOL`` and ``setup list``: the gateway written into other tools' own files
(SPEC §12). Merge, never replace; nothing is written unless every file of the tool can be
read and rewritten without loss."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from kilocli.config.files import load_config, update_config
from kilocli.config.merge import with_setup_record
from kilocli.config.model import Config, SetupRecord
from kilocli.credentials.keys import redact
from kilocli.errors import ExitCode, KilocliError, UsageError
from kilocli.prompting import Prompter
from kilocli.providers.registry import Provider
from kilocli.providers.resolve import parse_model_ref, provider_named
from kilocli.results import Record, Result
from kilocli.services.handover import credentials_in_effect
from kilocli.services.runtime import Runtime
from kilocli.services.steps import base_url_in_effect
from kilocli.tools import documents
from kilocli.tools.entries import EditLog, ModelChoice, Target
from kilocli.tools.files import FileState, delete_file, forget_backup, read_state, replace_file
from kilocli.tools.registry import Locations, Tool, ToolFile, file_path, get_tool

Action = Literal["configured", "removed", "unchanged", "absent", "dry-run", "not-changed"]
"""``absent``: ``--remove`` found no entry of kilocli's; ``not-changed``: a file could not be
rewritten safely, so none was."""


class SetupFile(Record):
    """One file of the tool: whether it changed (or would, with ``--dry-run``), and the diff."""

    path: str
    format: str
    holds_key: bool
    changed: bool
    problem: str | None = None
    snippet: str | None = None
    diff: str | None = None


class SetupResult(Result):
    """``setup TOOL``: what was (or would be) changed; exit 1 when a file could not be
    rewritten safely (its snippet is then shown instead, and nothing was written)."""

    ok: bool
    tool: str
    provider: str
    action: Action
    models: list[str]
    organization: str | None
    files: list[SetupFile]
    run: str | None

    def exit_code(self) -> ExitCode:
        return ExitCode.OK if self.ok else ExitCode.ERROR


@dataclass
class _Planned:
    tool_file: ToolFile
    state: FileState
    text: str
    document: Any = None
    problem: str | None = None
    new_text: str | None = None


def setup_tool(
    rt: Runtime,
    tool_id: str,
    *,
    provider_id: str | None = None,
    models: Sequence[str] = (),
    remove: bool = False,
    dry_run: bool = False,
    confirm: bool = False,
) -> SetupResult:
    """Add (or with ``remove`` take out) kilocli's entries in ``tool_id``'s files. With
    ``confirm`` and a terminal, the diff is shown and the user asked before anything is written.

    Raises:
        NotAuthenticated: no key is in effect (not needed to remove).
        UsageError: an unknown tool, provider or model ref.
        FileProblem: a file is not a regular file, not UTF-8, or could not be written.
    """
    tool = get_tool(tool_id)
    config = load_config(rt.paths)
    target, organization = _target(rt, config, provider_id, models, remove=remove)
    if tool.one_model and target.models:
        target = replace(target, models=target.models[-1:])
    record = config.setup.get(tool.id, SetupRecord())
    log = EditLog(
        owned=list(record.owned), replaced=dict(record.replaced), written=dict(record.written)
    )
    planned = [_plan(rt, tool, f, target, log, record, remove=remove) for f in tool.files]
    prompter = rt.prompter if confirm and not dry_run else None
    preview = prompter is not None
    result = _result(
        rt, tool, target, organization, planned, log, remove=remove, dry=dry_run or preview
    )
    if prompter is not None and result.action == "dry-run":
        _ask_before_writing(rt, prompter, tool, result)
        result = _result(rt, tool, target, organization, planned, log, remove=remove, dry=False)
    if result.ok and not dry_run and result.action in {"configured", "removed"}:
        for item in planned:
            _write(item, remove=remove)
        if log.owned or record.owned:
            owned = [] if remove else log.owned
            replaced = {k: v for k, v in log.replaced.items() if v is not None}
            update_config(
                rt.paths,
                lambda doc: with_setup_record(doc, tool.id, owned, replaced, log.written),
            )
    return result


def _target(
    rt: Runtime, config: Config, provider_id: str | None, models: Sequence[str], *, remove: bool
) -> tuple[Target, str | None]:
    if remove:
        provider = provider_named(provider_id, config.primary)
        base = base_url_in_effect(rt, provider, config).url.rstrip("/")
        return Target(provider, base), None
    credentials = credentials_in_effect(rt, provider_id)
    chosen = _models(rt, config, credentials.provider, models)
    target = Target(
        credentials.provider,
        credentials.api_base,
        chosen,
        credentials.headers(),
        credentials.key,
    )
    return target, credentials.organization_id


def _models(
    rt: Runtime, config: Config, provider: Provider, extra: Sequence[str]
) -> tuple[ModelChoice, ...]:
    """The default model (config's, when it is this provider's) and every ``--model``."""
    from kilocli.services.catalog import load_catalog

    primary = config.primary
    own_primary = primary is not None and parse_model_ref(primary).provider == provider.id
    refs = [primary if primary is not None and own_primary else provider.default_model]
    for text in extra:
        ref = parse_model_ref(text)
        if ref.provider != provider.id:
            raise UsageError(
                f"{ref} is a model of {ref.provider}, not of {provider.id}.",
                hint=f"Add --provider {ref.provider}, or name a {provider.id}/… model.",
            )
        refs.append(str(ref))
    catalog = load_catalog(rt, provider, config, offline=True)
    names = {model.id: model.name for model in catalog.models}
    chosen: dict[str, ModelChoice] = {}
    for ref_text in refs:
        model_id = parse_model_ref(ref_text).model_id
        if model_id not in names:
            rt.feedback.warn(f"{ref_text} is not in the cached catalog; set up anyway.")
        chosen.setdefault(model_id, ModelChoice(model_id, names.get(model_id) or model_id))
    return tuple(chosen.values())


def _plan(
    rt: Runtime,
    tool: Tool,
    tool_file: ToolFile,
    target: Target,
    log: EditLog,
    record: SetupRecord,
    *,
    remove: bool,
) -> _Planned:
    state = read_state(file_path(tool_file, Locations(rt.env), target.provider))
    item = _Planned(tool_file, state, state.text)
    try:
        exists = state.data is not None and item.text.strip()
        if exists:
            document = documents.load(tool_file.format, item.text)
        elif tool_file.new is not None:
            document = tool_file.new(target)
        else:
            document = documents.empty(tool_file.format)
        if remove:
            if state.data is None:
                item.new_text = None
                return item
            updated = tool_file.remove(document, target, record.model_dump())
        else:
            updated = tool_file.write(document, target, log)
        item.new_text = documents.dump(tool_file.format, updated, item.text)
    except documents.Unreadable as problem:
        item.problem = str(problem)
    except (ValueError, TypeError, KeyError) as problem:  # the editor refused the layout
        item.problem = f"kilocli cannot merge into the way it is written ({problem})"
    return item


def _result(
    rt: Runtime,
    tool: Tool,
    target: Target,
    organization: str | None,
    planned: list[_Planned],
    log: EditLog,
    *,
    remove: bool,
    dry: bool,
) -> SetupResult:
    files = [_file_entry(rt, tool, target, item, remove=remove, dry=dry) for item in planned]
    ok = all(item.problem is None for item in planned)
    changed = any(f.changed for f in files)
    action: Action
    if not ok:
        action = "not-changed"
    elif not changed:
        action = "absent" if remove else "unchanged"
    elif dry:
        action = "dry-run"
    else:
        action = "removed" if remove else "configured"
    return SetupResult(
        ok=ok,
        tool=tool.id,
        provider=target.provider.id,
        action=action,
        models=[f"{target.provider.id}/{m.id}" for m in target.models],
        organization=organization,
        files=files,
        run=None if remove or not ok else tool.run(target),
        warnings=log.warnings,
    )


def _file_entry(
    rt: Runtime, tool: Tool, target: Target, item: _Planned, *, remove: bool, dry: bool
) -> SetupFile:
    changed = item.new_text is not None and item.new_text != item.text
    entry = SetupFile(
        path=str(item.state.path),
        format=item.tool_file.format,
        holds_key=item.tool_file.holds_key,
        changed=changed,
        problem=item.problem,
    )
    if item.problem is not None:
        return entry.model_copy(update={"snippet": _snippet(item.tool_file, target, remove)})
    if dry and changed:
        diff = _diff(str(item.state.path), item.text, item.new_text or "")
        return entry.model_copy(update={"diff": redact(diff, rt.secrets)})
    return entry


def _ask_before_writing(rt: Runtime, prompter: Prompter, tool: Tool, preview: SetupResult) -> None:
    """Show the change and ask (SPEC §12's ``--yes`` answers it).

    Raises:
        KilocliError: the user said no; nothing was written.
    """
    for entry in preview.files:
        if entry.diff:
            rt.feedback.note(entry.diff.rstrip("\n"))
    if not prompter.confirm(f"Change these files of {tool.label}?", default=True):
        raise KilocliError(
            f"Left the files of {tool.label} as they were.",
            hint=f"See the change with: kilocli setup {tool.id} --dry-run",
        )


def _snippet(tool_file: ToolFile, target: Target, remove: bool) -> str | None:
    """What to paste by hand: kilocli's entries alone, the key as a command that prints it."""
    if remove:
        return None
    placeholder = f"<the key: kilocli auth token {target.provider.id}>"
    shown = Target(target.provider, target.api_base, target.models, target.headers, placeholder)
    document = tool_file.new(shown) if tool_file.new else documents.empty(tool_file.format)
    updated = tool_file.write(document, shown, EditLog())
    return documents.dump(tool_file.format, updated, "")


def _diff(path: str, before: str, after: str) -> str:
    import difflib

    lines = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True), path, path
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def _write(item: _Planned, *, remove: bool) -> None:
    if item.new_text is None or item.new_text == item.text:
        return
    holds_key = item.tool_file.holds_key
    # A key --remove took out must not stay behind in the backup.
    backup = None if (remove and holds_key) else item.state.data
    if remove and not item.new_text.strip():
        delete_file(item.state, backup=backup)
    else:
        replace_file(item.state, item.new_text.encode(), holds_key=holds_key, backup=backup)
    if remove and holds_key:
        forget_backup(item.state.path)
