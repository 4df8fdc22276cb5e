"""``kilocli setup`` as a guest in another tool's files (SPEC §12, issue 16), end to end
through the command line: links out of the home, modes and owners, what kilocli owns, and
what it keeps of the user's. (Layout, refusals and edits between runs: ``test_guest_files.py``;
parallel runs and output: ``test_guest_runs.py``.)

Each test states the exact outcome: the exit code, the bytes (and mode, and owner) of every
file that must not change, where the key may and may not be, and what the message says.
"""

from __future__ import annotations

import json
import os
import stat
import tomllib
from pathlib import Path

import pytest
import tomli_w

from tests.conftest import run_kilocli
from tests.fakes import OTHER_VALID_KEY, VALID_KEY
from tests.reliability.guest_helpers import (
    IS_ROOT,
    KEY_FILES,
    NOBODY,
    PROCESS_TIMEOUT,
    USER_SECRET,
    USERS_KEY_FILES,
    assert_refused,
    listing,
    put,
    read_key,
    state,
    tool_file,
)
from tests.tools.setup_helpers import (
    aider_file,
    continue_dir,
    files_holding,
    kilocli_home,
    llm_dir,
    load_dotenv,
    load_yaml,
    mode_of,
    setup,
    setup_ok,
    store_key,
    tool_files,
    tree,
    user_home,
)

PASSWD = b"root:x:0:0:root:/root:/bin/bash\nuser:x:1000:1000::/home/user:/bin/sh\n"


@pytest.fixture(autouse=True)
def key_stored() -> None:
    """Every test here starts with ``VALID_KEY`` onboarded."""
    store_key()


def outside(tmp_path: Path) -> Path:
    """A directory outside the user's home (the test's home is ``tmp_path/user``)."""
    where = tmp_path / "elsewhere"
    where.mkdir(exist_ok=True)
    return where


# --- 1. Links -------------------------------------------------------------------------------

TOOL_FILE_NAMES = [
    ("continue", ".env"),
    ("continue", "config.yaml"),
    ("llm", "keys.json"),
    ("llm", "extra-openai-models.yaml"),
    ("aider", ".aider.conf.yml"),
    ("opencode", "opencode.json"),
    ("codex", "config.toml"),
]


@pytest.mark.parametrize(("tool", "name"), TOOL_FILE_NAMES)
def test_a_tool_file_linked_out_of_the_home_is_refused_and_its_target_untouched(
    tmp_path: Path, tool: str, name: str
) -> None:
    target = put(outside(tmp_path) / "passwd", PASSWD, 0o644)
    if IS_ROOT:
        os.chown(target, 0, 0)  # root's own file, as /etc/passwd is
    link = tool_file(tool, name)
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(target)
    before_target, before_home = state(target), tree(user_home())

    run = setup(tool)

    assert_refused(run, link, f"it is a link to {target}, outside your home ({user_home()})")
    assert state(target) == before_target  # bytes, mode 0644 and owner
    assert listing(outside(tmp_path)) == ["passwd"]  # no .bak, no temp
    assert tree(user_home()) == before_home  # and no other file of the tool was written
    assert files_holding(tmp_path, VALID_KEY) == [kilocli_home() / "auth-profiles.toml"]


@pytest.mark.skipif(not IS_ROOT, reason="needs root to make a file of root's outside the home")
def test_continue_env_linked_to_a_root_file_outside_the_home_is_refused(tmp_path: Path) -> None:
    etc = outside(tmp_path) / "etc"
    target = put(etc / "passwd", PASSWD, 0o644)
    os.chown(target, 0, 0)
    link = continue_dir() / ".env"
    link.parent.mkdir()
    link.symlink_to(target)

    run = setup("continue")

    assert_refused(run, link, f"it is a link to {target}, outside your home")
    assert state(target) == (PASSWD, 0o644, 0, 0)
    assert listing(etc) == ["passwd"]
    assert not (continue_dir() / "config.yaml").exists()


@pytest.mark.parametrize(
    ("tool", "linked_dir"),
    [("continue", ".continue"), ("llm", ".config"), ("opencode", ".config/opencode")],
)
def test_a_directory_on_the_path_linked_out_of_the_home_is_refused(
    tmp_path: Path, tool: str, linked_dir: str
) -> None:
    away = outside(tmp_path) / "dir"
    away.mkdir()
    link = user_home() / linked_dir
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(away)
    first = tool_files(tool)[0]

    run = setup(tool)

    real = Path(os.path.realpath(first.parent)) / first.name
    assert_refused(run, first, f"it is a link to {real}, outside your home")
    assert list(away.rglob("*")) == []  # nothing created out there: no file, no directory
    assert link.is_symlink()


