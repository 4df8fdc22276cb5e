"""A write that fails at any point loses nothing (SPEC §2).

A fault strikes the writes of one file (its temp file, its ``.bak``, its ``os.replace``):
``os.replace`` failing after the temp file is complete, or the disk filling up during the write
or at ``fsync``; or of the whole directory, which refuses new entries. The previous file must
survive byte for byte, no temp file may be left, and the user must get a :class:`FileProblem`
(exit code 1) naming the file. Onboarding and ``auth login`` write two files, the store first;
when the second (config) write fails, the key stays stored and the message says so.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from kilocli.cli.app import app
from kilocli.config.files import update_config
from kilocli.credentials.store import update_auth_store
from kilocli.errors import ExitCode, FileProblem
from kilocli.paths import Paths, resolve_paths
from kilocli.services.login import LoginRequest, login
from kilocli.services.onboard import OnboardRequest, run_onboarding
from kilocli.services.runtime import Runtime
from tests.fakes import OTHER_VALID_KEY, RecordingFeedback
from tests.helpers import read_toml

OPENROUTER_KEY = "sk-or-v1-seeded-before-the-fault"
HINT = "Free some disk space or fix the directory's permissions, then try again."


@pytest.fixture
def paths(home: Path) -> Paths:
    return resolve_paths({"KILOCLI_HOME": str(home)})


def runtime(paths: Paths) -> Runtime:
    return Runtime(env={"KILOCLI_STORE": "file"}, paths=paths, feedback=RecordingFeedback())


def concerns(path: Any, target: Path) -> bool:
    """Whether ``path`` is ``target``, its ``.bak``, or one of their temp files."""
    candidate = Path(os.fsdecode(path))
    return candidate.parent == target.parent and (
        candidate.name in {target.name, f"{target.name}.bak"}
        or candidate.name.startswith(f".{target.name}.")
    )


# --- faults ------------------------------------------------------------------------------------


class Fault:
    """One way for the writes of a file to fail; ``reason`` is what the user is told."""

    name: str
    reason: str

    def install(self, monkeypatch: pytest.MonkeyPatch, target: Path) -> None:
        raise NotImplementedError


class ReplaceFails(Fault):
    """The temp file is complete (written, flushed, fsynced), then ``os.replace`` fails."""

    name, reason = "replace-fails", "Input/output error"

    def install(self, monkeypatch: pytest.MonkeyPatch, target: Path) -> None:
        real_replace = os.replace

        def replace(src: Any, dst: Any, **kwargs: Any) -> None:
            if concerns(dst, target):
                assert Path(src).stat().st_size > 0, "the temp file should be complete by now"
                raise OSError(errno.EIO, os.strerror(errno.EIO))
            real_replace(src, dst, **kwargs)

        monkeypatch.setattr(os, "replace", replace)


class _Tracked(Fault):
    """Remembers the file descriptors opened for the target's files."""

    def track(self, monkeypatch: pytest.MonkeyPatch, target: Path) -> set[int]:
        real_open = os.open
        fds: set[int] = set()

        def tracking_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
            fd = real_open(path, flags, *args, **kwargs)
            if concerns(path, target):
                fds.add(fd)
            return fd

        monkeypatch.setattr(os, "open", tracking_open)
        return fds


