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
    path: Path,
    change: Callable[[Document], Document],
    validate: Validator | None = None,
    *,
    forget: bool = False,
) -> Document:
    """Apply ``change`` to the file as it is on disk now, and write the result atomically.

    ``change`` receives a deep copy of the current document and returns the new one; it runs
    inside the lock, so two processes never lose each other's changes. The previous version
    is kept as ``<name>.bak`` — unless ``forget``: then what ``change`` removed must be gone
    from every file (``auth logout``), so the backup is the new version too.

    Returns:
        The document as written.
    """
    import tomli_w

    check_writable(path)
    ensure_private_dir(path.parent)
    with _locked(path):
        remove_stale_temp_files(path)
        before = _read_bytes(path)
        current = _parse(path, before, validate)
        updated = change(copy.deepcopy(current))
        data = tomli_w.dumps(updated).encode("utf-8")
        backup = path.with_name(path.name + ".bak")
        if data == before and not (forget and backup.exists()):
            _tighten(path)
            return updated
        if before is not None:
            # A failure here is reported as one to write the file itself: that is what failed
            # for the user, and the file has not been touched.
            write_private_bytes(backup, data if forget else before, reported_as=path)
        write_private_bytes(path, data)
    return updated


def ensure_private_dir(directory: Path) -> None:
    """Create ``directory`` and every missing parent 0700; re-tighten it if kilocli owns it.

    ``Path.mkdir(parents=True)`` would make the parents with the umask's mode (0755): a
    ``KILOCLI_HOME`` created by the first ``models`` command would be readable by others. A
    directory that is a symbolic link is refused: kilocli never writes (or chmods) through one.

    Raises:
        FileProblem: a directory cannot be created, or is a link.
    """
    missing = []
    for candidate in (directory, *directory.parents):
        if candidate.exists() or candidate.is_symlink():
            break
        missing.append(candidate)
    try:
        for new in reversed(missing):
            new.mkdir(mode=PRIVATE_DIR)
            os.chmod(new, PRIVATE_DIR)  # mkdir's mode is narrowed by the umask, never widened
    except FileExistsError:
        pass  # another process made it meanwhile: checked below like any other
    except OSError as exc:
        raise FileProblem(
            f"Cannot create the directory {directory}: {exc.strerror}.",
            hint="Check its parent's permissions, or set KILOCLI_HOME to a writable directory.",
        ) from None
    if directory.is_symlink():
        raise FileProblem(
            f"{directory} is a symbolic link; kilocli does not write through links.",
            hint="Replace the link with a real directory, or set KILOCLI_HOME elsewhere.",
        )
    if not directory.is_dir():
        raise FileProblem(
            f"{directory} is not a directory.",
            hint=f"Move it aside (mv '{directory}' '{directory}.old') and run the command again.",
        )
    mode = stat.S_IMODE(directory.stat().st_mode)
    if mode & 0o077 and directory.name in {"kilocli", "cache"}:
        with contextlib.suppress(OSError):
            directory.chmod(PRIVATE_DIR)


def read_file_bytes(path: Path) -> bytes | None:
    """A regular file's bytes (at most :data:`MAX_FILE_BYTES`); None when there is none.

    Raises:
        FileProblem: it is a directory, FIFO, socket or device, too large, or unreadable.
    """
    return _read_bytes(path)


