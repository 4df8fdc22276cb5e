"""Keyring backends for tests, loadable by name through ``PYTHON_KEYRING_BACKEND`` (the way a
user picks one), for runs that take no injected overrides."""

from __future__ import annotations

from typing import ClassVar

from keyring.backend import KeyringBackend


class RefusesAndCounts(KeyringBackend):
    """A keyring that fails every call at once, and counts the calls."""

    priority = 1  # type: ignore[assignment]  # keyring reads it when it loads a backend
    calls: ClassVar[int] = 0

    def get_password(self, service: str, username: str) -> str | None:
        type(self).calls += 1
        raise RuntimeError("the test keyring refuses")

    def set_password(self, service: str, username: str, password: str) -> None:
        self.get_password(service, username)

    def delete_password(self, service: str, username: str) -> None:
        self.get_password(service, username)
