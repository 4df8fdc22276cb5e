"""The OS keyring, every call bounded (SPEC §14).

``keyring`` (and its backend) is imported on the first call that reads or writes a key there,
never before: commands that need no key, or whose key is in the file, do not pay for it. On
Linux without ``PYTHON_KEYRING_BACKEND`` the Secret Service backend is imported by itself,
which spares keyring's search of every installed package's entry points (a third of the
import). Every call runs in a helper thread that the caller waits for at most ``timeout``
seconds: a locked keyring that shows a prompt nobody answers, or a daemon that hangs, becomes
an error naming the backend and the fix, never a hang and never a quiet write elsewhere.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from kilocli.errors import KeyringFailed

SERVICE = "kilocli"
"""The keyring service every kilocli entry is stored under (the account is the profile id)."""

TIMEOUT_SECONDS = 3.0
FIX = "kilocli auth store file"

BackendFactory = Callable[[], Any]
"""Makes a ``keyring`` backend (an object with ``get_password``, ``set_password`` and
``delete_password``); tests pass keyring's fail backend or a stand-in that never answers."""

_T = TypeVar("_T")

_NAMES = {
    "SecretService": "Secret Service",
    "macOS": "macOS Keychain",
    "Windows": "Windows Credential Locker",
    "fail": "no keyring backend",
    "chainer": "keyring chain",
}


def backend_name(backend: object) -> str:
    """How a person names ``backend``: ``Secret Service``, ``macOS Keychain``, …"""
    given = getattr(backend, "display_name", None)
    if isinstance(given, str):
        return given
    module = type(backend).__module__
    short = module.rsplit(".", 1)[-1]
    return _NAMES.get(short, f"{module}.{type(backend).__qualname__}")


def expected_name(env: Mapping[str, str]) -> str:
    """The backend this platform uses, named before it is loaded (for messages)."""
    chosen = env.get("PYTHON_KEYRING_BACKEND", "").strip()
    if chosen:
        return _NAMES.get(chosen.rsplit(".", 2)[-2] if "." in chosen else chosen, chosen)
    if sys.platform == "darwin":
        return "macOS Keychain"
    if sys.platform == "win32":
        return "Windows Credential Locker"
    return "Secret Service"


def _default_backend(env: Mapping[str, str]) -> Any:
    if sys.platform.startswith("linux") and not env.get("PYTHON_KEYRING_BACKEND", "").strip():
        return SecretServiceBackend()
    import keyring

    return keyring.get_keyring()


class SecretServiceBackend:
    """keyring's Secret Service backend, with reads made without keyring.

    ``auth token`` is the credential helper other tools run for every request (SPEC §12), and
    importing ``keyring`` costs more than the whole command may (its core loads logging,
    configparser, urllib and entry points). A read is one search of the default collection by
    the same attributes keyring writes (``service``, ``username``), so both read each other's
    entries: with jeepney alone when the collection is unlocked
    (:mod:`kilocli.credentials.secret_service`), else with SecretStorage, which can unlock it.
    Writes and removals go through keyring itself.
    """

    display_name = "Secret Service"

    def get_password(self, service: str, username: str) -> str | None:
        import contextlib

        from kilocli.credentials.secret_service import NotPlain, read_secret

        with contextlib.suppress(NotPlain):
            return read_secret(service, username)  # the common case: unlocked, plain

        import secretstorage

        connection = secretstorage.dbus_init()
        with contextlib.closing(connection):
            collection = secretstorage.get_default_collection(connection)
            if collection.is_locked():
                collection.unlock()  # as keyring does: the keyring's own prompt, if any
            if collection.is_locked():  # the prompt was dismissed, or there is none to show
                raise secretstorage.LockedException("the keyring is locked, and was not unlocked")
            for item in collection.search_items({"username": username, "service": service}):
                if item.is_locked():
                    item.unlock()
                return item.get_secret().decode("utf-8")
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        self._keyring().set_password(service, username, password)

    def delete_password(self, service: str, username: str) -> None:
        self._keyring().delete_password(service, username)

    @staticmethod
    def _keyring() -> Any:
        from keyring.backends.SecretService import Keyring

        return Keyring()  # type: ignore[no-untyped-call]


def entry_name(account: str, env: Mapping[str, str]) -> str:
    """The keyring account a profile's key is kept under: the profile id (SPEC §14) — with
    ``@<KILOCLI_HOME>`` when that moves kilocli elsewhere, since it moves everything: two
    homes never read, replace or delete each other's keys."""
    import os

    home = env.get("KILOCLI_HOME", "").strip()
    return f"{account}@{os.path.abspath(os.path.expanduser(home))}" if home else account


