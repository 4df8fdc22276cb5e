"""A real Secret Service (gnome-keyring) on a private D-Bus session bus, unlocked, for the
keyring tests (SPEC §11, §14) and the benchmark's keyring rows.

Everything it starts lives under a directory of its own: its own bus (never the user's
``DBUS_SESSION_BUS_ADDRESS``), its own ``HOME`` and ``XDG_RUNTIME_DIR``, so the keyring it
creates and unlocks is a throwaway one and the machine user's keyring is never touched.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

PROGRAMS = ("dbus-daemon", "gnome-keyring-daemon")
PASSWORD = b"kilocli-tests"  # the throwaway keyring's; unlocks it without a prompt


def missing_programs() -> list[str]:
    """The programs a Secret Service needs that are not installed."""
    return [name for name in PROGRAMS if shutil.which(name) is None]


@contextlib.contextmanager
def secret_service(base: Path) -> Iterator[dict[str, str]]:
    """Start a bus and an unlocked gnome-keyring under ``base``; yields the variables that
    reach it (``DBUS_SESSION_BUS_ADDRESS``); stops both afterwards."""
    home, runtime = base / "home", base / "run"
    for directory in (home, runtime):
        directory.mkdir(parents=True, exist_ok=True)
        directory.chmod(0o700)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_RUNTIME_DIR": str(runtime),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CONFIG_HOME": str(home / ".config"),
    }
    bus = subprocess.run(
        ["dbus-daemon", "--session", "--fork", "--nopidfile", "--print-address=1", "--print-pid=1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=20,
        check=True,
    )
    address, pid = bus.stdout.split()[:2]
    pids = [int(pid)]
    try:
        env["DBUS_SESSION_BUS_ADDRESS"] = address
        keyring = subprocess.run(
            ["gnome-keyring-daemon", "--unlock", "--components=secrets"],
            input=PASSWORD,
            env=env,
            capture_output=True,
            timeout=20,
            check=True,
        )
        pids += _daemon_pids(keyring.stdout.decode(), address)
        yield {"DBUS_SESSION_BUS_ADDRESS": address}
    finally:
        for started in pids:
            with contextlib.suppress(OSError):
                os.kill(started, signal.SIGTERM)


def _daemon_pids(said: str, address: str) -> list[int]:
    """gnome-keyring's pid: it says ``GNOME_KEYRING_PID=`` on some versions; otherwise the
    bus is asked who owns the Secret Service name."""
    for line in said.splitlines():
        if line.startswith("GNOME_KEYRING_PID="):
            return [int(line.split("=", 1)[1])]
    with contextlib.suppress(Exception):
        from jeepney.bus_messages import message_bus
        from jeepney.io.blocking import open_dbus_connection

        with open_dbus_connection(bus=address) as connection:
            message = message_bus.GetConnectionUnixProcessID("org.freedesktop.secrets")
            return [int(connection.send_and_get_reply(message, timeout=5).body[0])]
    return []


def clear() -> None:
    """Remove every entry of kilocli's from the test keyring (the bus in
    ``DBUS_SESSION_BUS_ADDRESS``; the tests of a worker share one)."""
    import secretstorage

    connection = secretstorage.dbus_init()
    try:
        collection = secretstorage.get_default_collection(connection)
        for item in collection.search_items({"service": "kilocli"}):
            item.delete()
    finally:
        connection.close()
