"""``kilocli doctor [--fix] [--json] [--offline]``: every problem reported with the command that
fixes it, and homes broken in ways nobody planned reported too, never a traceback.

A healthy home is written by hand from SPEC §2's example (0600 files in a 0700 directory), not
by kilocli, so that doctor is judged against the spec rather than against kilocli's own writer.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from kilocli.errors import ExitCode
from tests.cli.conftest import Kilo, write_file
from tests.conftest import Run
from tests.fakes import OTHER_VALID_KEY, REJECTED_KEY, RESPONSES, VALID_KEY, FakeGateway
from tests.helpers import preview_of

CONFIG = """\
[models]
mode = "merge"

[models.providers.kilocode]
baseUrl = "https://api.kilo.ai/api/gateway/"
api = "openai-completions"

[[models.providers.kilocode.models]]
id = "kilo-auto/balanced"
name = "Auto Balanced"
input = ["text", "image"]
reasoning = true
contextWindow = 1000000
maxTokens = 128000

[agents.defaults.model]
primary = "kilocode/kilo-auto/balanced"
fallbacks = []

[agents.defaults.models."kilocode/kilo-auto/balanced"]
alias = "Kilo Gateway"

[auth.profiles."kilocode:default"]
provider = "kilocode"
mode = "api_key"
"""
CHECKS = [
    "config",
    "auth store",
    "permissions",
    "key store",
    "key",
    "cache",
    "gateway",
    "default model",
]
EMAIL = RESPONSES["GET /api/profile 200"]["user"]["email"]


def store_text(key: str = VALID_KEY) -> str:
    return (
        'version = 1\n\n[profiles."kilocode:default"]\n'
        f'type = "api_key"\nprovider = "kilocode"\nkey = "{key}"\n'
    )


def healthy(home: Path, key: str = VALID_KEY) -> None:
    write_file(home / "config.toml", CONFIG)
    write_file(home / "auth-profiles.toml", store_text(key))


def doctor(kilo: Kilo, *args: str, env: dict[str, str] | None = None) -> tuple[Run, Any]:
    """``doctor --json``: the run, and its one JSON document."""
    run = kilo("doctor", "--json", *args, env=env)
    assert "Traceback" not in run.output, run.stderr
    return run, json.loads(run.stdout)


def finding(document: Any, check: str) -> dict[str, Any]:
    found = [f for f in document["findings"] if f["check"] == check]
    assert len(found) == 1, document["findings"]
    result: dict[str, Any] = found[0]
    return result


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# A healthy home ------------------------------------------------------------------------------


def test_a_healthy_home_has_no_problems(kilo: Kilo, home: Path, gateway: FakeGateway) -> None:
    healthy(home)

    run = kilo("doctor")

    assert run.code == ExitCode.OK, run.output
    assert run.stdout.splitlines()[-1] == "No problems found."
    assert run.stderr == ""
    assert gateway.paths_requested() == ["/api/profile"]


def test_the_json_document_has_one_entry_per_check(
    kilo: Kilo, home: Path, gateway: FakeGateway
) -> None:
    healthy(home)

    run, document = doctor(kilo)

    assert run.code == ExitCode.OK
    assert set(document) == {"ok", "findings", "probe", "expiresAt"}
    assert document["probe"] is None  # only with --probe
    assert document["expiresAt"] is None  # the test key carries no exp
    assert document["ok"] is True
    assert [f["check"] for f in document["findings"]] == CHECKS
    for entry in document["findings"]:
        assert set(entry) == {"check", "severity", "message", "fix", "fixed"}
        assert entry["severity"] in {"ok", "info", "warning", "error"}
        assert isinstance(entry["message"], str)
        assert entry["fix"] is None or isinstance(entry["fix"], str)
        assert entry["fixed"] is False
    assert finding(document, "config") == {
        "check": "config",
        "severity": "ok",
        "message": f"{home / 'config.toml'} is valid.",
        "fix": None,
        "fixed": False,
    }
    assert finding(document, "key")["message"] == (
        f"Kilo Gateway key {preview_of(VALID_KEY)} from profile: kilocode:default."
    )
    assert finding(document, "gateway")["severity"] == "ok"
    assert EMAIL in finding(document, "gateway")["message"]
    assert VALID_KEY not in run.output


# Files: missing, corrupt ---------------------------------------------------------------------


def test_missing_files_are_reported_with_onboard_and_auth_login(
    kilo: Kilo, home: Path, gateway: FakeGateway
) -> None:
    run, document = doctor(kilo)

    assert run.code == ExitCode.ERROR
    assert document["ok"] is False
    assert document["findings"] == [
        {
            "check": "config",
            "severity": "warning",
            "message": f"{home / 'config.toml'} does not exist yet.",
            "fix": "kilocli onboard",
            "fixed": False,
        },
        {
            "check": "auth store",
            "severity": "warning",
            "message": f"{home / 'auth-profiles.toml'} does not exist yet.",
            "fix": "kilocli onboard",
            "fixed": False,
        },
        {  # not "Files are 0600 …": there is no file yet to judge
            "check": "permissions",
            "severity": "info",
            "message": "Nothing to check yet: kilocli has written no file.",
            "fix": None,
            "fixed": False,
        },
        {
            "check": "key",
            "severity": "error",
            "message": "No Kilo Gateway key (the default model's provider).",
            "fix": "kilocli auth login kilocode",
            "fixed": False,
        },
    ]
    assert gateway.requests == []
    assert not home.exists()  # doctor only looks


def test_a_corrupt_config_is_named_with_its_line_and_left_alone(
    kilo: Kilo, home: Path, gateway: FakeGateway
) -> None:
    healthy(home)
    config = home / "config.toml"
    write_file(config, '[models]\nmode = "merge"\nthis line is not toml\n')
    before = config.read_bytes()

    run, document = doctor(kilo, "--fix")

    assert run.code == ExitCode.ERROR
    problem = finding(document, "config")
    assert problem["severity"] == "error"
    assert problem["message"].startswith(f"{config} is not valid TOML: ")
    assert "line 3" in problem["message"]
    assert f"mv '{config}' '{config}.broken'" in problem["fix"]
    checks = ["config", "auth store", "permissions", "key store"]
    assert [f["check"] for f in document["findings"]] == checks
    assert config.read_bytes() == before


def test_a_corrupt_auth_store_is_named_with_its_key_and_left_alone(
    kilo: Kilo, home: Path, gateway: FakeGateway
) -> None:
    healthy(home)
    store = home / "auth-profiles.toml"
    write_file(store, store_text().replace(f'"{VALID_KEY}"', "5"))
    before = store.read_bytes()

    run, document = doctor(kilo)

    assert run.code == ExitCode.ERROR
    problem = finding(document, "auth store")
    assert problem["severity"] == "error"
    assert problem["message"].startswith(f"{store} has 1 invalid value(s)")
    assert 'profiles."kilocode:default".key' in problem["message"]
    assert str(store) in problem["fix"]
    assert store.read_bytes() == before
    assert gateway.requests == []


# Permissions ---------------------------------------------------------------------------------


def test_loose_permissions_are_reported_with_chmod_and_fixed_by_fix(
    kilo: Kilo, home: Path, gateway: FakeGateway
) -> None:
    healthy(home)
    config, store = home / "config.toml", home / "auth-profiles.toml"
    config.chmod(0o644)
    store.chmod(0o644)
    home.chmod(0o755)

    run = kilo("doctor")

    assert run.code == ExitCode.ERROR
    fixes = [line.strip() for line in run.stdout.splitlines() if "chmod" in line]
    assert fixes == [
        f"fix: chmod 700 '{home}'  (or: kilocli doctor --fix)",
        f"fix: chmod 600 '{config}'  (or: kilocli doctor --fix)",
        f"fix: chmod 600 '{store}'  (or: kilocli doctor --fix)",
    ]
    _, document = doctor(kilo)
    loose = [f for f in document["findings"] if f["check"] == "permissions"]
    assert [(f["severity"], f["message"]) for f in loose] == [
        ("warning", f"{home} is 0755; others can read it (should be 0700)."),
        ("warning", f"{config} is 0644; others can read it (should be 0600)."),
        ("error", f"{store} is 0644; others can read it (should be 0600)."),
    ]
    assert (mode_of(home), mode_of(config), mode_of(store)) == (0o755, 0o644, 0o644)

    fixed_run, fixed = doctor(kilo, "--fix")

    assert fixed_run.code == ExitCode.OK
    assert fixed["ok"] is True
    assert [f["fixed"] for f in fixed["findings"] if f["check"] == "permissions"] == [True] * 3
    assert (mode_of(home), mode_of(config), mode_of(store)) == (0o700, 0o600, 0o600)
    again = kilo("doctor")
    assert again.code == ExitCode.OK
    assert "ok    permissions: Files are 0600 in a 0700 directory." in again.stdout.splitlines()


# The key ---------------------------------------------------------------------------------------


def test_no_key_for_the_default_models_provider_names_auth_login(
    kilo: Kilo, home: Path, gateway: FakeGateway
) -> None:
    healthy(home)
    write_file(
        home / "config.toml",
        CONFIG.replace('"kilocode/kilo-auto/balanced"\n', '"openrouter/auto"\n', 1),
    )

    run, document = doctor(kilo)

    assert run.code == ExitCode.ERROR
    assert finding(document, "key") == {
        "check": "key",
        "severity": "error",
        "message": "No OpenRouter key (the default model's provider).",
        "fix": "kilocli auth login openrouter",
        "fixed": False,
    }
    assert gateway.requests == []


def test_an_env_var_shadowing_a_stored_profile_is_information_not_a_failure(
    kilo: Kilo, home: Path, gateway: FakeGateway
) -> None:
    healthy(home)

    run, document = doctor(kilo, env={"KILOCODE_API_KEY": OTHER_VALID_KEY})

    assert run.code == ExitCode.OK
    assert finding(document, "key")["message"] == (
        f"Kilo Gateway key {preview_of(OTHER_VALID_KEY)} from env: KILOCODE_API_KEY."
    )
    shadowing = finding(document, "shadowing")
    assert shadowing["severity"] == "info"
    assert "KILOCODE_API_KEY" in shadowing["message"]
    assert shadowing["fix"] == "unset KILOCODE_API_KEY to use the stored profile"
    seen = {seen.headers.get("Authorization") for seen in gateway.requests}
    assert seen == {f"Bearer {OTHER_VALID_KEY}"}


# The gateway ---------------------------------------------------------------------------------


def test_a_rejected_key_fails_with_auth_login(kilo: Kilo, home: Path, gateway: FakeGateway) -> None:
    healthy(home, REJECTED_KEY)

    run, document = doctor(kilo)

    assert run.code == ExitCode.ERROR
    rejected = finding(document, "gateway")
    assert rejected["severity"] == "error"
    assert rejected["message"] == (
        f"Kilo Gateway rejected this key "
        f"(HTTP 401: {RESPONSES['GET /api/profile 401 (bad key)']['error']})"
    )
    assert rejected["fix"] == "kilocli auth login kilocode"


def test_an_unreachable_gateway_is_a_warning(
    kilo: Kilo, home: Path, gateway: FakeGateway, closed_port_url: str
) -> None:
    healthy(home)
    verify_url = closed_port_url.removesuffix("/api/gateway/") + "/api/profile"

    run, document = doctor(kilo, env={"KILOCODE_BASE_URL": closed_port_url})

    assert run.code == ExitCode.ERROR
    unreachable = finding(document, "gateway")
    assert unreachable["severity"] == "warning"
    assert unreachable["message"].startswith(
        f"Could not check the key: could not reach {verify_url} (ConnectError"
    )
    assert unreachable["fix"] == "check your network or proxy"


def test_an_unavailable_gateway_is_a_warning_with_its_status(
    kilo: Kilo, home: Path, gateway: FakeGateway
) -> None:
    healthy(home)
    gateway.fail("/api/profile", status=503, body=b'{"error": "Maintenance"}')

    run, document = doctor(kilo)

    assert run.code == ExitCode.ERROR
    assert finding(document, "gateway") == {
        "check": "gateway",
        "severity": "warning",
        "message": "Could not check the key: Kilo Gateway is unavailable (HTTP 503: Maintenance).",
        "fix": "Try again in a few minutes.",
        "fixed": False,
    }


def test_offline_makes_no_request(kilo: Kilo, home: Path, gateway: FakeGateway) -> None:
    healthy(home)

    run, document = doctor(kilo, "--offline")

    assert run.code == ExitCode.OK
    assert gateway.requests == []
    assert finding(document, "gateway")["severity"] == "info"
    assert "--offline" in finding(document, "gateway")["message"]


# The cache -----------------------------------------------------------------------------------


def test_the_cache_is_reported_with_its_size_and_age(
    kilo: Kilo, home: Path, gateway: FakeGateway
) -> None:
    healthy(home)
    assert kilo("models", "kilocode", "--plain").code == ExitCode.OK
    cache_file = home / "cache" / "models-kilocode.json"
    cache = json.loads(cache_file.read_bytes())
    cache["fetchedAt"] -= 3 * 3600 + 60
    cache_file.write_text(json.dumps(cache))

    _, document = doctor(kilo, "--offline")

    assert finding(document, "cache") == {
        "check": "cache",
        "severity": "ok",
        "message": f"{len(cache['models'])} cached Kilo Gateway models, 3 h old.",
        "fix": None,
        "fixed": False,
    }


def test_no_cache_yet_is_information(kilo: Kilo, home: Path, gateway: FakeGateway) -> None:
    healthy(home)

    _, document = doctor(kilo, "--offline")

    cache = finding(document, "cache")
    assert (cache["severity"], cache["fix"]) == ("info", "kilocli models kilocode")


# Homes broken in ways nobody planned ---------------------------------------------------------


def directory_as_config(home: Path) -> dict[str, str]:
    healthy(home)
    (home / "config.toml").unlink()
    (home / "config.toml").mkdir(mode=0o755)
    return {}


def symlinked_store(home: Path) -> dict[str, str]:
    healthy(home)
    store = home / "auth-profiles.toml"
    target = home / "elsewhere.toml"
    store.rename(target)
    target.chmod(0o644)  # the keys, readable by anyone, behind a link
    store.symlink_to(target.name)
    return {}


def model_as_a_string(home: Path) -> dict[str, str]:
    healthy(home)
    write_file(home / "config.toml", '[agents.defaults]\nmodel = "kilocode/kilo-auto/balanced"\n')
    return {}


def binary_config(home: Path) -> dict[str, str]:
    healthy(home)
    (home / "config.toml").write_bytes(bytes(range(256)) * 4)
    return {}


def binary_store(home: Path) -> dict[str, str]:
    healthy(home)
    (home / "auth-profiles.toml").write_bytes(b"\x00\xff\xfe version = 1 \x80\x81")
    return {}


def base_url_not_a_url(home: Path) -> dict[str, str]:
    healthy(home)
    write_file(home / "config.toml", CONFIG.replace("https://api.kilo.ai/api/gateway/", "ftp://x"))
    return {"KILOCODE_BASE_URL": ""}  # empty counts as unset: config's baseUrl is in effect


def env_base_url_not_a_url(home: Path) -> dict[str, str]:
    healthy(home)
    return {"KILOCODE_BASE_URL": "not a url"}


def home_is_a_file(home: Path) -> dict[str, str]:
    home.parent.mkdir(exist_ok=True)
    home.write_text("not a directory\n")
    home.chmod(0o644)
    return {"KILOCODE_API_KEY": VALID_KEY}


def store_from_the_future(home: Path) -> dict[str, str]:
    healthy(home)
    write_file(home / "auth-profiles.toml", store_text().replace("version = 1", "version = 99"))
    return {}


def env_key_with_a_space(home: Path) -> dict[str, str]:
    healthy(home)
    return {"KILOCODE_API_KEY": VALID_KEY[:20] + " " + VALID_KEY[20:]}


BROKEN_HOMES = {
    "a directory named config.toml": (directory_as_config, "config", "is a directory"),
    "an auth store that is a symlink": (symlinked_store, "auth store", "symbolic link"),
    "agents.defaults.model is a string": (model_as_a_string, "config", "agents.defaults.model"),
    "a binary config": (binary_config, "config", "not valid UTF-8"),
    "a binary auth store": (binary_store, "auth store", "not valid UTF-8"),
    "a baseUrl that is not a URL": (base_url_not_a_url, "gateway", "ftp://x"),
    "a KILOCODE_BASE_URL that is not a URL": (env_base_url_not_a_url, "gateway", "not a url"),
    "KILOCLI_HOME is a file": (home_is_a_file, "config", "Not a directory"),
    "an auth store from a newer kilocli": (store_from_the_future, "auth store", "newer kilocli"),
    "a key with a space in the environment": (env_key_with_a_space, "key", "whitespace"),
}


@pytest.mark.parametrize("fix", [False, True], ids=["report", "fix"])
@pytest.mark.parametrize(
    ("arrange", "check", "words"), BROKEN_HOMES.values(), ids=BROKEN_HOMES.keys()
)
def test_a_broken_home_is_reported_never_a_crash(
    kilo: Kilo, home: Path, gateway: FakeGateway, arrange: Any, check: str, words: str, fix: bool
) -> None:
    env = arrange(home)
    before = {str(p): (mode_of(p), p.is_dir()) for p in [home, *home.rglob("*")] if p.exists()}

    run, document = doctor(kilo, *(["--fix"] if fix else []), env=env)

    assert run.code == ExitCode.ERROR, run.output
    assert document["ok"] is False
    reported = [f for f in document["findings"] if f["check"] == check and f["severity"] != "ok"]
    assert any(words in f["message"] for f in reported), document["findings"]
    assert run.stderr == ""
    assert VALID_KEY not in run.output
    after = {str(p): (mode_of(p), p.is_dir()) for p in [home, *home.rglob("*")] if p.exists()}
    # --fix tightens files and the directory; it never turns a directory into a file's mode
    # (0600: no way in) or a file into a directory's (0700: executable).
    for path, (mode, is_dir) in after.items():
        if mode != before[path][0]:
            assert mode == (0o700 if is_dir else 0o600), (path, oct(mode))


def test_fix_does_not_lock_a_directory_named_config_toml(kilo: Kilo, home: Path) -> None:
    directory_as_config(home)

    doctor(kilo, "--fix", "--offline")

    assert os.access(home / "config.toml", os.X_OK)
    assert mode_of(home / "config.toml") == 0o755


def test_a_loose_store_behind_a_symlink_is_reported_not_called_private(
    kilo: Kilo, home: Path
) -> None:
    symlinked_store(home)
    target = home / "elsewhere.toml"

    run, document = doctor(kilo, "--fix", "--offline")

    assert run.code == ExitCode.ERROR
    loose = [f for f in document["findings"] if f["check"] == "permissions"]
    assert [(f["severity"], f["fixed"]) for f in loose] == [("error", False)]
    assert str(target) in loose[0]["message"]
    assert loose[0]["fix"].startswith(f"chmod 600 '{target}'")
    assert mode_of(target) == 0o644  # kilocli does not write through links
