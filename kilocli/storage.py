"""Atomic, locked, private file writes shared by the config and the credential store.

Every write is a read-modify-write transaction under a lock on a sibling ``<name>.lock``: the
file is re-read inside the lock, the change is applied to what is on disk now, and the result
is written to a temp file in the same directory (created 0600, flushed, fsynced) that then
replaces the original with ``os.replace``. The previous version is kept as ``<name>.bak``.
A file that cannot be parsed or validated is never overwritten.
"""

from __future__ import annotations

import contextlib
import copy
import os
import stat
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from kilocli.errors import FileProblem

Document = dict[str, Any]
Validator = Callable[[Document, Path], object]
"""Checks a document read from a path; raises FileProblem when it is invalid."""

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
LOCK_TIMEOUT_SECONDS = 10.0


def moved_aside_hint(path: Path) -> str:
    """The standard advice for a file kilocli will not touch."""
    return (
        f"Fix it by hand, or move it aside (mv '{path}' '{path}.broken') and run the command again."
    )


def read_toml(path: Path, validate: Validator | None = None) -> Document:
    """Read (and, given ``validate``, check) a TOML file; a missing file reads as ``{}``.

    Raises:
        FileProblem: the path is a directory, unreadable, not UTF-8, not TOML, or invalid.
    """
    return _parse(path, _read_bytes(path), validate)


def check_writable(path: Path) -> None:
    """Fail early, before any prompt, when ``path`` could never be replaced safely."""
    if path.is_symlink():
        raise FileProblem(
            f"{path} is a symbolic link; kilocli does not write through links.",
            hint="Replace the link with a regular file (copy its target over it), "
            "or set KILOCLI_HOME to another directory.",
        )


def update_toml(
    path: Path, change: Callable[[Document], Document], validate: Validator | None = None
) -> Document:
    """Apply ``change`` to the file as it is on disk now, and write the result atomically.

    ``change`` receives a deep copy of the current document and returns the new one; it runs
    inside the lock, so two processes never lose each other's changes.

    Returns:
        The document as written.
    """
    import tomli_w

    check_writable(path)
    ensure_private_dir(path.parent)
    with _locked(path):
        before = _read_bytes(path)
        current = _parse(path, before, validate)
        updated = change(copy.deepcopy(current))
        data = tomli_w.dumps(updated).encode("utf-8")
        if data == before:
            _tighten(path)
            return updated
        if before is not None:
            # A failure here is reported as one to write the file itself: that is what failed
            # for the user, and the file has not been touched.
            write_private_bytes(path.with_name(path.name + ".bak"), before, reported_as=path)
        write_private_bytes(path, data)
    return updated


def ensure_private_dir(directory: Path) -> None:
    """Create ``directory`` (and missing parents) 0700; re-tighten it if kilocli owns it."""
    try:
        directory.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    except OSError as exc:
        raise FileProblem(
            f"Cannot create the directory {directory}: {exc.strerror}.",
            hint="Check its parent's permissions, or set KILOCLI_HOME to a writable directory.",
        ) from None
    mode = stat.S_IMODE(directory.stat().st_mode)
    if mode & 0o077 and directory.name in {"kilocli", "cache"}:
        with contextlib.suppress(OSError):
            directory.chmod(PRIVATE_DIR)


def write_private_bytes(path: Path, data: bytes, *, reported_as: Path | None = None) -> None:
    """Write ``data`` to ``path`` atomically; the file is 0600 from its first byte.

    The temp file comes from :func:`tempfile.mkstemp` in the same directory: created with
    ``O_EXCL`` and mode 0600, under a random name (``.<name>.<random>.tmp``), so that neither a
    leftover of a killed process nor another writer can collide with it.

    Raises:
        FileProblem: the write failed; the previous file is intact and no temp file is left.
            The message names ``reported_as`` (default ``path``).
    """
    import tempfile

    tmp: Path | None = None
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        tmp = Path(name)
        try:
            os.fchmod(fd, PRIVATE_FILE)  # mkstemp's 0600 already; never wider, whatever umask
            with os.fdopen(fd, "wb", closefd=False) as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except OSError as exc:
        if tmp is not None:
            with contextlib.suppress(OSError):
                tmp.unlink()
        raise FileProblem(
            f"Could not write {reported_as or path}: {exc.strerror or exc}. "
            "The previous version is unchanged.",
            hint="Free some disk space or fix the directory's permissions, then try again.",
        ) from None
    _fsync_directory(path.parent)


def loose_mode(path: Path) -> int | None:
    """The permission bits of ``path`` when group or others may use it; None when private
    (or when there is no such file)."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return None
    return mode if mode & 0o077 else None


def _tighten(path: Path) -> None:
    with contextlib.suppress(OSError):
        if stat.S_IMODE(path.stat().st_mode) != PRIVATE_FILE:
            path.chmod(PRIVATE_FILE)


def _fsync_directory(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    from filelock import FileLock, Timeout

    lock = FileLock(str(path) + ".lock", timeout=LOCK_TIMEOUT_SECONDS, mode=PRIVATE_FILE)
    try:
        lock.acquire()
    except Timeout:
        raise FileProblem(
            f"Another kilocli process has held the lock on {path} "
            f"for {LOCK_TIMEOUT_SECONDS:.0f} s.",
            hint=f"Wait for it to finish; if none is running, delete '{path}.lock'.",
        ) from None
    try:
        yield
    finally:
        lock.release()


def _read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise FileProblem(
            f"{path} is a directory, but kilocli keeps a file there.",
            hint=f"Move it aside (mv '{path}' '{path}.old') and run the command again.",
        ) from None
    except OSError as exc:
        raise FileProblem(
            f"Cannot read {path}: {exc.strerror or exc}.",
            hint=f"Check its owner and permissions (ls -l '{path}'); kilocli needs to read it.",
        ) from None


def _parse(path: Path, data: bytes | None, validate: Validator | None) -> Document:
    if data is None:
        return {}
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FileProblem(
            f"{path} is not valid UTF-8 (line {line}).", hint=moved_aside_hint(path)
        ) from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FileProblem(
            f"{path} is not valid TOML: {exc}.", hint=moved_aside_hint(path)
        ) from None
    if validate is not None:
        validate(document, path)
    return document


@contextlib.contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Hold Ctrl-C back while a group of writes runs, so that it cannot split them.

    A Ctrl-C that arrives meanwhile is dropped: by the time it could act, the writes are done
    and the command reports them.
    """
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
