"""Test doubles: a real HTTP fake of Kilo Gateway, and a scripted prompter.

The fake gateway is a threaded HTTP server on 127.0.0.1 that speaks the shapes of
``tests/data/gateway-*.json`` (copied from the real gateway's examples) and can be told to
fail: any status, a delay, a malformed body, extra headers, for a number of requests. Its
routes are in :mod:`tests.fake_gateway_routes`; this module holds its state.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from typing import Any, Literal

from kilocli.errors import Interrupted
from kilocli.prompting import Option, Validator
from tests.fake_gateway_routes import DATA, MODELS_BODY, ORG_HEADER, RESPONSES, handler_for

__all__ = [
    "CHAT_ERRORS",
    "DATA",
    "KILO_AUTO_ENTRIES",
    "KILO_AUTO_ENTRY",
    "KILO_AUTO_IDS",
    "MODELS_BODY",
    "ORG_HEADER",
    "OTHER_VALID_KEY",
    "REJECTED_KEY",
    "RESPONSES",
    "VALID_KEY",
    "Asked",
    "FakeGateway",
    "Fault",
    "RecordingFeedback",
    "ScriptedPrompter",
    "Seen",
]

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
# The fallback catalog's default entry as SPEC §2's example config writes it.
KILO_AUTO_ENTRY = {
    "id": "kilo-auto/balanced",
    "name": "Auto Balanced",
    "input": ["text", "image"],
    "reasoning": True,
    "contextWindow": 1_000_000,
    "maxTokens": 65_536,
}
# The whole fallback catalog of Kilo Gateway as onboarding writes it (SPEC §6: the gateway's five
# auto models, the default first), spelled out so a change to the registry shows up here.
KILO_AUTO_ENTRIES = [
    KILO_AUTO_ENTRY,
    {
        "id": "kilo-auto/frontier",
        "name": "Auto Frontier",
        "input": ["text", "image"],
        "reasoning": True,
        "contextWindow": 1_000_000,
        "maxTokens": 128_000,
    },
    {
        "id": "kilo-auto/efficient",
        "name": "Auto Efficient",
        "input": ["text", "image"],
        "reasoning": True,
        "contextWindow": 1_000_000,
        "maxTokens": 65_536,
    },
    {
        "id": "kilo-auto/free",
        "name": "Auto Free",
        "input": ["text"],
        "reasoning": False,
        "contextWindow": 256_000,
        "maxTokens": 32_768,
    },
    {
        "id": "kilo-auto/small",
        "name": "Auto Small",
        "input": ["text", "image"],
        "reasoning": False,
        "contextWindow": 262_144,
        "maxTokens": 32_768,
    },
]
KILO_AUTO_IDS = [entry["id"] for entry in KILO_AUTO_ENTRIES]
REJECTED_KEY = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJrZXkiOiJyZXZva2VkIiwiZW52IjoidGVzdCJ9."
    "cmV2b2tlZC1rZXktdGhlLWdhdGV3YXktcmVqZWN0cw"
)
DEVICE_START = RESPONSES["POST /api/device-auth/codes 200 (newer gateways)"]

DeviceOutcome = Literal["approved", "denied", "expired"]


@dataclass
class Fault:
    """How the next matching requests should go wrong."""

    status: int | None = 500  # None: only delay, then answer as usual
    body: bytes | None = None
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    times: int | None = None  # None: until cleared


def _gateway_error(name: str, status: int, **headers: str) -> Fault:
    return Fault(status=status, body=json.dumps(RESPONSES[name]).encode(), headers=headers)


CHAT_ERRORS: dict[str, Fault] = {
    # The gateway's own error answers of the chat path (SPEC §9), as ``gateway.fail`` faults.
    "paid model": _gateway_error(
        "POST /api/gateway/chat/completions 401 (PAID_MODEL_AUTH_REQUIRED: this model needs a"
        " signed-in key with credits)",
        401,
    ),
    "promotion limit": _gateway_error(
        "POST /api/gateway/chat/completions 401 (PROMOTION_MODEL_LIMIT_REACHED: the free"
        " allowance is used up)",
        401,
    ),
    "rate limited": _gateway_error(  # the gateway's own 429: no Retry-After
        "POST /api/gateway/chat/completions 429 (the gateway's own rate limit: no Retry-After"
        " header)",
        429,
    ),
    "upstream unavailable": _gateway_error(
        "POST /api/gateway/chat/completions 503 (upstream out of credit or down: try again later)",
        503,
    ),
}


@dataclass(frozen=True)
class Seen:
    """One request the fake gateway received.

    Attributes:
        method: ``GET`` or ``POST``.
        path: The path, without the query string.
        headers: The headers as sent (names in the client's case).
        query: The raw query string ("" when there was none).
        body: The request body (b"" when there was none).
    """

    method: str
    path: str
    headers: dict[str, str]
    query: str = ""
    body: bytes = b""

    def header(self, name: str) -> str | None:
        """The value of header ``name``, whatever its case in the request, or None."""
        wanted = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == wanted), None)

    def json(self) -> Any:
        """The body decoded as JSON, or None when it is empty or not JSON."""
        try:
            return json.loads(self.body)
        except ValueError:
            return None


class FakeGateway:
    """A Kilo Gateway on 127.0.0.1 with switchable faults. Use as a context manager.

    Every attribute below is read on each request, so a test sets one to change the answers;
    :meth:`reset` puts them all back.

    Attributes:
        requests: Every request received, in order.
        valid_keys: The Bearer keys accepted (``VALID_KEY``, ``OTHER_VALID_KEY``).
        profile: ``GET /api/profile``'s body (the example; bytes are sent as they are).
        balance: ``GET /api/profile/balance``'s body without an organisation header.
        models_body: ``GET /api/gateway/models``'s body; its ids are the chat models known.
        extra_model_ids: More model ids the chat paths accept (``kilo-auto/balanced`` always is).
        chat_reply: The assistant's text in chat completions and responses ("ok").
        chat_mid_stream_error: A streamed chat sends its content chunk, then the example
            error frame, and ends without ``[DONE]`` (False).
        usage: ``GET /api/gateway/usage``'s body (the example); None: the path is not found,
            as on gateways without it.
        organizations: The account's organisations (``{id, name, role}``; none). When there
            are some, the profile lists them with ``hasPersonalAccount`` and, when set,
            ``selectedOrganizationId``, and only their ids pass the organisation header.
        selected_organization_id: The profile's ``selectedOrganizationId`` (None).
        has_personal_account: The profile's ``hasPersonalAccount`` (True).
        org_balances: The balance per organisation id; an organisation not in it has
            ``{"balance": 42.0, "isDepleted": False}`` (none).
        org_models_bodies: The ``/models`` body per organisation id; an organisation not in
            it sees ``models_body`` (none).
        device_style: "new" starts a sign-in with a ``device_code`` and has the
            ``POST /api/device-auth/token`` poll; "old" has neither ("new").
        device_user_code: The code shown to the person (the example's ``ABCD-EF23``).
        device_code: The newer gateways' secret ``device_code`` (the example's).
        device_verification_url: The start's ``verificationUrl`` (the example's https URL).
        device_expires_in: The start's ``expiresIn`` in seconds (600).
        device_start_status: The start's status: 200, 429 (too many pending) or a 5xx (200).
        device_pending_polls: Polls answered 202 pending after a start (2).
        device_outcome: The answer after them: "approved" (200 with ``device_token``, once;
            later polls get 410), "denied" (403) or "expired" (410) ("approved").
        device_token: The token an approval carries (``VALID_KEY``).
        device_polls: Polls answered (all but those with a bad body).
        defaults: What ``GET /api/defaults`` answers (the example's ``kilo-auto/balanced``).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: dict[str, Fault] = {}
        self.requests: list[Seen] = []
        self.reset()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def reset(self) -> None:
        """Back to a fresh gateway's state: no faults, no requests, the example answers."""
        self.clear_faults()
        self.requests.clear()
        self.valid_keys = {VALID_KEY, OTHER_VALID_KEY}
        # A personal account: the example's placeholder organisation is left out, so that
        # only a test that sets ``organizations`` meets the organisation step.
        self.profile: dict[str, Any] = {
            k: v for k, v in RESPONSES["GET /api/profile 200"].items() if k != "organizations"
        }
        self.balance: dict[str, Any] = RESPONSES["GET /api/profile/balance 200"]
        self.models_body: bytes = json.dumps(MODELS_BODY).encode()
        self.extra_model_ids: set[str] = set()
        self.chat_reply = "ok"
        self.chat_mid_stream_error = False
        self.usage: dict[str, Any] | None = RESPONSES["GET /api/gateway/usage 200"]
        self.defaults: Any = RESPONSES["GET /api/defaults 200 (no key needed)"]
        self.organizations: list[dict[str, Any]] = []
        self.selected_organization_id: str | None = None
        self.has_personal_account = True
        self.org_balances: dict[str, dict[str, Any]] = {}
        self.org_models_bodies: dict[str, bytes] = {}
        self.device_style: Literal["new", "old"] = "new"
        self.device_user_code: str = DEVICE_START["user_code"]
        self.device_code: str = DEVICE_START["device_code"]
        self.device_verification_url: str = DEVICE_START["verificationUrl"]
        self.device_expires_in: int = DEVICE_START["expiresIn"]
        self.device_start_status = 200
        self.device_pending_polls = 2
        self.device_outcome: DeviceOutcome = "approved"
        self.device_token = VALID_KEY
        self.device_polls = 0
        self._device_live = False  # a sign-in was started and its token not yet handed out
        self._device_pending = 0  # polls answered pending since the start

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

    def record(
        self, method: str, path: str, query: str, headers: dict[str, str], body: bytes
    ) -> None:
        """Add a request to :attr:`requests` (called by the server's threads)."""
        with self._lock:
            self.requests.append(Seen(method, path, headers, query, body))

    def start_device_sign_in(self) -> None:
        """A device sign-in starts: its code can be polled, ``device_pending_polls`` times
        pending first."""
        with self._lock:
            self._device_live = True
            self._device_pending = 0

    def poll_device(self, *, known: bool) -> Literal["pending", DeviceOutcome]:
        """Count one poll and tell how it goes: "expired" for a code not ``known`` or not live
        (never started, or its token already handed out), else pending until
        ``device_pending_polls`` polls were answered so, then ``device_outcome``."""
        with self._lock:
            self.device_polls += 1
            if not (known and self._device_live):
                return "expired"
            if self._device_pending < self.device_pending_polls:
                self._device_pending += 1
                return "pending"
            if self.device_outcome == "approved":
                self._device_live = False
            return self.device_outcome

    def __enter__(self) -> FakeGateway:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


Answer = str | bool | list[str] | type[Interrupted]


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

    def checkbox(self, message: str, options: Sequence[Option]) -> list[str]:
        """The answer is a list of titles or values (``[]`` ticks none)."""
        self.asked.append(Asked("checkbox", message, tuple(o.title for o in options)))
        answer = self._next()
        assert isinstance(answer, list), f"answer {message!r} with a list, not {answer!r}"
        titles = {o.title: o.value for o in options}
        values = {o.value for o in options}
        assert all(a in titles or a in values for a in answer), (
            f"{answer!r} not in {sorted(titles)}"
        )
        return [titles.get(a, a) for a in answer]

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
