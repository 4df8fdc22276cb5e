"""What the known keys of ``auth-profiles.toml`` must look like."""

from __future__ import annotations

from typing import Any

from kilocli.validation import Required, TableOf

AUTH_STORE_SHAPE: dict[str, Any] = {
    "version": int,
    "profiles": TableOf({"type": Required(str), "provider": Required(str), "key": str}),
}
