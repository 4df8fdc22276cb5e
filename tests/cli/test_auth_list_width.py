"""``auth list`` at 80 columns and narrower: the profile id and the key preview stay whole, so
profiles can be told apart; other columns give way first (SPEC §9)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import Kilo
from tests.helpers import preview_of
from tests.key_sources import jwt, write_private

ACME = "11111111-2222-4333-8444-555555555555"
SIDE = "66666666-7777-4888-9999-000000000000"
# Keys whose previews differ only in their last characters.
KEYS = {
    "kilocode:default": (jwt("aaaa"), ACME),
    "kilocode:work": (jwt("aaab"), SIDE),
    "kilocode:side-project": (jwt("aaac"), None),
}


def store(home: Path) -> None:
    profiles = {}
    for profile_id, (key, org) in KEYS.items():
        entry = {"type": "api_key", "provider": "kilocode", "key": key}
        profiles[profile_id] = entry | ({"organizationId": org} if org else {})
    write_private(home / "auth-profiles.toml", {"version": 1, "profiles": profiles})


def test_at_80_columns_the_extra_columns_go_and_the_previews_stay_whole(
    kilo: Kilo, home: Path
) -> None:
    store(home)

    run = kilo("auth", "list", env={"COLUMNS": "80"})

    a, b, c = (preview_of(key) for key, _ in KEYS.values())
    assert len({a, b, c}) == 3
    assert run.stdout.splitlines() == [
        "Profile                Key        Organisation                          Active",
        f"kilocode:default       {a}  {ACME}  yes",
        f"kilocode:work          {b}  {SIDE}",
        f"kilocode:side-project  {c}  personal",
    ]


@pytest.mark.parametrize("columns", [80, 60, 50, 40])
def test_every_width_keeps_ids_and_previews_whole_and_fits(
    kilo: Kilo, home: Path, columns: int
) -> None:
    store(home)

    run = kilo("auth", "list", env={"COLUMNS": str(columns)})

    lines = run.stdout.splitlines()
    for (profile_id, (key, _)), line in zip(KEYS.items(), lines[1:], strict=True):
        assert line.startswith(profile_id + " ")
        assert f" {preview_of(key)} " in f"{line} "
    assert max(len(line) for line in lines) <= columns


def test_a_wide_terminal_shows_every_column(kilo: Kilo, home: Path) -> None:
    store(home)

    run = kilo("auth", "list", env={"COLUMNS": "200"})

    assert run.stdout.split("\n", 1)[0].split() == [
        "Profile",
        "Provider",
        "Type",
        "Key",
        "Organisation",
        "In",
        "config",
        "Active",
    ]


def test_organisations_that_differ_at_their_end_stay_apart_at_80_columns(
    kilo: Kilo, home: Path
) -> None:
    """Organisation gives way by its middle: long names of one company's organisations tend
    to differ at their end, and both ends stay in sight."""
    names = {ACME: "Acme Corporation Engineering Department North", SIDE: ""}
    names[SIDE] = names[ACME].replace("North", "South")
    profiles = {}
    for profile_id, (key, org) in list(KEYS.items())[:2]:
        profiles[profile_id] = {
            "type": "api_key",
            "provider": "kilocode",
            "key": key,
            "organizationId": org,
            "organizationName": names[str(org)],
        }
    write_private(home / "auth-profiles.toml", {"version": 1, "profiles": profiles})

    run = kilo("auth", "list", env={"COLUMNS": "80"})

    first, second = run.stdout.splitlines()[1:]
    assert max(len(first), len(second)) <= 80
    assert "…" in first  # squeezed, not whole
    assert first.rstrip().endswith("North  yes")
    assert second.rstrip().endswith("South")
