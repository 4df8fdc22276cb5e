"""Files kilocli cannot trust, through every command that reads or writes them (SPEC §2, §9).

A file that is not TOML, has known keys of the wrong type, comes from a newer kilocli, or is a
directory stops every command that needs it with exit code 1 and a message naming the path and
the line or key at fault; the file is left byte-identical (same mode and mtime, nothing else
written beside it). Commands that do not need the file are not stopped by it. An empty file is
an empty document. A symbolic link is read through but never written through. A store other
users can read is reported, and made 0600 by the next write.

The commands run in-process through the Typer app (``CliRunner``): the same option parsing,
error handler and exit codes as the console script, at a fraction of the start-up cost of the
~100 runs here. ``tests/cli`` covers the same ground in real processes for a few cases.
"""

from __future__ import annotations

import stat
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from kilocli.cli.app import app
from kilocli.errors import ExitCode
from tests.cli.conftest import file_state, write_file

KEY = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.bmV3LWtleS1mb3ItdGVzdHM"
STORED_KEY = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIyIn0.c3RvcmVkLWtleS1UZXN0"

COMMANDS = {
    "onboard": ("onboard", "--non-interactive", "--kilocode-api-key", KEY, "--no-verify"),
    "auth-list": ("auth", "list"),
    "auth-login": ("auth", "login", "kilocode", "--key", KEY, "--no-verify"),
    "models": ("models", "kilocode", "--offline"),
    "config-show": ("config", "show"),
}
WRITERS = {"onboard", "auth-login"}
# The auth store is only read by commands that need a key; listing models offline or showing
# the config must keep working next to a broken store.
READERS = {
    "config.toml": set(COMMANDS),
    "auth-profiles.toml": {"onboard", "auth-list", "auth-login"},
}
GOOD = {
    "config.toml": '# mine\n[agents.defaults.model]\nprimary = "kilocode/kilo-auto/balanced"\n',
    "auth-profiles.toml": (
        f'version = 1\n\n[profiles."kilocode:default"]\ntype = "api_key"\n'
        f'provider = "kilocode"\nkey = "{STORED_KEY}"\n'
    ),
}


def run(command: str) -> Result:
    return CliRunner().invoke(app, list(COMMANDS[command]))


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def moved_aside(path: Path) -> str:
    return (
        f"Fix it by hand, or move it aside (mv '{path}' '{path}.broken') and run the command again."
    )


# --- refused: the matrix -----------------------------------------------------------------------


@dataclass(frozen=True)
class Bad:
    """A broken file and what the user must be told about it."""

    data: dict[str, bytes]  # per file name
    message: Callable[[Path], str]
    hint: Callable[[Path], str] = moved_aside


def invalid(path: Path, *lines: str) -> str:
    return f"{path} has {len(lines)} invalid value(s); it was left untouched:\n" + "\n".join(
        f"  {line}" for line in lines
    )


