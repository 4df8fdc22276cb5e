"""One file of a tool, as ``setup`` plans and writes it (SPEC §12): read as a guest, the
claims of :mod:`kilocli.tools.claims` applied (or undone for ``--remove``), written atomically
and recorded, so that kilocli later changes and removes only what it wrote."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kilocli.config.model import SetupFileRecord
from kilocli.errors import FileProblem
from kilocli.storage import read_file_bytes
from kilocli.tools import documents
from kilocli.tools.claims import Outcome, Written, apply_claims, undo_claims
from kilocli.tools.documents import FileFormat, path_text
from kilocli.tools.entries import Target
from kilocli.tools.files import (
    FileState,
    Refused,
    delete_file,
    digest,
    forget_backup,
    make_parents,
    read_state,
    replace_file,
)
from kilocli.tools.registry import ToolFile
from kilocli.tools.stash import Stash


@dataclass(frozen=True)
class Guest:
    """What every file of one ``setup`` run shares: the tool, the user's home (links may not
    leave it), kilocli's private store, and whether the user's own values may be replaced."""

    tool_id: str
    home: Path
    stash: Stash
    force: bool = False
    keep_default: bool = False


@dataclass
class FilePlan:
    """A file, what is in it now, and what ``setup`` would make of it."""

    tool_file: ToolFile
    path: Path
    record: SetupFileRecord | None
    state: FileState | None = None
    text: str = ""
    new_text: str | None = None
    new_data: bytes | None = None
    delete: bool = False
    problem: str | None = None
    fix: str | None = None
    outcome: Outcome = field(default_factory=Outcome)
    notes: list[str] = field(default_factory=list)
    revealed: list[str] = field(default_factory=list, repr=False)
    """The user's own secrets the change shows (a key ``--force`` replaces or ``--remove``
    puts back): to be shown only as previews, like kilocli's own."""

    @property
    def changed(self) -> bool:
        if self.state is None or self.problem is not None:
            return False
        return self.delete or (self.new_data is not None and self.new_data != self.state.data)

    @property
    def format(self) -> FileFormat:
        return file_format(self.tool_file, self.path)


def file_format(tool_file: ToolFile, path: Path) -> FileFormat:
    """The file's format; a JSON file named ``.jsonc`` may hold comments (opencode's)."""
    return "jsonc" if tool_file.format == "json" and path.suffix == ".jsonc" else tool_file.format


def plan_setup(guest: Guest, plan: FilePlan, target: Target) -> FilePlan:
    """Apply the file's claims for ``target`` to what is in it now."""
    try:
        plan.state = read_state(plan.path, guest.home, holds_key=plan.tool_file.holds_key)
        plan.text = plan.state.text
        document = documents.load(plan.format, plan.text)
        before = [Written.from_data(c) for c in plan.record.claims] if plan.record else []
        path_of_state = str(plan.state.path)
        plan.outcome = apply_claims(
            document,
            plan.tool_file.claims(target),
            before,
            force=guest.force,
            keep_default=guest.keep_default,
            secret_id=lambda p: Stash.name_for(guest.tool_id, path_of_state, path_text(p)),
            is_new=not plan.text.strip(),
        )
        plan.revealed += plan.outcome.secrets.values()
        if plan.outcome.conflicts:
            plan.problem = (
                f"it already has {', '.join(plan.outcome.conflicts)} of your own, which kilocli "
                "did not write and will not replace"
            )
            plan.fix = f"kilocli setup {guest.tool_id} --force"
            return plan
        if plan.tool_file.notes is not None:
            plan.notes = plan.tool_file.notes(document, target)
        if plan.state.data is None and not plan.outcome.records:
            return plan  # nothing to write there (aider's model settings without a header)
        plan.new_text = document.dump()
        if plan.record is not None and plan.record.created and not plan.outcome.records:
            plan.delete = documents.is_blank(document)  # all of it was kilocli's, and went
        plan.new_data = plan.state.encode(plan.new_text)
    except Refused as refused:
        plan.problem, plan.fix = str(refused), refused.fix
    except documents.Unreadable as problem:
        plan.problem = str(problem)
    return plan


def plan_remove(guest: Guest, plan: FilePlan) -> FilePlan:
    """Take out what kilocli wrote: the user's file back byte for byte while it is as kilocli
    left it, else only kilocli's values (the user's changes since stay)."""
    record = plan.record
    try:
        plan.state = state = read_state(plan.path, guest.home)
        if record is None or state.data is None:
            return plan
        plan.text = state.text
        for claim in record.claims:  # the user's secrets it puts back: shown as previews only
            if isinstance(name := claim.get("previousSecret"), str):
                _secret(guest, plan, name)
        if record.written_digest == state.digest and _restore_whole(guest, plan, record):
            return plan
        document = documents.load(plan.format, plan.text)
        undo_claims(
            document,
            [Written.from_data(c) for c in record.claims],
            lambda n: _secret(guest, plan, n),
        )
        plan.new_text = document.dump()
        if record.created and documents.is_blank(document):
            plan.delete = True
        else:
            plan.new_data = state.encode(plan.new_text)
    except Refused as refused:
        plan.problem, plan.fix = str(refused), refused.fix
    except documents.Unreadable as problem:
        plan.problem = str(problem)
    return plan


