"""A gateway that means harm, end to end through the real command line (SPEC §3, §6, §9).

Everything here runs against the fake gateway (``tests/fakes.py``) told to answer badly:

- text with terminal escape sequences, C0/C1 controls and bidi controls in model ids and
  names, in the profile's email and organisation names and in error messages never reaches
  the screen raw, while ``--json`` keeps the same text as data;
- token counts that are not positive whole numbers (``1e400``, ``NaN``, ``"131072"``, …) are
  "missing", never a crash;
- JSON nested 100,000 deep is a malformed answer, wherever it comes;
- an answer with more than 250,000 objects, or more than 50,000 rows, is refused without
  touching the cache;
- a gateway that echoes the key back JSON-escaped or in pieces gets only previews shown or
  cached;
- a base URL with a password, a bad port or host, or nothing at all is refused where it enters
  and never saved or printed; plain ``http://`` to another machine is warned about; no
  ``Authorization: Basic`` header is ever sent.
"""

from __future__ import annotations

import functools
import json
import os
import pty
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.cli import conftest as cli_conftest
from tests.cli.conftest import Kilo, file_state
from tests.conftest import Run
from tests.fakes import KILO_AUTO_IDS, REJECTED_KEY, VALID_KEY, FakeGateway

kilo = cli_conftest.kilo  # the command-line fixture of tests/cli, shared with this module

REPO = Path(__file__).resolve().parents[2]

# --- 1. Terminal injection ---------------------------------------------------------------------

EVIL = (
    "A\x1b[2J"  # clear the screen
    "B\x1b]0;title\x07"  # set the window title
    "C\x1b]8;;http://evil\x1b\\text\x1b]8;;\x1b\\"  # an OSC 8 hyperlink
    "D\u202e"  # RIGHT-TO-LEFT OVERRIDE
    "E\x9b31m"  # C1 CSI: red, in one 8-bit character
    "F\x07"  # BEL
    "G\r\x08\x7fH"  # carriage return, backspace, DEL
)
EVIL_ID = f"evil/{EVIL}"
EVIL_REF = f"kilocode/{EVIL_ID}"
EVIL_NAME = f"Name {EVIL}"
EVIL_EMAIL = f"person{EVIL}@example.com"
EVIL_ORG = f"Team {EVIL}"
EVIL_MESSAGE = f"Invalid token {EVIL}"

# What must never reach a terminal: C0 controls but tab and line feed, DEL and C1 controls,
# and the bidi controls (SPEC §9). ESC (\x1b) is a C0 control, so every escape sequence is
# caught by its first character.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def unsafe_characters(text: str) -> list[str]:
    return UNSAFE.findall(text)


def assert_terminal_safe(run: Run) -> None:
    for stream, text in (("stdout", run.stdout), ("stderr", run.stderr)):
        found = unsafe_characters(text)
        assert not found, f"{stream} holds {found!r}: {text!r}"


def test_the_unsafe_character_check_catches_every_part_of_the_evil_text() -> None:
    """The detector itself: each ingredient of EVIL is caught, plain text and \\n/\\t are not."""
    for piece in ("\x1b", "\x07", "\u202e", "\x9b", "\r", "\x08", "\x7f", "\x00"):
        assert unsafe_characters(f"a{piece}b") == [piece]
    assert unsafe_characters("Model\tName\nkilocode/x \u2026 caf\u00e9 \u4e2d") == []


def evil_models_body() -> bytes:
    return json.dumps(
        {
            "data": [
                {"id": EVIL_ID, "name": EVIL_NAME},
                {"id": "named/evil", "name": EVIL_NAME},
                {"id": "plain/model", "name": "Plain Model"},
            ]
        }
    ).encode()


def evil_profile() -> dict[str, Any]:
    return {
        "user": {"id": "u-1", "email": EVIL_EMAIL, "name": "Person"},
        "organizations": [{"id": "org-1", "name": EVIL_ORG, "role": "member"}],
        "hasPersonalAccount": True,
    }


def evil_error_body() -> bytes:
    return json.dumps({"error": EVIL_MESSAGE, "success": False}).encode()


@dataclass(frozen=True)
class Injection:
    """A command run against a gateway whose text is hostile, and what must still show."""

    args: tuple[str, ...]
    code: int | None  # None: not the point here (doctor's count of unrelated warnings)
    shown: tuple[str, ...]  # plain parts of the hostile text (or of kilocli's own) that show
    env: dict[str, str] = field(default_factory=dict)
    set_up: Callable[[FakeGateway], None] = lambda gateway: None


