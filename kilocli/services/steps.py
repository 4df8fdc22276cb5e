"""Steps more than one command takes, written once: read both files before any prompt, warn
about a key of the wrong shape, ask the gateway about a key (with a spinner), store a profile
together with its metadata in config, and check a key's expiry. The organisation in effect has
its own module, :mod:`kilocli.services.organization`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from kilocli.errors import NotAuthenticated
from kilocli.providers.resolve import BaseUrl, resolve_base_url
from kilocli.text import a_or_an

if TYPE_CHECKING:
    from kilocli.config.model import Config
    from kilocli.credentials.model import AuthStore
    from kilocli.credentials.sources import FoundKey, KeyResolution
    from kilocli.credentials.store import NewCredential
    from kilocli.errors import KeyExpired
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
        # said before any key is typed or sent, and shared by commands whose results differ
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
    resolution = resolve_key(
        provider, env=rt.env, store=store, config=config, shell_env=shell, keyring=rt.keyring()
    )
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
    from kilocli.credentials.keys import normalise_key
    from kilocli.credentials.shell_env import read_login_shell, shell_env_enabled
    from kilocli.errors import InvalidKey

    if not shell_env_enabled(rt.env, config.env.shell_env):
        return {}
    if any(rt.env.get(name, "").strip() for name in provider.env_vars):
        return {}
    if rt.shell_env is None:
        from kilocli.providers.registry import PROVIDERS

        names = {name for p in PROVIDERS for name in p.env_vars}
        answer = read_login_shell(rt.env, names)
        if answer.problem is not None:  # once per run, while the key chain is read, for
            # every command that reads it (before any question or hand-over to a tool)
            rt.feedback.warn(f"Could not read keys from your login shell: {answer.problem}.")
        rt.shell_env = {}
        for name, value in answer.values.items():
            try:  # the same check as every credential (SPEC §4); the value is never shown
                rt.shell_env[name] = normalise_key(value, source=f"{name} in your login shell")
            except InvalidKey as exc:
                if value.strip():
                    rt.feedback.warn(exc.message)
    return {name: rt.shell_env[name] for name in provider.env_vars if name in rt.shell_env}


def warn_if_not_provider_shaped(rt: Runtime, provider: Provider, key: str) -> None:
    """Kilo keys are JWTs; another shape is worth a warning, never a refusal (SPEC §4)."""
    from kilocli.credentials.keys import looks_like_jwt, preview

    if provider.looks_like_jwt and not looks_like_jwt(key):
        # said at once: the questions that follow (verify, organisation) are about this key
        rt.feedback.warn(
            f"This key ({preview(key)}) does not look like {a_or_an(provider.label)} key "
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
    from kilocli.services.organization import organization_headers

    headers = organization_headers(provider, organization)
    with rt.feedback.working(f"{doing} the key with {provider.label}…"), rt.gateway() as client:
        return verify_key(client, provider, base_url, key, headers)


def warn_unverified(rt: Runtime, provider: Provider, answer: Verification, going_on: str) -> None:
    """Say that the key could not be checked and how the command goes on; a 402 adds the top-up
    hint (SPEC §9). Said at once: on a terminal the questions that follow depend on it."""
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
    from kilocli.credentials.store import NewCredential, stored_but_config_unchanged
    from kilocli.credentials.vault import put_profile
    from kilocli.errors import FileProblem
    from kilocli.services.key_store import store_for_new_keys
    from kilocli.storage import interrupts_deferred

    credential = key if isinstance(key, NewCredential) else NewCredential(key)
    mode = "oauth" if credential.type == "oauth" else "api_key"  # the seed's mode rule

    def record(config: Document) -> Document:
        if configure is not None:
            config = configure(config)
        return apply_auth_profile(config, profile_id, provider.id, mode=mode)

    where = store_for_new_keys(rt)
    with interrupts_deferred():
        for warning in put_profile(
            rt.paths, rt.keyring(), where, profile_id, provider.id, credential
        ):
            rt.feedback.warn(warning)
        try:
            return update_config(rt.paths, record)
        except FileProblem as problem:
            raise stored_but_config_unchanged(problem, profile_id, rt.paths) from None


def legacy_model_notice(config: Config) -> str | None:
    """The one-time notice of SPEC §3 when the default model, or a tool ``setup`` configured,
    still uses the legacy ``kilocode/kilo/auto`` (it keeps working locally; current gateways
    no longer route it), with the fix; None when nothing does."""
    from kilocli.providers.registry import LEGACY_KILO_AUTO, get_provider

    current = get_provider("kilocode").default_model
    users = []
    if config.primary is not None and config.primary.lower() == LEGACY_KILO_AUTO:
        users.append("your default model")
    for tool, record in config.setup.items():
        if any(ref.lower() == LEGACY_KILO_AUTO for ref in record.models):
            users.append(f"the {tool} set-up")
    if not users:
        return None
    fixes = [f"kilocli models set {current}"] if "your default model" in users else []
    fixes += [
        f"kilocli setup {user.split()[1]} --model {current}"
        for user in users
        if user != "your default model"
    ]
    return (
        f"{LEGACY_KILO_AUTO} ({' and '.join(users)}) is a legacy model id: current Kilo "
        f"gateways no longer route it. Switch with: {'; '.join(fixes)}"
    )


def check_key_expiry(rt: Runtime, provider: Provider, found: FoundKey) -> None:
    """Fail fast on an expired key, before any request (SPEC §4), and warn about one that
    expires soon: within 24 hours on every command, within 14 days at most every 12 hours per
    key source (the time of the last warning is kept in the cache directory).

    Raises:
        KeyExpired: the key's ``exp`` has passed (exit 3).
    """
    from kilocli.credentials.expiry import due_warning, expiry_date_text, key_expiry

    exp = key_expiry(found.key)
    if exp is None:
        return
    now = rt.clock()
    if exp <= now:
        raise expired_key(provider, found, exp)
    if due_warning(rt.paths.cache_dir, str(found.source), exp, now):
        # said before the command goes on: exec and env hand the key to another program
        rt.feedback.warn(
            f"The {provider.label} key ({found.source}, {found.preview}) expires on "
            f"{expiry_date_text(exp)}. Sign in again before then: {sign_in_command(provider)}"
        )


def expired_key(provider: Provider, found: FoundKey, exp: float) -> KeyExpired:
    """The error of a key whose ``exp`` has passed."""
    from kilocli.credentials.expiry import expiry_date_text
    from kilocli.errors import KeyExpired

    return KeyExpired(
        f"The {provider.label} key ({found.source}, {found.preview}) expired on "
        f"{expiry_date_text(exp)}; nothing was sent.",
        hint=f"Sign in again: {sign_in_command(provider)}",
    )


def sign_in_command(provider: Provider) -> str:
    """The command that gets a fresh credential for ``provider``."""
    device = " --device" if provider.organization_header is not None else ""
    return f"kilocli auth login {provider.id}{device}"