class _HalfWrite:
    """A file handle that writes half of what it is given, then finds the disk full."""

    def __init__(self, handle: Any) -> None:
        self._handle = handle

    def __enter__(self) -> _HalfWrite:
        return self

    def __exit__(self, *exc: object) -> None:
        self._handle.close()

    def write(self, data: bytes) -> int:
        self._handle.write(data[: len(data) // 2])
        self._handle.flush()
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._handle, name)


class DiskFullAtWrite(_Tracked):
    """Half of the temp file reaches the disk, then ``ENOSPC``."""

    name, reason = "disk-full-at-write", "No space left on device"

    def install(self, monkeypatch: pytest.MonkeyPatch, target: Path) -> None:
        fds = self.track(monkeypatch, target)
        real_fdopen = os.fdopen

        def fdopen(fd: int, *args: Any, **kwargs: Any) -> Any:
            handle = real_fdopen(fd, *args, **kwargs)
            return _HalfWrite(handle) if fd in fds else handle

        monkeypatch.setattr(os, "fdopen", fdopen)


class DiskFullAtFsync(_Tracked):
    """Everything is written to the page cache; ``fsync`` finds no room for it."""

    name, reason = "disk-full-at-fsync", "No space left on device"

    def install(self, monkeypatch: pytest.MonkeyPatch, target: Path) -> None:
        fds = self.track(monkeypatch, target)
        real_fsync = os.fsync

        def fsync(fd: int) -> None:
            if fd in fds:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            real_fsync(fd)

        monkeypatch.setattr(os, "fsync", fsync)


class DirectoryNotWritable(Fault):
    """The directory is ``chmod 0500``: existing files can be opened, nothing can be created.

    Root ignores directory permissions (tests here often run as root), so when a probe shows
    that the chmod did not stop writes, ``os.open`` refuses new entries with ``EACCES`` instead,
    as the kernel would for anyone else. Either way every file of the directory is affected.
    """

    name, reason = "directory-not-writable", "Permission denied"

    def install(self, monkeypatch: pytest.MonkeyPatch, target: Path) -> None:
        directory = target.parent
        directory.chmod(0o500)
        probe = directory / ".probe"
        try:
            probe.touch()
        except PermissionError:
            return
        probe.unlink()
        real_open = os.open

        def refusing_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
            candidate = Path(os.fsdecode(path))
            if candidate.parent == directory and flags & os.O_CREAT and not candidate.exists():
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
            return real_open(path, flags, *args, **kwargs)

        monkeypatch.setattr(os, "open", refusing_open)


ONE_FILE_FAULTS = [ReplaceFails(), DiskFullAtWrite(), DiskFullAtFsync()]
FAULTS = [*ONE_FILE_FAULTS, DirectoryNotWritable()]


Inject = Callable[[Fault, Path], None]


@pytest.fixture
def inject(monkeypatch: pytest.MonkeyPatch, home: Path) -> Iterator[Inject]:
    """Install a fault for the test; ``lift`` (or the end of the test) removes it."""
    yield lambda fault, target: fault.install(monkeypatch, target)
    lift(monkeypatch, home)


def lift(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    """Remove every fault, so that the aftermath can be inspected (and written) normally."""
    monkeypatch.undo()
    if home.exists():
        home.chmod(0o700)


# --- what must hold after a failure ------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    """Bytes, permission bits and mtime (ns) of the two kilocli files and their backups."""

    files: dict[str, tuple[bytes, int, int]]

    @classmethod
    def of(cls, paths: Paths) -> Snapshot:
        names = ("config.toml", "auth-profiles.toml", "config.toml.bak", "auth-profiles.toml.bak")
        return cls(
            {
                name: (
                    path.read_bytes(),
                    stat.S_IMODE(path.stat().st_mode),
                    path.stat().st_mtime_ns,
                )
                for name in names
                if (path := paths.config_dir / name).exists()
            }
        )

    def without(self, *names: str) -> dict[str, tuple[bytes, int, int]]:
        return {name: state for name, state in self.files.items() if name not in names}


def temp_files(paths: Paths) -> list[str]:
    return sorted(p.name for p in paths.config_dir.glob(".*.tmp"))


def write_failed(path: Path, fault: Fault) -> str:
    return f"Could not write {path}: {fault.reason}. The previous version is unchanged."


def add(key: str, value: object) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def change(document: dict[str, Any]) -> dict[str, Any]:
        return {**document, key: value}

    return change


@pytest.fixture
def seeded(paths: Paths) -> Snapshot:
    """OpenRouter onboarded, then both files changed once more (so each has a ``.bak``)."""
    onboard(paths, "openrouter", OPENROUTER_KEY)
    update_config(paths, add("theme", "dark"))
    update_auth_store(paths, add("note", "kept"))
    return Snapshot.of(paths)


def onboard(paths: Paths, provider: str, key: str) -> Any:
    request = OnboardRequest(flag_keys={provider: key}, verify=False)
    return run_onboarding(runtime(paths), request)


# --- one file ----------------------------------------------------------------------------------

UPDATES = {
    "config.toml": update_config,
    "auth-profiles.toml": update_auth_store,
}


@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: f.name)
@pytest.mark.parametrize("name", UPDATES)
def test_a_failed_update_leaves_the_file_as_it_was(
    paths: Paths,
    seeded: Snapshot,
    inject: Inject,
    monkeypatch: pytest.MonkeyPatch,
    fault: Fault,
    name: str,
) -> None:
    target = paths.config_dir / name
    inject(fault, target)

    with pytest.raises(FileProblem) as caught:
        UPDATES[name](paths, add("added", True))

    lift(monkeypatch, paths.config_dir)
    assert caught.value.message == write_failed(target, fault)
    assert caught.value.hint == HINT
    assert caught.value.exit_code is ExitCode.ERROR
    assert Snapshot.of(paths) == seeded
    assert temp_files(paths) == []
    # Nothing is left half-done that would stop the next write (a lock, a temp file).
    UPDATES[name](paths, add("added", True))
    assert read_toml(target)["added"] is True


def test_when_only_the_replace_of_the_file_fails_its_backup_holds_the_current_version(
    paths: Paths, seeded: Snapshot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ``.bak`` is written before the file is replaced; if the file's own replace then
    fails, the backup holds the file's current (unchanged) content, never the new one."""
    real_replace = os.replace

    def replace_all_but_the_config(src: Any, dst: Any) -> None:
        if Path(dst) == paths.config_file:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace_all_but_the_config)

    with pytest.raises(FileProblem) as caught:
        update_config(paths, add("added", True))

    monkeypatch.undo()
    assert caught.value.message == write_failed(paths.config_file, ReplaceFails())
    after = Snapshot.of(paths)
    assert after.without("config.toml.bak") == seeded.without("config.toml.bak")
    assert after.files["config.toml.bak"][:2] == seeded.files["config.toml"][:2]
    assert temp_files(paths) == []


# --- two files: onboarding and auth login ------------------------------------------------------


@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: f.name)
def test_onboarding_that_cannot_write_the_store_writes_nothing(
    paths: Paths,
    seeded: Snapshot,
    inject: Inject,
    monkeypatch: pytest.MonkeyPatch,
    fault: Fault,
) -> None:
    inject(fault, paths.auth_file)

    with pytest.raises(FileProblem) as caught:
        onboard(paths, "kilocode", OTHER_VALID_KEY)

    lift(monkeypatch, paths.config_dir)
    assert caught.value.message == write_failed(paths.auth_file, fault)
    assert caught.value.exit_code is ExitCode.ERROR
    assert Snapshot.of(paths) == seeded
    assert temp_files(paths) == []