def write_private_bytes(
    path: Path,
    data: bytes,
    *,
    reported_as: Path | None = None,
    mode: int = PRIVATE_FILE,
    owner: tuple[int, int] | None = None,
) -> None:
    """Write ``data`` to ``path`` atomically; the file has ``mode`` (0600 unless a caller
    writing another tool's file asks for its old mode) from its first byte, and ``owner``
    (uid, gid: another tool's file keeps its owner when root rewrites it).

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
            if owner is not None and owner != (os.geteuid(), os.getegid()):
                os.fchown(fd, *owner)
            os.fchmod(fd, mode)  # mkstemp's 0600 already; never wider, whatever umask
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
    with hold_lock(path.with_name(path.name + ".lock"), path):
        yield


@contextlib.contextmanager
def hold_lock(lock_path: Path, path: Path) -> Iterator[None]:
    """Hold the cross-process lock ``lock_path`` while changing ``path``.

    Raises:
        FileProblem: the lock file is not a regular file, cannot be used, or another process
            held it for :data:`LOCK_TIMEOUT_SECONDS`.
    """
    if lock_path.is_symlink() or (lock_path.exists() and not lock_path.is_file()):
        raise FileProblem(
            f"The lock file {lock_path} is not a regular file; kilocli cannot lock {path}.",
            hint=f"Remove it (rm -r '{lock_path}'); kilocli makes a new one.",
        )
    try:
        release = _acquire(lock_path)
    except TimeoutError:
        raise FileProblem(
            f"Another kilocli process has held the lock on {path} "
            f"for {LOCK_TIMEOUT_SECONDS:.0f} s.",
            hint=f"Wait for it to finish; if none is running, delete '{lock_path}'.",
        ) from None
    except OSError as exc:
        raise FileProblem(
            f"Cannot use the lock file {lock_path}: {exc.strerror or exc}.",
            hint="Check the directory's permissions, or set KILOCLI_HOME to another directory.",
        ) from None
    try:
        yield
    finally:
        release()


LOCK_POLL_SECONDS = 0.05


def _acquire(lock_path: Path) -> Callable[[], None]:
    """Take the lock; returns what releases it.

    On POSIX this is ``flock`` on the lock file, as filelock's ``UnixFileLock`` does, without
    importing filelock (a tenth of ``onboard``'s instructions); elsewhere, filelock.

    Raises:
        TimeoutError: another process held it for :data:`LOCK_TIMEOUT_SECONDS`.
        OSError: the lock file cannot be made or locked.
    """
    try:
        import fcntl
    except ImportError:  # Windows
        from filelock import FileLock, Timeout

        lock = FileLock(str(lock_path), timeout=LOCK_TIMEOUT_SECONDS, mode=PRIVATE_FILE)
        try:
            lock.acquire()
        except Timeout:
            raise TimeoutError from None
        return lock.release
    import time

    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(lock_path, flags, PRIVATE_FILE)
    deadline = time.monotonic() + LOCK_TIMEOUT_SECONDS
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise TimeoutError from None
                time.sleep(LOCK_POLL_SECONDS)
    except BaseException:
        os.close(fd)
        raise

    def release() -> None:
        try:
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    return release


def remove_stale_temp_files(path: Path) -> None:
    """Delete the temp files a killed write of ``path`` (or of its ``.bak``) left behind.

    Call it holding ``path``'s lock: every writer of the file and its backup holds that lock,
    so any temp file of theirs that exists now belongs to a write that will never finish, and
    may hold a key.
    """
    for pattern in (f".{path.name}.*.tmp", f".{path.name}.bak.*.tmp"):
        for stale in path.parent.glob(pattern):
            with contextlib.suppress(OSError):
                stale.unlink()


MAX_FILE_BYTES = 4 * 2**20
"""A config or credential file larger than this is refused: a real one is a few KiB, and a
50 MB one took half a minute per command."""


def _read_bytes(path: Path) -> bytes | None:
    """The file's bytes; None when there is none. Only a regular file is read: a FIFO, socket
    or device in its place is refused at once (opening a FIFO would wait for a writer)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
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
    try:
        return _read_regular(path, fd)
    finally:
        os.close(fd)


def _read_regular(path: Path, fd: int) -> bytes:
    status = os.fstat(fd)
    if stat.S_ISDIR(status.st_mode):
        raise FileProblem(
            f"{path} is a directory, but kilocli keeps a file there.",
            hint=f"Move it aside (mv '{path}' '{path}.old') and run the command again.",
        )
    if not stat.S_ISREG(status.st_mode):
        raise FileProblem(
            f"{path} is not a regular file (a pipe, socket or device); kilocli will not read it.",
            hint=f"Move it aside (mv '{path}' '{path}.old') and run the command again.",
        )
    if status.st_size > MAX_FILE_BYTES:
        raise FileProblem(
            f"{path} is {status.st_size / 2**20:.0f} MiB; kilocli reads files of at most "
            f"{MAX_FILE_BYTES // 2**20} MiB.",
            hint=moved_aside_hint(path),
        )
    try:
        with os.fdopen(os.dup(fd), "rb") as handle:
            return handle.read(MAX_FILE_BYTES + 1)
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
    except RecursionError:
        raise FileProblem(
            f"{path} is nested too deeply to be a kilocli file.", hint=moved_aside_hint(path)
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
