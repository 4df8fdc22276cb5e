"""Where a key comes from: the ordered source chain of SPEC §4."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from kilocli.credentials.keys import normalise_key, preview
from kilocli.errors import FileProblem, InvalidKey, KeyringFailed, NotAuthenticated

if TYPE_CHECKING:  # read as the models' views, too (kilocli.shapes): no pydantic here
    from kilocli.config.model import Config
    from kilocli.credentials.keyring_access import Keyring
    from kilocli.credentials.model import AuthStore, StoredProfile
    from kilocli.providers.registry import Provider

SourceKind = Literal[
    "flag", "stdin", "prompt", "env", "shell-env", "profile", "config", "device", "kilo-cli"
]


@dataclass(frozen=True)
class KeySource:
    """One place a key can come from, named the way users see it."""

    kind: SourceKind
    name: str

    def __str__(self) -> str:
        if self.kind == "device":
            return "device sign-in"
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
    shell_env: Mapping[str, str] | None = None,
    keyring: Keyring | None = None,
) -> KeyResolution:
    """Find the key in effect for ``provider``.

    Order, first found wins:

    1. ``explicit``: a key given by flag or on stdin;
    2. the provider's env vars, in registry order (``KILOCODE_API_KEY``, then ``KILO_API_KEY``);
       an empty variable counts as unset; then the same names as the login shell exports them
       (``shell_env``, SPEC §4), ranked with them;
    3. the provider's profiles in ``auth-profiles.toml``: those listed in config
       ``auth.order.<p>`` first, then ``<p>:default``, then the rest in file order;
    4. ``models.providers.<p>.apiKey`` in config.

    A profile whose key is in the OS keyring (SPEC §14) is read from ``keyring``; a keyring
    that fails below the key in effect only hides that shadowed key.

    Raises:
        InvalidKey: an env var holds something that cannot be a key.
        FileProblem: a stored profile's key, or config's ``apiKey``, does.
        KeyringFailed: the keyring holds the key in effect and failed.
        NotAuthenticated: a profile's key should be in the keyring and is not.
    """
    found = list(_candidates(provider, explicit, env, store, config, shell_env or {}, keyring))
    if not found:
        return KeyResolution(provider.id, None)
    return KeyResolution(provider.id, found[0], tuple(found[1:]))


def _candidates(
    provider: Provider,
    explicit: FoundKey | None,
    env: Mapping[str, str],
    store: AuthStore,
    config: Config,
    shell_env: Mapping[str, str],
    keyring: Keyring | None,
) -> Iterator[FoundKey]:
    higher = list(_given(provider, explicit, env, shell_env))
    yield from higher
    profiles = store.of_provider(provider.id)
    for profile_id in profile_order(provider, profiles, config):
        try:
            found = key_of_profile(provider, profile_id, profiles[profile_id], keyring)
        except (KeyringFailed, NotAuthenticated):
            if not higher:
                raise
            continue  # a shadowed key: the failure hides only it
        if found is not None:
            higher.append(found)
            yield found
    api_key = config.provider(provider.id).api_key
    if api_key and api_key.strip():
        location = f"models.providers.{provider.id}.apiKey"
        checked = _stored_key(
            api_key,
            f"{location} in config.toml",
            "fix it in config.toml, or remove it and run kilocli auth login " + provider.id,
        )
        yield FoundKey(KeySource("config", location), checked)


def _given(
    provider: Provider,
    explicit: FoundKey | None,
    env: Mapping[str, str],
    shell_env: Mapping[str, str],
) -> Iterator[FoundKey]:
    if explicit is not None:
        yield explicit
    for name in provider.env_vars:
        value = env.get(name, "")
        if value.strip():
            yield FoundKey(KeySource("env", name), normalise_key(value, source=name))
    for name in provider.env_vars:
        value = shell_env.get(name, "")
        if value.strip():
            source = f"{name} in the login shell"
            yield FoundKey(KeySource("shell-env", name), normalise_key(value, source=source))


def key_of_profile(
    provider: Provider, profile_id: str, profile: StoredProfile, keyring: Keyring | None = None
) -> FoundKey | None:
    """The key stored as ``profile_id`` (in the file, or in ``keyring``), checked; None when
    the profile holds none.

    Raises:
        FileProblem: the key was edited by hand into what no header can carry (non-ASCII, a
            space): refused here, naming the profile, rather than failing deep inside httpx.
        KeyringFailed: the keyring holds it and failed.
        NotAuthenticated: it should be in the keyring and is not.
    """
    from kilocli.credentials.vault import read_profile_key

    key = read_profile_key(keyring, profile_id, profile)
    if key is None:
        return None
    checked = _stored_key(
        key,
        f"The key of profile {profile_id} in auth-profiles.toml",
        f"kilocli auth login {provider.id} --profile-id {profile_id}",
    )
    return FoundKey(KeySource("profile", profile_id), checked)


def _stored_key(key: str, where: str, fix: str) -> str:
    """A key read from a file, checked like a typed one; a bad one names where it is.

    Raises:
        FileProblem: the key holds what no request header can carry.
    """
    try:
        return normalise_key(key, source=where)
    except InvalidKey as exc:
        raise FileProblem(exc.message, hint=f"Store the key again: {fix}") from None


def profile_order(
    provider: Provider, profiles: Mapping[str, StoredProfile], config: Config
) -> list[str]:
    """Profile ids in the order they are tried: ``auth.order.<p>``, ``<p>:default``, the rest."""
    ordered = list(config.profile_order(provider.id))
    ordered.append(provider.default_profile_id)
    ordered.extend(profiles)
    return [p for p in dict.fromkeys(ordered) if p in profiles]
