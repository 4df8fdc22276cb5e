"""Servers that misbehave in ways the fake gateway cannot: raw sockets on loopback addresses.

Each :class:`RawServer` reads one HTTP request per connection, records it, and then lets a
behaviour do whatever it likes with the socket: answer nothing, trickle bytes, send 50 MB,
send bytes that are not UTF-8, or redirect elsewhere. Traffic stays on 127.0.0.0/8; every
server is stopped (its listener and connections closed) when the test or module ends.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

Behaviour = Callable[[socket.socket, "RawServer"], None]

TRICKLE_INTERVAL = 0.2  # one byte this often: each read succeeds long before a read timeout
STALL_INTERVAL = 4.0  # one byte this often: just inside a 5 s read timeout, every time
HUGE_BODY_BYTES = 50_000_000


@dataclass(frozen=True)
class Received:
    """One request a raw server read: its request line and headers (names lower-cased)."""

    request_line: str
    headers: dict[str, str]

    @property
    def path(self) -> str:
        return self.request_line.split(" ")[1] if " " in self.request_line else ""


class RawServer:
    """A TCP server on ``host`` that hands every connection, after its request, to
    ``behaviour``. Use as a context manager (or call :meth:`stop`)."""

    def __init__(self, behaviour: Behaviour, host: str = "127.0.0.1") -> None:
        self.behaviour = behaviour
        self.received: list[Received] = []
        self.stopping = threading.Event()
        self._listener = socket.create_server((host, 0))
        self._listener.settimeout(0.05)
        self._connections: list[socket.socket] = []
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._accept_loop, daemon=True)]
        self._threads[0].start()

    @property
    def origin(self) -> str:
        host, port = self._listener.getsockname()[:2]
        return f"http://{host}:{port}"

    @property
    def base_url(self) -> str:
        """What ``KILOCODE_BASE_URL`` should be to send kilocli here."""
        return f"{self.origin}/api/gateway/"

    def _accept_loop(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.settimeout(None)
            with self._lock:
                self._connections.append(conn)
                worker = threading.Thread(target=self._serve, args=(conn,), daemon=True)
                self._threads.append(worker)
            worker.start()

    def _serve(self, conn: socket.socket) -> None:
        with conn, contextlib.suppress(OSError):
            request = _read_request(conn)
            if request is None:
                return
            self.received.append(request)
            self.behaviour(conn, self)

    def stop(self) -> None:
        self.stopping.set()
        self._listener.close()
        with self._lock:
            for conn in self._connections:
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
            threads = list(self._threads)
        for thread in threads:
            thread.join(timeout=5)

    def __enter__(self) -> RawServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _read_request(conn: socket.socket) -> Received | None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    headers = {}
    for line in head[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return Received(head[0], headers)


def head(status: str, *headers: str) -> bytes:
    """A status line and headers, ready to send."""
    lines = [f"HTTP/1.1 {status}", *headers, "", ""]
    return "\r\n".join(lines).encode("latin-1")


# Behaviours ----------------------------------------------------------------------------------


def silent(conn: socket.socket, server: RawServer) -> None:
    """Accept the request and never answer."""
    server.stopping.wait()


def trickling_body(conn: socket.socket, server: RawServer) -> None:
    """Promise a large JSON body, then send it one byte every 0.2 s."""
    conn.sendall(head("200 OK", "Content-Type: application/json", "Content-Length: 1000000"))
    conn.sendall(b'{"data": [')
    while not server.stopping.wait(TRICKLE_INTERVAL):
        conn.sendall(b" ")


def stalling_body(conn: socket.socket, server: RawServer) -> None:
    """Promise a body, then send one byte of it every 4 s."""
    conn.sendall(head("200 OK", "Content-Type: application/json", "Content-Length: 1000"))
    while not server.stopping.wait(STALL_INTERVAL):
        conn.sendall(b" ")


def trickling_head(conn: socket.socket, server: RawServer) -> None:
    """Send the status line and headers themselves one byte every 0.2 s (they never end)."""
    for byte in b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Padding: ":
        conn.sendall(bytes([byte]))
    while not server.stopping.wait(TRICKLE_INTERVAL):
        conn.sendall(b"a")


def _huge(conn: socket.socket, server: RawServer, *, declared: bool) -> None:
    length = [f"Content-Length: {HUGE_BODY_BYTES}"] if declared else ["Connection: close"]
    conn.sendall(head("200 OK", "Content-Type: application/json", *length))
    block = b" " * 65536
    conn.sendall(b'{"data": [')
    sent = 10
    while sent < HUGE_BODY_BYTES and not server.stopping.is_set():
        part = block[: HUGE_BODY_BYTES - sent]
        conn.sendall(part)
        sent += len(part)


def huge_declared(conn: socket.socket, server: RawServer) -> None:
    """A 50 MB body whose Content-Length says so."""
    _huge(conn, server, declared=True)


def huge_undeclared(conn: socket.socket, server: RawServer) -> None:
    """A 50 MB body with no Content-Length (it ends when the connection closes)."""
    _huge(conn, server, declared=False)


NOT_UTF8_BODY = (
    b'{"user": {"email": "caf\xe9@example.com"}, '
    b'"data": [{"id": "caf\xe9/model", "name": "Caf\xe9 \xff\xfe"}]}'
)


def not_utf8(conn: socket.socket, server: RawServer) -> None:
    """A 200 whose JSON-looking body is Latin-1, not UTF-8 (for any path)."""
    conn.sendall(
        head("200 OK", "Content-Type: application/json", f"Content-Length: {len(NOT_UTF8_BODY)}")
        + NOT_UTF8_BODY
    )


GOOD_BODY = b'{"user": {"email": "elsewhere@example.com"}, "data": [{"id": "elsewhere/model"}]}'


def answers_well(conn: socket.socket, server: RawServer) -> None:
    """A plausible 200 for any path: if kilocli ever followed a redirect here, it would work."""
    conn.sendall(
        head("200 OK", "Content-Type: application/json", f"Content-Length: {len(GOOD_BODY)}")
        + GOOD_BODY
    )


def redirecting_to(target: RawServer) -> Behaviour:
    """Answer every request with a 302 to the same path on ``target``."""

    def redirect(conn: socket.socket, server: RawServer) -> None:
        path = server.received[-1].path
        conn.sendall(head("302 Found", f"Location: {target.origin}{path}", "Content-Length: 0"))

    return redirect


# Fixtures ------------------------------------------------------------------------------------


@dataclass
class BadNetwork:
    """A misbehaving server (or a closed port) and, for a redirect, where it points."""

    name: str
    base_url: str
    server: RawServer | None = None
    redirect_target: RawServer | None = None

    @property
    def received(self) -> list[Received]:
        return self.server.received if self.server else []


def refused_base_url(stack: contextlib.ExitStack) -> str:
    """A base URL on a loopback port that is bound but not listening: every connection is
    refused, and no server started meanwhile can take the port (a port that is merely closed
    could be handed to the next server that binds port 0)."""
    holder = stack.enter_context(socket.socket())
    holder.bind(("127.0.0.1", 0))
    return f"http://127.0.0.1:{holder.getsockname()[1]}/api/gateway/"


SLOW = ("silent", "trickling body", "stalling body", "trickling head")
FAST = ("refused", "huge, declared", "huge, undeclared", "not UTF-8", "redirect")
BEHAVIOURS: dict[str, Behaviour] = {
    "silent": silent,
    "trickling body": trickling_body,
    "stalling body": stalling_body,
    "trickling head": trickling_head,
    "huge, declared": huge_declared,
    "huge, undeclared": huge_undeclared,
    "not UTF-8": not_utf8,
}


def open_bad_network(name: str, stack: contextlib.ExitStack) -> BadNetwork:
    """Start the bad network called ``name``; ``stack`` stops it."""
    if name == "refused":
        return BadNetwork(name, refused_base_url(stack))
    if name == "redirect":
        # Another host: a second loopback address, so that "same host" cannot excuse it.
        target = stack.enter_context(RawServer(answers_well, host="127.0.0.2"))
        server = stack.enter_context(RawServer(redirecting_to(target)))
        return BadNetwork(name, server.base_url, server, target)
    server = stack.enter_context(RawServer(BEHAVIOURS[name]))
    return BadNetwork(name, server.base_url, server)


@pytest.fixture
def bad_network() -> Iterator[Callable[[str], BadNetwork]]:
    """Start bad networks by name for one test; all are stopped at its end."""
    with contextlib.ExitStack() as stack:
        yield lambda name: open_bad_network(name, stack)
