"""Where a key comes from: the ordered source chain of SPEC §4."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Literal

from kilocli.config.model import Config
from kilocli.credentials.keys import normalise_key, preview
from kilocli.credentials.model import AuthStore, StoredProfile
from kilocli.providers.registry import Provider

SourceKind = Literal["flag", "stdin", "prompt", "env", "profile", "config"]


@dataclass(frozen=True)
class KeySource:
    """One place a key can come from, named the way users see it."""

    kind: SourceKind
    name: str

    def __str__(self) -> str:
        return self.kind if self.kind in {"stdin", "prompt"} else f"{self.kind}: {self.name}"


@dataclass(frozen=True)
class FoundKey:
    """A key and the source it was read from. The key never appears in ``repr``."""

    source: KeySource
    key: str = field(repr=False)

    @property
    def preview(self) -> str:
        """The only form of the key that may be shown."""
        return preview(self.key)


@dataclass(frozen=True)
class KeyResolution:
    """The key in effect for one provider, and every lower source that also holds one."""

    provider: str
    in_effect: FoundKey | None
    shadowed: tuple[FoundKey, ...] = ()


def resolve_key(
    provider: Provider,
    *,
    explicit: FoundKey | None = None,
    env: Mapping[str, str],
    store: AuthStore,
    config: Config,
) -> KeyResolution:
    """Find the key in effect for ``provider``.

    Order, first found wins:

    1. ``explicit``: a key given by flag or on stdin;
    2. the provider's env vars, in registry order (``KILOCODE_API_KEY``, then ``KILO_API_KEY``);
       an empty variable counts as unset;
    3. the provider's profiles in ``auth-profiles.toml``: those listed in config
       ``auth.order.<p>`` first, then ``<p>:default``, then the rest in file order;
    4. ``models.providers.<p>.apiKey`` in config.

    Raises:
        InvalidKey: an env var holds something that cannot be a key.
    """
    found = list(_candidates(provider, explicit, env, store, config))
    if not found:
        return KeyResolution(provider.id, None)
    return KeyResolution(provider.id, found[0], tuple(found[1:]))


def _candidates(
    provider: Provider,
    explicit: FoundKey | None,
    env: Mapping[str, str],
    store: AuthStore,
    config: Config,
) -> Iterator[FoundKey]:
    if explicit is not None:
        yield explicit
    for name in provider.env_vars:
        value = env.get(name, "")
        if value.strip():
            yield FoundKey(KeySource("env", name), normalise_key(value, source=name))
    profiles = store.of_provider(provider.id)
    for profile_id in profile_order(provider, profiles, config):
        key = profiles[profile_id].usable_key
        if key is not None:
            yield FoundKey(KeySource("profile", profile_id), key)
    api_key = config.provider(provider.id).api_key
    if api_key and api_key.strip():
        location = f"models.providers.{provider.id}.apiKey"
        yield FoundKey(KeySource("config", location), api_key.strip())


def profile_order(
    provider: Provider, profiles: Mapping[str, StoredProfile], config: Config
) -> list[str]:
    """Profile ids in the order they are tried: ``auth.order.<p>``, ``<p>:default``, the rest."""
    ordered = list(config.profile_order(provider.id))
    ordered.append(provider.default_profile_id)
    ordered.extend(profiles)
    return [p for p in dict.fromkeys(ordered) if p in profiles]
