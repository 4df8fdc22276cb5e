"""Reading and replacing another tool's file: only regular files, atomically, with a ``.bak``
of the previous version, 0600 when it holds a key, and through a symbolic link to its target
(dotfiles are often linked from a repository, and the link must survive)."""

from __future__ import annotations

import contextlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from kilocli.errors import FileProblem
from kilocli.storage import PRIVATE_DIR, PRIVATE_FILE, read_file_bytes, write_private_bytes

DEFAULT_MODE = 0o644  # a new file without a key, as an editor would create it


@dataclass(frozen=True)
class FileState:
    """A file as read: where it really is, its bytes (None: it does not exist) and mode."""

    path: Path
    data: bytes | None
    mode: int | None

    @property
    def text(self) -> str:
        """The contents as text.

        Raises:
            FileProblem: they are not UTF-8.
        """
        try:
            return (self.data or b"").decode("utf-8")
        except UnicodeDecodeError:
            raise FileProblem(
                f"{self.path} is not UTF-8 text; kilocli setup leaves it as it is.",
                hint="Fix its encoding, or make the change by hand.",
            ) from None


def read_state(path: Path) -> FileState:
    """Read ``path`` (following a link to its target).

    Raises:
        FileProblem: not a regular file, too large, or unreadable.
    """
    real = Path(os.path.realpath(path)) if path.is_symlink() else path
    data = read_file_bytes(real)
    mode = stat.S_IMODE(real.stat().st_mode) if data is not None else None
    return FileState(real, data, mode)


def replace_file(state: FileState, data: bytes, *, holds_key: bool, backup: bytes | None) -> None:
    """Replace the file read as ``state`` with ``data``; keep ``backup`` as ``<name>.bak``.

    A file that holds a key is 0600 (and so is its backup); another keeps its mode.

    Raises:
        FileProblem: the file changed since it was read (another program wrote it), or the
            write failed; the file is then as it was.
    """
    _check_unchanged(state)
    _make_parents(state.path.parent)
    mode = PRIVATE_FILE if holds_key else (state.mode or DEFAULT_MODE)
    if backup is not None:
        bak = state.path.with_name(state.path.name + ".bak")
        write_private_bytes(bak, backup, reported_as=state.path, mode=mode)
    write_private_bytes(state.path, data, mode=mode)


def delete_file(state: FileState, *, backup: bytes | None) -> None:
    """Remove the file (``--remove`` left it empty), keeping ``backup`` as ``<name>.bak``."""
    _check_unchanged(state)
    if backup is not None:
        bak = state.path.with_name(state.path.name + ".bak")
        write_private_bytes(bak, backup, reported_as=state.path, mode=state.mode or PRIVATE_FILE)
    with contextlib.suppress(FileNotFoundError):
        state.path.unlink()


def forget_backup(path: Path) -> None:
    """Remove a ``.bak`` that may still hold a key ``--remove`` took out."""
    with contextlib.suppress(FileNotFoundError):
        path.with_name(path.name + ".bak").unlink()


def _check_unchanged(state: FileState) -> None:
    if read_file_bytes(state.path) != state.data:
        raise FileProblem(
            f"{state.path} changed while kilocli was updating it; nothing was written.",
            hint="Run the same kilocli setup command again.",
        )


def _make_parents(directory: Path) -> None:
    missing = []
    for candidate in (directory, *directory.parents):
        if candidate.exists():
            break
        missing.append(candidate)
    try:
        for new in reversed(missing):
            new.mkdir(mode=PRIVATE_DIR)
    except FileExistsError:
        pass
    except OSError as exc:
        raise FileProblem(
            f"Cannot create the directory {directory}: {exc.strerror}.",
            hint="Check its parent's permissions.",
        ) from None