NOT_TOML = b"# edited by hand\nversion = 1\n[oops\n"
BAD = {
    "not-toml": Bad(
        {"config.toml": NOT_TOML, "auth-profiles.toml": NOT_TOML},
        lambda path: (
            f"{path} is not valid TOML: Expected ']' at the end of a table declaration "
            "(at line 3, column 6)."
        ),
    ),
    "not-utf8": Bad(
        {"config.toml": b'theme = "dark"\nnote = "\xff"\n', "auth-profiles.toml": b'n = "\xfe"\n'},
        lambda path: f"{path} is not valid UTF-8 (line {2 if path.name == 'config.toml' else 1}).",
    ),
    "wrong-type": Bad(
        {
            "config.toml": b'[models.providers.kilocode]\nbaseUrl = 3\napi = "openai"\n',
            "auth-profiles.toml": (
                b'version = 1\n[profiles."kilocode:default"]\ntype = "api_key"\n'
                b'provider = "kilocode"\nkey = 12345\n'
            ),
        },
        lambda path: invalid(
            path,
            "models.providers.kilocode.baseUrl: should be a string"
            if path.name == "config.toml"
            else 'profiles."kilocode:default".key: should be a string',
        ),
    ),
    "wrong-type-table": Bad(
        {"config.toml": b'models = "none"\n', "auth-profiles.toml": b"profiles = [1, 2]\n"},
        lambda path: invalid(
            path,
            f"{'models' if path.name == 'config.toml' else 'profiles'}: should be a table",
        ),
    ),
    "several-wrong-types": Bad(
        {
            "config.toml": b'[agents.defaults.model]\nprimary = 1\nfallbacks = "x"\n',
            "auth-profiles.toml": b'version = "1"\n[profiles.a]\ntype = "api_key"\n',
        },
        lambda path: (
            invalid(
                path,
                "agents.defaults.model.primary: should be a string",
                "agents.defaults.model.fallbacks: should be an array",
            )
            if path.name == "config.toml"
            else invalid(
                path,
                "version: should be an integer",
                "profiles.a.provider: is required",
            )
        ),
    ),
    "newer-version": Bad(
        {
            "config.toml": b"version = 2\n[future]\nshape = true\n",
            "auth-profiles.toml": b'version = 2\n[profiles."kilocode:default"]\nkeys = []\n',
        },
        lambda path: (
            f"{path} was written by a newer kilocli (version 2; this one knows version 1). "
            "It was left untouched."
        ),
        lambda path: (
            "Upgrade kilocli (pip install --upgrade kilocli), or point KILOCLI_HOME elsewhere."
        ),
    ),
}
MATRIX = [
    pytest.param(name, case, command, id=f"{name}-{case}-{command}")
    for name in READERS
    for case in BAD
    for command in COMMANDS
]


@pytest.mark.parametrize(("name", "case", "command"), MATRIX)
def test_a_broken_file_stops_the_commands_that_need_it_and_is_left_as_it_was(
    home: Path, name: str, case: str, command: str
) -> None:
    path = home / name
    write_file(path, "")
    path.write_bytes(BAD[case].data[name])
    before = file_state(home)

    result = run(command)

    assert file_state(home) == before
    if command not in READERS[name]:
        assert result.exit_code == ExitCode.OK, result.stderr
        return
    bad = BAD[case]
    assert result.exit_code == ExitCode.ERROR
    assert result.stdout == ""
    assert result.stderr == f"Error: {bad.message(path)}\n{bad.hint(path)}\n"


@pytest.mark.parametrize("name", READERS)
@pytest.mark.parametrize("command", COMMANDS)
def test_a_directory_in_place_of_a_file(home: Path, name: str, command: str) -> None:
    path = home / name
    path.mkdir(parents=True)
    (path / "inside").write_text("kept")
    before = file_state(home)

    result = run(command)

    assert file_state(home) == before
    assert path.is_dir()
    if command not in READERS[name]:
        assert result.exit_code == ExitCode.OK, result.stderr
        return
    assert result.exit_code == ExitCode.ERROR
    assert result.stderr == (
        f"Error: {path} is a directory, but kilocli keeps a file there.\n"
        f"Move it aside (mv '{path}' '{path}.old') and run the command again.\n"
    )


@pytest.mark.parametrize("name", READERS)
@pytest.mark.parametrize("command", COMMANDS)
def test_an_unreadable_file(home: Path, name: str, command: str) -> None:
    path = home / name
    write_file(path, GOOD[name])
    path.chmod(0)
    try:
        path.read_bytes()
    except PermissionError:
        pass
    else:
        path.chmod(0o600)
        pytest.skip("running as root (or with CAP_DAC_OVERRIDE): chmod 000 does not stop reads")
    before = file_state_of_unreadable(home, path)

    result = run(command)

    assert file_state_of_unreadable(home, path) == before
    if command not in READERS[name]:
        assert result.exit_code == ExitCode.OK, result.stderr
        return
    assert result.exit_code == ExitCode.ERROR
    assert result.stderr == (
        f"Error: Cannot read {path}: Permission denied.\n"
        f"Check its owner and permissions (ls -l '{path}'); kilocli needs to read it.\n"
    )


def file_state_of_unreadable(home: Path, path: Path) -> tuple[object, ...]:
    return (sorted(p.name for p in home.iterdir()), path.stat().st_mtime_ns, mode(path))


