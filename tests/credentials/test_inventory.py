"""What ``auth list``, ``auth status`` and ``auth token`` gather (SPEC §4, §8), in-process."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

import pytest

from kilocli.credentials.sources import FoundKey, KeyResolution, KeySource
from kilocli.errors import ExitCode, NotAuthenticated
from kilocli.gateway.verify import Outcome
from kilocli.paths import resolve_paths
from kilocli.providers.registry import get_provider
from kilocli.services.auth_status import (
    KeyCheck,
    ProfileRow,
    ProviderAuth,
    _entry,
    auth_status,
    list_profiles,
)
from kilocli.services.runtime import Runtime
from kilocli.services.token import key_in_effect
from tests.fakes import RESPONSES, FakeGateway, RecordingFeedback
from tests.helpers import preview_of
from tests.key_sources import (
    CONFIG,
    DEFAULT,
    KILO_CHAIN,
    KILO_ENV,
    KILOCODE_ENV,
    OPENROUTER_CONFIG,
    OPENROUTER_ENV,
    OPENROUTER_PROFILE,
    ORDERED,
    ZETA,
    Place,
    arrange,
    profile,
    write_private,
)

KILO = get_provider("kilocode")
EMAIL = RESPONSES["GET /api/profile 200"]["user"]["email"]

RuntimeFactory = Callable[..., Runtime]


@pytest.fixture
def runtime(home: Path, gateway: FakeGateway) -> RuntimeFactory:
    """A runtime over the isolated home, talking to the fake gateway, with ``env`` added."""

    def build(env: dict[str, str] | None = None) -> Runtime:
        full_env = {
            "KILOCLI_HOME": str(home),
            "KILOCODE_BASE_URL": gateway.base_url,
            "OPENROUTER_BASE_URL": gateway.openrouter_base_url,
            "KILOCLI_STORE": "file",
            **(env or {}),
        }
        return Runtime(env=full_env, paths=resolve_paths(full_env), feedback=RecordingFeedback())

    return build


def chain_of(rt: Runtime, provider: str = "kilocode") -> list[tuple[str, str | None]]:
    """The key in effect, then every shadowed one, as (source, key preview) pairs."""
    (entry,) = auth_status(rt, provider, check=False).providers
    in_effect = [(entry.key_source, entry.key_preview)] if entry.key_source is not None else []
    return [*in_effect, *((s.source, s.key_preview) for s in entry.shadowed)]


def pairs(places: tuple[Place, ...]) -> list[tuple[str, str]]:
    """The (source, key preview) pairs ``auth status`` shows for ``places``; every place holds
    a key of its own, so equal previews mean equal keys."""
    return [(place.source, preview_of(place.key)) for place in places]


@pytest.mark.parametrize(
    ("higher", "lower"),
    list(itertools.combinations(KILO_CHAIN, 2)),
    ids=[f"{a.source} > {b.source}" for a, b in itertools.combinations(KILO_CHAIN, 2)],
)
def test_every_pair_of_sources_in_the_chain(
    home: Path, runtime: RuntimeFactory, higher: Place, lower: Place
) -> None:
    env = arrange(home, [higher, lower])

    assert chain_of(runtime(env)) == pairs((higher, lower))


def test_all_sources_at_once_in_spec_order(home: Path, runtime: RuntimeFactory) -> None:
    env = arrange(home, KILO_CHAIN)

    assert chain_of(runtime(env)) == pairs(KILO_CHAIN)


def test_blank_env_vars_count_as_unset(home: Path, runtime: RuntimeFactory) -> None:
    arrange(home, [DEFAULT])

    rt = runtime({"KILOCODE_API_KEY": "", "KILO_API_KEY": "  \t"})

    assert chain_of(rt) == pairs((DEFAULT,))
    assert key_in_effect(rt, "kilocode") == DEFAULT.key


def test_each_provider_has_its_own_chain(home: Path, runtime: RuntimeFactory) -> None:
    env = arrange(home, [*KILO_CHAIN, OPENROUTER_ENV, OPENROUTER_PROFILE, OPENROUTER_CONFIG])

    assert chain_of(runtime(env), "openrouter") == pairs(
        (OPENROUTER_ENV, OPENROUTER_PROFILE, OPENROUTER_CONFIG)
    )
    assert chain_of(runtime(env), "kilocode") == pairs(KILO_CHAIN)


def test_every_key_seen_is_remembered_for_scrubbing(home: Path, runtime: RuntimeFactory) -> None:
    env = arrange(home, [*KILO_CHAIN, OPENROUTER_PROFILE])
    rt = runtime(env)

    auth_status(rt, None, check=False)

    assert rt.secrets == {place.key for place in (*KILO_CHAIN, OPENROUTER_PROFILE)}


# Which profile is active -------------------------------------------------------------------------


def active_profiles(rt: Runtime) -> dict[str, bool]:
    return {row.profile_id: row.active for row in list_profiles(rt).profiles}


def test_the_ordered_profile_is_active(home: Path, runtime: RuntimeFactory) -> None:
    arrange(home, [ORDERED, DEFAULT, ZETA, OPENROUTER_PROFILE])

    assert active_profiles(runtime()) == {
        "kilocode:zeta": False,
        "openrouter:default": True,
        "kilocode:default": False,
        "kilocode:work": True,
    }


def test_without_an_ordered_profile_the_default_is_active(
    home: Path, runtime: RuntimeFactory
) -> None:
    arrange(home, [DEFAULT, ZETA])

    assert active_profiles(runtime()) == {"kilocode:zeta": False, "kilocode:default": True}


def test_no_profile_is_active_when_env_wins(home: Path, runtime: RuntimeFactory) -> None:
    env = arrange(home, [KILO_ENV, ORDERED, DEFAULT])

    assert active_profiles(runtime(env)) == {"kilocode:default": False, "kilocode:work": False}


def test_a_profile_without_a_key_is_never_active(home: Path, runtime: RuntimeFactory) -> None:
    arrange(home, [CONFIG])
    write_private(
        home / "auth-profiles.toml",
        {"version": 1, "profiles": {"kilocode:default": profile("kilocode", "")}},
    )
    rt = runtime()

    (row,) = list_profiles(rt).profiles

    assert isinstance(row, ProfileRow)
    assert (row.key_preview, row.referenced_by_config, row.active) == (None, True, False)
    assert chain_of(rt) == pairs((CONFIG,))


# auth token --------------------------------------------------------------------------------------


def test_token_falls_back_to_the_config_key(home: Path, runtime: RuntimeFactory) -> None:
    arrange(home, [CONFIG])

    assert key_in_effect(runtime(), "kilocode") == CONFIG.key


def test_token_without_a_key_is_not_authenticated(runtime: RuntimeFactory) -> None:
    with pytest.raises(NotAuthenticated) as raised:
        key_in_effect(runtime(), "kilocode")

    assert raised.value.exit_code == ExitCode.NOT_AUTHENTICATED
    assert raised.value.hint == "Store one with: kilocli auth login kilocode"


# Exit codes and the check ------------------------------------------------------------------------

FOUND = FoundKey(KeySource("profile", "kilocode:default"), DEFAULT.key)


def checked(outcome: Outcome) -> KeyCheck:
    """What the verify endpoint said, with nothing but the outcome."""
    return KeyCheck(outcome=outcome, detail="detail", details={})


@pytest.mark.parametrize(
    ("in_effect", "outcome", "exit_code"),
    [
        (None, None, ExitCode.NOT_AUTHENTICATED),
        (FOUND, None, ExitCode.OK),
        (FOUND, "verified", ExitCode.OK),
        (FOUND, "rejected", ExitCode.NOT_AUTHENTICATED),
        (FOUND, "unverified", ExitCode.UNREACHABLE),
    ],
)
def test_provider_exit_code(
    in_effect: FoundKey | None, outcome: Outcome | None, exit_code: ExitCode
) -> None:
    check = checked(outcome) if outcome else None
    entry = _entry(KILO, KILO.base_url, KeyResolution("kilocode", in_effect), check, None)

    assert isinstance(entry, ProviderAuth)
    assert entry.exit_code == exit_code
    assert entry.exit_code is exit_code


@pytest.mark.parametrize(
    ("places", "hint"),
    [
        ((KILOCODE_ENV, DEFAULT), "KILOCODE_API_KEY"),
        ((KILO_ENV, CONFIG), None),
        ((DEFAULT, CONFIG), None),
    ],
    ids=["env over a profile", "env over config", "a profile in effect"],
)
def test_env_shadows_profile(
    home: Path, runtime: RuntimeFactory, places: tuple[Place, ...], hint: str | None
) -> None:
    env = arrange(home, places)

    (entry,) = auth_status(runtime(env), "kilocode", check=False).providers

    assert entry.env_shadows_profile == hint


def test_check_asks_each_provider_that_has_a_key_and_the_default_decides(
    home: Path, runtime: RuntimeFactory, gateway: FakeGateway
) -> None:
    env = arrange(home, [KILOCODE_ENV, OPENROUTER_PROFILE])
    gateway.valid_keys.add(KILOCODE_ENV.key)  # the OpenRouter profile's key is refused
    gateway.organizations = [{"id": "9f4c1d2e-0000-4000-8000-000000000001", "name": "Team"}]
    rt = runtime(env)

    status = auth_status(rt, None, check=True)

    kilo, openrouter = status.providers
    assert kilo.check is not None
    assert kilo.check.outcome == "verified"
    assert kilo.account is not None
    assert (kilo.account.email, [o.name for o in kilo.account.organizations]) == (EMAIL, ["Team"])
    assert kilo.account.organization is None  # the env key speaks for the personal account
    assert kilo.balance == "$12.34"
    assert openrouter.check is not None
    assert openrouter.check.outcome == "rejected"
    assert (status.deciding_provider, status.exit_code) == ("kilocode", ExitCode.OK)
    assert [(seen.path, seen.headers["Authorization"]) for seen in gateway.requests] == [
        ("/api/profile", f"Bearer {KILOCODE_ENV.key}"),
        ("/api/profile/balance", f"Bearer {KILOCODE_ENV.key}"),
        ("/api/gateway/usage", f"Bearer {KILOCODE_ENV.key}"),
        ("/api/v1/key", f"Bearer {OPENROUTER_PROFILE.key}"),
    ]
    assert isinstance(rt.feedback, RecordingFeedback)
    assert rt.feedback.notes == [
        "Checking the key with Kilo Gateway…",
        "Checking the key with OpenRouter…",
    ]


def test_check_without_a_key_asks_nothing(runtime: RuntimeFactory, gateway: FakeGateway) -> None:
    status = auth_status(runtime(), "kilocode", check=True)

    assert status.providers[0].check is None
    assert status.exit_code == ExitCode.NOT_AUTHENTICATED
    assert gateway.requests == []