def stored_then_config_failed(paths: Paths, fault: Fault, profile_id: str) -> str:
    return (
        write_failed(paths.config_file, fault)
        + f"\nThe key itself was stored as {profile_id} in {paths.auth_file}."
    )


@pytest.mark.parametrize("fault", ONE_FILE_FAULTS, ids=lambda f: f.name)
def test_onboarding_whose_config_write_fails_keeps_the_stored_key_and_says_so(
    paths: Paths,
    seeded: Snapshot,
    inject: Inject,
    monkeypatch: pytest.MonkeyPatch,
    fault: Fault,
) -> None:
    """The store is written first, so config never names a profile that does not exist. When
    the config then cannot be written, rolling the store back would need the same disk that
    just failed; kilocli keeps the key (it is usable: keys are found in the store) and says
    so instead of claiming that nothing changed. Running onboarding again finishes the job."""
    inject(fault, paths.config_file)

    with pytest.raises(FileProblem) as caught:
        onboard(paths, "kilocode", OTHER_VALID_KEY)

    lift(monkeypatch, paths.config_dir)
    assert caught.value.message == stored_then_config_failed(paths, fault, "kilocode:default")
    assert caught.value.hint == HINT
    assert caught.value.exit_code is ExitCode.ERROR
    after = Snapshot.of(paths)
    assert after.without("auth-profiles.toml", "auth-profiles.toml.bak") == seeded.without(
        "auth-profiles.toml", "auth-profiles.toml.bak"
    )
    store = read_toml(paths.auth_file)
    assert store["profiles"]["kilocode:default"]["key"] == OTHER_VALID_KEY
    assert store["profiles"]["openrouter:default"]["key"] == OPENROUTER_KEY
    assert store["note"] == "kept"
    assert after.files["auth-profiles.toml.bak"][:2] == seeded.files["auth-profiles.toml"][:2]
    assert temp_files(paths) == []

    again = onboard(paths, "kilocode", OTHER_VALID_KEY)

    assert again.default_model == "openrouter/auto"
    assert read_toml(paths.config_file)["theme"] == "dark"


