"""``kilocli setup`` keeps the user's formatting, refuses what it cannot rewrite safely, and
``--remove`` gives the file back (SPEC §12, issue 16), end to end through the command line.

For each tool and each layout people write — 4-space YAML, quoting, compact JSON, CRLF, a
byte-order mark — ``setup`` keeps the layout and ``--remove`` gives every file back byte for
byte, the ``.bak`` kilocli wrote gone with it. Files kilocli cannot rewrite without loss
(duplicate keys, deep nesting, too large, not UTF-8, aliases that expand without end) are left
byte-identical, with the snippet to paste.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kilocli.storage import MAX_FILE_BYTES
from tests.conftest import run_kilocli
from tests.fakes import VALID_KEY
from tests.reliability.guest_helpers import (
    PROCESS_TIMEOUT,
    assert_refused,
    listing,
    put,
    tool_file,
)
from tests.tools.setup_helpers import (
    load_yaml,
    opencode_file,
    setup_ok,
    store_key,
    tree,
    user_home,
)

BOM = b"\xef\xbb\xbf"


@pytest.fixture(autouse=True)
def key_stored() -> None:
    """Every test here starts with ``VALID_KEY`` onboarded."""
    store_key()


# --- 5. The user's layout ---------------------------------------------------------------------

LLM_MODELS = (
    b"# my models\n"
    b"- model_id: mine\n"
    b"  model_name: 'gpt-4o'\n"
    b'  api_base: "http://localhost:11434/v1"\n'
)
LLM_MODELS_4 = (  # ruamel's indent(mapping=4, sequence=4, offset=0): "-   key"
    b"-   model_id: mine\n"
    b"    model_name: 'gpt-4o'\n"
    b'    api_base: "http://localhost:11434/v1"\n'
    b"    headers:\n"
    b"        X-Team: 'research'\n"
)
LLM_KEYS = b'{\n  "openai": "sk-mine"\n}\n'
CODEX = (
    b"# Codex, by hand\n"
    b"approval_policy = 'on-request'\n"
    b'sandbox_mode = "workspace-write"\n'
    b"\n"
    b"[mcp_servers.docs]\n"
    b'command = "npx"\n'
    b"args = ['-y', \"docs-mcp\"]\n"
)
OPENCODE = b'{\n  "$schema": "https://opencode.ai/config.json",\n  "theme": "tokyonight"\n}\n'
OPENCODE_4 = (
    b'{\n    "theme": "tokyonight",\n    "lsp": {\n        "x": {"disabled": true}\n    }\n}\n'
)
OPENCODE_ONE_LINE = b'{"theme":"tokyonight","provider":{"anthropic":{"options":{"timeout":1}}}}\n'
OPENCODE_COMPACT_NESTED = (
    b"{\n"
    b'  "theme": "tokyonight",\n'
    b'  "provider": {"anthropic": {"options": {"timeout": 600000}}},\n'
    b'  "lsp": {"x": {"disabled": true}, "y": {"command": ["y-ls"]}}\n'
    b"}\n"
)
AIDER = b"# aider\ndark-mode: 'yes'\nedit-format: \"diff\"\nread:\n  - CONVENTIONS.md\n"
AIDER_4 = (
    b"dark-mode: true\n"
    b"read:\n"
    b"    - 'CONVENTIONS.md'\n"
    b'    - "docs/style.md"\n'
    b"lint-cmd:\n"
    b"    python: ruff\n"
)
CONTINUE = (
    b"name: 'My Config'\n"
    b'version: "1.0.0"\n'
    b"schema: v1\n"
    b"models:\n"
    b"  - name: Claude\n"
    b"    provider: anthropic\n"
    b"    model: 'claude-sonnet-4-5'\n"
    b'    apiKey: "${{ secrets.ANTHROPIC_API_KEY }}"\n'
)
CONTINUE_4 = (
    b"name: My Config\n"
    b"version: 1.0.0\n"
    b"schema: v1\n"
    b"models:\n"
    b"    - name: Claude\n"
    b"      provider: anthropic\n"
    b"      model: 'claude-sonnet-4-5'\n"
    b"      roles:\n"
    b"          - chat\n"
)
CONTINUE_ENV = b"# my secrets\nANTHROPIC_API_KEY=sk-ant-mine\nexport OTHER='x y'\n"

# Each tool's files as the user wrote them, by name (codex's profile file is kilocli's own).
PLAIN = {
    "llm": {"extra-openai-models.yaml": LLM_MODELS, "keys.json": LLM_KEYS},
    "codex": {"config.toml": CODEX},
    "opencode": {"opencode.json": OPENCODE},
    "aider": {".aider.conf.yml": AIDER},
    "continue": {"config.yaml": CONTINUE, ".env": CONTINUE_ENV},
}


def crlf(data: bytes) -> bytes:
    return data.replace(b"\n", b"\r\n")


def every_line_crlf(data: bytes) -> bool:
    return data.endswith(b"\r\n") and data.count(b"\n") == data.count(b"\r\n")


def lines_kept(before: bytes, after: bytes) -> bool:
    """Every line of ``before`` is in ``after``, in order (kilocli only added lines; in JSON,
    the comma that then follows the line before its own)."""
    remaining = iter(after.splitlines())
    return all(
        any(line in (kept, kept.removesuffix(b",")) for kept in remaining)
        for line in before.splitlines()
    )


def indents(data: bytes) -> set[int]:
    return {len(line) - len(line.lstrip(b" ")) for line in data.splitlines() if line.strip()}


def same_indentation(before: bytes, after: bytes) -> bool:
    """The user's lines kept, and kilocli's own lines indented only as the file already is."""
    return lines_kept(before, after) and indents(after) <= indents(before)


def four_space_json(before: bytes, after: bytes) -> bool:
    """The user's lines kept, and every line indented by a multiple of 4."""
    return lines_kept(before, after) and all(i % 4 == 0 for i in indents(after))


