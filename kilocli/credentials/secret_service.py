"""One key read from the Secret Service with jeepney alone, for ``auth token`` (SPEC §10, §14).

``auth token`` is the credential helper other tools run before their requests (SPEC §12), and
SecretStorage's import and its encrypted transfer (cryptography, a Diffie-Hellman exchange)
cost more than the whole command may. This reader asks the default collection, the one keyring
writes to, for the item with keyring's attributes (``service``, ``username``) and takes its
secret over a ``plain`` session. The transfer is not encrypted, but it travels on the user's own
session bus, which only the same user (or root) can watch — and they can ask the keyring for the
key anyway.

Only the plain case is read here: when the collection is locked (unlocking may show a prompt),
or the service declines a plain session, or anything else is unexpected, :class:`NotPlain`
hands the read back to the full client, which unlocks and encrypts as it always does.
"""

from __future__ import annotations

from typing import Any

from kilocli.errors import KilocliError

BUS_NAME = "org.freedesktop.secrets"
API = "org.freedesktop.Secret"
NO_COLLECTION = "/"


class NotPlain(KilocliError):
    """The key cannot be read the plain way; the full client must read it (never shown)."""


def read_secret(service: str, account: str) -> str | None:
    """The secret kept under ``service``/``account`` in the default collection; None when
    there is no such item.

    Raises:
        NotPlain: the collection is locked or missing, the service refused a plain session,
            or it answered something unexpected.
        OSError: the session bus cannot be reached.
        KeyError: there is no session bus to reach (``DBUS_SESSION_BUS_ADDRESS`` is unset),
            which :mod:`kilocli.credentials.keyring_access` tells as such.
    """
    from jeepney import DBusAddress, new_method_call
    from jeepney.io.blocking import open_dbus_connection
    from jeepney.wrappers import DBusErrorResponse

    with open_dbus_connection(bus="SESSION") as connection:

        def call(path: str, interface: str, method: str, signature: str, *body: Any) -> Any:
            address = DBusAddress(path, bus_name=BUS_NAME, interface=interface)
            message = new_method_call(address, method, signature or None, body)
            try:
                return connection.send_and_get_reply(message).body
            except DBusErrorResponse as exc:
                raise NotPlain(str(exc)) from None

        (collection,) = call(
            "/org/freedesktop/secrets", f"{API}.Service", "ReadAlias", "s", "default"
        )
        if collection == NO_COLLECTION:
            raise NotPlain("there is no default collection")
        (locked,) = call(
            collection,
            "org.freedesktop.DBus.Properties",
            "Get",
            "ss",
            f"{API}.Collection",
            "Locked",
        )
        if locked != ("b", False):
            raise NotPlain("the collection is locked")
        (items,) = call(
            collection,
            f"{API}.Collection",
            "SearchItems",
            "a{ss}",
            {"service": service, "username": account},
        )
        if not items:
            return None
        _, session = call(
            "/org/freedesktop/secrets", f"{API}.Service", "OpenSession", "sv", "plain", ("s", "")
        )
        try:
            (secret,) = call(items[0], f"{API}.Item", "GetSecret", "o", session)
        finally:
            call(session, f"{API}.Session", "Close", "")
    try:
        return bytes(secret[2]).decode("utf-8")
    except (IndexError, TypeError, UnicodeDecodeError):
        raise NotPlain("the secret is not text") from None
