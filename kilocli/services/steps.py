"""Steps more than one command takes, written once: read both files before any prompt, warn
about a key of the wrong shape, ask the gateway about a key (with a spinner), and store a
profile together with its metadata in config."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from kilocli.errors import NotAuthenticated
from kilocli.providers.resolve import BaseUrl, resolve_base_url

if TYPE_CHECKING:
    from kilocli.config.model import Config
    from kilocli.credentials.model import AuthStore
    from kilocli.credentials.sources import FoundKey, KeyResolution
    from kilocli.credentials.store import NewCredential
    from kilocli.gateway.verify import Verification
    from kilocli.providers.registry import Provider
    from kilocli.services.runtime import Runtime
    from kilocli.storage import Document

# The credential modules load in the steps that use them: a cached listing needs only the base
# URL in effect (and its budget, SPEC §10, has no room for the key chain's imports).


def read_both_files(rt: Runtime) -> tuple[Config, AuthStore]:
    """The config and the auth store, validated, before anything is asked: a bad or unwritable
    file stops the command before the user has typed a key for nothing."""
    from kilocli.config.files import load_config
    from kilocli.credentials.store import load_auth_store
    from kilocli.storage import check_writable

    for path in (rt.paths.config_file, rt.paths.auth_file):
        check_writable(path)
    return load_config(rt.paths), load_auth_store(rt.paths, rt.feedback.warn)


def base_url_in_effect(
    rt: Runtime, provider: Provider, config: Config, flag: str | None = None
) -> BaseUrl:
    """The base URL in effect for ``provider`` (flag, env, config, default), with a warning
    when the key would travel to another machine unencrypted."""
    from kilocli.providers.resolve import is_loopback

    found = resolve_base_url(provider, flag, rt.env, config.provider(provider.id).base_url)
    if found.url.lower().startswith("http://") and not is_loopback(found.url):
        rt.feedback.warn(
            f"{found.url} ({found.source}) is not encrypted: the {provider.label} key would "
            "travel over the network in the clear. Use https://."
        )
    return found


def keys_of(rt: Runtime, provider: Provider, config: Config, store: AuthStore) -> KeyResolution:
    """The key chain of ``provider``; every key found is remembered, so no error shows it.
    With the login-shell import on and none of the provider's variables set, the login shell
    is asked (once per run) for them."""
    from kilocli.credentials.sources import resolve_key

    shell = login_shell_keys(rt, provider, config)
    resolution = resolve_key(provider, env=rt.env, store=store, config=config, shell_env=shell)
    for found in (resolution.in_effect, *resolution.shadowed):
        if found is not None:
            rt.remember_secret(found.key)
    return resolution


def no_key(provider: Provider) -> NotAuthenticated:
    """The error of a command that needs a key of ``provider`` and finds none."""
    return NotAuthenticated(
        f"No {provider.label} key: none in {', '.join(provider.env_vars)}, "
        "in a stored profile or in config.",
        hint=f"Store one with: kilocli auth login {provider.id}",
    )


def login_shell_keys(rt: Runtime, provider: Provider, config: Config) -> dict[str, str]:
    """The provider's variables as the login shell exports them, when the import is on (SPEC
    §4) and the environment has none of them; a shell that fails is ignored with one warning."""
    from kilocli.credentials.shell_env import read_login_shell, shell_env_enabled

    if not shell_env_enabled(rt.env, config.env.shell_env):
        return {}
    if any(rt.env.get(name, "").strip() for name in provider.env_vars):
        return {}
    if rt.shell_env is None:
        from kilocli.providers.registry import PROVIDERS

        names = {name for p in PROVIDERS for name in p.env_vars}
        answer = read_login_shell(rt.env, names)
        if answer.problem is not None:
            rt.feedback.warn(f"Could not read keys from your login shell: {answer.problem}.")
        rt.shell_env = dict(answer.values)
    return {name: rt.shell_env[name] for name in provider.env_vars if name in rt.shell_env}


def warn_if_not_provider_shaped(rt: Runtime, provider: Provider, key: str) -> None:
    """Kilo keys are JWTs; another shape is worth a warning, never a refusal (SPEC §4)."""
    from kilocli.credentials.keys import looks_like_jwt, preview

    if provider.looks_like_jwt and not looks_like_jwt(key):
        rt.feedback.warn(
            f"This key ({preview(key)}) does not look like a {provider.label} key "
            "(a JWT starting eyJ); using it anyway."
        )


def ask_gateway_about_key(
    rt: Runtime,
    provider: Provider,
    base_url: str,
    key: str,
    *,
    doing: str = "Verifying",
    organization: str | None = None,
) -> Verification:
    """Ask the provider's verify endpoint about ``key`` (as ``organization``, when one is in
    use), with a spinner; never raises for network trouble (the answer is then
    ``unverified``)."""
    from kilocli.gateway.verify import verify_key

    headers = organization_headers(provider, organization)
    with rt.feedback.working(f"{doing} the key with {provider.label}…"), rt.gateway() as client:
        return verify_key(client, provider, base_url, key, headers)


def organization_in_use(
    rt: Runtime, provider: Provider, store: AuthStore, found: FoundKey | None
) -> str | None:
    """The organisation requests made with ``found`` speak for: its profile's
    ``organizationId``; for a key from the environment, ``KILO_ORG_ID`` when it is set."""
    if found is None or provider.organization_header is None:
        return None
    if found.source.kind == "profile":
        profile = store.profiles.get(found.source.name)
        return profile.organization_id or None if profile is not None else None
    if found.source.kind in {"env", "shell-env"} and provider.organization_env:
        return rt.env.get(provider.organization_env, "").strip() or None
    return None


def organization_headers(provider: Provider, organization: str | None) -> dict[str, str]:
    """The header that scopes a request to ``organization`` (none for Personal)."""
    header = provider.organization_header
    return {header: organization} if header and organization else {}


def warn_unverified(rt: Runtime, provider: Provider, answer: Verification, going_on: str) -> None:
    """Say that the key could not be checked and how the command goes on; a 402 adds the top-up
    hint (SPEC §9)."""
    rt.feedback.warn(f"Could not verify the key: {answer.detail}. {going_on}")
    if answer.problem is not None and answer.problem.kind == "no_credits":
        rt.feedback.note(answer.problem.hint_for(provider))


def store_profile(
    rt: Runtime,
    provider: Provider,
    profile_id: str,
    key: str | NewCredential,
    configure: Callable[[Document], Document] | None = None,
) -> Config:
    """Store ``key`` as ``profile_id``, then record the profile (and ``configure``'s changes) in
    config, each in its own locked transaction, with Ctrl-C held back so it cannot split them.

    The store is written first, so that config never names a profile that does not exist.

    Returns:
        The config as written.

    Raises:
        FileProblem: a write failed; when it was the config's, the message says the key was
            stored already.
    """
    from kilocli.config.files import update_config
    from kilocli.config.merge import apply_auth_profile
    from kilocli.credentials.store import (
        NewCredential,
        stored_but_config_unchanged,
        update_auth_store,
        with_profile,
    )
    from kilocli.errors import FileProblem
    from kilocli.storage import interrupts_deferred

    credential = key if isinstance(key, NewCredential) else NewCredential(key)
    mode = "oauth" if credential.type == "oauth" else "api_key"  # the seed's mode rule

    def record(config: Document) -> Document:
        if configure is not None:
            config = configure(config)
        return apply_auth_profile(config, profile_id, provider.id, mode=mode)

    with interrupts_deferred():
        update_auth_store(
            rt.paths, lambda store: with_profile(store, profile_id, provider.id, credential)
        )
        try:
            return update_config(rt.paths, record)
        except FileProblem as problem:
            raise stored_but_config_unchanged(problem, profile_id, rt.paths) from None