Check = Callable[[bytes, bytes], bool]
# (tool, layout) → the user's files in that layout, and what must hold of each after setup.
LAYOUTS: dict[tuple[str, str], tuple[dict[str, bytes], Check]] = {}
for _tool, _files in PLAIN.items():
    LAYOUTS[_tool, "quoting and comments"] = (_files, lines_kept)
    LAYOUTS[_tool, "CRLF"] = (
        {name: crlf(data) for name, data in _files.items()},
        lambda _before, after: every_line_crlf(after),
    )
    LAYOUTS[_tool, "BOM"] = (
        {name: BOM + data for name, data in _files.items()},
        lambda _before, after: after.startswith(BOM) and after.count(BOM) == 1,
    )
    LAYOUTS[_tool, "BOM and CRLF"] = (
        {name: BOM + crlf(data) for name, data in _files.items()},
        lambda _before, after: after.startswith(BOM) and every_line_crlf(after[3:]),
    )
LAYOUTS["llm", "4-space YAML"] = ({"extra-openai-models.yaml": LLM_MODELS_4}, same_indentation)
LAYOUTS["aider", "4-space YAML"] = ({".aider.conf.yml": AIDER_4}, same_indentation)
LAYOUTS["continue", "4-space YAML"] = ({"config.yaml": CONTINUE_4}, same_indentation)
LAYOUTS["opencode", "4-space JSON"] = ({"opencode.json": OPENCODE_4}, four_space_json)
LAYOUTS["opencode", "one line"] = (
    {"opencode.json": OPENCODE_ONE_LINE},
    lambda before, after: (
        after.count(b"\n") == 1
        and after.startswith(before[:-3] + b',"kilocode":{"npm":"@ai-sdk/openai-compatible",')
    ),
)
LAYOUTS["opencode", "compact objects"] = (
    {"opencode.json": OPENCODE_COMPACT_NESTED},
    # kilocli's provider goes into the compact object on its line, in its style; its default
    # model is a line of its own after the last
    lambda before, after: (
        after.count(b"\n") == before.count(b"\n") + 1
        and lines_kept(b"\n".join(before.splitlines()[:2] + before.splitlines()[3:]), after)
        and after.splitlines()[2].startswith(before.splitlines()[2][:-2] + b', "kilocode": {"npm"')
        and after.splitlines()[4] == b'  "model": "kilocode/kilo-auto/balanced"'
    ),
)
LAYOUTS["aider", "document markers"] = (
    {".aider.conf.yml": b"# head\n---\ndark-mode: true\n...\n"},
    lines_kept,
)
LAYOUTS["aider", "comments only"] = ({".aider.conf.yml": b"# aider, some day\n"}, lines_kept)
LAYOUTS["llm", "comments only"] = ({"extra-openai-models.yaml": b"# none yet\n"}, lines_kept)
LAYOUTS["llm", "one-line keys.json"] = (
    {"keys.json": b'{"openai":"sk-mine"}'},
    lambda _before, after: (
        after.startswith(b'{"openai":"sk-mine","kilocode":"eyJ') and after.count(b"\n") == 0
    ),
)


