"""What kilocli says about the files it wrote is true: the onboarding summary says "Wrote" only
for a file this run changed, and ``setup --remove`` never says a file still holds the key."""

from __future__ import annotations

from pathlib import Path

from kilocli.errors import ExitCode
from tests.cli.conftest import Kilo
from tests.fakes import VALID_KEY
from tests.tools.setup_helpers import llm_dir, setup_ok, store_key

ONBOARD = ("onboard", "--non-interactive", "--kilocode-api-key", VALID_KEY, "--no-verify")


def files_lines(stdout: str) -> list[str]:
    """The summary's "Wrote" and "Unchanged" rows, with the lines that continue them."""
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(("  Wrote", "  Unchanged")))
    end = next(i for i, line in enumerate(lines) if line.startswith("Next:"))
    return lines[start:end]


def test_a_first_onboarding_wrote_both_files(kilo: Kilo, home: Path) -> None:
    run = kilo(*ONBOARD)

    assert run.code == ExitCode.OK, run.stderr
    assert files_lines(run.stdout) == [
        f"  Wrote          {home / 'auth-profiles.toml'}",
        f"                 {home / 'config.toml'}",
    ]


def test_onboarding_again_the_same_way_wrote_nothing(kilo: Kilo, home: Path) -> None:
    assert kilo(*ONBOARD).code == ExitCode.OK
    before = {p.name: p.read_bytes() for p in home.glob("*.toml")}

    run = kilo(*ONBOARD)

    assert run.code == ExitCode.OK, run.stderr
    assert files_lines(run.stdout) == [
        f"  Unchanged      {home / 'auth-profiles.toml'}",
        f"                 {home / 'config.toml'}",
    ]
    assert {p.name: p.read_bytes() for p in home.glob("*.toml")} == before


def test_only_the_file_that_changed_is_said_to_be_written(kilo: Kilo, home: Path) -> None:
    assert kilo(*ONBOARD).code == ExitCode.OK

    run = kilo(*ONBOARD, "--model", "kilocode/anthropic/claude-sonnet-4.5")

    assert run.code == ExitCode.OK, run.stderr
    assert files_lines(run.stdout) == [
        f"  Wrote          {home / 'config.toml'}",
        f"  Unchanged      {home / 'auth-profiles.toml'}",
    ]


def test_setup_llm_remove_does_not_say_keys_json_holds_the_key() -> None:
    store_key()
    keys = llm_dir() / "keys.json"
    models = llm_dir() / "extra-openai-models.yaml"
    set_up = setup_ok("llm")
    assert f"  changed   {keys} (holds the key, 0600)" in set_up.stdout.splitlines()

    removed = setup_ok("llm", "--remove")

    lines = removed.stdout.splitlines()
    for path in (models, keys):  # a file left with nothing of the user's is deleted
        assert f"  {'changed' if path.exists() else 'removed'}   {path}" in lines
    assert "holds the key" not in removed.output
    assert VALID_KEY not in (keys.read_text() if keys.exists() else "")