def _models(gateway: FakeGateway) -> None:
    gateway.models_body = evil_models_body()


def _profile(gateway: FakeGateway) -> None:
    gateway.profile = evil_profile()


def _rejecting(gateway: FakeGateway) -> None:
    gateway.fail("/api/profile", status=401, body=evil_error_body())


def _models_failing(gateway: FakeGateway) -> None:
    gateway.fail(
        "/api/gateway/models",
        status=500,
        body=json.dumps({"error": EVIL_MESSAGE, "message": EVIL}).encode(),
    )


WITH_KEY = {"KILOCODE_API_KEY": VALID_KEY}
BUILT_IN_REFS = [f"kilocode/{model_id}" for model_id in KILO_AUTO_IDS]
INJECTIONS = {
    # No terminal in the tests: the table is still what ``models kilocode`` prints to a pipe.
    "table": Injection(
        ("models", "kilocode"),
        0,
        ("Model", "kilocode/evil/A", "kilocode/plain/model"),
        {"COLUMNS": "120"},
        _models,
    ),
    "plain": Injection(
        ("models", "kilocode", "--plain"),
        0,
        ("kilocode/evil/A", "kilocode/plain/model"),
        {},
        _models,
    ),
    "models info": Injection(
        ("models", "info", "kilocode/named/evil"), 0, ("kilocode/named/evil", "Name A"), {}, _models
    ),
    # A ref typed with control characters is refused, and echoed made safe.
    "models info, hostile ref": Injection(
        ("models", "info", EVIL_REF), 2, ("is not a model ref", "kilocode/evil/A"), {}, _models
    ),
    "auth status --check": Injection(
        ("auth", "status", "--check"), 0, ("@example.com", "Team A"), WITH_KEY, _profile
    ),
    "auth status --check, rejected": Injection(
        ("auth", "status", "--check"), 3, ("Invalid token A",), WITH_KEY, _rejecting
    ),
    "auth login, rejected": Injection(
        ("auth", "login", "kilocode", "--key", REJECTED_KEY),
        3,
        ("Invalid token A",),
        {},
        _rejecting,
    ),
    "onboard": Injection(
        ("onboard", "--kilocode-api-key", VALID_KEY), 0, ("Verified", "@example.com"), {}, _profile
    ),
    "onboard, rejected": Injection(
        ("onboard", "--kilocode-api-key", REJECTED_KEY), 3, ("Invalid token A",), {}, _rejecting
    ),
    "models, failing": Injection(
        ("models", "kilocode"), 0, ("HTTP 500", "Invalid token A"), {}, _models_failing
    ),
    "doctor": Injection(("doctor",), None, ("@example.com",), WITH_KEY, _profile),
}


@pytest.mark.parametrize("case", list(INJECTIONS.values()), ids=list(INJECTIONS))
def test_hostile_text_never_reaches_the_terminal_raw(
    kilo: Kilo, gateway: FakeGateway, case: Injection
) -> None:
    case.set_up(gateway)
    run = kilo(*case.args, env=case.env)
    if case.code is not None:
        assert run.code == case.code, run.output
    assert "Unexpected error" not in run.output
    for part in case.shown:  # the text is shown, made safe, not dropped (nor the row lost)
        assert part in run.output, run.output
    assert_terminal_safe(run)


def test_hostile_model_text_stays_data_in_json(kilo: Kilo, gateway: FakeGateway) -> None:
    gateway.models_body = evil_models_body()
    run = kilo("models", "kilocode", "--json")
    assert run.code == 0, run.output
    models = {m["id"]: m for m in json.loads(run.stdout)["models"]}
    assert models[EVIL_ID]["name"] == EVIL_NAME
    assert models[EVIL_ID]["ref"] == EVIL_REF
    assert_terminal_safe(Run(0, "", run.stderr))


def test_hostile_model_text_stays_data_in_models_info_json(
    kilo: Kilo, gateway: FakeGateway
) -> None:
    gateway.models_body = evil_models_body()
    run = kilo("models", "info", "kilocode/named/evil", "--json")
    assert run.code == 0, run.output
    info = json.loads(run.stdout)
    assert (info["id"], info["name"]) == ("named/evil", EVIL_NAME)