def write_layout(tool: str, files: dict[str, bytes]) -> dict[Path, bytes]:
    written = {}
    for name, data in files.items():
        path = tool_file(tool, name)
        put(path, data, 0o600 if name in ("keys.json", ".env") else 0o644)
        written[path] = data
    return written


@pytest.mark.parametrize(("tool", "layout"), list(LAYOUTS))
def test_setup_keeps_the_layout_and_remove_gives_every_file_back(tool: str, layout: str) -> None:
    files, holds = LAYOUTS[tool, layout]
    written = write_layout(tool, files)
    listings = {path: listing(path.parent) for path in written}

    setup_ok(tool)

    for path, data in written.items():
        after = path.read_bytes()
        assert after != data, path  # kilocli's entry went into it
        assert holds(data, after), after.decode()

    setup_ok(tool, "--remove")

    for path, data in written.items():
        assert path.read_bytes() == data
        assert listing(path.parent) == listings[path]  # the .bak kilocli wrote is gone


@pytest.mark.parametrize("tool", list(PLAIN))
def test_the_users_own_bak_is_never_overwritten_or_removed(tool: str) -> None:
    written = write_layout(tool, PLAIN[tool])
    baks = {path.with_name(path.name + ".bak"): b"my own backup\n" for path in written}
    for bak, data in baks.items():
        put(bak, data, 0o600)

    setup_ok(tool)
    assert {bak: bak.read_bytes() for bak in baks} == baks
    setup_ok(tool, "--remove")

    assert {bak: bak.read_bytes() if bak.exists() else None for bak in baks} == baks
    assert {path: path.read_bytes() for path in written} == written


# --- 6. What kilocli will not rewrite ---------------------------------------------------------


def nested(opening: bytes, closing: bytes, depth: int) -> bytes:
    return opening * depth + b"1" + closing * depth


def block_yaml(depth: int) -> bytes:
    return b"".join(b"  " * i + b"k%d:\n" % i for i in range(depth)) + b"  " * depth + b"v\n"


LAUGHS = b'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n' + b"".join(
    b"%c: &%c [%s]\n" % (c, c, b", ".join([b"*%c" % (c - 1)] * 9)) for c in b"bcdefghi"
)
TOO_LARGE = b'theme: "' + b"x" * MAX_FILE_BYTES + b'"\n'