def test_a_link_to_the_users_own_file_in_the_home_is_written_through_and_kept() -> None:
    dotfiles = user_home() / "dotfiles"
    original = b"# my secrets\nOTHER=1\n"
    target = put(dotfiles / "continue.env", original, 0o600)
    link = continue_dir() / ".env"
    link.parent.mkdir()
    link.symlink_to(target)

    setup_ok("continue")

    assert link.is_symlink()
    assert link.readlink() == target
    assert load_dotenv(target) == {"OTHER": "1", "KILOCODE_API_KEY": VALID_KEY}
    assert mode_of(target) == 0o600

    setup_ok("continue", "--remove")

    assert link.is_symlink()
    assert link.readlink() == target
    assert state(target)[:2] == (original, 0o600)
    assert listing(dotfiles) == ["continue.env"]  # its .bak gone too


@pytest.mark.parametrize("kind", ["fifo", "directory"])
def test_a_link_to_a_fifo_or_a_directory_in_the_home_is_refused_without_waiting(
    kind: str,
) -> None:
    target = user_home() / "thing"
    if kind == "fifo":
        os.mkfifo(target)
    else:
        target.mkdir()
    aider_file().symlink_to(target)

    # A process of its own, bounded: a read of the FIFO would wait for a writer for ever.
    run = run_kilocli(
        "setup", "aider", env={"COLUMNS": "1000"}, process=True, timeout=PROCESS_TIMEOUT
    )

    assert_refused(run, aider_file(), f"it is a link to {target}, which is not a regular file")
    assert stat.S_ISFIFO(target.lstat().st_mode) if kind == "fifo" else target.is_dir()
    assert listing(user_home()) == [".aider.conf.yml", "thing"]


@pytest.mark.skipif(not IS_ROOT, reason="needs root to give a file to another user")
def test_a_link_to_a_file_of_another_user_in_the_home_is_refused() -> None:
    original = b"dark-mode: true\n"
    target = put(user_home() / "shared" / "aider.yml", original, 0o644)
    os.chown(target, NOBODY, NOBODY)
    aider_file().symlink_to(target)

    run = setup("aider")

    assert_refused(run, aider_file(), f"it is a link to {target}, which belongs to another user")
    assert state(target) == (original, 0o644, NOBODY, NOBODY)
    assert listing(target.parent) == ["aider.yml"]


def test_remove_refuses_a_file_that_became_a_link_out_of_the_home(tmp_path: Path) -> None:
    setup_ok("aider")
    target = put(outside(tmp_path) / "passwd", PASSWD, 0o644)
    aider_file().unlink()
    aider_file().symlink_to(target)

    run = setup("aider", "--remove")

    assert run.code == 1, run.output
    assert f"Error: {aider_file()}: it is a link to {target}, outside your home" in run.stderr
    assert state(target)[:2] == (PASSWD, 0o644)
    assert listing(outside(tmp_path)) == ["passwd"]


def test_a_hard_link_to_a_file_outside_the_home_is_never_written_through(tmp_path: Path) -> None:
    target = put(outside(tmp_path) / "passwd", PASSWD, 0o600)
    continue_dir().mkdir()
    os.link(target, continue_dir() / ".env")

    setup_ok("continue")

    assert state(target)[:2] == (PASSWD, 0o600)  # the home's name now has a file of its own
    assert read_key(continue_dir() / ".env") == VALID_KEY
    assert listing(outside(tmp_path)) == ["passwd"]


# --- 2. Modes and owners --------------------------------------------------------------------

USER_CONTENT = {
    ".aider.conf.yml": b"dark-mode: true\n",
    "opencode.json": b'{\n  "theme": "tokyonight"\n}\n',
    "config.toml": b'model = "o3"\n',
    "config.yaml": b"name: Mine\nversion: 1.0.0\nschema: v1\n",
    "extra-openai-models.yaml": b"- model_id: mine\n  model_name: llama3\n",
}
PLAIN_FILES = [
    ("aider", ".aider.conf.yml"),
    ("opencode", "opencode.json"),
    ("codex", "config.toml"),
    ("continue", "config.yaml"),
    ("llm", "extra-openai-models.yaml"),
]


@pytest.mark.parametrize(("tool", "name"), PLAIN_FILES)
def test_a_file_without_a_key_keeps_its_mode_through_setup_and_remove(tool: str, name: str) -> None:
    path = put(tool_file(tool, name), USER_CONTENT[name], 0o640)

    setup_ok(tool)

    assert path.read_bytes() != USER_CONTENT[name]
    assert mode_of(path) == 0o640
    assert mode_of(path.with_name(name + ".bak")) == 0o640  # its backup as private as it

    setup_ok(tool, "--remove")

    assert state(path)[:2] == (USER_CONTENT[name], 0o640)
    assert not path.with_name(name + ".bak").exists()


