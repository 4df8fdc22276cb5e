"""Unknown keys and tables, at every level of both files, survive every rewrite (SPEC §1, §2).

The files are read into pydantic models that allow extra keys; the rewrite is the pure merge
over the document as read inside the lock. Each command below rewrites both files.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_kilocli
from tests.fakes import OTHER_VALID_KEY, VALID_KEY

CONFIG = """\
topLevelNote = "kept"

[future]
setting = [1, 2, 3]

[models]
mode = "merge"
modelsNote = "kept"

[models.providers.kilocode]
baseUrl = "https://api.kilo.ai/api/gateway/"
providerNote = "kept"
headers = { "X-Team" = "blue" }

[[models.providers.kilocode.models]]
id = "vendor/own-model"
entryNote = "kept"

[models.providers.someday]
baseUrl = "https://example.invalid/v1/"

[agents]
agentsNote = "kept"

[agents.defaults]
defaultsNote = "kept"

[agents.defaults.model]
primary = "kilocode/vendor/own-model"
fallbacks = ["openrouter/auto"]
modelNote = "kept"

[agents.defaults.models."kilocode/vendor/own-model"]
alias = "Mine"
settingsNote = "kept"

[auth]
authNote = "kept"

[auth.profiles."kilocode:default"]
provider = "kilocode"
mode = "api_key"
profileNote = "kept"

[auth.order]
kilocode = ["kilocode:default"]
"""

STORE = f"""\
version = 1
storeNote = "kept"

[profiles."kilocode:default"]
type = "api_key"
provider = "kilocode"
key = "{VALID_KEY}"
profileNote = "kept"

[profiles."other:thing"]
type = "something-new"
provider = "other"
token = "not ours"
"""

UNKNOWN_IN_CONFIG: list[tuple[tuple[str | int, ...], Any]] = [
    (("topLevelNote",), "kept"),
    (("future", "setting"), [1, 2, 3]),
    (("models", "modelsNote"), "kept"),
    (("models", "providers", "kilocode", "providerNote"), "kept"),
    (("models", "providers", "kilocode", "headers"), {"X-Team": "blue"}),
    (("models", "providers", "kilocode", "models", 0, "entryNote"), "kept"),
    (("models", "providers", "someday", "baseUrl"), "https://example.invalid/v1/"),
    (("agents", "agentsNote"), "kept"),
    (("agents", "defaults", "defaultsNote"), "kept"),
    (("agents", "defaults", "model", "modelNote"), "kept"),
    (("agents", "defaults", "model", "fallbacks"), ["openrouter/auto"]),
    (("agents", "defaults", "models", "kilocode/vendor/own-model", "settingsNote"), "kept"),
    (("auth", "authNote"), "kept"),
    (("auth", "profiles", "kilocode:default", "profileNote"), "kept"),
]
UNKNOWN_IN_STORE: list[tuple[tuple[str | int, ...], Any]] = [
    (("storeNote",), "kept"),
    (("profiles", "kilocode:default", "profileNote"), "kept"),
    (
        ("profiles", "other:thing"),
        {"type": "something-new", "provider": "other", "token": "not ours"},
    ),
]

REWRITES = {
    "onboard": ("onboard", "--kilocode-api-key", VALID_KEY, "--no-verify", "--set-default"),
    "auth login": ("auth", "login", "kilocode", "--key", OTHER_VALID_KEY, "--no-verify"),
    "auth login another id": (
        "auth",
        "login",
        "kilocode",
        "--key",
        OTHER_VALID_KEY,
        "--profile-id",
        "kilocode:ci",
        "--no-verify",
    ),
    "models set": ("models", "set", "kilocode/kilo-auto/balanced"),
}


def at(document: Any, path: tuple[str | int, ...]) -> Any:
    for part in path:
        document = document[part]
    return document


@pytest.mark.parametrize("command", list(REWRITES))
def test_unknown_keys_survive(command: str, home: Path) -> None:
    home.mkdir(mode=0o700)
    (home / "config.toml").write_text(CONFIG)
    (home / "auth-profiles.toml").write_text(STORE)
    for path in home.iterdir():
        path.chmod(0o600)
    # (a gateway nobody answers at: models set falls back to the built-in catalog at once)
    run = run_kilocli(
        *REWRITES[command], env={"KILOCODE_BASE_URL": "http://127.0.0.1:9/api/gateway/"}
    )

    assert run.code == 0, run.stderr
    config = tomllib.loads((home / "config.toml").read_text())
    store = tomllib.loads((home / "auth-profiles.toml").read_text())
    for path, value in UNKNOWN_IN_CONFIG:
        assert at(config, path) == value, path
    for path, value in UNKNOWN_IN_STORE:
        assert at(store, path) == value, path