REFUSALS: dict[str, tuple[str, str, bytes, str]] = {
    # id: (tool, file name, bytes, the reason kilocli gives)
    "JSON key twice": (
        "opencode",
        "opencode.json",
        b'{"a":1,"a":2}',
        "it is not valid JSON (the key 'a' appears twice at line 1)",
    ),
    "keys.json key twice": (
        "llm",
        "keys.json",
        b'{\n  "openai": "sk-1",\n  "openai": "sk-2"\n}\n',
        "it is not valid JSON (the key 'openai' appears twice at line 3)",
    ),
    "YAML key twice": ("aider", ".aider.conf.yml", b"a: 1\na: 2\n", "it is not valid YAML"),
    "YAML key twice in a list item": (
        "continue",
        "config.yaml",
        b"models:\n  - name: a\n    name: b\n",
        "it is not valid YAML",
    ),
    "TOML key twice": ("codex", "config.toml", b"a = 1\na = 2\n", "it is not valid TOML"),
    "TOML table twice": (
        "codex",
        "config.toml",
        b"[t]\na = 1\n[t]\nb = 2\n",
        "it is not valid TOML",
    ),
    "JSON 200 deep": (
        "opencode",
        "opencode.json",
        b'{"a":' * 200 + b"1" + b"}" * 200,
        "it is not valid JSON (it is nested more than 64 levels deep",
    ),
    "YAML 200 deep, flow": (
        "aider",
        ".aider.conf.yml",
        b"a: " + nested(b"[", b"]", 200) + b"\n",
        "it is nested too deeply",
    ),
    "YAML 200 deep, block": (
        "continue",
        "config.yaml",
        block_yaml(200),
        "it is nested too deeply",
    ),
    "YAML 200 deep, in a list": (
        "llm",
        "extra-openai-models.yaml",
        b"- model_id: x\n  deep: " + nested(b"{a: ", b"}", 200) + b"\n",
        "it is nested too deeply",
    ),
    "too large, YAML": (
        "aider",
        ".aider.conf.yml",
        TOO_LARGE,
        f"it is larger than {MAX_FILE_BYTES // 2**20} MiB",
    ),
    "too large, JSON": (
        "opencode",
        "opencode.json",
        b'{"theme": "' + b"x" * MAX_FILE_BYTES + b'"}',
        f"it is larger than {MAX_FILE_BYTES // 2**20} MiB",
    ),
    "not UTF-8, YAML": ("aider", ".aider.conf.yml", b"a: caf\xe9\n", "it is not UTF-8 text"),
    "not UTF-8, TOML": ("codex", "config.toml", b'a = "caf\xe9"\n', "it is not UTF-8 text"),
    "not UTF-8, .env": ("continue", ".env", b"A=caf\xe9\n", "it is not UTF-8 text"),
    "billion laughs, aider": (
        "aider",
        ".aider.conf.yml",
        LAUGHS,
        "it holds more than 1,000,000 values, counting each alias",
    ),
    "billion laughs, Continue": (
        "continue",
        "config.yaml",
        LAUGHS + b"models: []\n",
        "it holds more than 1,000,000 values, counting each alias",
    ),
    "billion laughs under a key kilocli reads": (
        "aider",
        ".aider.conf.yml",
        LAUGHS + b"model: *h\n",
        "it holds more than 1,000,000 values, counting each alias",
    ),
}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_a_file_kilocli_cannot_rewrite_safely_is_left_byte_identical(case: str) -> None:
    tool, name, data, reason = REFUSALS[case]
    path = put(tool_file(tool, name), data, 0o600 if name in ("keys.json", ".env") else 0o644)
    before = tree(user_home())

    # A process of its own, bounded: a parser that never returns fails the test, not the run.
    run = run_kilocli("setup", tool, env={"COLUMNS": "1000"}, process=True, timeout=PROCESS_TIMEOUT)

    assert_refused(run, path, reason)
    assert tree(user_home()) == before
    assert VALID_KEY not in run.output


# --- 7. The user's edits between setup and --remove --------------------------------------------

