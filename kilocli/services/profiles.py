"""``kilocli auth use PROFILE_ID``: switch the active profile of a provider (SPEC §8)."""

from __future__ import annotations

from kilocli.config.files import update_config
from kilocli.config.merge import put_profile_first
from kilocli.credentials.store import load_auth_store
from kilocli.providers.registry import get_provider
from kilocli.results import Result
from kilocli.services.runtime import Runtime


class ProfileSwitch(Result):
    """The profile now first in ``auth.order.<p>``, the whole order, and an env var that
    still wins over it (until it is unset)."""

    ok: bool = True
    profile_id: str
    provider: str
    organization: str | None
    order: list[str]
    env_override: str | None


def use_profile(rt: Runtime, profile_id: str) -> ProfileSwitch:
    """Put ``profile_id`` at the front of its provider's ``auth.order`` (created if missing).

    Raises:
        UsageError: no such profile.
    """
    store = load_auth_store(rt.paths, rt.feedback.warn)
    profile = store.named(profile_id)
    provider = get_provider(profile.provider)
    written = update_config(rt.paths, lambda doc: put_profile_first(doc, profile_id, provider.id))
    order = list(written.profile_order(provider.id))
    env_override = next((name for name in provider.env_vars if rt.env.get(name, "").strip()), None)
    warnings = []
    if env_override:
        warnings.append(
            f"{env_override} is set in the environment and wins over {profile_id} until you "
            "unset it."
        )
    from kilocli.services.tool_refresh import refresh_tools

    warnings += refresh_tools(rt, provider)
    return ProfileSwitch(
        profile_id=profile_id,
        provider=provider.id,
        organization=profile.organization_id,
        order=order,
        env_override=env_override,
        warnings=warnings,
    )