@pytest.mark.skipif(not IS_ROOT, reason="needs root to give a file to another user")
@pytest.mark.parametrize(("tool", "name"), [("aider", ".aider.conf.yml"), ("codex", "config.toml")])
def test_a_file_of_another_owner_keeps_its_owner_through_setup_and_remove(
    tool: str, name: str
) -> None:
    path = put(tool_file(tool, name), USER_CONTENT[name], 0o644)
    os.chown(path, NOBODY, NOBODY)

    setup_ok(tool)

    assert state(path)[1:] == (0o644, NOBODY, NOBODY)
    assert state(path.with_name(name + ".bak"))[2:] == (NOBODY, NOBODY)

    setup_ok(tool, "--remove")

    assert state(path) == (USER_CONTENT[name], 0o644, NOBODY, NOBODY)
    assert not path.with_name(name + ".bak").exists()


@pytest.mark.parametrize(("tool", "name"), [("llm", "keys.json"), ("continue", ".env")])
@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604])
def test_a_key_file_others_can_read_is_refused_with_the_chmod_that_fixes_it(
    tool: str, name: str, mode: int
) -> None:
    original = b'{\n  "openai": "sk-mine"\n}\n' if name == "keys.json" else b"OTHER=1\n"
    path = put(tool_file(tool, name), original, mode)
    before = tree(user_home())

    run = setup(tool)

    assert_refused(run, path, f"other users can read it (mode {mode:04o})")
    assert f"To let kilocli change it, run: chmod 600 '{path}'" in run.stderr
    assert state(path)[:2] == (original, mode)
    assert tree(user_home()) == before


@pytest.mark.skipif(not IS_ROOT, reason="needs root to give a file to another user")
@pytest.mark.parametrize(("tool", "name"), KEY_FILES)
def test_a_key_file_of_another_user_is_refused_with_the_chown_that_fixes_it(
    tool: str, name: str
) -> None:
    original = b'{\n  "openai": "sk-mine"\n}\n' if name == "keys.json" else b"OTHER=1\n"
    path = put(tool_file(tool, name), original, 0o600)
    os.chown(path, NOBODY, NOBODY)
    before = tree(user_home())

    run = setup(tool)

    assert_refused(run, path, f"it belongs to another user (uid {NOBODY})")
    assert f"To let kilocli change it, run: chown 0 '{path}'" in run.stderr
    assert state(path) == (original, 0o600, NOBODY, NOBODY)
    assert tree(user_home()) == before


# --- 3. What kilocli owns --------------------------------------------------------------------

KEY_NAME = {"keys.json": "kilocode", ".env": "KILOCODE_API_KEY"}


@pytest.mark.parametrize(("tool", "name"), KEY_FILES)
def test_the_users_own_key_stops_setup_naming_it_and_force(tool: str, name: str) -> None:
    path = put(tool_file(tool, name), USERS_KEY_FILES[name], 0o600)
    before = tree(user_home())

    run = setup(tool)

    assert_refused(run, path, f"it already has {KEY_NAME[name]} of your own")
    assert f"To let kilocli change it, run: kilocli setup {tool} --force" in run.stderr
    assert tree(user_home()) == before
    assert USER_SECRET not in run.output


def private_store_only(secret: str) -> None:
    """``secret`` is, of kilocli's files, only in its private store: 0600 files, 0700 dir."""
    store = kilocli_home() / "setup"
    holding = files_holding(kilocli_home(), secret)
    assert holding, "the user's key was not kept"
    assert all(p.parent == store for p in holding), holding
    assert mode_of(store) == 0o700
    assert all(mode_of(p) == 0o600 for p in store.iterdir())
    assert secret not in (kilocli_home() / "config.toml").read_text()


@pytest.mark.parametrize(("tool", "name"), KEY_FILES)
def test_force_replaces_the_users_key_and_remove_gives_it_back_byte_for_byte(
    tool: str, name: str
) -> None:
    path = put(tool_file(tool, name), USERS_KEY_FILES[name], 0o600)

    run = setup_ok(tool, "--force")

    assert USER_SECRET not in run.output
    assert read_key(path) == VALID_KEY
    assert mode_of(path) == 0o600
    private_store_only(USER_SECRET)

    run = setup_ok(tool, "--remove")

    assert USER_SECRET not in run.output
    assert state(path)[:2] == (USERS_KEY_FILES[name], 0o600)
    assert not path.with_name(name + ".bak").exists()
    assert files_holding(kilocli_home(), USER_SECRET) == []
    assert files_holding(user_home(), VALID_KEY) == []


