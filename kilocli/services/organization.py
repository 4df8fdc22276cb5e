"""The organisation a Kilo key's requests speak for (SPEC §13): the one rule that decides it,
``--organization``'s check, and the header that carries it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kilocli.config.model import Config
    from kilocli.credentials.model import AuthStore
    from kilocli.credentials.sources import FoundKey
    from kilocli.providers.registry import Provider
    from kilocli.services.runtime import Runtime


@dataclass(frozen=True)
class OrganizationInEffect:
    """The organisation requests speak for (None: Personal), and where that was decided."""

    id: str | None
    source: str | None = None


def organization_in_effect(
    rt: Runtime,
    provider: Provider,
    config: Config,
    store: AuthStore,
    found: FoundKey | None,
    flag: str | None = None,
) -> OrganizationInEffect:
    """The one rule of SPEC §13 for the organisation requests made with ``found`` speak for,
    first found: ``flag`` (``--organization``); env ``KILO_ORG_ID`` (legacy
    ``KILOCODE_ORGANIZATION_ID``), which overrides a stored choice as Kilo's own client lets
    it; the profile's stored ``organizationId`` (a stored key); for a key from the
    environment, the organisation chosen for it at onboarding
    (``models.providers.<p>.organizationId``). An id that is not one (a space, a slash, a
    control character, too long) is skipped with a warning; given by flag, it is refused.

    Raises:
        UsageError: ``flag`` is not an organisation id.
    """
    if found is None or provider.organization_header is None:
        return OrganizationInEffect(None)
    if flag is not None:
        return OrganizationInEffect(checked_organization_flag(flag), "--organization")
    for name in (provider.organization_env, provider.legacy_organization_env):
        value = rt.env.get(name, "").strip() if name else ""
        if value and _usable_organization(rt, value, f"env: {name}"):
            return OrganizationInEffect(value, f"env: {name}")
    stored: str | None = None
    where = ""
    if found.source.kind == "profile":
        profile = store.profiles.get(found.source.name)
        stored, where = (
            (profile.organization_id if profile else None),
            f"profile: {found.source.name}",
        )
    elif found.source.kind in {"env", "shell-env"}:
        stored = config.provider(provider.id).organization_id
        where = f"config: models.providers.{provider.id}.organizationId"
    if stored and _usable_organization(rt, stored, where):
        return OrganizationInEffect(stored, where)
    return OrganizationInEffect(None)


def organization_in_use(
    rt: Runtime, provider: Provider, store: AuthStore, found: FoundKey | None, config: Config
) -> str | None:
    """The id of :func:`organization_in_effect` (None for Personal)."""
    return organization_in_effect(rt, provider, config, store, found).id


def checked_organization_flag(flag: str) -> str | None:
    """``--organization``'s value: None for ``personal``, else an id that can be sent.

    Raises:
        UsageError: the value cannot be an organisation id (SPEC §13).
    """
    from kilocli.credentials.organizations import organization_id_problem
    from kilocli.errors import UsageError

    value = flag.strip()
    if value.lower() == "personal":
        return None
    problem = organization_id_problem(value)
    if problem is not None:
        raise UsageError(
            f"--organization is not an organisation id: {problem}.",
            hint="Give an id, or personal (kilocli auth status --check lists yours).",
        )
    return value


def _usable_organization(rt: Runtime, value: str, where: str) -> bool:
    """Whether ``value`` can be sent as an organisation id; a bad one is warned about (once)."""
    from kilocli.credentials.organizations import organization_id_problem

    problem = organization_id_problem(value)
    if problem is not None:
        warning = f"Ignored the organisation id of {where}: {problem}."
        if warning not in rt.warned:  # once per run; exec and env hand over to another
            rt.warned.add(warning)  # program right after, so it cannot wait for a result
            rt.feedback.warn(warning)
    return problem is None


def organization_headers(provider: Provider, organization: str | None) -> dict[str, str]:
    """The header that scopes a request to ``organization`` (none for Personal)."""
    header = provider.organization_header
    return {header: organization} if header and organization else {}
