"""The JSON Schemas of every ``--json`` result, generated from the result models.

``python -m kilocli.services.schemas`` writes them into ``docs/schema/``; a test fails when a
file there is stale. The schemas describe the documents as printed (serialisation, camelCase).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from kilocli.results import ErrorResult, Result
from kilocli.services.auth_status import AuthStatus, ProfileList
from kilocli.services.config import ConfigPaths, ConfigShown
from kilocli.services.doctor import Diagnosis
from kilocli.services.key_store import StoreReport
from kilocli.services.login import LoginResult, LogoutResult
from kilocli.services.models import (
    AllListings,
    DefaultModelChange,
    ModelInfo,
    ModelStatus,
    ProviderListing,
)
from kilocli.services.onboard_result import OnboardingResult
from kilocli.services.profiles import ProfileSwitch
from kilocli.services.setup_list import ToolList
from kilocli.services.setup_result import SetupResult

# file name -> (the command whose --json prints it, its model)
RESULTS: dict[str, tuple[str, type[Result]]] = {
    "onboard": ("kilocli onboard --json", OnboardingResult),
    "auth-list": ("kilocli auth list --json", ProfileList),
    "auth-status": ("kilocli auth status --json", AuthStatus),
    "auth-login": ("kilocli auth login --json", LoginResult),
    "auth-logout": ("kilocli auth logout --json", LogoutResult),
    "auth-use": ("kilocli auth use --json", ProfileSwitch),
    "auth-store": ("kilocli auth store --json", StoreReport),
    "models-list": ("kilocli models list --json", ProviderListing),
    "models-list-all": ("kilocli models list --all --json", AllListings),
    "models-set": ("kilocli models set --json", DefaultModelChange),
    "models-status": ("kilocli models status --json", ModelStatus),
    "models-info": ("kilocli models info --json", ModelInfo),
    "doctor": ("kilocli doctor --json", Diagnosis),
    "config-path": ("kilocli config path --json", ConfigPaths),
    "config-show": ("kilocli config show --json", ConfigShown),
    "setup": ("kilocli setup TOOL --json", SetupResult),
    "setup-list": ("kilocli setup list --json", ToolList),
    "error": ("any command with --json, when it fails", ErrorResult),
}

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "docs" / "schema"


def schema_of(name: str) -> dict[str, Any]:
    """The JSON Schema of one result, titled with the command that prints it."""
    command, model = RESULTS[name]
    schema = model.model_json_schema(mode="serialization", by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["description"] = f"What `{command}` prints. " + schema.get("description", "")
    return schema


def rendered(name: str) -> str:
    """The schema file's text (stable: sorted keys, two-space indent, a final newline)."""
    return json.dumps(schema_of(name), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_all(directory: Path = SCHEMA_DIR) -> list[Path]:
    """Write every schema; returns the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name in RESULTS:
        path = directory / f"{name}.schema.json"
        path.write_text(rendered(name), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_all(Path(sys.argv[1]) if len(sys.argv) > 1 else SCHEMA_DIR):
        print(path)
