"""Shell completion completes values (SPEC §9): tool names, profile ids, cached model refs and
the fixed choices, all from their registries or kilocli's own files, offline and light.

Asked through Click's completion protocol (``_KILOCLI_COMPLETE``, ``COMP_WORDS``,
``COMP_CWORD``), in-process, as bash would ask it.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kilocli.cli import main
from kilocli.providers.registry import AUTH_CHOICES, PROVIDERS
from kilocli.tools.registry import TOOLS
from kilocli.tools.shells import USAGE
from tests.cli.conftest import Kilo, write_file
from tests.fakes import OTHER_VALID_KEY, VALID_KEY, FakeGateway

TOOL_IDS = [tool.id for tool in TOOLS]
PROVIDER_IDS = [provider.id for provider in PROVIDERS]
GATEWAY_REF = "kilocode/openai/gpt-5.4"  # in the fake gateway's list, not the built-in one


def complete(
    monkeypatch: pytest.MonkeyPatch, line: str, instruction: str = "bash_complete"
) -> list[str]:
    """What completing ``line`` offers: the word after its last space is the one completed."""
    words = line.split(" ")
    out, err = io.StringIO(), io.StringIO()
    with monkeypatch.context() as asking:
        asking.setenv("COMP_WORDS", line)
        asking.setenv("COMP_CWORD", str(len(words) - 1))
        asking.setenv("_KILOCLI_COMPLETE", instruction)
        with pytest.raises(SystemExit) as ended:
            main([], env=dict(os.environ), stdout=out, stderr=err)
    assert ended.value.code == 0, err.getvalue()
    return out.getvalue().split()


def store_profiles(home: Path, *ids: str) -> None:
    keys = [VALID_KEY, OTHER_VALID_KEY]
    text = "version = 1\n"
    for number, profile_id in enumerate(ids):
        text += (
            f'\n[profiles."{profile_id}"]\ntype = "api_key"\n'
            f'provider = "{profile_id.split(":")[0]}"\nkey = "{keys[number % 2]}"\n'
        )
    write_file(home / "auth-profiles.toml", text)


@pytest.mark.parametrize("instruction", ["bash_complete", "complete_bash"])
def test_setup_completes_the_tools_of_the_registry(
    monkeypatch: pytest.MonkeyPatch, instruction: str
) -> None:
    """Both orders of the instruction: Click's, and Typer's (what --install-completion uses)."""
    assert complete(monkeypatch, "kilocli setup ", instruction) == [*TOOL_IDS, "list"]
    assert "codex" in TOOL_IDS


def test_a_prefix_narrows_the_tools(monkeypatch: pytest.MonkeyPatch) -> None:
    assert complete(monkeypatch, "kilocli setup c") == [t for t in TOOL_IDS if t.startswith("c")]


def test_onboard_setup_completes_tools_only(monkeypatch: pytest.MonkeyPatch) -> None:
    assert complete(monkeypatch, "kilocli onboard --setup ") == TOOL_IDS


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("kilocli onboard --auth-choice ", [choice.id for choice in AUTH_CHOICES]),
        ("kilocli onboard --token-provider ", PROVIDER_IDS),
        ("kilocli auth login ", PROVIDER_IDS),
        ("kilocli auth token ", PROVIDER_IDS),
        ("kilocli auth status ", PROVIDER_IDS),
        ("kilocli env --provider ", PROVIDER_IDS),
        ("kilocli exec --provider ", PROVIDER_IDS),
        ("kilocli setup llm --provider ", PROVIDER_IDS),
        ("kilocli models list --provider ", PROVIDER_IDS),
        ("kilocli env --format ", list(USAGE)),
        ("kilocli models kilocode --sort ", ["id", "price", "context"]),
        ("kilocli models list --input ", ["image", "text"]),
        ("kilocli shell-init ", ["bash", "zsh", "fish"]),
        ("kilocli auth store ", ["keyring", "file"]),
    ],
)
def test_fixed_choices_come_from_their_registries(
    monkeypatch: pytest.MonkeyPatch, line: str, expected: list[str]
) -> None:
    assert complete(monkeypatch, line) == expected


def test_the_device_sign_in_is_an_auth_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    assert complete(monkeypatch, "kilocli onboard --auth-choice kilocode-d") == ["kilocode-device"]


@pytest.mark.parametrize(
    "line",
    [
        "kilocli auth use ",
        "kilocli auth logout ",
        "kilocli auth login kilocode --profile-id ",
        "kilocli env --profile ",
        "kilocli exec --profile ",
    ],
)
def test_profile_ids_come_from_the_store(
    monkeypatch: pytest.MonkeyPatch, home: Path, line: str
) -> None:
    store_profiles(home, "kilocode:default", "kilocode:work", "openrouter:default")

    assert complete(monkeypatch, line) == [
        "kilocode:default",
        "kilocode:work",
        "openrouter:default",
    ]
    assert complete(monkeypatch, line + "kilocode:w") == ["kilocode:work"]


def test_no_store_and_a_broken_store_complete_nothing(
    monkeypatch: pytest.MonkeyPatch, home: Path
) -> None:
    assert complete(monkeypatch, "kilocli auth use ") == []
    write_file(home / "auth-profiles.toml", "profiles = [not toml")
    assert complete(monkeypatch, "kilocli auth use ") == []


@pytest.mark.parametrize(
    "line",
    [
        "kilocli models set ",
        "kilocli models info ",
        "kilocli onboard --model ",
        "kilocli setup llm --model ",
        "kilocli doctor --probe ",
    ],
)
def test_model_refs_come_from_the_cached_catalog(
    monkeypatch: pytest.MonkeyPatch, kilo: Kilo, gateway: FakeGateway, line: str
) -> None:
    assert GATEWAY_REF not in complete(monkeypatch, line)  # no cache yet: the built-in lists
    assert kilo("models", "kilocode", "--plain").code == 0  # fills the cache
    gateway.reset()

    offered = complete(monkeypatch, line)

    cached = kilo("models", "kilocode", "--plain", "--offline").stdout.split()
    assert set(cached) <= set(offered)
    assert GATEWAY_REF in offered
    assert complete(monkeypatch, line + "kilocode/openai/") == [
        ref for ref in offered if ref.startswith("kilocode/openai/")
    ]
    assert gateway.requests == []  # a Tab never asks the gateway


def test_a_broken_cache_completes_the_defaults(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    write_file(home / "cache" / "models-kilocode.json", json.dumps({"models": "nope"}))

    built_in = [f"{p.id}/{model.id}" for p in PROVIDERS for model in p.fallback_models]
    assert complete(monkeypatch, "kilocli models set ") == built_in
    assert {p.default_model for p in PROVIDERS} <= set(built_in)


COMPLETION_PROBE = """
import sys
from kilocli.cli import main
try:
    main([])
finally:
    loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("httpx", "questionary",
        "prompt_toolkit", "kilocli") and (m.split(".")[0] != "kilocli" or ".services" in m))
    print("LOADED", *loaded, file=sys.stderr)
"""


@pytest.mark.parametrize(
    "line", ["kilocli setup ", "kilocli auth use ", "kilocli models set ", "kilocli env --format "]
)
def test_completion_loads_nothing_that_prompts_or_talks_to_the_network(
    home: Path, line: str
) -> None:
    store_profiles(home, "kilocode:default")
    env = {
        **os.environ,
        "COMP_WORDS": line,
        "COMP_CWORD": str(len(line.split(" ")) - 1),
        "_KILOCLI_COMPLETE": "bash_complete",
    }
    done = subprocess.run(
        [sys.executable, "-c", COMPLETION_PROBE],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()  # something was offered
    assert done.stderr.strip().splitlines()[-1] == "LOADED"