# --- accepted ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", READERS)
@pytest.mark.parametrize("command", COMMANDS)
def test_an_empty_file_is_an_empty_document(home: Path, name: str, command: str) -> None:
    path = home / name
    write_file(path, "")
    before = file_state(home)

    result = run(command)

    assert result.exit_code == ExitCode.OK, result.stderr
    if command not in WRITERS:
        assert file_state(home) == before
        return
    store = tomllib.loads((home / "auth-profiles.toml").read_text())
    assert store["profiles"]["kilocode:default"]["key"] == KEY
    config = tomllib.loads((home / "config.toml").read_text())
    assert config["auth"]["profiles"]["kilocode:default"] == {
        "provider": "kilocode",
        "mode": "api_key",
    }
    assert mode(path) == 0o600


# --- symbolic links ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", READERS)
@pytest.mark.parametrize("command", sorted(WRITERS))
def test_a_symlink_is_never_written_through(
    home: Path, tmp_path: Path, name: str, command: str
) -> None:
    """``os.replace`` would swap the link for a regular file (and a store linked into, say, a
    dotfiles repository would silently stop being the one the user edits)."""
    target = tmp_path / "dotfiles" / name
    write_file(target, GOOD[name])
    target.chmod(0o600)
    home.mkdir(mode=0o700)
    (home / name).symlink_to(target)
    before = (file_state(home), file_state(target.parent))

    result = run(command)

    assert (file_state(home), file_state(target.parent)) == before
    assert (home / name).is_symlink()
    assert result.exit_code == ExitCode.ERROR
    assert result.stderr == (
        f"Error: {home / name} is a symbolic link; kilocli does not write through links.\n"
        "Replace the link with a regular file (copy its target over it), "
        "or set KILOCLI_HOME to another directory.\n"
    )


SHOWN_THROUGH_A_LINK = {
    ("config.toml", "config-show"): 'primary = "kilocode/kilo-auto/balanced"',
    ("config.toml", "models"): "kilocode/kilo-auto/balanced",
    ("auth-profiles.toml", "auth-list"): "kilocode:default",
}


@pytest.mark.parametrize("name", READERS)
@pytest.mark.parametrize("command", sorted(set(COMMANDS) - WRITERS))
def test_a_symlink_is_read_through(home: Path, tmp_path: Path, name: str, command: str) -> None:
    """Reading follows the link (dotfile managers link config files into place)."""
    target = tmp_path / "dotfiles" / name
    write_file(target, GOOD[name])
    target.chmod(0o600)
    home.mkdir(mode=0o700)
    (home / name).symlink_to(target)
    before = (file_state(home), file_state(target.parent))

    result = run(command)

    assert result.exit_code == ExitCode.OK, result.stderr
    assert (file_state(home), file_state(target.parent)) == before
    shown = SHOWN_THROUGH_A_LINK.get((name, command))
    if shown is not None:
        assert shown in result.stdout


# --- permissions -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", READERS)
@pytest.mark.parametrize("command", COMMANDS)
def test_a_file_others_can_read(home: Path, name: str, command: str) -> None:
    """A store other users can read is reported by every command that reads it, and the next
    write makes it 0600; the config holds no secret, so it is only re-tightened."""
    path = home / name
    write_file(path, GOOD[name])
    path.chmod(0o644)
    before = file_state(home)

    result = run(command)

    assert result.exit_code == ExitCode.OK, result.stderr
    warned = [line for line in result.stderr.splitlines() if line.startswith("Warning: ")]
    if name == "auth-profiles.toml" and command in READERS[name]:
        # The rest of the wording belongs to `kilocli doctor`, which is changing meanwhile.
        # (auth login over the stored profile also says it replaced its key)
        warned = [line for line in warned if "Replaced the key" not in line]
        assert len(warned) == 1
        assert warned[0].startswith(f"Warning: {path} is 0644: other users can read your keys.")
        assert "0600" in warned[0]
    else:
        assert not [line for line in warned if str(path) in line]
    if command in WRITERS:
        assert mode(path) == 0o600
        assert tomllib.loads(path.read_text())  # rewritten, still valid
    else:
        assert file_state(home) == before
