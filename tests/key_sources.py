"""A distinctive key in every place SPEC §4's source chain looks, and the files that hold them.

:data:`KILO_CHAIN` is the chain of SPEC §4 for Kilo Gateway, highest first, written down from
the spec (never from kilocli's resolver): env ``KILOCODE_API_KEY``, env ``KILO_API_KEY``, the
profile ``auth.order.kilocode`` names, ``kilocode:default``, the other profiles in file order,
and ``models.providers.kilocode.apiKey``. :func:`arrange` writes any subset of it to disk.

The store lists its profiles in an order that differs from the chain's on purpose (the ordered
profile last, the default in the middle, the "rest" not alphabetical), and config's
``auth.order`` first names a profile that does not exist, so that an order taken from the file,
from the alphabet or from the order list verbatim gives a different answer.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w


def jwt(tag: str) -> str:
    """A JWT-shaped key that is easy to spot and whose preview ends in ``tag[-4:]``."""
    return f"eyJhbGciOiJIUzI1NiJ9.eyJzb3VyY2UiOiJ0ZXN0In0.signature-of-the-{tag}-key-{tag}"


@dataclass(frozen=True)
class Place:
    """One source of a key: how ``auth status`` names it, and the key it holds there."""

    source: str
    key: str

    @property
    def env_var(self) -> str | None:
        return self.source.removeprefix("env: ") if self.source.startswith("env: ") else None

    @property
    def profile_id(self) -> str | None:
        return self.source.removeprefix("profile: ") if self.source.startswith("profile:") else None


KILOCODE_ENV = Place("env: KILOCODE_API_KEY", jwt("env-kilocode"))
KILO_ENV = Place("env: KILO_API_KEY", jwt("env-kilo"))
ORDERED = Place("profile: kilocode:work", jwt("profile-work"))
DEFAULT = Place("profile: kilocode:default", jwt("profile-default"))
ZETA = Place("profile: kilocode:zeta", jwt("profile-zeta"))
ALPHA = Place("profile: kilocode:alpha", jwt("profile-alpha"))
CONFIG = Place("config: models.providers.kilocode.apiKey", jwt("config-apikey"))

KILO_CHAIN: tuple[Place, ...] = (KILOCODE_ENV, KILO_ENV, ORDERED, DEFAULT, ZETA, ALPHA, CONFIG)

# OpenRouter's own places, kept apart from Kilo Gateway's chain.
OPENROUTER_ENV = Place("env: OPENROUTER_API_KEY", "sk-or-v1-openrouter-env-key-0123456789envk")
OPENROUTER_PROFILE = Place(
    "profile: openrouter:default", "sk-or-v1-openrouter-profile-key-9876543210prof"
)
OPENROUTER_CONFIG = Place(
    "config: models.providers.openrouter.apiKey", "sk-or-v1-openrouter-config-key-5555555cfgk"
)

EVERY_KEY: tuple[str, ...] = tuple(
    place.key for place in (*KILO_CHAIN, OPENROUTER_ENV, OPENROUTER_PROFILE, OPENROUTER_CONFIG)
)

# The store's file order: not the chain's order, and the "rest" not alphabetical.
STORE_ORDER: tuple[Place, ...] = (ZETA, OPENROUTER_PROFILE, DEFAULT, ALPHA, ORDERED)


def write_private(path: Path, document: dict[str, Any]) -> None:
    """Write a hand-made kilocli TOML file the way kilocli would find one (private)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.write_text(tomli_w.dumps(document))
    os.chmod(path, 0o600)


def profile(provider: str, key: str | None, type_: str = "api_key") -> dict[str, Any]:
    entry: dict[str, Any] = {"type": type_, "provider": provider}
    if key is not None:
        entry["key"] = key
    return entry


def arrange(home: Path, places: tuple[Place, ...] | list[Place]) -> dict[str, str]:
    """Put each of ``places`` where it belongs under ``home``; return the env vars to set.

    Config always carries ``auth.order.kilocode = ["kilocode:gone", "kilocode:work"]`` and the
    metadata of ``kilocode:work`` and ``kilocode:default``, whether their profiles exist or not.
    """
    chosen = set(places)
    env = {place.env_var: place.key for place in chosen if place.env_var}
    profiles = {
        place.profile_id: profile(place.profile_id.partition(":")[0], place.key)
        for place in STORE_ORDER
        if place in chosen and place.profile_id
    }
    if profiles:
        write_private(home / "auth-profiles.toml", {"version": 1, "profiles": profiles})
    providers: dict[str, Any] = {}
    if CONFIG in chosen:
        providers["kilocode"] = {"apiKey": CONFIG.key}
    if OPENROUTER_CONFIG in chosen:
        providers["openrouter"] = {"apiKey": OPENROUTER_CONFIG.key}
    config: dict[str, Any] = {
        "auth": {
            "profiles": {
                "kilocode:work": {"provider": "kilocode", "mode": "api_key"},
                "kilocode:default": {"provider": "kilocode", "mode": "api_key"},
            },
            "order": {"kilocode": ["kilocode:gone", "kilocode:work"]},
        }
    }
    if providers:
        config["models"] = {"providers": providers}
    write_private(home / "config.toml", config)
    return env
