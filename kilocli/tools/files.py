"""Another tool's file, read and replaced as a guest (SPEC §12): only regular files; through a
symbolic link only to a file of the user's inside the user's home; atomically, keeping the
file's mode and owner; its byte-order mark and CRLF line endings kept; one writer at a time.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kilocli.errors import FileProblem, KilocliError
from kilocli.storage import (
    MAX_FILE_BYTES,
    PRIVATE_DIR,
    PRIVATE_FILE,
    ensure_private_dir,
    hold_lock,
    read_file_bytes,
    write_private_bytes,
)

NEW_FILE_MODE = 0o644  # a new file without a key, as an editor would create it
BOM = "\ufeff"


class Refused(KilocliError):
    """kilocli must not write this file; ``str()`` says why (for "…; left as it is")."""

    def __init__(self, reason: str, *, fix: str | None = None) -> None:
        super().__init__(reason)
        self.fix = fix


@dataclass(frozen=True)
class FileState:
    """A file as read: where it really is, its bytes (None: it does not exist), mode and
    owner."""

    path: Path
    data: bytes | None
    mode: int | None = None
    owner: tuple[int, int] | None = None

    @property
    def digest(self) -> str | None:
        return None if self.data is None else digest(self.data)

    @property
    def text(self) -> str:
        """The contents as text: without a byte-order mark, lines ending in ``\\n``.

        Raises:
            Refused: they are not UTF-8.
        """
        try:
            text = (self.data or b"").decode("utf-8")
        except UnicodeDecodeError:
            raise Refused("it is not UTF-8 text") from None
        text = text.removeprefix(BOM)
        return text.replace("\r\n", "\n") if self.crlf else text

    @property
    def crlf(self) -> bool:
        """Every line of the file ends in CRLF (a mixed file is left with ``\\n``)."""
        data = self.data or b""
        return b"\r\n" in data and data.count(b"\n") == data.count(b"\r\n")

    def encode(self, text: str) -> bytes:
        """``text`` as this file writes it: its byte-order mark, its line endings."""
        if self.crlf:
            text = text.replace("\n", "\r\n")
        if (self.data or b"").startswith(BOM.encode()):
            text = BOM + text
        return text.encode("utf-8")


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_state(path: Path, home: Path, *, holds_key: bool = False) -> FileState:
    """Read the tool file ``path`` (following a link only as SPEC §12 allows).

    With ``holds_key``, a file other users can read (by its mode, or as its owner) is
    refused: kilocli will not put a key in it (and never changes a mode or owner it did not
    set).

    Raises:
        Refused: a link that leaves the home or reaches something not the user's; a file
            others can read that is to hold a key; a file too large to read.
        FileProblem: not a regular file, or unreadable.
    """
    real = guest_path(path, home)
    _check_size(real)
    data = read_file_bytes(real)
    if data is None:
        return FileState(real, None)
    if len(data) > MAX_FILE_BYTES:  # it grew since
        _check_size(real, len(data))
    info = real.stat()
    mode = stat.S_IMODE(info.st_mode)
    if holds_key and mode & 0o077:
        raise Refused(
            f"other users can read it (mode {mode:04o}), and it is to hold a key",
            fix=f"chmod 600 '{real}'",
        )
    if holds_key and info.st_uid != os.geteuid():
        raise Refused(
            f"it belongs to another user (uid {info.st_uid}), who could read the key",
            fix=f"chown {os.geteuid()} '{real}'",
        )
    return FileState(real, data, mode, (info.st_uid, info.st_gid))


def _check_size(real: Path, size: int | None = None) -> None:
    """Refuse a regular file larger than kilocli reads (the snippet is then the way)."""
    if size is None:
        try:
            info = real.stat()
        except OSError:
            return  # not there, or unreadable: reading it says so
        size = info.st_size if stat.S_ISREG(info.st_mode) else 0
    if size > MAX_FILE_BYTES:
        raise Refused(
            f"it is larger than {MAX_FILE_BYTES // 2**20} MiB ({size:,} bytes), "
            "more than kilocli reads"
        )


def guest_path(path: Path, home: Path) -> Path:
    """Where writing ``path`` really writes: ``path`` itself when no link is on the way;
    through links only to a regular file (or a new one) of the user's inside ``home``.

    Raises:
        Refused: the link goes anywhere else.
    """
    absolute = Path(os.path.abspath(path))
    real = Path(os.path.realpath(absolute))
    if real == absolute:
        return absolute
    home_real = Path(os.path.realpath(home))
    where = f"it is a link to {real}"
    if not real.is_relative_to(home_real) or real == home_real:
        raise Refused(f"{where}, outside your home ({home})")
    try:
        info = real.lstat()
    except FileNotFoundError:
        info = None
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise Refused(f"{where}, which is not a regular file")
    owner = info if info is not None else _nearest_existing(real.parent)
    if owner is not None and owner.st_uid != os.geteuid():
        raise Refused(f"{where}, which belongs to another user")
    return real


def _nearest_existing(directory: Path) -> os.stat_result | None:
    for candidate in (directory, *directory.parents):
        with contextlib.suppress(OSError):
            return candidate.stat()
    return None


def replace_file(
    state: FileState,
    data: bytes,
    *,
    holds_key: bool,
    backup: bool,
    our_backups: frozenset[str] = frozenset(),
) -> bool:
    """Replace the file read as ``state`` with ``data``; with ``backup``, keep the previous
    version as ``<name>.bak`` — unless a ``.bak`` is there that kilocli did not write (its
    digest is not in ``our_backups``): the user's own is never overwritten.

    A file kilocli creates is 0600 when it holds a key (0644 otherwise); an existing one keeps
    its mode and owner. Returns whether it wrote a ``.bak``; :func:`make_parents` beforehand
    says which directories it created.

    Raises:
        FileProblem: the file changed since it was read (another program wrote it), or the
            write failed; the file is then as it was.
    """
    _check_unchanged(state)
    mode = state.mode if state.mode is not None else (PRIVATE_FILE if holds_key else NEW_FILE_MODE)
    wrote_backup = False
    if backup and state.data is not None:
        bak = backup_path(state.path)
        if (not bak.exists() and not bak.is_symlink()) or _is_ours(bak, our_backups):
            write_private_bytes(
                bak, state.data, reported_as=state.path, mode=mode, owner=state.owner
            )
            wrote_backup = True
    write_private_bytes(state.path, data, mode=mode, owner=state.owner)
    return wrote_backup


def _is_ours(bak: Path, our_backups: frozenset[str]) -> bool:
    try:
        return not bak.is_symlink() and bak.is_file() and digest(bak.read_bytes()) in our_backups
    except OSError:
        return False


def delete_file(state: FileState) -> None:
    """Remove the file (kilocli created it, and ``--remove`` took everything out)."""
    _check_unchanged(state)
    with contextlib.suppress(FileNotFoundError):
        state.path.unlink()


def backup_path(path: Path) -> Path:
    return path.with_name(path.name + ".bak")


def forget_backup(path: Path, written: set[str]) -> None:
    """Remove the ``.bak`` beside ``path`` when it is one kilocli wrote (its digest is in
    ``written``): it may hold a key ``--remove`` took out."""
    bak = backup_path(path)
    with contextlib.suppress(OSError):
        if not bak.is_symlink() and bak.is_file() and digest(bak.read_bytes()) in written:
            bak.unlink()


def remove_empty_dirs(directories: list[str]) -> None:
    """Remove the directories kilocli created, deepest first, where they are empty now."""
    for directory in sorted(directories, key=len, reverse=True):
        with contextlib.suppress(OSError):
            Path(directory).rmdir()


def _check_unchanged(state: FileState) -> None:
    if read_file_bytes(state.path) != state.data:
        raise FileProblem(
            f"{state.path} changed while kilocli was updating it; nothing was written.",
            hint="Run the same kilocli setup command again.",
        )


def make_parents(directory: Path) -> list[Path]:
    """Create ``directory`` and its missing parents (0700); returns those it created."""
    missing = []
    for candidate in (directory, *directory.parents):
        if candidate.exists():
            break
        missing.append(candidate)
    created = []
    try:
        for new in reversed(missing):
            new.mkdir(mode=PRIVATE_DIR)
            created.append(new)
    except FileExistsError:
        pass
    except OSError as exc:
        raise FileProblem(
            f"Cannot create the directory {directory}: {exc.strerror}.",
            hint="Check its parent's permissions.",
        ) from None
    return created


@contextlib.contextmanager
def one_writer(state_dir: Path, paths: list[Path]) -> Iterator[None]:
    """Hold kilocli's lock on each of ``paths`` (by real path, in a fixed order so that two
    runs never wait on each other crosswise); the locks live in kilocli's ``state_dir``,
    never beside another tool's file."""
    locks = state_dir / "locks"
    ensure_private_dir(locks)
    keys = sorted({digest(os.path.realpath(p).encode())[:24]: p for p in paths}.items())
    with contextlib.ExitStack() as stack:
        for key, path in keys:
            stack.enter_context(hold_lock(locks / f"{key}.lock", path))
        yield
