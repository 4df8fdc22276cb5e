"""What the services get from the outside world, injected (never module-level globals)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

from kilocli.gateway.settings import DEFAULT_TIMEOUT_SECONDS

if TYPE_CHECKING:
    import httpx

    from kilocli.credentials.keyring_access import Keyring
    from kilocli.gateway.http import GatewayClient
    from kilocli.paths import Paths
    from kilocli.prompting import Prompter


DEVICE_POLL_SECONDS = 3.0


def _open_in_browser(url: str) -> bool:
    import webbrowser

    try:
        return webbrowser.open(url)
    except webbrowser.Error:
        return False


class Feedback(Protocol):
    """Progress and warnings while a service runs; the CLI draws them on stderr."""

    def note(self, text: str) -> None:
        """Something worth knowing that is not a result."""
        ...

    def warn(self, text: str) -> None:
        """Something went wrong, but the command goes on."""
        ...

    def working(self, text: str) -> AbstractContextManager[None]:
        """A spinner (or a line) while something slow happens."""
        ...


@dataclass
class Runtime:
    """The environment a service runs in.

    Attributes:
        env: the environment variables (a plain mapping, so tests can pass their own).
        paths: where files live.
        prompter: how to ask questions; None when there is no terminal to ask on.
        feedback: where progress and warnings go.
        http_client: makes the httpx client for gateway requests (default: a real one with
            ``http_timeout``; tests pass one with a mock transport).
        http_timeout: seconds a whole gateway answer may take (``KILOCLI_HTTP_TIMEOUT``).
        sleep: how to wait before a retry.
        clock: seconds since the epoch, now (cache ages, TTLs).
        secrets: every key this run has seen, scrubbed from any unexpected error text.
        poll_interval: seconds between two polls of a device sign-in (3 s; tests shorten it).
        open_url: opens a URL in the user's browser; True when it did.
        shell_env: the keys the login shell exports (SPEC §4), once it has been asked.
        keyring_backend: makes the OS keyring's backend (default: the platform's; tests pass
            a real Secret Service's, keyring's fail backend, or one that never answers).
        keyring_timeout: seconds each keyring call may take (SPEC §14: 3; tests shorten it).
        new_keys_store: where keys stored in this run go, once settled (one probe a run).
    """

    env: Mapping[str, str]
    paths: Paths
    feedback: Feedback
    prompter: Prompter | None = None
    http_client: Callable[[], httpx.Client] | None = None
    http_timeout: float = DEFAULT_TIMEOUT_SECONDS
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.time
    secrets: set[str] = field(default_factory=set)
    warned: set[str] = field(default_factory=set)  # warnings given once per run
    poll_interval: float = DEVICE_POLL_SECONDS
    shell_env: dict[str, str] | None = None  # the login shell's keys, once asked
    open_url: Callable[[str], bool] = field(default=_open_in_browser)
    keyring_backend: Callable[[], Any] | None = None
    keyring_timeout: float = 3.0
    new_keys_store: Literal["keyring", "file"] | None = None
    _keyring: Keyring | None = field(default=None, repr=False)

    def keyring(self) -> Keyring:
        """kilocli's entries in the OS keyring (nothing is loaded until one is used)."""
        from kilocli.credentials.keyring_access import Keyring

        if self._keyring is None:
            self._keyring = Keyring(self.env, self.keyring_backend, self.keyring_timeout)
        return self._keyring

    def remember_secret(self, key: str) -> str:
        """Note a key so that no error text can show it; returns the key."""
        self.secrets.add(key)
        return key

    def gateway(self) -> GatewayClient:
        """A bounded client for gateway requests (use it as a context manager)."""
        from kilocli.gateway.http import GatewayClient, make_client

        http = self.http_client() if self.http_client else make_client(self.http_timeout)
        return GatewayClient(http, timeout=self.http_timeout, sleep=self.sleep)