def strings_in(document: Any) -> set[str]:
    """Every string value (and key) anywhere in a JSON document."""
    if isinstance(document, str):
        return {document}
    if isinstance(document, dict):
        return set(document) | {s for value in document.values() for s in strings_in(value)}
    if isinstance(document, list):
        return {s for item in document for s in strings_in(item)}
    return set()


def test_hostile_account_text_stays_data_in_auth_status_json(
    kilo: Kilo, gateway: FakeGateway
) -> None:
    """SPEC §9: "``--json`` keeps it as data" — the email and organisation name as sent."""
    gateway.profile = evil_profile()
    run = kilo("auth", "status", "--check", "--json", env=WITH_KEY)
    assert run.code == 0, run.output
    found = strings_in(json.loads(run.stdout))
    assert EVIL_EMAIL in found, sorted(s for s in found if "example.com" in s)
    assert EVIL_ORG in found, sorted(s for s in found if s.startswith("Team"))


def read_pty(args: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    """Run kilocli with stdout on a pseudo-terminal; its exit code, stdout and stderr."""
    leader, follower = pty.openpty()
    with subprocess.Popen(
        [sys.executable, "-m", "kilocli", *args],
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=subprocess.PIPE,
        env=env,
        cwd=REPO,
    ) as process:
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the process closed its end
                break
            if not chunk:
                break
            chunks.append(chunk)
        os.close(leader)
        assert process.stderr is not None
        stderr = process.stderr.read()
        code = process.wait(timeout=20)
    return code, b"".join(chunks).decode(), stderr.decode()


@pytest.mark.pty
def test_json_on_a_terminal_shows_control_and_bidi_characters_escaped(
    kilo: Kilo, gateway: FakeGateway, home: Path
) -> None:
    """SPEC §9: text from a gateway "reaches a terminal with its C0/C1 control characters,
    escape sequences and bidi controls removed or shown escaped; ``--json`` keeps it as data".
    On a terminal, JSON can do both at once: ``\\u202e`` and ``\\u009b`` are the same data once
    decoded, and inert on the screen."""
    gateway.models_body = evil_models_body()
    assert kilo("models", "kilocode").code == 0  # fills the cache
    env = {**os.environ, "KILOCODE_BASE_URL": gateway.base_url, "KILOCLI_HOME": str(home)}
    code, stdout, stderr = read_pty(["models", "kilocode", "--offline", "--json"], env)
    assert code == 0, stderr
    text = stdout.replace("\r\n", "\n")  # the terminal's line discipline adds the CRs
    models = {m["id"]: m for m in json.loads(text)["models"]}
    assert models[EVIL_ID]["name"] == EVIL_NAME  # still the same data
    assert unsafe_characters(text) == [], repr(text[text.find("evil") - 20 :][:200])


# --- 2. Numbers that are not numbers -----------------------------------------------------------

# Raw JSON text: json.dumps cannot write 1e400, and Python reads it (and 1e999) as infinity.
NOT_TOKEN_COUNTS = (
    "1e400",
    "1e999",
    "-1e400",
    "NaN",
    "Infinity",
    "4096.5",
    "0",
    "-5",
    '"131072"',
    "true",
    "null",
    "[4096]",
    '{"n": 4096}',
)
# What kilocli/catalog/parse.py makes of a missing count: unknown (SPEC §6), null in --json.
# (Until 7964a1c it was a default of 1,000,000 / 128,000; the tests compare with a row that
# has no count at all as well, so "treated as missing" is checked whatever missing becomes.)
MISSING = None


@functools.cache
def odd_numbers_body() -> bytes:
    rows = [
        '{"id": "control/given", "context_length": 4096, '
        '"top_provider": {"max_completion_tokens": 2048}}',
        '{"id": "control/whole-float", "context_length": 4096.0}',
        '{"id": "control/missing"}',
    ]
    for i, raw in enumerate(NOT_TOKEN_COUNTS):
        rows.append(
            f'{{"id": "odd/{i}", "context_length": {raw}, '
            f'"top_provider": {{"max_completion_tokens": {raw}}}}}'
        )
        # A bad top_provider figure is missing, so the row's own context_length is next.
        rows.append(
            f'{{"id": "next/{i}", "top_provider": {{"context_length": {raw}}}, '
            f'"context_length": 8192}}'
        )
    body = ('{"data": [' + ", ".join(rows) + "]}").encode()
    assert b'"context_length": 1e400' in body
    return body


def expected_limits() -> dict[str, tuple[int, int]]:
    expected = {
        "control/given": (4096, 2048),
        "control/whole-float": (4096, MISSING),
        "control/missing": (MISSING, MISSING),
    }
    for i in range(len(NOT_TOKEN_COUNTS)):
        expected[f"odd/{i}"] = (MISSING, MISSING)
        expected[f"next/{i}"] = (8192, MISSING)
    return expected


def test_token_counts_that_are_not_numbers_are_missing_in_the_listing(
    kilo: Kilo, gateway: FakeGateway
) -> None:
    gateway.models_body = odd_numbers_body()
    run = kilo("models", "kilocode", "--json")
    assert run.code == 0, run.output
    assert "Unexpected error" not in run.output
    document = json.loads(run.stdout)
    assert document["source"] == "gateway", document["warnings"]
    limits = {m["id"]: (m["contextWindow"], m["maxTokens"]) for m in document["models"]}
    assert {k: limits.get(k) for k in expected_limits()} == expected_limits()
    for i in range(len(NOT_TOKEN_COUNTS)):  # exactly as a row that gives no count at all
        assert limits[f"odd/{i}"] == limits["control/missing"]
    table = kilo("models", "kilocode", "--offline")  # and the table of the cached list
    assert table.code == 0, table.output
    assert "Unexpected error" not in table.output


@pytest.mark.parametrize("index", range(len(NOT_TOKEN_COUNTS)), ids=NOT_TOKEN_COUNTS)
def test_models_set_and_info_take_a_model_whose_counts_are_not_numbers(
    kilo: Kilo, gateway: FakeGateway, home: Path, index: int
) -> None:
    gateway.models_body = odd_numbers_body()
    ref = f"kilocode/odd/{index}"
    run = kilo("models", "set", ref)  # a fresh home: the catalog comes from the gateway
    assert run.code == 0, run.output
    assert run.stdout == f"Default model set to {ref}\n"
    assert run.stderr == ""  # no "not in the catalog" warning: the row was kept
    assert "/api/gateway/models" in gateway.paths_requested()

    info = kilo("models", "info", ref, "--json", "--refresh")
    assert info.code == 0, info.output
    document = json.loads(info.stdout)
    assert (document["contextWindow"], document["maxTokens"]) == (MISSING, MISSING)
    missing = kilo("models", "info", "kilocode/control/missing", "--offline")
    odd = kilo("models", "info", ref, "--offline")
    assert odd.code == 0, odd.output
    assert missing.code == 0, missing.output

    def limits(run: Run) -> list[str]:
        return [line for line in run.stdout.splitlines() if line.startswith(("Context", "Max"))]

    assert len(limits(odd)) == 2, odd.stdout
    assert limits(odd) == limits(missing)  # shown as a row that gives no counts at all
    text = kilo("models", "info", f"kilocode/next/{index}", "--offline")
    assert text.code == 0, text.output
    assert "Context     8,192 tokens\n" in text.stdout


# --- 3. Deeply nested JSON ---------------------------------------------------------------------

DEEP = b"[" * 100_000 + b"]" * 100_000
DEEP_IN_DATA = b'{"data": [' + DEEP + b"]}"
DEEP_BODIES = pytest.mark.parametrize("body", [DEEP, DEEP_IN_DATA], ids=["bare", "in data"])


def assert_no_crash(run: Run) -> None:
    for text in ("Traceback", "RecursionError", "Unexpected error", "maximum recursion"):
        assert text not in run.output, run.output


@DEEP_BODIES
def test_a_deeply_nested_model_list_is_a_failed_discovery(
    kilo: Kilo, gateway: FakeGateway, home: Path, body: bytes
) -> None:
    gateway.models_body = body
    run = kilo("models", "kilocode")
    assert_no_crash(run)
    assert run.code == 0, run.output
    assert [line.split()[0] for line in run.stdout.splitlines()[1:]] == BUILT_IN_REFS
    assert "nested too deeply" in run.stderr
    assert "built-in catalog" in run.stderr
    assert not (home / "cache" / "models-kilocode.json").exists()


@DEEP_BODIES
def test_a_deeply_nested_profile_leaves_the_key_unverified(
    kilo: Kilo, gateway: FakeGateway, home: Path, body: bytes
) -> None:
    gateway.profile = body  # type: ignore[assignment]  # bytes are sent as they are
    login = kilo("auth", "login", "kilocode", "--key", VALID_KEY)
    assert_no_crash(login)
    assert login.code == 0, login.output
    assert "Could not verify" in login.stderr
    assert "nested too deeply" in login.stderr
    assert f'key = "{VALID_KEY}"' in (home / "auth-profiles.toml").read_text()

    status = kilo("auth", "status", "kilocode", "--check")
    assert_no_crash(status)
    assert status.code == 4, status.output
    assert "nested too deeply" in status.output

    doctor = kilo("doctor")
    assert_no_crash(doctor)
    assert doctor.code == 1, doctor.output
    gateway_lines = [line for line in doctor.stdout.splitlines() if " gateway: " in line]
    assert len(gateway_lines) == 1, doctor.stdout
    assert "nested too deeply" in gateway_lines[0]


@DEEP_BODIES
def test_a_deeply_nested_balance_is_no_balance(
    kilo: Kilo, gateway: FakeGateway, body: bytes
) -> None:
    gateway.balance = body  # type: ignore[assignment]
    run = kilo("auth", "status", "kilocode", "--check", env=WITH_KEY)
    assert_no_crash(run)
    assert run.code == 0, run.output
    assert "person@example.com" in run.stdout
    assert "$12.34" not in run.stdout


@DEEP_BODIES
def test_a_deeply_nested_error_body_is_still_read_as_its_status(
    kilo: Kilo, gateway: FakeGateway, home: Path, body: bytes
) -> None:
    gateway.fail("/api/profile", status=401, body=body)
    status = kilo("auth", "status", "kilocode", "--check", env=WITH_KEY)
    assert_no_crash(status)
    assert status.code == 3, status.output
    assert "rejected this key (HTTP 401)" in status.stdout

    login = kilo("auth", "login", "kilocode", "--key", VALID_KEY)
    assert_no_crash(login)
    assert login.code == 3, login.output
    assert not (home / "auth-profiles.toml").exists()

    doctor = kilo("doctor", env=WITH_KEY)
    assert_no_crash(doctor)
    assert "rejected this key (HTTP 401)" in doctor.stdout

    gateway.fail("/api/gateway/models", status=500, body=body)
    models = kilo("models", "kilocode")
    assert_no_crash(models)
    assert models.code == 0, models.output
    assert "HTTP 500" in models.stderr
    assert "built-in catalog" in models.stderr


# --- 4. Bounded work ---------------------------------------------------------------------------


@functools.cache
def rows_body(count: int) -> bytes:
    """``{"data": [{"id": "m0"}, {"id": "m1"}, …]}``, built as bytes."""
    return b'{"data": [' + b",".join(b'{"id": "m%d"}' % i for i in range(count)) + b"]}"


TOO_MUCH = pytest.mark.parametrize(
    ("count", "reason"),
    [(300_000, "more than 250,000 objects"), (60_000, "more than 50,000 rows")],
    ids=["300,000 objects", "60,000 rows"],
)


@TOO_MUCH
def test_an_answer_too_big_to_be_a_catalog_keeps_the_cache(
    kilo: Kilo, gateway: FakeGateway, home: Path, count: int, reason: str
) -> None:
    first = kilo("models", "kilocode", "--json")
    assert first.code == 0, first.output
    cache = home / "cache" / "models-kilocode.json"
    before = file_state(cache.parent)
    assert before, "the first listing should have cached the catalog"

    gateway.models_body = rows_body(count)
    run = kilo("models", "kilocode", "--refresh", "--json")
    assert run.code == 0, run.output
    assert "Unexpected error" not in run.output
    document = json.loads(run.stdout)
    assert document["source"] == "cache"
    assert [w for w in document["warnings"] if reason in w], document["warnings"]
    assert reason in run.stderr
    assert document["models"] == json.loads(first.stdout)["models"]
    assert file_state(cache.parent) == before


@TOO_MUCH
def test_an_answer_too_big_to_be_a_catalog_is_not_cached(
    kilo: Kilo, gateway: FakeGateway, home: Path, count: int, reason: str
) -> None:
    gateway.models_body = rows_body(count)
    run = kilo("models", "kilocode")
    assert run.code == 0, run.output
    assert f"sent an answer with {reason}" in run.stderr
    assert "built-in catalog" in run.stderr
    assert [line.split()[0] for line in run.stdout.splitlines()[1:]] == BUILT_IN_REFS
    assert not (home / "cache" / "models-kilocode.json").exists()


def test_the_object_limit_leaves_a_large_real_catalog_alone(
    kilo: Kilo, gateway: FakeGateway
) -> None:
    """The other side of the limits: 20,000 rows (below both) are listed."""
    gateway.models_body = rows_body(20_000)
    run = kilo("models", "kilocode", "--json")
    assert run.code == 0, run.output
    document = json.loads(run.stdout)
    assert document["source"] == "gateway"
    assert len(document["models"]) == 20_005  # with the five built-in kilo-auto models


# --- 5. The key, echoed in disguise ------------------------------------------------------------

HEADER, PAYLOAD, SIGNATURE = VALID_KEY.split(".")
KEY_FORMS = {
    "the key": VALID_KEY,
    "its signature": SIGNATURE,
    "its payload": PAYLOAD,
    "the key without eyJ": VALID_KEY[3:],
}


def json_escaped(text: str, count: int) -> str:
    """``text`` with its first ``count`` characters written as JSON ``\\uXXXX`` escapes."""
    return "".join(f"\\u{ord(c):04x}" for c in text[:count]) + text[count:]


def echoing_models_body() -> bytes:
    rows = [
        f'{{"id": "echo/escaped", "name": "echo {json_escaped(VALID_KEY, 1)}"}}',
        f'{{"id": "echo/all-escaped", "name": "{json_escaped(VALID_KEY, len(VALID_KEY))}"}}',
        f'{{"id": "echo/signature", "name": "sig {SIGNATURE}"}}',
        f'{{"id": "echo/payload", "name": "payload {PAYLOAD}!"}}',
        f'{{"id": "echo/{VALID_KEY[3:]}", "name": "tail"}}',
        f'{{"id": "echo2/{json_escaped(VALID_KEY, 3)}", "name": "escaped id"}}',
        '{"id": "plain/model", "name": "Plain"}',
    ]
    body = ('{"data": [' + ", ".join(rows) + "]}").encode()
    assert VALID_KEY.encode() not in body.replace(VALID_KEY[3:].encode(), b"")  # disguised
    assert json.loads(body)["data"][1]["name"] == VALID_KEY  # yet the key, once decoded
    return body


def leaked_forms(text: str) -> list[str]:
    return [name for name, form in KEY_FORMS.items() if form in text]


def test_a_key_echoed_in_disguise_is_never_shown_or_cached(
    kilo: Kilo, gateway: FakeGateway, home: Path
) -> None:
    stored = kilo("auth", "login", "kilocode", "--key", VALID_KEY, "--no-verify")
    assert stored.code == 0, stored.output
    gateway.models_body = echoing_models_body()
    runs = {
        "table": kilo("models", "kilocode", env=WITH_KEY),
        "json": kilo("models", "kilocode", "--json", env=WITH_KEY),
        "plain": kilo("models", "kilocode", "--plain", env=WITH_KEY),
        "info": kilo("models", "info", "kilocode/echo/signature", "--json", env=WITH_KEY),
        "status": kilo("models", "status", env=WITH_KEY),
    }
    listed = {m["id"]: m for m in json.loads(runs["json"].stdout)["models"]}
    assert {"echo/escaped", "echo/all-escaped", "echo/signature", "plain/model"} <= set(listed)
    assert len(listed) == 12, sorted(listed)  # the five kilo-auto models + 7 rows, none lost

    # Error bodies that repeat only the signature.
    gateway.fail(
        "/api/profile",
        status=401,
        body=json.dumps({"error": f"Invalid token ({SIGNATURE})", "success": False}).encode(),
    )
    runs["status --check"] = kilo("auth", "status", "kilocode", "--check", env=WITH_KEY)
    runs["status --check --json"] = kilo(
        "auth", "status", "kilocode", "--check", "--json", env=WITH_KEY
    )
    runs["doctor"] = kilo("doctor", env=WITH_KEY)
    runs["login"] = kilo("auth", "login", "kilocode", "--key", VALID_KEY)
    gateway.fail(
        "/api/gateway/models",
        status=401,
        body=json.dumps({"error": {"code": "INVALID_TOKEN", "message": SIGNATURE}}).encode(),
    )
    runs["refresh"] = kilo("models", "kilocode", "--refresh", env=WITH_KEY)
    assert runs["status --check"].code == 3, runs["status --check"].output
    assert runs["login"].code == 3, runs["login"].output
    assert "Invalid token (" in runs["status --check"].stdout  # the message is shown...
    for name, run in runs.items():
        assert leaked_forms(run.stdout) == [], (name, run.stdout)  # ...without the key
        assert leaked_forms(run.stderr) == [], (name, run.stderr)

    cache = home / "cache" / "models-kilocode.json"
    assert cache.is_file()
    for path in sorted(p for p in home.rglob("*") if p.is_file()):
        if path.name in {"auth-profiles.toml", "auth-profiles.toml.bak"}:
            continue
        data = path.read_bytes()
        assert leaked_forms(data.decode("utf-8", "replace")) == [], path
        if path.suffix == ".json":  # and not JSON-escaped either
            assert leaked_forms(" ".join(strings_in(json.loads(data)))) == [], path


# --- 6. Base URLs ------------------------------------------------------------------------------

PASSWORD = "hunter2-pw-9f3"


def userinfo_urls(gateway: FakeGateway) -> list[str]:
    host = gateway.origin.removeprefix("http://")
    return [
        f"http://user:{PASSWORD}@{host}/api/gateway/",
        f"http://:{PASSWORD}@{host}/api/gateway/",
        f"HTTP://user:{PASSWORD}@{host}/api/gateway/",
        f"http://user%40corp:{PASSWORD}@{host}/api/gateway/",
    ]


def test_a_base_url_with_a_password_is_refused_and_never_shown(
    kilo: Kilo, gateway: FakeGateway, home: Path
) -> None:
    for url in userinfo_urls(gateway):
        for extra in ((), ("--json",)):
            run = kilo(
                "onboard",
                "--kilocode-api-key",
                VALID_KEY,
                "--base-url",
                url,
                *extra,
                base_urls=False,
            )
            assert run.code == 2, (url, run.output)
            assert PASSWORD not in run.output, run.output
            assert "--base-url" in run.stderr, run.stderr
            assert "user name or password" in run.stderr, run.stderr
            assert file_state(home) == {}, url
    assert gateway.requests == []


BAD_URLS = [
    "http://127.0.0.1:abc/api/gateway/",
    "http://127.0.0.1:99999/api/gateway/",
    "http://[::1",
    "http://[zz]/",
    "http://a..b/",
    "",
    "   ",
    "http://",
    "ftp://example.com/api/gateway/",
    "api.kilo.ai/api/gateway/",
    "http://exa mple.com/",
]


@pytest.mark.parametrize("url", BAD_URLS)
def test_a_bad_base_url_flag_is_a_usage_error_naming_the_flag(
    kilo: Kilo, gateway: FakeGateway, home: Path, url: str
) -> None:
    run = kilo(
        "onboard",
        "--kilocode-api-key",
        VALID_KEY,
        "--no-verify",
        "--base-url",
        url,
        base_urls=False,
    )
    assert run.code == 2, run.output
    assert "--base-url" in run.stderr, run.stderr
    assert "Unexpected error" not in run.output
    assert file_state(home) == {}
    assert not home.exists()


@pytest.mark.parametrize(
    "args",
    [("models", "status"), ("models", "kilocode"), ("auth", "status", "--check")],
    ids=" ".join,
)
def test_a_base_url_with_a_password_in_the_environment_is_refused(
    kilo: Kilo, gateway: FakeGateway, home: Path, args: tuple[str, ...]
) -> None:
    url = userinfo_urls(gateway)[0]
    run = kilo(*args, env={"KILOCODE_BASE_URL": url, **WITH_KEY})
    assert run.code == 2, run.output
    assert "KILOCODE_BASE_URL" in run.stderr, run.stderr
    assert PASSWORD not in run.output
    assert gateway.requests == []
    assert not (home / "cache").exists()


def write_config_with_password(home: Path, gateway: FakeGateway) -> Path:
    config = home / "config.toml"
    cli_conftest.write_file(
        config, f'[models.providers.kilocode]\nbaseUrl = "{userinfo_urls(gateway)[0]}"\n'
    )
    return config


CONFIG_URL_COMMANDS = {
    "models status": ("models", "status"),
    "models kilocode": ("models", "kilocode"),
    "models info": ("models", "info", "kilocode/kilo-auto/balanced"),
    "auth status --check": ("auth", "status", "--check"),
    "auth login": ("auth", "login", "kilocode", "--key", VALID_KEY),
    "onboard": ("onboard", "--kilocode-api-key", VALID_KEY),
    "onboard --no-verify --json": (
        "onboard",
        "--kilocode-api-key",
        VALID_KEY,
        "--no-verify",
        "--json",
    ),
    "doctor": ("doctor",),
}


@pytest.mark.parametrize("args", list(CONFIG_URL_COMMANDS.values()), ids=list(CONFIG_URL_COMMANDS))
def test_a_base_url_with_a_password_in_the_config_is_an_error_never_shown(
    kilo: Kilo, gateway: FakeGateway, home: Path, args: tuple[str, ...]
) -> None:
    write_config_with_password(home, gateway)
    before = file_state(home)
    run = kilo(*args, env=WITH_KEY, base_urls=False)
    assert run.code in {1, 2}, run.output
    assert PASSWORD not in run.output, run.output
    assert "models.providers.kilocode.baseUrl" in run.output, run.output
    assert "Unexpected error" not in run.output
    assert file_state(home) == before
    assert gateway.requests == []


def test_config_show_does_not_print_a_base_url_password(
    kilo: Kilo, gateway: FakeGateway, home: Path
) -> None:
    """The brief's "never printed", applied to ``config show`` too (a judgement call: SPEC §4
    only asks it to preview key-like values)."""
    write_config_with_password(home, gateway)
    for extra in ((), ("--json",)):
        run = kilo("config", "show", *extra, base_urls=False)
        assert PASSWORD not in run.output, run.output


def test_plain_http_to_another_machine_is_warned_about(kilo: Kilo, home: Path) -> None:
    url = "http://example.invalid/api/gateway/"
    run = kilo(
        "onboard",
        "--kilocode-api-key",
        VALID_KEY,
        "--no-verify",
        "--base-url",
        url,
        base_urls=False,
    )
    assert run.code == 0, run.output
    warnings = [line for line in run.stderr.splitlines() if "not encrypted" in line]
    assert len(warnings) == 1, run.stderr
    assert url in warnings[0]
    assert "not encrypted" not in run.stdout

    again = kilo("models", "status", base_urls=False)  # the saved URL warns again
    assert again.code == 0, again.output
    assert "not encrypted" in again.stderr


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]", "127.1.2.3"])
def test_plain_http_to_this_machine_is_not_warned_about(
    kilo: Kilo, gateway: FakeGateway, host: str
) -> None:
    port = gateway.origin.rsplit(":", 1)[1]
    url = f"http://{host}:{port}/api/gateway/"
    run = kilo(
        "onboard",
        "--kilocode-api-key",
        VALID_KEY,
        "--no-verify",
        "--base-url",
        url,
        base_urls=False,
    )
    assert run.code == 0, run.output
    assert "not encrypted" not in run.output
    assert "Onboarding complete" in run.stdout


