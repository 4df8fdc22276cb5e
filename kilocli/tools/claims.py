"""What ``setup`` owns in another tool's file, and the rules for touching it (SPEC §12).

Each tool's edit is a list of :class:`Claim` values: a value kilocli wants at a path. Applying
them to a document records, per path, what kilocli wrote and what was there before
(:class:`Written`), so that kilocli changes and removes only what it wrote:

- a path kilocli wrote before and the user has not changed since: updated;
- a path that is not there: created (the record says which containers are new);
- a path with the same value already: adopted, and left there by ``--remove``; it stays the
  user's (a later, different value of kilocli's is a conflict like any other);
- a path with another value of the user's: a conflict (``setup`` stops and names it), unless
  ``force`` (then the user's value is recorded and ``--remove`` restores it); the tool's
  default (``kind="default"``) is replaced and restored without ``force``, unless
  ``keep_default``; a ``kind="soft"`` value (a model's display name) is never a conflict and
  never replaced; a ``kind="new"`` one (the header lines of a new file) is written only into a
  file that is new or empty.

Undoing a record puts back what was there, path by path, where the value is still the one
kilocli wrote; a value the user changed since is theirs and stays, and so does anything they
added to a container kilocli created.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from kilocli.tools.documents import MISSING, Document, Path, Select, path_text

Kind = Literal["own", "default", "soft", "new"]


@dataclass(frozen=True)
class Claim:
    """A value kilocli wants at ``path`` (:data:`MISSING`: nothing there, as when a setting of
    the user's would override kilocli's); a ``secret`` one is never recorded in the clear."""

    path: Path
    value: Any = field(repr=False)
    kind: Kind = "own"
    secret: bool = False


@dataclass(frozen=True)
class Written:
    """What kilocli wrote at ``path`` (a secret as ``sha256:<hex>``), how many steps of the
    path were there before, and the value it replaced (:data:`MISSING`: none; for a secret,
    kept in kilocli's private store under ``previous_secret``)."""

    path: Path
    written: Any
    existed: int
    previous: Any = MISSING
    previous_secret: str | None = None
    adopted: bool = False  # the user had this very value: --remove leaves it

    def holds(self, current: Any) -> bool:
        """``current`` is still what kilocli wrote."""
        if isinstance(self.written, str) and self.written.startswith("sha256:"):
            return isinstance(current, str) and fingerprint(current) == self.written
        return bool(current == self.written)

    @property
    def had_previous(self) -> bool:
        return self.previous is not MISSING or self.previous_secret is not None

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "path": [_step_data(step) for step in self.path],
            "written": _freeze(self.written),
            "existed": self.existed,
        }
        if self.previous is not MISSING:
            data["previous"] = {"value": _freeze(self.previous)}
        if self.previous_secret is not None:
            data["previousSecret"] = self.previous_secret
        if self.adopted:
            data["adopted"] = True
        return data

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Written:
        previous = data.get("previous")
        return cls(
            path=tuple(_step_of(step) for step in data.get("path", [])),
            written=_thaw(data.get("written")),
            existed=int(data.get("existed", 0)),
            previous=_thaw(previous["value"]) if isinstance(previous, Mapping) else MISSING,
            previous_secret=data.get("previousSecret"),
            adopted=bool(data.get("adopted", False)),
        )


@dataclass
class Outcome:
    """What applying claims did: the records to keep, the paths that stopped it, the user's
    values replaced as defaults, and the secrets to keep privately (id → value)."""

    records: list[Written] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    replaced_defaults: list[str] = field(default_factory=list)
    kept_defaults: list[str] = field(default_factory=list)
    secrets: dict[str, str] = field(default_factory=dict, repr=False)


def fingerprint(value: str) -> str:
    return "sha256:" + hashlib.sha256(value.encode()).hexdigest()


def apply_claims(
    document: Document,
    claims: list[Claim],
    before: list[Written],
    *,
    force: bool,
    keep_default: bool,
    secret_id: Callable[[Path], str],
    is_new: bool = False,
) -> Outcome:
    """Apply ``claims`` to ``document`` (``is_new``: the file is new or empty) given what
    kilocli wrote ``before``; a record of ``before`` that no claim names any more (an
    organisation header dropped) is undone."""
    outcome = Outcome()
    wanted = {_key(claim.path) for claim in claims}
    stale = [record for record in before if _key(record.path) not in wanted]
    undo_claims(document, stale, lambda _: None)
    known = {_key(record.path): record for record in before}
    for claim in claims:
        earlier = known.get(_key(claim.path))
        if claim.kind == "new" and not is_new:  # a new file's header: kept as it was written
            if earlier is not None:
                outcome.records.append(earlier)
            continue
        record = _apply(document, claim, earlier, outcome, force, keep_default)
        if record is None:
            continue
        if claim.secret and record.previous is not MISSING and not record.adopted:
            secret = secret_id(claim.path)
            outcome.secrets[secret] = str(record.previous)
            record = Written(record.path, record.written, record.existed, MISSING, secret)
        outcome.records.append(record)
    return outcome