def _restore_whole(guest: Guest, plan: FilePlan, record: SetupFileRecord) -> bool:
    if record.created:
        plan.delete, plan.new_text = True, ""
        return True
    original = guest.stash.get(record.original) if record.original else None
    if original is None:
        return False
    plan.new_data = original
    plan.new_text = FileState(plan.path, original).text
    return True


def _secret(guest: Guest, plan: FilePlan, name: str) -> str | None:
    data = guest.stash.get(name)
    if data is None:
        return None
    plan.revealed.append(data.decode())
    return plan.revealed[-1]


def write_setup(guest: Guest, plan: FilePlan) -> SetupFileRecord | None:
    """Write the planned file and return its new record (None: kilocli's last value in a file
    it created went, and so did the file).

    Raises:
        FileProblem: the write failed, or the file is not what was written afterwards.
    """
    state, before = plan.state, plan.record
    if state is None:
        raise FileProblem(f"{plan.path} was not read.", hint="Run the command again.")
    if plan.delete and before is not None:
        write_remove(guest, plan)
        return None
    untouched = before is not None and before.written_digest == state.digest
    original = before.original if before is not None and untouched else None
    if before is not None and before.original and not untouched:
        guest.stash.drop(before.original)  # the user edited the file since: no longer theirs
    created = before.created if before is not None else state.data is None
    dirs = list(before.dirs) if before is not None else []
    backups = list(before.backups) if before is not None else []
    data = plan.new_data if plan.new_data is not None else state.data
    if before is None and state.data is not None and plan.changed:
        original = Stash.name_for(guest.tool_id, str(state.path), "original")
        guest.stash.put(original, state.data)
    for name, secret in plan.outcome.secrets.items():
        guest.stash.put(name, secret.encode())
    if plan.changed and data is not None:
        # A file that holds a key keeps as .bak only the user's own version from before
        # kilocli first wrote it, never a version with a key of kilocli's in it.
        backup = before is None or not plan.tool_file.holds_key
        dirs += [str(d) for d in make_parents(state.path.parent)]
        if (
            replace_file(
                state,
                data,
                holds_key=plan.tool_file.holds_key,
                backup=backup,
                our_backups=frozenset(backups),
            )
            and state.data is not None
        ):
            backups.append(digest(state.data))
        if read_file_bytes(state.path) != data:
            raise FileProblem(
                f"{state.path} changed while kilocli was writing it.",
                hint=f"Run kilocli setup {guest.tool_id} again.",
            )
    return SetupFileRecord(
        path=str(state.path),
        created=created,
        original=original,
        written_digest=digest(data) if data is not None else None,
        backups=backups,
        dirs=dirs,
        claims=[record.to_data() for record in plan.outcome.records],
    )


def write_remove(guest: Guest, plan: FilePlan) -> list[str]:
    """Write the file as ``--remove`` planned it; forget what kilocli kept for it. Returns the
    directories kilocli created for it, to go once every file is done (when empty)."""
    state, record = plan.state, plan.record
    if state is None or record is None:
        return []
    if plan.delete and state.data is not None:
        delete_file(state)
    elif plan.changed and plan.new_data is not None:
        # no .bak: the version before holds what the user asked to take out
        replace_file(state, plan.new_data, holds_key=plan.tool_file.holds_key, backup=False)
    forget_backup(state.path, set(record.backups))
    if record.original:
        guest.stash.drop(record.original)
    for claim in record.claims:
        secret = claim.get("previousSecret")
        if isinstance(secret, str):
            guest.stash.drop(secret)
    return record.dirs if plan.delete else []


def snippet(tool_file: ToolFile, target: Target) -> str:
    """What to paste by hand: kilocli's values alone, the key as a command that prints it."""
    placeholder = f"<the key: kilocli auth token {target.provider.id}>"
    shown = Target(target.provider, target.api_base, target.models, target.headers, placeholder)
    document = documents.load(tool_file.format, "")
    apply_claims(
        document,
        [c for c in tool_file.claims(shown) if c.kind not in ("soft", "new")],
        [],
        force=True,
        keep_default=False,
        secret_id=lambda _: "",
    )
    return document.dump()
