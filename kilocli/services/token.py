"""``kilocli auth token``: the raw key in effect, for scripts and as the credential helper other
tools run (SPEC §8, §12). A module of its own so that the command loads only what it needs
(SPEC §10: within twice ``import typer``)."""

from __future__ import annotations

from kilocli.config.files import read_config
from kilocli.credentials.store import read_auth_store
from kilocli.providers.registry import get_provider
from kilocli.services.runtime import Runtime
from kilocli.services.steps import check_key_expiry, keys_of, no_key


def key_in_effect(rt: Runtime, provider_id: str, profile_id: str | None = None) -> str:
    """The raw key in effect for ``auth token`` (or, with ``profile_id``, that profile's).

    Raises:
        NotAuthenticated: there is none, or it expired.
        UsageError: the profile does not exist, or belongs to another provider.
    """
    provider = get_provider(provider_id)
    store = read_auth_store(rt.paths, rt.feedback.warn)
    if profile_id is not None:
        from kilocli.services.handover import profile_key

        found = profile_key(store, profile_id, provider.id, rt.keyring())[1]
        if found is None:
            raise no_key(provider)
        rt.remember_secret(found.key)
        check_key_expiry(rt, provider, found)
        return found.key
    config = read_config(rt.paths)
    found = keys_of(rt, provider, config, store).in_effect
    if found is None:
        raise no_key(provider)
    check_key_expiry(rt, provider, found)
    return found.key
