"""Odd things where kilocli keeps its files, and a stdout that cannot be written (SPEC §2, §9).

- A FIFO, a socket or a link to ``/dev/zero`` in place of ``config.toml``,
  ``auth-profiles.toml`` or the model cache: every command ends at once (a real process with
  a 20 s limit, so that a hang fails the test rather than the suite), with an error naming the
  path; the cache is only a shortcut, so one that is not a file is no cache.
- TOML nested 5,000 deep, a lock path that is a directory or a link, a 5 MiB file and a stored
  key no header can carry: an error naming the file (or the lock, or the profile), never a
  traceback.
- ``/dev/full`` as stdout: one short line on stderr and exit 1; a closed pipe: nothing on
  stderr.
- A symlinked cache directory is not written through (nor chmodded); stale temp files are
  removed at the next write; after ``auth logout`` the key is in no file; empty
  ``--profile-id``/``--base-url`` change nothing; a fresh home is made 0700 all the way up.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import stat
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.cli import conftest as cli_conftest
from tests.cli.conftest import Kilo, file_state, write_file
from tests.conftest import Run, run_kilocli
from tests.fakes import OTHER_VALID_KEY, VALID_KEY, FakeGateway

kilo = cli_conftest.kilo  # the command-line fixture of tests/cli, shared with this module

REPO = Path(__file__).resolve().parents[2]
TIMEOUT = 20  # seconds: far above any command's run time, far below a hung suite

CRASH_TEXTS = ("Traceback", "Unexpected error", "RecursionError", "UnicodeEncodeError")


def assert_no_crash(run: Run) -> None:
    for text in CRASH_TEXTS:
        assert text not in run.output, run.output


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def private_home(home: Path) -> Path:
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    home.chmod(0o700)
    return home


# --- 7. A FIFO, a socket or a device where a file should be -----------------------------------


@contextlib.contextmanager
def special_file(kind: str, path: Path) -> Iterator[None]:
    """Put a FIFO, a bound AF_UNIX socket or a link to /dev/zero at ``path``."""
    private_home(path.parent)
    if kind == "fifo":
        os.mkfifo(path, 0o600)
        yield
        return
    if kind == "dev-zero link":
        path.symlink_to("/dev/zero")
        yield
        return
    # A socket path must be short (108 bytes): bind by name, from its directory.
    cwd = Path.cwd()
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        os.chdir(path.parent)
        try:
            server.bind(path.name)
        finally:
            os.chdir(cwd)
        yield


KINDS = ("fifo", "socket", "dev-zero link")
COMMANDS = {
    "models --offline": ("models", "kilocode", "--offline"),
    "auth status": ("auth", "status"),
    "doctor --offline": ("doctor", "--offline"),
    "onboard": ("onboard", "--kilocode-api-key", "K", "--no-verify"),
}
# Which commands read which file (and so must stop, naming it).
READERS = {
    "config.toml": set(COMMANDS),
    "auth-profiles.toml": {"auth status", "doctor --offline", "onboard"},
}


def run_process(*args: str, env: dict[str, str] | None = None) -> Run:
    return run_kilocli(*args, env=env, process=True, timeout=TIMEOUT)


def run_guarded(kind: str, *args: str, env: dict[str, str] | None = None) -> Run:
    """A FIFO could hang a reader: that case runs in a process with a timeout, so a hang fails
    the test instead of the suite. The others cannot block, and run in-process (faster)."""
    if kind == "fifo":
        return run_process(*args, env=env)
    return run_kilocli(*args, env=env)


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("name", list(READERS))
@pytest.mark.parametrize("kind", KINDS)
def test_a_special_file_in_place_of_a_kilocli_file_is_refused_at_once(
    home: Path, kind: str, name: str, command: str
) -> None:
    path = home / name
    with special_file(kind, path):
        run = run_guarded(kind, *COMMANDS[command])  # a hang raises TimeoutExpired: it fails
        assert_no_crash(run)
        if command in READERS[name]:
            assert run.code == 1, run.output
            assert str(path) in run.output, run.output
        else:
            assert run.code == 0, run.output
        assert path.is_symlink() if kind == "dev-zero link" else not path.is_file()


@pytest.mark.parametrize("kind", KINDS)
def test_a_special_file_in_place_of_the_cache_is_no_cache(home: Path, kind: str) -> None:
    """The cache is a shortcut: one that is not a file reads as none, exactly as a missing
    one does (the same output once the odd file is gone)."""
    private_home(home)
    cache = home / "cache" / "models-kilocode.json"
    env = {"KILOCODE_API_KEY": VALID_KEY}
    commands = (
        ("models", "kilocode", "--offline", "--json"),
        ("models", "status", "--json"),
        ("doctor", "--offline", "--json"),
        ("auth", "status"),
    )
    with special_file(kind, cache):
        odd = [run_guarded(kind, *args, env=env) for args in commands]
    cache.unlink()
    for args, run in zip(commands, odd, strict=True):
        assert_no_crash(run)
        missing = run_guarded(kind, *args, env=env)
        assert (run.code, run.stdout, run.stderr) == (missing.code, missing.stdout, missing.stderr)
    listing = json.loads(odd[0].stdout)
    assert (odd[0].code, listing["source"]) == (0, "fallback")


# --- 8. Nesting, locks, size, a key no header can carry ----------------------------------------

NESTED = {
    "arrays": "a = " + "[" * 5000 + "]" * 5000 + "\n",
    "inline tables": "a = " + "{b = " * 5000 + "1" + "}" * 5000 + "\n",
}


@pytest.mark.parametrize("nesting", list(NESTED))
@pytest.mark.parametrize(
    "args",
    [
        ("models", "kilocode", "--offline"),
        ("config", "show"),
        ("auth", "status"),
        ("onboard", "--kilocode-api-key", VALID_KEY, "--no-verify"),
    ],
    ids=["models", "config show", "auth status", "onboard"],
)
def test_deeply_nested_toml_in_the_config_is_an_error_naming_it(
    kilo: Kilo, home: Path, nesting: str, args: tuple[str, ...]
) -> None:
    config = home / "config.toml"
    write_file(config, NESTED[nesting])
    before = file_state(home)
    run = kilo(*args)
    assert_no_crash(run)
    assert run.code == 1, run.output
    assert str(config) in run.stderr, run.stderr
    assert file_state(home) == before


def test_deeply_nested_toml_in_the_auth_store_is_an_error_naming_it(kilo: Kilo, home: Path) -> None:
    store = home / "auth-profiles.toml"
    write_file(store, NESTED["arrays"])
    run = kilo("auth", "status")
    assert_no_crash(run)
    assert run.code == 1, run.output
    assert str(store) in run.stderr, run.stderr


def make_lock(kind: str, lock: Path, elsewhere: Path) -> None:
    private_home(lock.parent)
    if kind == "directory":
        lock.mkdir()
    elif kind == "dangling link":
        lock.symlink_to(elsewhere)
    else:  # a link to a regular file
        elsewhere.write_text("not yours\n")
        lock.symlink_to(elsewhere)


LOCK_KINDS = ("directory", "dangling link", "link to a file")
WRITERS = {
    "config.toml": [
        ("models", "set", "kilocode/kilo-auto/balanced"),
        ("onboard", "--kilocode-api-key", VALID_KEY, "--no-verify"),
    ],
    "auth-profiles.toml": [
        ("auth", "login", "kilocode", "--key", VALID_KEY, "--no-verify"),
        ("onboard", "--kilocode-api-key", VALID_KEY, "--no-verify"),
    ],
}


@pytest.mark.parametrize("kind", LOCK_KINDS)
@pytest.mark.parametrize(
    ("name", "args"),
    [(name, args) for name, commands in WRITERS.items() for args in commands],
    ids=["config: models set", "config: onboard", "store: auth login", "store: onboard"],
)
def test_an_unusable_lock_path_is_an_error_naming_it(
    kilo: Kilo, home: Path, tmp_path: Path, kind: str, name: str, args: tuple[str, ...]
) -> None:
    lock = home / f"{name}.lock"
    elsewhere = tmp_path / "elsewhere.lock"
    make_lock(kind, lock, elsewhere)
    run = kilo(*args)
    assert_no_crash(run)
    assert run.code == 1, run.output
    assert str(lock) in run.stderr, run.stderr
    if kind == "dangling link":
        assert not elsewhere.exists()  # nothing made through it
        assert not elsewhere.is_symlink()
    if kind == "link to a file":
        assert elsewhere.read_text() == "not yours\n"
    if name == "auth-profiles.toml":
        assert not (home / name).exists()  # nothing stored without the lock


def five_mib_config() -> str:
    line = "# " + "x" * 97 + "\n"  # 100 bytes
    body = line * (5 * 2**20 // len(line) + 1)
    return body + '[agents.defaults.model]\nprimary = "kilocode/kilo-auto/balanced"\n'


@pytest.mark.parametrize(
    "args",
    [
        ("models", "kilocode", "--offline"),
        ("models", "set", "kilocode/kilo-auto/balanced"),
        ("onboard", "--kilocode-api-key", VALID_KEY, "--no-verify"),
    ],
    ids=["models", "models set", "onboard"],
)
def test_a_five_mib_config_is_refused_naming_it_and_the_limit(
    kilo: Kilo, home: Path, args: tuple[str, ...]
) -> None:
    config = home / "config.toml"
    write_file(config, five_mib_config())
    assert config.stat().st_size > 5 * 2**20
    before = file_state(home)
    run = kilo(*args)
    assert_no_crash(run)
    assert run.code == 1, run.output
    assert str(config) in run.stderr, run.stderr
    assert "4 MiB" in run.stderr, run.stderr
    assert file_state(home) == before


def test_a_five_mib_auth_store_is_refused_naming_it(kilo: Kilo, home: Path) -> None:
    store = home / "auth-profiles.toml"
    write_file(store, "version = 1\n" + five_mib_config())
    run = kilo("auth", "status")
    assert_no_crash(run)
    assert run.code == 1, run.output
    assert str(store) in run.stderr
    assert "4 MiB" in run.stderr


NON_ASCII_KEY = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.bmV3LWtl\u20acS1mb3ItdGVzdHM"


@pytest.mark.parametrize(
    ("args", "codes"),
    [
        (("auth", "status", "--check"), {1, 3}),
        (("models", "kilocode", "--refresh"), {0, 1}),
        (("doctor",), {1}),
    ],
    ids=["auth status --check", "models --refresh", "doctor"],
)
def test_a_stored_key_no_header_can_carry_is_a_clear_error_naming_the_profile(
    kilo: Kilo, home: Path, args: tuple[str, ...], codes: set[int]
) -> None:
    write_file(
        home / "auth-profiles.toml",
        'version = 1\n\n[profiles."kilocode:default"]\ntype = "api_key"\n'
        f'provider = "kilocode"\nkey = "{NON_ASCII_KEY}"\n',
    )
    run = kilo(*args)
    assert_no_crash(run)
    assert "codec can't encode" not in run.output
    assert run.code in codes, run.output
    assert "kilocode:default" in run.output, run.output
    assert NON_ASCII_KEY not in run.output


# --- 9. A stdout that cannot be written --------------------------------------------------------


def fill_cache(kilo: Kilo, gateway: FakeGateway, rows: int | None = None) -> None:
    if rows is not None:
        gateway.models_body = (
            b'{"data": ['
            + b",".join(
                b'{"id": "vendor/model-%d", "name": "Model %d"}' % (i, i) for i in range(rows)
            )
            + b"]}"
        )
    run = kilo("models", "kilocode")
    assert run.code == 0, run.output


def process_env(gateway: FakeGateway, home: Path) -> dict[str, str]:
    return {
        **os.environ,
        "KILOCLI_HOME": str(home),
        "KILOCODE_BASE_URL": gateway.base_url,
        "KILOCODE_API_KEY": VALID_KEY,
    }


FULL_STDOUT = [
    ("models", "kilocode", "--offline", "--json"),
    ("models", "kilocode", "--offline"),
    ("--version",),
    ("auth", "status"),
    ("auth", "status", "--json"),
]


@pytest.mark.parametrize("args", FULL_STDOUT, ids=" ".join)
def test_a_full_stdout_is_one_line_on_stderr_and_exit_1(
    kilo: Kilo, gateway: FakeGateway, home: Path, args: tuple[str, ...]
) -> None:
    fill_cache(kilo, gateway)  # a fresh cache: no warning of its own on stderr
    with Path("/dev/full").open("w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "kilocli", *args],
            stdin=subprocess.DEVNULL,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env=process_env(gateway, home),
            cwd=REPO,
            timeout=TIMEOUT,
            check=False,
        )
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 1, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert "No space left on device" in lines[0]
    assert len(lines[0]) <= 100, lines[0]


@pytest.mark.parametrize(
    ("args", "normal_stderr"),
    [
        (("models", "kilocode", "--offline", "--plain"), ""),
        (("models", "kilocode", "--offline"), "4005 Kilo Gateway model(s), cached\n"),
    ],
    ids=["plain", "table"],
)
def test_a_closed_pipe_ends_quietly(
    kilo: Kilo, gateway: FakeGateway, home: Path, args: tuple[str, ...], normal_stderr: str
) -> None:
    """``kilocli models kilocode | head -1``: no error, no traceback, no "Exception ignored".

    The table prints a count on stderr after the table. When the reader goes away in the
    middle of the one big write of the table, the kernel reports a short write and CPython's
    buffered stdout takes it as done (a plain ``python -c`` shows the same), so that count may
    still appear; nothing else may.
    """
    fill_cache(kilo, gateway, rows=4_000)  # some 300 KB of table: several pipe buffers (64 KiB)
    normal = kilo(*args)
    assert (normal.code, normal.stderr) == (0, normal_stderr)
    with subprocess.Popen(
        [sys.executable, "-m", "kilocli", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=process_env(gateway, home),
        cwd=REPO,
    ) as process:
        assert process.stdout is not None
        assert process.stderr is not None
        first = process.stdout.readline()
        process.stdout.close()  # `| head -1`
        stderr = process.stderr.read().decode()
        process.wait(timeout=TIMEOUT)
    assert first.strip(), "the listing should have started"
    assert stderr in {"", normal_stderr}, stderr


# --- 10. A symlinked cache directory -----------------------------------------------------------


def test_a_symlinked_cache_directory_is_not_written_through(
    kilo: Kilo, home: Path, tmp_path: Path
) -> None:
    private_home(home)
    target = tmp_path / "elsewhere"
    target.mkdir()
    target.chmod(0o755)
    (home / "cache").symlink_to(target)
    for args in (("models", "kilocode"), ("models", "kilocode", "--json")):
        run = kilo(*args)
        assert run.code == 0, run.output
        assert f"{home / 'cache'} is a symbolic link" in run.stderr, run.stderr
        assert "cache" in run.stderr
    assert json.loads(run.stdout)["source"] == "gateway"
    assert mode(target) == 0o755
    assert list(target.iterdir()) == []
    assert (home / "cache").is_symlink()


# --- 11. Stale temp files, and keys gone after logout ------------------------------------------

OLD_KEY = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJvbGQifQ.b2xkLWtpbGxlZC13cml0ZS1rZXktMTIz"


def files_holding(home: Path, key: str) -> list[str]:
    return sorted(
        str(p.relative_to(home))
        for p in home.rglob("*")
        if p.is_file() and key.encode() in p.read_bytes()
    )


def test_temp_files_of_a_killed_write_are_removed_at_the_next_write(kilo: Kilo, home: Path) -> None:
    private_home(home)
    stale = [
        home / ".auth-profiles.toml.abc123.tmp",
        home / ".auth-profiles.toml.bak.x9y8z7.tmp",
        home / ".config.toml.q1w2e3.tmp",
    ]
    for path in stale:
        path.write_text(f'key = "{OLD_KEY}"\n')
        path.chmod(0o600)
    unrelated = home / ".notes.abc.tmp"  # not kilocli's: left alone
    unrelated.write_text("mine\n")
    run = kilo("auth", "login", "kilocode", "--key", VALID_KEY, "--no-verify")
    assert run.code == 0, run.output
    assert [p.name for p in stale if p.exists()] == []
    assert files_holding(home, OLD_KEY) == []
    assert unrelated.read_text() == "mine\n"


def test_after_logout_the_key_is_in_no_file(kilo: Kilo, home: Path) -> None:
    assert kilo("auth", "login", "kilocode", "--key", VALID_KEY, "--no-verify").code == 0
    second = kilo(
        "auth",
        "login",
        "kilocode",
        "--key",
        OTHER_VALID_KEY,
        "--no-verify",
        "--profile-id",
        "kilocode:work",
    )
    assert second.code == 0, second.output
    assert "auth-profiles.toml.bak" in files_holding(home, VALID_KEY)  # the backup has it now
    leftover = home / ".auth-profiles.toml.k1ll3d.tmp"
    leftover.write_text(f'key = "{VALID_KEY}"\n')

    run = kilo("auth", "logout", "kilocode:default", "--yes")
    assert run.code == 0, run.output
    assert files_holding(home, VALID_KEY) == []
    assert not leftover.exists()
    # The other profile stays (its key may be in the backup, which is now the current version).
    assert "auth-profiles.toml" in files_holding(home, OTHER_VALID_KEY)
    assert set(files_holding(home, OTHER_VALID_KEY)) <= {
        "auth-profiles.toml",
        "auth-profiles.toml.bak",
    }


# --- 12. Empty --profile-id and --base-url -----------------------------------------------------


LOGIN_OTHER = ("auth", "login", "kilocode", "--key", OTHER_VALID_KEY, "--no-verify")
ONBOARD_OTHER = ("onboard", "--kilocode-api-key", OTHER_VALID_KEY, "--no-verify")
EMPTY_FLAGS = {
    "login --profile-id ''": ((*LOGIN_OTHER, "--profile-id", ""), "--profile-id"),
    "login --profile-id ' '": ((*LOGIN_OTHER, "--profile-id", " "), "--profile-id"),
    "onboard --base-url ''": ((*ONBOARD_OTHER, "--base-url", ""), "--base-url"),
    "onboard --set-default --base-url ''": (
        (*ONBOARD_OTHER, "--set-default", "--base-url", ""),
        "--base-url",
    ),
}


@pytest.mark.parametrize(("args", "flag"), list(EMPTY_FLAGS.values()), ids=list(EMPTY_FLAGS))
def test_an_empty_profile_id_or_base_url_is_a_usage_error_that_changes_nothing(
    kilo: Kilo, home: Path, args: tuple[str, ...], flag: str
) -> None:
    set_up = kilo("onboard", "--kilocode-api-key", VALID_KEY, "--no-verify")
    assert set_up.code == 0, set_up.output
    before = file_state(home)
    run = kilo(*args)
    assert run.code == 2, run.output
    assert flag in run.stderr, run.stderr
    assert_no_crash(run)
    assert file_state(home) == before
    assert files_holding(home, OTHER_VALID_KEY) == []


# --- A fresh home is private all the way up ----------------------------------------------------


@dataclass(frozen=True)
class FirstCommand:
    args: tuple[str, ...]
    creates: tuple[str, ...]  # directories under the new parent, besides it


FIRST_COMMANDS = {
    "models kilocode": FirstCommand(("models", "kilocode"), ("home", "home/cache")),
    "onboard": FirstCommand(("onboard", "--kilocode-api-key", VALID_KEY, "--no-verify"), ("home",)),
    "auth login": FirstCommand(
        ("auth", "login", "kilocode", "--key", VALID_KEY, "--no-verify"), ("home",)
    ),
}


@pytest.fixture
def umask_022() -> Iterator[None]:
    """The usual umask, whatever the test runner's: without kilocli's care, new directories
    would be 0755."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.mark.usefixtures("umask_022")
@pytest.mark.parametrize("first", list(FIRST_COMMANDS.values()), ids=list(FIRST_COMMANDS))
def test_a_fresh_home_and_its_missing_parent_are_created_0700(
    kilo: Kilo, tmp_path: Path, first: FirstCommand
) -> None:
    parent = tmp_path / "new-parent"
    run = kilo(*first.args, env={"KILOCLI_HOME": str(parent / "home")})
    assert run.code == 0, run.output
    directories = [parent, *sorted(p for p in parent.rglob("*") if p.is_dir())]
    assert [str(p.relative_to(tmp_path)) for p in directories[1:]] == [
        f"new-parent/{name}" for name in first.creates
    ]
    assert {str(p.relative_to(tmp_path)): oct(mode(p)) for p in directories} == {
        str(p.relative_to(tmp_path)): oct(0o700) for p in directories
    }