def test_a_hand_written_llm_entry_with_the_same_model_id_is_a_conflict() -> None:
    models = llm_dir() / "extra-openai-models.yaml"
    original = (
        b"- model_id: kilocode/kilo-auto/balanced\n  model_name: my-own\n  api_base: http://x/v1\n"
    )
    put(models, original)
    before = tree(user_home())

    run = setup("llm")

    assert_refused(run, models, "it already has [model_id=kilocode/kilo-auto/balanced].model_name")
    assert "kilocli setup llm --force" in run.stderr
    assert tree(user_home()) == before


def test_the_users_identical_entry_and_key_are_adopted_and_left_by_remove() -> None:
    models = put(
        llm_dir() / "extra-openai-models.yaml",
        b"- model_id: kilocode/kilo-auto/balanced\n  model_name: kilo-auto/balanced\n"
        b"  api_base: https://api.kilo.ai/api/gateway\n  api_key_name: kilocode\n",
    )
    keys = put(llm_dir() / "keys.json", json.dumps({"kilocode": VALID_KEY}).encode(), 0o600)
    before = contents(user_home())
    users = (models.read_bytes(), keys.read_bytes())

    setup_ok("llm")  # llm's default model is set; the entry and the key were there already

    assert (models.read_bytes(), keys.read_bytes()) == users

    setup_ok("llm", "--remove")

    assert contents(user_home()) == before
    assert read_key(keys) == VALID_KEY
    assert load_yaml(models)[0]["model_id"] == "kilocode/kilo-auto/balanced"


def test_a_key_the_user_changed_after_setup_is_theirs_from_then_on() -> None:
    setup_ok("llm")
    keys = llm_dir() / "keys.json"
    changed = ('{"kilocode": "' + USER_SECRET + '"}\n').encode()
    keys.write_bytes(changed)

    run = setup("llm")

    assert_refused(run, keys, "it already has kilocode of your own")
    assert keys.read_bytes() == changed

    setup_ok("llm", "--remove")

    assert keys.read_bytes() == changed
    assert not (llm_dir() / "extra-openai-models.yaml").exists()


def test_the_users_identical_key_stays_theirs_when_kilocli_s_key_changes() -> None:
    keys = llm_dir() / "keys.json"
    original = ('{\n  "kilocode": "' + VALID_KEY + '"\n}\n').encode()
    put(keys, original, 0o600)
    setup_ok("llm")  # adopted: the same key was there
    other = {"KILOCODE_API_KEY": OTHER_VALID_KEY}

    run = setup("llm", env=other)

    assert_refused(run, keys, "it already has kilocode of your own")
    assert keys.read_bytes() == original

    setup_ok("llm", "--force", env=other)
    assert read_key(keys) == OTHER_VALID_KEY
    setup_ok("llm", "--remove")

    assert keys.read_bytes() == original
    assert listing(llm_dir()) == ["keys.json"]


def contents(root: Path) -> dict[str, bytes | None]:
    """Every path under ``root`` and its bytes (None for a directory)."""
    return {name: data for name, (data, _) in tree(root).items()}


def forget_setup_record() -> None:
    """Take kilocli's record of what it wrote out of its config (as an older config, or a
    hand edit, would have it)."""
    config = kilocli_home() / "config.toml"
    document = tomllib.loads(config.read_text())
    document.pop("setup")
    config.write_text(tomli_w.dumps(document))


@pytest.mark.parametrize("tool", ["aider", "llm", "continue", "opencode"])
def test_remove_without_kilocli_s_record_deletes_nothing(tool: str) -> None:
    setup_ok(tool)
    forget_setup_record()
    before = tree(user_home())

    run = setup_ok(tool, "--remove")

    assert f"{tool} has no kilocli entries for kilocode; nothing changed." in run.stdout
    assert tree(user_home()) == before


def test_remove_keeps_hand_written_entries_beside_kilocli_s() -> None:
    models = llm_dir() / "extra-openai-models.yaml"
    mine = b"- model_id: kilocode/my-tuned\n  model_name: my-tuned\n  api_key_name: kilocode\n"
    put(models, mine)
    setup_ok("llm")
    ids = [e["model_id"] for e in load_yaml(models)]
    assert ids == ["kilocode/my-tuned", "kilocode/kilo-auto/balanced"]

    setup_ok("llm", "--remove")

    assert models.read_bytes() == mine


def test_fields_the_user_adds_to_kilocli_s_entry_survive_remove() -> None:
    models = put(llm_dir() / "extra-openai-models.yaml", b"- model_id: mine\n  model_name: x\n")
    setup_ok("llm")
    models.write_bytes(models.read_bytes() + b"  vision: true\n")  # into kilocli's entry

    setup_ok("llm", "--remove")

    assert models.read_bytes() == (
        b"- model_id: mine\n  model_name: x\n"
        b"- model_id: kilocode/kilo-auto/balanced\n  vision: true\n"
    )
