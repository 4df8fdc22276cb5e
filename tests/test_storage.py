"""Private, atomic, locked file writes (SPEC §2): storage, validation, config and auth files."""

from __future__ import annotations

import copy
import errno
import multiprocessing
import os
import stat
import tomllib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from kilocli.config.files import load_config, update_config
from kilocli.config.merge import apply_provider_config
from kilocli.credentials.model import AuthStore
from kilocli.credentials.store import (
    load_auth_store,
    update_auth_store,
    with_api_key_profile,
    without_profile,
)
from kilocli.errors import FileProblem
from kilocli.paths import Paths, resolve_paths
from kilocli.providers.registry import get_provider
from kilocli.storage import check_writable, read_toml, update_toml
from tests.fakes import KILO_AUTO_ENTRIES

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnQk0s"


@pytest.fixture
def paths(home: Path) -> Paths:
    return resolve_paths({"KILOCLI_HOME": str(home)})


@pytest.fixture(params=[0o022, 0o000, 0o077], ids=["umask022", "umask000", "umask077"])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    previous = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def temp_files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.glob(".*.tmp"))


def add(key: str, value: Any) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def change(document: dict[str, Any]) -> dict[str, Any]:
        document[key] = value
        return document

    return change


# --- permissions -------------------------------------------------------------------------------


def test_first_write_creates_a_private_file_in_a_private_directory(
    paths: Paths, umask: int
) -> None:
    assert not paths.config_dir.exists()
    update_config(paths, add("theme", "dark"))
    assert mode(paths.config_dir) == 0o700
    assert mode(paths.config_file) == 0o600
    assert tomllib.loads(paths.config_file.read_text()) == {"theme": "dark"}


def test_auth_store_is_private(paths: Paths, umask: int) -> None:
    update_auth_store(paths, lambda s: with_api_key_profile(s, "kilocode:default", "kilocode", JWT))
    assert mode(paths.auth_file) == 0o600
    assert mode(paths.config_dir) == 0o700


