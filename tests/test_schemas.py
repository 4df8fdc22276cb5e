"""The JSON Schemas in docs/schema/ are generated from the result models, and never stale."""

from __future__ import annotations

import json

import pytest

from kilocli.results import Result
from kilocli.services.schemas import RESULTS, SCHEMA_DIR, rendered

REGENERATE = "regenerate them with: python -m kilocli.services.schemas"


@pytest.mark.parametrize("name", list(RESULTS))
def test_each_schema_file_is_what_its_model_generates(name: str) -> None:
    path = SCHEMA_DIR / f"{name}.schema.json"
    assert path.exists(), f"{path} is missing; {REGENERATE}"
    assert path.read_text(encoding="utf-8") == rendered(name), f"{path} is stale; {REGENERATE}"


def test_no_schema_file_is_left_over() -> None:
    expected = {f"{name}.schema.json" for name in RESULTS}
    assert {p.name for p in SCHEMA_DIR.glob("*.json")} == expected


def _every_result_class(base: type[Result]) -> set[type[Result]]:
    found = set()
    for sub in base.__subclasses__():
        found |= {sub, *_every_result_class(sub)}
    return found


def test_every_result_of_a_command_has_a_schema() -> None:
    """A new result model without a schema would be a --json document nobody can rely on."""
    listed = {model for _, model in RESULTS.values()}
    assert _every_result_class(Result) - listed == set()


def test_a_schema_names_the_keys_the_command_prints() -> None:
    """The schema describes the printed document (camelCase), not the Python names."""
    schema = json.loads(rendered("onboard"))
    assert "authStorePath" in schema["properties"]
    assert "auth_store_path" not in schema["properties"]
    assert "What `kilocli onboard --json` prints." in schema["description"]