def _apply(  # noqa: PLR0911 (one return per rule of the module docstring)
    document: Document,
    claim: Claim,
    earlier: Written | None,
    outcome: Outcome,
    force: bool,
    keep_default: bool,
) -> Written | None:
    current = document.get(claim.path)
    written = fingerprint(str(claim.value)) if claim.secret else claim.value
    # An adopted value is the user's: kilocli changes it only as it would any of theirs.
    ours = earlier is not None and not (earlier.adopted and claim.value != current)
    if earlier is not None and ours and earlier.holds(current):  # ours, untouched since
        _put(document, claim.path, claim.value)
        return Written(
            claim.path,
            written,
            earlier.existed,
            earlier.previous,
            earlier.previous_secret,
            earlier.adopted,
        )
    if current is MISSING:
        if claim.value is MISSING:
            return None  # to be absent, and it is
        existed = document.set(claim.path, claim.value)
        return Written(claim.path, written, existed)
    if current == claim.value:  # the user's already: adopted, and left by --remove
        return Written(claim.path, written, len(claim.path), adopted=True)
    if claim.kind in ("soft", "new"):
        return None
    if claim.kind == "default":
        if keep_default:
            outcome.kept_defaults.append(path_text(claim.path))
            return None
        outcome.replaced_defaults.append(path_text(claim.path))
    elif not force:
        outcome.conflicts.append(path_text(claim.path))
        return None
    _put(document, claim.path, claim.value)
    return Written(claim.path, written, len(claim.path), current)


def _put(document: Document, path: Path, value: Any) -> None:
    if value is MISSING:
        document.delete(path)
    else:
        document.set(path, value)


def undo_claims(
    document: Document, records: list[Written], previous_secret: Callable[[str], str | None]
) -> None:
    """Put back what was there before each record, latest first, where the value is still
    kilocli's; then take out the containers kilocli created that hold nothing else."""
    for record in reversed(records):
        if record.adopted or not record.holds(document.get(record.path)):
            continue  # the user changed it since: theirs now
        if record.previous_secret is not None:
            secret = previous_secret(record.previous_secret)
            if secret is not None:
                document.set(record.path, secret)
                continue
        if record.previous is not MISSING:
            document.set(record.path, record.previous)
            continue
        document.delete(record.path)
        for depth in range(len(record.path) - 1, record.existed, -1):
            if document.is_empty(record.path[:depth]):
                document.delete(record.path[:depth])


def holds_everything(document: Document, records: list[Written]) -> bool:
    """Every value kilocli recorded is in the document (a run reports success only then)."""
    return all(record.holds(document.get(record.path)) for record in records)


def _key(path: Path) -> tuple[Any, ...]:
    return tuple(step if isinstance(step, str) else step.fields for step in path)


def _step_data(step: str | Select) -> Any:
    if isinstance(step, str):
        return step
    return {"select": dict(step.fields), "first": step.first}


def _step_of(data: Any) -> str | Select:
    if isinstance(data, Mapping):
        fields = tuple((str(k), str(v)) for k, v in dict(data.get("select", {})).items())
        return Select(fields, bool(data.get("first", False)))
    return str(data)


def _freeze(value: Any) -> Any:
    """A value as TOML can hold it (TOML has no null)."""
    if value is MISSING:
        return {"missing": True}
    if value is None:
        return {"null": True}
    if isinstance(value, Mapping):
        return {"table": {str(k): _freeze(v) for k, v in value.items()}}
    if isinstance(value, list):
        return [_freeze(v) for v in value]
    return value


def _thaw(value: Any) -> Any:
    if isinstance(value, Mapping):
        if value.get("missing") is True:
            return MISSING
        if value.get("null") is True:
            return None
        return {str(k): _thaw(v) for k, v in dict(value.get("table", {})).items()}
    if isinstance(value, list):
        return [_thaw(v) for v in value]
    return value
