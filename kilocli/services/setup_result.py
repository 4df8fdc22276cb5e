"""What ``kilocli setup TOOL`` says it did (or, with ``--dry-run``, would do): each file's
change or the snippet to paste instead, the diff shown before ``--confirm``'s question, and
the notes that go with them (SPEC §12)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import model_validator

from kilocli.credentials.keys import redact
from kilocli.errors import ExitCode, KilocliError
from kilocli.prompting import Prompter
from kilocli.results import Record, Result
from kilocli.services.runtime import Runtime
from kilocli.services.setup_files import FilePlan, snippet
from kilocli.tools.entries import Target
from kilocli.tools.registry import Tool

Action = Literal["configured", "removed", "unchanged", "absent", "dry-run", "not-changed"]
"""``absent``: ``--remove`` found no entry of kilocli's; ``not-changed``: a file could not be
rewritten safely (or holds values of the user's that kilocli will not replace), so none was."""


class SetupFile(Record):
    """One file of the tool: whether it changed (or would, with ``--dry-run``), and the diff."""

    path: str
    format: str
    holds_key: bool
    changed: bool
    deleted: bool = False  # the change deletes the file (would, with --dry-run)
    exists: bool = True  # the file is there after the run (would be, with --dry-run)
    problem: str | None = None
    fix: str | None = None
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

    @model_validator(mode="before")
    @classmethod
    def _ends_as_it_went(cls, data: Any) -> Any:
        """Exit 1 when a file could not be rewritten safely, unless told otherwise."""
        if isinstance(data, dict) and "exit_code" not in data:
            data = {**data, "exit_code": ExitCode.OK if data.get("ok") else ExitCode.ERROR}
        return data


def setup_result(
    rt: Runtime,
    tool: Tool,
    target: Target,
    organization: str | None,
    plans: list[FilePlan],
    *,
    remove: bool,
    dry: bool,
) -> SetupResult:
    files = [_file_entry(rt, target, plan, remove=remove, dry=dry) for plan in plans]
    ok = all(plan.problem is None for plan in plans)
    changed = any(f.changed for f in files)
    action: Action
    if not ok:
        action = "not-changed"
    elif not changed:
        action = "absent" if remove and not any(p.record for p in plans) else "unchanged"
    elif dry:
        action = "dry-run"
    else:
        action = "removed" if remove else "configured"
    warnings = [note for plan in plans for note in plan.notes]
    if tool.key_by == "env" and not remove and ok:
        warnings.append(
            f"{tool.label} reads the key from the environment: run it as kilocli exec -- "
            f'{tool.binaries[0]}, or add eval "$(kilocli shell-init bash)" to your shell\'s rc '
            f"file (zsh, fish too) so that plain {tool.binaries[0]} does."
        )
    for plan in plans:
        warnings += [
            f"Replaced your default {where} in {plan.path} (kilocli setup {tool.id} --remove "
            "puts it back)."
            for where in plan.outcome.replaced_defaults
        ]
    return SetupResult(
        ok=ok,
        tool=tool.id,
        provider=target.provider.id,
        action=action,
        models=[f"{target.provider.id}/{m.id}" for m in target.models],
        organization=organization,
        files=files,
        run=None if remove or not ok else tool.run(target),
        warnings=warnings,
    )


def _file_entry(
    rt: Runtime, target: Target, plan: FilePlan, *, remove: bool, dry: bool
) -> SetupFile:
    shown = plan.state.path if plan.state is not None else plan.path
    for secret in plan.revealed:
        rt.remember_secret(secret)
    entry = SetupFile(
        path=str(shown),
        format=plan.format,
        holds_key=plan.tool_file.holds_key and not remove,
        changed=plan.changed,
        deleted=plan.changed and plan.delete,
        exists=_exists_after(plan),
        problem=plan.problem,
        fix=plan.fix,
    )
    if plan.problem is not None:
        text = None if remove else redact(snippet(plan.tool_file, target), rt.secrets)
        return entry.model_copy(update={"snippet": text})
    if dry and plan.changed:
        diff = _diff(str(shown), plan.text, plan.new_text or "")
        return entry.model_copy(update={"diff": redact(diff, rt.secrets)})
    return entry


def _exists_after(plan: FilePlan) -> bool:
    if plan.changed:
        return not plan.delete
    return plan.state is None or plan.state.data is not None  # unread: said as it was


def ask_before_writing(rt: Runtime, prompter: Prompter, tool: Tool, preview: SetupResult) -> None:
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


def _diff(path: str, before: str, after: str) -> str:
    import difflib

    lines = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True), path, path
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)