def test_file_is_private_from_its_first_byte(paths: Paths, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every byte is written to a file that is already 0600, even with umask 0."""
    seen: list[int] = []
    real_fsync = os.fsync

    def checking_fsync(fd: int) -> None:
        info = os.fstat(fd)
        if stat.S_ISREG(info.st_mode):
            seen.append(stat.S_IMODE(info.st_mode))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", checking_fsync)
    previous = os.umask(0)
    try:
        update_auth_store(
            paths, lambda s: with_api_key_profile(s, "kilocode:default", "kilocode", JWT)
        )
    finally:
        os.umask(previous)
    assert seen
    assert set(seen) == {0o600}


def test_permissive_existing_file_is_tightened_on_write(paths: Paths) -> None:
    paths.config_dir.mkdir(mode=0o700)
    paths.config_file.write_text('theme = "dark"\n')
    paths.config_file.chmod(0o644)
    update_config(paths, add("mode", "x"))
    assert mode(paths.config_file) == 0o600
    assert mode(paths.config_file.with_name("config.toml.bak")) == 0o600


def test_permissive_existing_file_is_tightened_when_nothing_changes(paths: Paths) -> None:
    paths.config_dir.mkdir(mode=0o700)
    paths.config_file.write_text("a = 1\n")
    paths.config_file.chmod(0o644)
    update_config(paths, lambda document: document)
    assert mode(paths.config_file) == 0o600
    assert paths.config_file.read_text() == "a = 1\n"


def test_permissive_kilocli_directory_is_tightened(tmp_path: Path) -> None:
    paths = resolve_paths({"XDG_CONFIG_HOME": str(tmp_path / "xdg"), "HOME": str(tmp_path)})
    paths.config_dir.mkdir(parents=True, mode=0o755)
    paths.config_dir.chmod(0o755)
    update_config(paths, add("a", 1))
    assert paths.config_dir == tmp_path / "xdg" / "kilocli"
    assert mode(paths.config_dir) == 0o700


# --- backups and round trips -------------------------------------------------------------------


def test_previous_version_is_kept_as_bak(paths: Paths) -> None:
    backup = paths.config_file.with_name("config.toml.bak")
    update_config(paths, add("a", 1))
    assert not backup.exists()
    first = paths.config_file.read_bytes()
    update_config(paths, add("b", 2))
    assert backup.read_bytes() == first == b"a = 1\n"
    assert mode(backup) == 0o600
    assert paths.config_file.read_bytes() == b"a = 1\nb = 2\n"


def test_unchanged_document_is_not_rewritten(paths: Paths) -> None:
    update_config(paths, add("a", 1))
    update_config(paths, lambda document: document)
    assert not paths.config_file.with_name("config.toml.bak").exists()


UNKNOWN_CONFIG = """\
version = 1
telemetry = false

[models]
mode = "merge"
futureFlag = "x"

[models.providers.kilocode]
baseUrl = "http://127.0.0.1:9/api/gateway/"
headers = { X-Team = "core" }

[[models.providers.kilocode.models]]
id = "x/y"
price = 1.5
tags = ["mine"]

[plugins.spell]
enabled = true
words = ["kilo", "gateway"]

[[hooks]]
name = "one"

[[hooks]]
name = "two"
"""


def test_unknown_keys_and_tables_survive_a_round_trip(paths: Paths) -> None:
    paths.config_dir.mkdir(mode=0o700)
    paths.config_file.write_text(UNKNOWN_CONFIG)
    written = update_config(paths, lambda d: apply_provider_config(d, get_provider("kilocode")))
    on_disk = tomllib.loads(paths.config_file.read_text())
    assert on_disk == written.document()
    assert on_disk == {
        "version": 1,
        "telemetry": False,
        "models": {
            "mode": "merge",
            "futureFlag": "x",
            "providers": {
                "kilocode": {
                    "baseUrl": "http://127.0.0.1:9/api/gateway/",
                    "headers": {"X-Team": "core"},
                    "api": "openai-completions",
                    "models": [
                        {"id": "x/y", "price": 1.5, "tags": ["mine"]},
                        *KILO_AUTO_ENTRIES,
                    ],
                }
            },
        },
        "plugins": {"spell": {"enabled": True, "words": ["kilo", "gateway"]}},
        "hooks": [{"name": "one"}, {"name": "two"}],
    }


def test_auth_store_is_written_in_the_documented_shape(paths: Paths) -> None:
    update_auth_store(paths, lambda s: with_api_key_profile(s, "kilocode:default", "kilocode", JWT))
    assert paths.auth_file.read_text() == (
        "version = 1\n"
        "\n"
        '[profiles."kilocode:default"]\n'
        'type = "api_key"\n'
        'provider = "kilocode"\n'
        f'key = "{JWT}"\n'
    )
    assert load_auth_store(paths).document() == {
        "version": 1,
        "profiles": {"kilocode:default": {"type": "api_key", "provider": "kilocode", "key": JWT}},
    }


def test_missing_files_read_as_empty(paths: Paths) -> None:
    assert load_config(paths).document() == {}
    assert load_auth_store(paths).document() == {}
    assert read_toml(paths.config_dir / "nothing.toml") == {}
    assert not paths.config_dir.exists()


# --- files kilocli refuses to touch ------------------------------------------------------------

BAD_FILES = [
    pytest.param(
        "config.toml",
        b'theme = "dark"\n\n[models\nmode = "merge"\n',
        ["is not valid TOML", "line 3"],
        id="config-not-toml",
    ),
    pytest.param(
        "config.toml",
        b'theme = "dark"\nname = "\xff\xfe"\n',
        ["is not valid UTF-8", "line 2"],
        id="config-not-utf8",
    ),
    pytest.param(
        "config.toml",
        b'[models.providers.kilocode]\nbaseUrl = 3\napi = "openai-completions"\n',
        ["models.providers.kilocode.baseUrl"],
        id="config-wrong-type",
    ),
    pytest.param(
        "config.toml",
        b'[agents.defaults.model]\nprimary = "kilocode/kilo-auto/balanced"\n'
        b'fallbacks = "kilocode/x"\n',
        ["agents.defaults.model.fallbacks"],
        id="config-fallbacks-not-a-list",
    ),
    pytest.param(
        "config.toml",
        b"version = 2\n",
        ["newer kilocli", "version 2"],
        id="config-newer-version",
    ),
    pytest.param(
        "auth-profiles.toml",
        b"version = 2\n",
        ["newer kilocli", "version 2"],
        id="auth-newer-version",
    ),
    pytest.param(
        "auth-profiles.toml",
        b'version = 1\n[profiles."kilocode:default"]\ntype = "api_key"\n'
        b'provider = "kilocode"\nkey = 12345678901\n',
        ['profiles."kilocode:default".key'],
        id="auth-key-wrong-type",
    ),
    pytest.param(
        "auth-profiles.toml",
        b'version = "1"\n',
        ["version"],
        id="auth-version-wrong-type",
    ),
]


def write_raw(paths: Paths, name: str, data: bytes) -> Path:
    paths.config_dir.mkdir(mode=0o700, exist_ok=True)
    path = paths.config_dir / name
    path.write_bytes(data)
    return path


def load_and_update(paths: Paths, name: str) -> list[Callable[[], object]]:
    if name == "config.toml":
        return [lambda: load_config(paths), lambda: update_config(paths, add("a", 1))]
    return [
        lambda: load_auth_store(paths),
        lambda: update_auth_store(
            paths, lambda s: with_api_key_profile(s, "kilocode:default", "kilocode", JWT)
        ),
    ]


@pytest.mark.parametrize(("name", "data", "fragments"), BAD_FILES)
def test_bad_file_is_refused_and_left_untouched(
    paths: Paths, name: str, data: bytes, fragments: list[str]
) -> None:
    path = write_raw(paths, name, data)
    for attempt in load_and_update(paths, name):
        with pytest.raises(FileProblem) as caught:
            attempt()
        error = caught.value
        assert str(path) in error.message
        for fragment in fragments:
            assert fragment in error.message
        assert error.hint
        assert "12345678901" not in error.message
    assert path.read_bytes() == data
    assert sorted(p.name for p in paths.config_dir.iterdir() if not p.name.endswith(".lock")) == [
        name
    ]


@pytest.mark.parametrize("name", ["config.toml", "auth-profiles.toml"])
def test_directory_in_place_of_the_file_is_refused(paths: Paths, name: str) -> None:
    path = paths.config_dir / name
    path.mkdir(parents=True)
    (path / "inside").write_text("kept")
    for attempt in load_and_update(paths, name):
        with pytest.raises(FileProblem) as caught:
            attempt()
        assert caught.value.message == f"{path} is a directory, but kilocli keeps a file there."
    assert path.is_dir()
    assert [p.name for p in path.iterdir()] == ["inside"]
    assert temp_files(paths.config_dir) == []


def test_unreadable_file_is_refused(paths: Paths) -> None:
    if os.geteuid() == 0:
        pytest.skip("root can read any file")
    path = write_raw(paths, "config.toml", b"a = 1\n")
    path.chmod(0)
    with pytest.raises(FileProblem) as caught:
        load_config(paths)
    assert caught.value.message == f"Cannot read {path}: Permission denied."


# --- atomicity ---------------------------------------------------------------------------------


@pytest.fixture
def existing_config(paths: Paths) -> bytes:
    update_config(paths, add("a", 1))
    update_config(paths, add("b", 2))
    return paths.config_file.read_bytes()


def assert_untouched(paths: Paths, before: bytes) -> None:
    assert paths.config_file.read_bytes() == before
    assert mode(paths.config_file) == 0o600
    assert temp_files(paths.config_dir) == []


def test_failed_replace_keeps_the_original(
    paths: Paths, existing_config: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing_replace(src: Any, dst: Any) -> None:
        raise OSError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(FileProblem) as caught:
        update_config(paths, add("c", 3))
    assert "Permission denied" in caught.value.message
    assert "The previous version is unchanged." in caught.value.message
    monkeypatch.undo()
    assert_untouched(paths, existing_config)


def test_failed_replace_of_the_file_itself_keeps_the_original(
    paths: Paths, existing_config: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_replace = os.replace

    def replace_all_but_config(src: Any, dst: Any) -> None:
        if Path(dst) == paths.config_file:
            raise OSError(errno.EIO, "Input/output error")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace_all_but_config)
    with pytest.raises(FileProblem, match="Input/output error"):
        update_config(paths, add("c", 3))
    monkeypatch.undo()
    assert_untouched(paths, existing_config)


def test_full_disk_at_fsync_keeps_the_original(
    paths: Paths, existing_config: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_fsync(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full_fsync)
    with pytest.raises(FileProblem) as caught:
        update_config(paths, add("c", 3))
    assert caught.value.message.startswith(f"Could not write {paths.config_file}")
    assert caught.value.message.endswith(
        ": No space left on device. The previous version is unchanged."
    )
    monkeypatch.undo()
    assert_untouched(paths, existing_config)


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


def test_full_disk_at_write_keeps_the_original(
    paths: Paths, existing_config: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_fdopen = os.fdopen

    def half_writing_fdopen(fd: int, *args: Any, **kwargs: Any) -> _HalfWrite:
        return _HalfWrite(real_fdopen(fd, *args, **kwargs))

    monkeypatch.setattr(os, "fdopen", half_writing_fdopen)
    with pytest.raises(FileProblem, match="No space left on device"):
        update_config(paths, add("c", 3))
    monkeypatch.undo()
    assert_untouched(paths, existing_config)


def test_leftover_temp_file_from_a_dead_process_does_not_block_writes(
    paths: Paths, existing_config: bytes
) -> None:
    """A process killed mid-write leaves its temp file (which may hold a key); the next write,
    holding the lock every writer of the file holds, removes it (SPEC §2) and succeeds."""
    leftovers = [f".{name}.{os.getpid()}.tmp" for name in ("config.toml", "config.toml.bak")]
    for name in leftovers:
        (paths.config_dir / name).write_bytes(b"half a file")
    unrelated = paths.config_dir / ".other.toml.1.tmp"
    unrelated.write_bytes(b"not ours")
    update_config(paths, add("c", 3))
    assert tomllib.loads(paths.config_file.read_text()) == {"a": 1, "b": 2, "c": 3}
    assert temp_files(paths.config_dir) == [unrelated.name]


# --- the lock and the re-read ------------------------------------------------------------------


def test_sequential_updates_both_survive(paths: Paths) -> None:
    update_config(paths, add("first", 1))
    update_config(paths, add("second", 2))
    assert load_config(paths).document() == {"first": 1, "second": 2}


def test_change_is_applied_to_the_file_as_it_is_now(paths: Paths) -> None:
    update_config(paths, add("first", 1))
    stale = load_config(paths)
    # another process writes meanwhile
    paths.config_file.write_text("first = 1\nother = true\n")
    seen: list[dict[str, Any]] = []

    def change(document: dict[str, Any]) -> dict[str, Any]:
        seen.append(copy.deepcopy(document))
        document["second"] = 2
        return document

    update_config(paths, change)
    assert stale.document() == {"first": 1}
    assert seen == [{"first": 1, "other": True}]
    assert load_config(paths).document() == {"first": 1, "other": True, "second": 2}


def test_change_receives_a_copy(paths: Paths) -> None:
    update_config(paths, add("models", {"mode": "merge"}))
    kept: list[dict[str, Any]] = []

    def change(document: dict[str, Any]) -> dict[str, Any]:
        kept.append(document)
        return {"models": {"mode": "replace"}}

    assert update_config(paths, change).document() == {"models": {"mode": "replace"}}
    assert kept == [{"models": {"mode": "merge"}}]


def test_lock_is_a_sibling_file(paths: Paths) -> None:
    update_config(paths, add("a", 1))
    assert (paths.config_dir / "config.toml.lock").exists()


UPDATES_PER_WORKER = 5


def _add_keys(config_file: str, worker: int, barrier: Any) -> None:
    path = Path(config_file)
    barrier.wait(timeout=30)
    for index in range(UPDATES_PER_WORKER):
        update_toml(path, add(f"w{worker}_{index}", index))


def test_concurrent_processes_never_lose_changes(paths: Paths) -> None:
    workers = 8
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(workers)
    processes = [
        context.Process(target=_add_keys, args=(str(paths.config_file), n, barrier))
        for n in range(workers)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=60)
    assert [p.exitcode for p in processes] == [0] * workers
    assert load_config(paths).document() == {
        f"w{n}_{i}": i for n in range(workers) for i in range(UPDATES_PER_WORKER)
    }
    assert mode(paths.config_file) == 0o600
    assert temp_files(paths.config_dir) == []


def test_concurrent_threads_never_lose_changes(paths: Paths) -> None:
    def work(worker: int) -> None:
        for index in range(UPDATES_PER_WORKER):
            update_config(paths, add(f"t{worker}_{index}", index))

    with ThreadPoolExecutor(max_workers=8) as pool:
        for future in [pool.submit(work, n) for n in range(8)]:
            future.result(timeout=60)
    assert load_config(paths).document() == {
        f"t{n}_{i}": i for n in range(8) for i in range(UPDATES_PER_WORKER)
    }


# --- symlinks ----------------------------------------------------------------------------------


def test_check_writable_refuses_a_symlink(tmp_path: Path) -> None:
    target = tmp_path / "real.toml"
    target.write_text("a = 1\n")
    link = tmp_path / "config.toml"
    link.symlink_to(target)
    with pytest.raises(FileProblem) as caught:
        check_writable(link)
    assert caught.value.message == (
        f"{link} is a symbolic link; kilocli does not write through links."
    )
    check_writable(target)
    check_writable(tmp_path / "missing.toml")


def test_update_does_not_write_through_a_symlink(paths: Paths, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.toml"
    target.write_text("a = 1\n")
    paths.config_dir.mkdir(mode=0o700)
    paths.config_file.symlink_to(target)
    with pytest.raises(FileProblem, match="symbolic link"):
        update_config(paths, add("b", 2))
    assert target.read_text() == "a = 1\n"
    assert paths.config_file.is_symlink()


def test_dangling_symlink_is_refused(paths: Paths, tmp_path: Path) -> None:
    paths.config_dir.mkdir(mode=0o700)
    paths.auth_file.symlink_to(tmp_path / "nowhere.toml")
    with pytest.raises(FileProblem, match="symbolic link"):
        update_auth_store(
            paths, lambda s: with_api_key_profile(s, "kilocode:default", "kilocode", JWT)
        )
    assert not (tmp_path / "nowhere.toml").exists()


# --- pure store functions ----------------------------------------------------------------------

STORE: dict[str, Any] = {
    "version": 1,
    "note": "kept",
    "profiles": {
        "kilocode:work": {"type": "api_key", "provider": "kilocode", "key": "k-work"},
        "openrouter:default": {"type": "api_key", "provider": "openrouter", "key": "k-or"},
        "kilocode:default": {
            "type": "api_key",
            "provider": "kilocode",
            "key": "k-old",
            "label": "laptop",
        },
    },
}


def test_with_api_key_profile_on_an_empty_store() -> None:
    assert with_api_key_profile({}, "kilocode:default", "kilocode", JWT) == {
        "version": 1,
        "profiles": {"kilocode:default": {"type": "api_key", "provider": "kilocode", "key": JWT}},
    }


def test_with_api_key_profile_replaces_the_key_and_keeps_the_rest() -> None:
    original = copy.deepcopy(STORE)
    updated = with_api_key_profile(STORE, "kilocode:default", "kilocode", "k-new")
    assert original == STORE
    expected = copy.deepcopy(STORE)
    expected["profiles"]["kilocode:default"]["key"] = "k-new"
    assert updated == expected
    updated["profiles"].clear()
    assert original == STORE


def test_without_profile() -> None:
    original = copy.deepcopy(STORE)
    updated = without_profile(STORE, "kilocode:work")
    assert original == STORE
    expected = copy.deepcopy(STORE)
    del expected["profiles"]["kilocode:work"]
    assert updated == expected
    assert without_profile({}, "kilocode:work") == {}


def test_provider_profiles_in_file_order() -> None:
    original = copy.deepcopy(STORE)
    store = AuthStore.model_validate(STORE)
    kilo = store.of_provider("kilocode")
    assert list(kilo) == ["kilocode:work", "kilocode:default"]
    assert {pid: p.document() for pid, p in kilo.items()} == {
        "kilocode:work": STORE["profiles"]["kilocode:work"],
        "kilocode:default": STORE["profiles"]["kilocode:default"],
    }
    assert {pid: p.document() for pid, p in store.of_provider("openrouter").items()} == {
        "openrouter:default": STORE["profiles"]["openrouter:default"]
    }
    assert AuthStore().of_provider("kilocode") == {}
    assert original == STORE