@pytest.mark.parametrize("fault", ONE_FILE_FAULTS, ids=lambda f: f.name)
def test_login_whose_config_write_fails_keeps_the_stored_key_and_says_so(
    paths: Paths,
    seeded: Snapshot,
    inject: Inject,
    monkeypatch: pytest.MonkeyPatch,
    fault: Fault,
) -> None:
    inject(fault, paths.config_file)
    request = LoginRequest(
        "kilocode", key=OTHER_VALID_KEY, profile_id="kilocode:work", verify=False
    )

    with pytest.raises(FileProblem) as caught:
        login(runtime(paths), request)

    lift(monkeypatch, paths.config_dir)
    assert caught.value.message == stored_then_config_failed(paths, fault, "kilocode:work")
    assert Snapshot.of(paths).files["config.toml"] == seeded.files["config.toml"]
    assert read_toml(paths.auth_file)["profiles"]["kilocode:work"]["key"] == OTHER_VALID_KEY
    assert "kilocode:work" not in read_toml(paths.config_file)["auth"]["profiles"]
    assert temp_files(paths) == []

    login(runtime(paths), request)

    assert read_toml(paths.config_file)["auth"]["profiles"]["kilocode:work"] == {
        "provider": "kilocode",
        "mode": "api_key",
    }


@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: f.name)
def test_login_that_cannot_write_the_store_writes_nothing(
    paths: Paths,
    seeded: Snapshot,
    inject: Inject,
    monkeypatch: pytest.MonkeyPatch,
    fault: Fault,
) -> None:
    inject(fault, paths.auth_file)
    request = LoginRequest(
        "kilocode", key=OTHER_VALID_KEY, profile_id="kilocode:work", verify=False
    )

    with pytest.raises(FileProblem) as caught:
        login(runtime(paths), request)

    lift(monkeypatch, paths.config_dir)
    assert caught.value.message == write_failed(paths.auth_file, fault)
    assert Snapshot.of(paths) == seeded
    assert temp_files(paths) == []


# --- what the user sees ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "failing", "profile_id"),
    [
        (["onboard", "--kilocode-api-key", OTHER_VALID_KEY, "--no-verify"], "auth", None),
        (
            ["onboard", "--kilocode-api-key", OTHER_VALID_KEY, "--no-verify"],
            "config",
            "kilocode:default",
        ),
        (["auth", "login", "kilocode", "--key", OTHER_VALID_KEY, "--no-verify"], "auth", None),
        (
            ["auth", "login", "kilocode", "--key", OTHER_VALID_KEY, "--no-verify"],
            "config",
            "kilocode:default",
        ),
    ],
    ids=["onboard-store", "onboard-config", "login-store", "login-config"],
)
def test_the_cli_prints_the_problem_and_exits_1(
    paths: Paths,
    seeded: Snapshot,
    inject: Inject,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    failing: str,
    profile_id: str | None,
) -> None:
    fault = DiskFullAtFsync()
    inject(fault, paths.auth_file if failing == "auth" else paths.config_file)

    result = CliRunner().invoke(app, args)

    message = (
        write_failed(paths.auth_file, fault)
        if profile_id is None
        else stored_then_config_failed(paths, fault, profile_id)
    )
    assert result.exit_code == ExitCode.ERROR
    assert result.stdout == ""
    assert result.stderr.endswith(f"Error: {message}\n{HINT}\n")
    assert OTHER_VALID_KEY not in result.output
    lift(monkeypatch, paths.config_dir)
    after = Snapshot.of(paths)
    if profile_id is None:
        assert after == seeded
    else:
        assert after.files["config.toml"] == seeded.files["config.toml"]
        assert read_toml(paths.auth_file)["profiles"][profile_id]["key"] == OTHER_VALID_KEY
    assert temp_files(paths) == []