def test_https_to_another_machine_is_not_warned_about(kilo: Kilo) -> None:
    run = kilo(
        "onboard",
        "--kilocode-api-key",
        VALID_KEY,
        "--no-verify",
        "--base-url",
        "https://example.invalid/api/gateway/",
        base_urls=False,
    )
    assert run.code == 0, run.output
    assert "not encrypted" not in run.output


def test_no_basic_authorization_is_ever_sent(kilo: Kilo, gateway: FakeGateway, home: Path) -> None:
    """Userinfo in a base URL would make httpx send it as ``Authorization: Basic`` in place of
    the key; from every place a base URL enters, no request leaves at all."""
    for url in userinfo_urls(gateway):
        kilo("onboard", "--kilocode-api-key", VALID_KEY, "--base-url", url, base_urls=False)
        for args in (
            ("models", "kilocode", "--refresh"),
            ("auth", "status", "--check"),
            ("auth", "login", "kilocode", "--key", VALID_KEY),
            ("doctor",),
        ):
            kilo(*args, env={"KILOCODE_BASE_URL": url, **WITH_KEY})
    write_config_with_password(home, gateway)
    for args in (("models", "kilocode", "--refresh"), ("auth", "status", "--check")):
        kilo(*args, env=WITH_KEY, base_urls=False)
    authorizations = [
        value
        for seen in gateway.requests
        for name, value in seen.headers.items()
        if name.lower() == "authorization"
    ]
    assert not [a for a in authorizations if a.lower().startswith("basic")], authorizations
    assert gateway.requests == []

    # The recorder works: a clean URL does reach the gateway, with the key as a Bearer token.
    kilo("auth", "status", "--check", env=WITH_KEY)
    sent = [
        value
        for seen in gateway.requests
        for name, value in seen.headers.items()
        if name.lower() == "authorization"
    ]
    assert f"Bearer {VALID_KEY}" in sent