class Keyring:
    """kilocli's entries in the OS keyring (service :data:`SERVICE`, account the profile id,
    as :func:`entry_name` says).

    Args:
        env: the environment (``PYTHON_KEYRING_BACKEND`` picks another backend;
            ``KILOCLI_HOME`` names the entries, see :func:`entry_name`).
        backend: makes the backend (default: the platform's, as above).
        timeout: seconds each call may take (3; tests shorten it).
    """

    def __init__(
        self,
        env: Mapping[str, str],
        backend: BackendFactory | None = None,
        timeout: float = TIMEOUT_SECONDS,
    ) -> None:
        self._env = env
        self._factory = backend
        self.timeout = timeout
        self._backend: Any = None
        self._name: str | None = None
        self._seen: dict[str, str | None] = {}  # what this run read or wrote, per account
        self._hung: KeyringFailed | None = None  # a keyring that did not answer stays so

    @property
    def is_platform_default(self) -> bool:
        """The platform's own backend will be used (none injected or named in the env)."""
        return self._factory is None and not self._env.get("PYTHON_KEYRING_BACKEND", "").strip()

    @property
    def name(self) -> str:
        """The backend's name (what it is expected to be, before it was loaded)."""
        if self._name is None and self._factory is not None:
            self._name = self._bounded("loading the keyring", self._load)[1]
        return self._name or expected_name(self._env)

    def get(self, account: str, *, fresh: bool = False) -> str | None:
        """The key stored as ``account``; None when there is no such entry. Read once per
        run, unless ``fresh`` (reading a copy back to verify it).

        Raises:
            KeyringFailed: the keyring failed, or did not answer in time.
        """
        if fresh or account not in self._seen:
            entry = entry_name(account, self._env)
            value = self._call("reading a key", lambda b: b.get_password(SERVICE, entry))
            self._seen[account] = value if isinstance(value, str) else None
        return self._seen[account]

    def set(self, account: str, key: str) -> None:
        """Store ``key`` as ``account`` (replacing what was there).

        Raises:
            KeyringFailed: as :meth:`get`; nothing was stored anywhere else.
        """
        self._seen.pop(account, None)
        entry = entry_name(account, self._env)
        self._call("storing a key", lambda b: b.set_password(SERVICE, entry, key))

    def delete(self, account: str) -> bool:
        """Remove ``account``'s entry; False when there was none.

        Raises:
            KeyringFailed: as :meth:`get`.
        """
        if self.get(account) is None:
            return False
        self._seen.pop(account, None)
        entry = entry_name(account, self._env)
        self._call("removing a key", lambda b: b.delete_password(SERVICE, entry))
        self._seen[account] = None
        return True

    def probe(self) -> str | None:
        """None when the keyring answers (a read of an entry that need not exist); else why
        not, in a few words."""
        try:
            self.get("kilocli-probe", fresh=True)
        except KeyringFailed as exc:
            return exc.reason
        return None

    def _load(self) -> tuple[Any, str]:
        if self._backend is None:
            made = self._factory() if self._factory is not None else _default_backend(self._env)
            self._backend, self._name = made, backend_name(made)
        return self._backend, backend_name(self._backend)

    def _call(self, what: str, call: Callable[[Any], _T]) -> _T:
        return self._bounded(what, lambda: call(self._load()[0]))

    def _bounded(self, what: str, call: Callable[[], _T]) -> _T:
        """``call``'s answer within :attr:`timeout`. A keyring that once did not answer is not
        asked again in this run: one bounded wait, not one per call."""
        if self._hung is not None:
            raise self._hung
        outcome: dict[str, Any] = {}

        def run() -> None:
            try:
                outcome["value"] = call()
            except BaseException as exc:  # reported below, in the caller's thread
                outcome["error"] = exc

        worker = threading.Thread(target=run, name="kilocli-keyring", daemon=True)
        worker.start()
        worker.join(self.timeout)
        name = self._name or expected_name(self._env)
        if worker.is_alive():
            reason = f"it did not answer within {self.timeout:g} s"
            self._hung = KeyringFailed(
                f"The keyring ({name}) did not answer within {self.timeout:g} s while "
                f"{what}; it may be locked and waiting for a password. Nothing was written "
                "to a file instead.",
                hint=_hint(),
                reason=reason,
            )
            raise self._hung
        if "error" in outcome:
            reason = _reason(outcome["error"])
            raise KeyringFailed(
                f"The keyring ({name}) failed while {what}: {reason}. Nothing was written to "
                "a file instead.",
                hint=_hint(reason),
                reason=reason,
            ) from None
        value: _T = outcome["value"]
        return value


def _hint(reason: str = "") -> str:
    if reason == NO_BUS:  # over SSH, in a container: the keyring is in the desktop session
        return (
            "Run the command in your desktop session, where the keyring is; or, there, keep "
            f"keys in auth-profiles.toml instead: {FIX}"
        )
    return (
        "Unlock or start the keyring and run the command again; or keep keys in "
        f"auth-profiles.toml instead: {FIX}"
    )


NO_BUS = "this session has no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)"


def _reason(exc: BaseException) -> str:
    """Why a keyring call failed, in a few words."""
    if isinstance(exc, KeyError) and exc.args == ("DBUS_SESSION_BUS_ADDRESS",):
        return NO_BUS  # what jeepney and SecretStorage raise without a session bus
    text = str(exc).strip().splitlines()
    first = text[0] if text else ""
    return f"{type(exc).__name__}: {first}"[:300] if first else type(exc).__name__