EDITS: dict[str, tuple[str, bytes, Callable[[bytes], bytes], bytes]] = {
    # tool (and case): (file name, the user's file, their edit after setup, the file after
    # --remove)
    "aider, comments only": (
        ".aider.conf.yml",
        b"# aider settings, some day\n",
        lambda data: data + b"dark-mode: true\n",
        b"# aider settings, some day\ndark-mode: true\n",
    ),
    "aider, document markers": (
        ".aider.conf.yml",
        b"# head\n---\nmodel: gpt-4o\n...\n",
        lambda data: data.replace(b"\n...\n", b"\ndark-mode: true\n...\n"),
        b"# head\n---\nmodel: gpt-4o\ndark-mode: true\n...\n",
    ),
    "aider": (
        ".aider.conf.yml",
        b"# mine\nmodel: gpt-4o\ndark-mode: true\n",
        lambda data: data + b"auto-commits: false\n",
        b"# mine\nmodel: gpt-4o\ndark-mode: true\nauto-commits: false\n",
    ),
    "opencode": (
        "opencode.json",
        b'{\n  "theme": "tokyonight"\n}\n',
        lambda data: data.replace(b'"tokyonight"', b'"gruvbox"'),
        b'{\n  "theme": "gruvbox"\n}\n',
    ),
    "continue": (
        "config.yaml",
        b"name: Mine\nversion: 1.0.0\nschema: v1\nmodels:\n  - name: Claude\n    model: c\n",
        lambda data: data + b"context:\n  - provider: code\n",
        b"name: Mine\nversion: 1.0.0\nschema: v1\nmodels:\n  - name: Claude\n    model: c\n"
        b"context:\n  - provider: code\n",
    ),
    "llm": (
        "keys.json",
        b'{\n  "openai": "sk-mine"\n}\n',
        lambda data: data.replace(b"{\n", b'{\n  "work": "w-1",\n', 1),
        b'{\n  "work": "w-1",\n  "openai": "sk-mine"\n}\n',
    ),
    "codex": (
        "config.toml",
        b'model = "o3"\n\n[mcp_servers.docs]\ncommand = "npx"\n',
        lambda data: data.replace(b'"npx"', b'"bunx"'),
        b'model = "o3"\n\n[mcp_servers.docs]\ncommand = "bunx"\n',
    ),
}


@pytest.mark.parametrize("case", list(EDITS))
def test_remove_after_the_user_edited_the_file_takes_out_only_kilocli_s_values(
    case: str,
) -> None:
    tool = case.partition(",")[0]
    name, original, edit, expected = EDITS[case]
    path = put(tool_file(tool, name), original, 0o600 if name == "keys.json" else 0o644)
    setup_ok(tool)
    path.write_bytes(edit(path.read_bytes()))

    setup_ok(tool, "--remove")

    after = path.read_bytes()
    if tool == "codex":  # tomlkit leaves the blank line it put before kilocli's table
        after = after.rstrip(b"\n") + b"\n"
    assert after == expected
    assert listing(path.parent) == [name]
    assert VALID_KEY.encode() not in after


def test_continue_remove_keeps_a_value_the_user_changed_in_kilocli_s_entry() -> None:
    config = put(tool_file("continue", "config.yaml"), CONTINUE)
    setup_ok("continue")
    config.write_bytes(config.read_bytes().replace(b"Auto Balanced (Kilo Gateway)", b"My Kilo"))

    setup_ok("continue", "--remove")

    entries = load_yaml(config)["models"]
    assert [(e.get("model"), e.get("name")) for e in entries] == [
        ("kilo-auto/balanced", "My Kilo"),  # theirs now: it stays, with the fields it is chosen by
        ("claude-sonnet-4-5", "Claude"),
    ]


# --- 8. opencode.jsonc ------------------------------------------------------------------------

OPENCODE_JSONC = b'{\n  // my theme\n  "theme": "tokyonight", /* dark */\n}\n'


def test_opencode_edits_the_users_jsonc_file_and_writes_no_json_beside_it() -> None:
    jsonc = put(opencode_file().with_name("opencode.jsonc"), OPENCODE_JSONC)

    setup_ok("opencode")

    assert listing(jsonc.parent) == ["opencode.jsonc", "opencode.jsonc.bak"]
    text = jsonc.read_text()
    assert text.startswith('{\n  // my theme\n  "theme": "tokyonight", /* dark */\n')
    assert '"apiKey": "{env:KILOCODE_API_KEY}"' in text

    setup_ok("opencode", "--remove")

    assert jsonc.read_bytes() == OPENCODE_JSONC
    assert listing(jsonc.parent) == ["opencode.jsonc"]
