"""Test doubles: a real HTTP fake of Kilo Gateway, and a scripted prompter.

The fake gateway is a threaded HTTP server on 127.0.0.1 that speaks the shapes of
``tests/data/gateway-*.json`` (copied from the real gateway's examples) and can be told to
fail: any status, a delay, a malformed body, extra headers, for a number of requests.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from kilocli.errors import Interrupted
from kilocli.prompting import Option, Validator

DATA = Path(__file__).parent / "data"
RESPONSES: dict[str, Any] = json.loads((DATA / "gateway-responses.json").read_text())
MODELS_BODY: dict[str, Any] = json.loads((DATA / "gateway-models.json").read_text())

VALID_KEY = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJrZXkiOiJ0ZXN0LWtleS0xIiwiZW52IjoidGVzdCJ9."
    "c2lnbmF0dXJlLW9mLXRoZS12YWxpZC10ZXN0LWtleQ"
)
OTHER_VALID_KEY = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJrZXkiOiJ0ZXN0LWtleS0yIiwiZW52IjoidGVzdCJ9."
    "c2Vjb25kLXZhbGlkLXRlc3Qta2V5LXNpZ25hdHVyZQ"
)
# The fallback catalog's entry as SPEC §2's example config writes it.
KILO_AUTO_ENTRY = {
    "id": "kilo/auto",
    "name": "Kilo Auto",
    "input": ["text", "image"],
    "reasoning": True,
    "contextWindow": 1_000_000,
    "maxTokens": 128_000,
}
REJECTED_KEY = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJrZXkiOiJyZXZva2VkIiwiZW52IjoidGVzdCJ9."
    "cmV2b2tlZC1rZXktdGhlLWdhdGV3YXktcmVqZWN0cw"
)


@dataclass
class Fault:
    """How the next matching requests should go wrong."""

    status: int | None = 500  # None: only delay, then answer as usual
    body: bytes | None = None
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    times: int | None = None  # None: until cleared


@dataclass(frozen=True)
class Seen:
    """One request the fake gateway received."""

    method: str
    path: str
    headers: dict[str, str]


class FakeGateway:
    """A Kilo Gateway on 127.0.0.1 with switchable faults. Use as a context manager."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: dict[str, Fault] = {}
        self.requests: list[Seen] = []
        self.reset()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def reset(self) -> None:
        """Back to a fresh gateway's state: no faults, no requests, the example answers."""
        self.clear_faults()
        self.requests.clear()
        self.valid_keys = {VALID_KEY, OTHER_VALID_KEY}
        self.profile: dict[str, Any] = RESPONSES["GET /api/profile 200"]
        self.balance: dict[str, Any] = RESPONSES["GET /api/profile/balance 200"]
        self.models_body: bytes = json.dumps(MODELS_BODY).encode()

    @property
    def origin(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def base_url(self) -> str:
        """What ``KILOCODE_BASE_URL`` should be to use this gateway."""
        return f"{self.origin}/api/gateway/"

    @property
    def openrouter_base_url(self) -> str:
        """An OpenRouter-like base URL on the same server (``GET <base>key``)."""
        return f"{self.origin}/api/v1/"

    def fail(self, path: str, fault: Fault | None = None, **kwargs: Any) -> None:
        """Make requests whose path starts with ``path`` fail as ``fault`` says."""
        with self._lock:
            self._faults[path] = fault or Fault(**kwargs)

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def paths_requested(self) -> list[str]:
        return [seen.path for seen in self.requests]

    def take_fault(self, path: str) -> Fault | None:
        with self._lock:
            for prefix, fault in self._faults.items():
                if path.startswith(prefix):
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times <= 0:
                            del self._faults[prefix]
                    return fault
        return None

    def __enter__(self) -> FakeGateway:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def _handler_for(gateway: FakeGateway) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            """Keep test output quiet."""

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            self._serve("POST")

        def _serve(self, method: str) -> None:
            path = self.path.split("?", 1)[0]
            gateway.requests.append(Seen(method, path, dict(self.headers.items())))
            fault = gateway.take_fault(path)
            if fault is not None:
                time.sleep(fault.delay)
                if fault.status is not None:
                    body = fault.body if fault.body is not None else b"{}"
                    self._send(fault.status, body, fault.headers)
                    return
            status, payload = self._route(method, path)
            body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
            self._send(status, body)

        def _route(self, method: str, path: str) -> tuple[int, Any]:
            if method == "GET" and path == "/api/gateway/models":
                return 200, gateway.models_body
            if method == "GET" and path in {"/api/profile", "/api/profile/balance", "/api/v1/key"}:
                problem = self._auth_problem()
                if problem:
                    return 401, problem
                if path == "/api/profile":
                    return 200, gateway.profile
                if path == "/api/v1/key":
                    return 200, RESPONSES["GET https://openrouter.ai/api/v1/key 200"]
                return 200, gateway.balance
            if method == "POST" and path == "/api/gateway/chat/completions":
                if self._auth_problem():
                    return 401, RESPONSES["POST /api/gateway/chat/completions 401"]
                return 200, {"id": "chatcmpl-test", "choices": [{"message": {"content": "ok"}}]}
            return 404, {"error": "Not found", "success": False}

        def _auth_problem(self) -> dict[str, Any] | None:
            header = self.headers.get("Authorization")
            if not header:
                return RESPONSES["GET /api/profile 401 (no header)"]
            if header.removeprefix("Bearer ") not in gateway.valid_keys:
                return RESPONSES["GET /api/profile 401 (bad key)"]
            return None

        def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

    return Handler


Answer = str | bool | type[Interrupted]


@dataclass
class Asked:
    """One question the scripted prompter was asked."""

    kind: str
    message: str
    options: tuple[str, ...] = ()
    default: object = None
    errors: tuple[str, ...] = ()


class ScriptedPrompter:
    """A :class:`~kilocli.prompting.Prompter` that answers from a script.

    Each answer is taken in order. ``Interrupted`` as an answer simulates Ctrl-C. For ``secret``
    and ``text`` an answer that fails validation is recorded and the next answer is used, just as
    the real prompt refuses it and waits.
    """

    def __init__(self, answers: Sequence[Answer]) -> None:
        self._answers = list(answers)
        self.asked: list[Asked] = []

    def _next(self) -> Answer:
        if not self._answers:
            raise AssertionError(f"unexpected question: {self.asked[-1]}")
        answer = self._answers.pop(0)
        if answer is Interrupted:
            raise Interrupted
        return answer

    def select(
        self,
        message: str,
        options: Sequence[Option],
        *,
        default: str | None = None,
        searchable: bool = False,
    ) -> str:
        self.asked.append(Asked("select", message, tuple(o.title for o in options), default))
        answer = self._next()
        titles = {o.title: o.value for o in options}
        values = {o.value for o in options}
        if answer in titles:
            return titles[str(answer)]
        assert answer in values, f"{answer!r} is not an option of {message!r}: {sorted(titles)}"
        return str(answer)

    def confirm(self, message: str, *, default: bool = True) -> bool:
        self.asked.append(Asked("confirm", message, default=default))
        return bool(self._next())

    def secret(self, message: str, *, validate: Validator) -> str:
        return self._validated("secret", message, validate)

    def text(self, message: str, *, validate: Validator, default: str = "") -> str:
        return self._validated("text", message, validate, default)

    def _validated(
        self, kind: str, message: str, validate: Validator, default: object = None
    ) -> str:
        errors: list[str] = []
        self.asked.append(Asked(kind, message, default=default))
        while True:
            answer = str(self._next())
            problem = validate(answer)
            if problem is None:
                self.asked[-1].errors = tuple(errors)
                return answer
            errors.append(problem)

    @property
    def finished(self) -> bool:
        return not self._answers


class RecordingFeedback:
    """A :class:`~kilocli.services.runtime.Feedback` that shows nothing and records every note,
    warning and spinner text, so that a test can assert on what a service told the user."""

    def __init__(self) -> None:
        self.notes: list[str] = []
        self.warnings: list[str] = []

    def note(self, text: str) -> None:
        self.notes.append(text)

    def warn(self, text: str) -> None:
        self.warnings.append(text)

    def working(self, text: str) -> AbstractContextManager[None]:
        self.notes.append(text)
        return nullcontext()
