"""What each path of the fake Kilo Gateway (:class:`tests.fakes.FakeGateway`) answers.

Bodies are the real gateway's examples in ``tests/data/gateway-responses.json`` (a copy of
``../shared/examples/``), adjusted where an answer echoes the request (the model id) or follows
the fake's settings (the reply, organisations, device sign-in). The handler reads the gateway's
attributes on every request, so a test changes an answer by setting an attribute.
"""

from __future__ import annotations

import contextlib
import copy
import json
import re
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.fakes import FakeGateway

DATA = Path(__file__).parent / "data"
RESPONSES: dict[str, Any] = json.loads((DATA / "gateway-responses.json").read_text())
MODELS_BODY: dict[str, Any] = json.loads((DATA / "gateway-models.json").read_text())

ORG_HEADER = "X-KILOCODE-ORGANIZATIONID"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)
# The gateway's auto models answer whatever its /models lists (SPEC §6).
ALWAYS_KNOWN_MODELS = frozenset(
    {"kilo-auto/balanced", "kilo-auto/frontier", "kilo-auto/efficient", "kilo-auto/free"}
    | {"kilo-auto/small"}
)
# The balance of an organisation the test gave none in ``org_balances``: unlike the personal one.
ORG_BALANCE: dict[str, Any] = {"balance": 42.0, "isDepleted": False}
NOT_FOUND: dict[str, Any] = {"error": "Not found", "success": False}
BAD_BODY: dict[str, Any] = {"error": "Invalid request body"}
TOO_MANY_PENDING: dict[str, Any] = {"error": "Too many pending authorization requests"}
SERVER_ERROR: dict[str, Any] = {"error": "Internal Server Error"}

CHAT_401 = RESPONSES["POST /api/gateway/chat/completions 401"]
DEFAULTS = RESPONSES["GET /api/defaults 200 (no key needed)"]
CHAT_404 = RESPONSES["POST /api/gateway/chat/completions 404"]
CHAT_200 = RESPONSES["POST /api/gateway/chat/completions 200"]
CHAT_STREAM: list[str] = RESPONSES[
    "POST /api/gateway/chat/completions 200 stream (text/event-stream, one line each)"
]
CHAT_STREAM_ERROR: str = RESPONSES["POST /api/gateway/chat/completions mid-stream error frame"]
DEVICE_ANSWERS: dict[str, tuple[int, dict[str, Any]]] = {
    "pending": (
        202,
        RESPONSES[
            "GET /api/device-auth/codes/{code} 202"
            ' (older poll; newer: POST /api/device-auth/token {"deviceCode"})'
        ],
    ),
    "approved": (200, RESPONSES["GET /api/device-auth/codes/{code} 200"]),
    "denied": (403, RESPONSES["GET /api/device-auth/codes/{code} 403"]),
    "expired": (
        410,
        RESPONSES["GET /api/device-auth/codes/{code} 410 (expired, unknown, or already used)"],
    ),
}
DEVICE_CODES_PATH = "/api/device-auth/codes"

# (method, path) → the Handler method that answers it; the legacy device poll, whose path ends
# with the code, is matched by prefix.
ROUTES: dict[tuple[str, str], str] = {
    ("GET", "/api/gateway/models"): "_models",
    ("GET", "/api/profile"): "_profile",
    ("GET", "/api/profile/balance"): "_balance",
    ("GET", "/api/gateway/usage"): "_usage",
    ("GET", "/api/defaults"): "_defaults",
    ("GET", "/api/v1/key"): "_openrouter_key",
    ("POST", "/api/gateway/chat/completions"): "_chat",
    ("POST", "/api/gateway/v1/chat/completions"): "_chat",
    ("POST", "/api/gateway/responses"): "_responses",
    ("POST", "/api/gateway/v1/responses"): "_responses",
    ("POST", DEVICE_CODES_PATH): "_device_start",
    ("POST", "/api/device-auth/token"): "_device_token",
    # Anthropic's Messages API (Claude Code, the Anthropic SDKs: ``<base>v1/messages``)
    ("POST", "/api/gateway/v1/messages"): "_messages",
}

Answer = tuple[int, Any]


@dataclass(frozen=True)
class Events:
    """A ``text/event-stream`` answer: each frame is sent followed by a blank line."""

    frames: list[str]


def handler_for(gateway: FakeGateway) -> type[BaseHTTPRequestHandler]:
    """The request handler class of ``gateway``'s HTTP server."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in two writes: without this, a kept-alive connection waits
        # for the client's delayed ACK (about 40 ms) before the body.
        disable_nagle_algorithm = True
        request_body = b""

        def log_message(self, format: str, *args: Any) -> None:
            """Keep test output quiet."""

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        def _serve(self, method: str) -> None:
            path, _, query = self.path.partition("?")
            length = int(self.headers.get("Content-Length") or 0)
            self.request_body = self.rfile.read(length) if length else b""
            gateway.record(method, path, query, dict(self.headers.items()), self.request_body)
            fault = gateway.take_fault(path)
            if fault is not None:
                time.sleep(fault.delay)
                if fault.status is not None:
                    body = fault.body if fault.body is not None else b"{}"
                    self._send(fault.status, body, fault.headers)
                    return
            status, payload = self._route(method, path)
            if isinstance(payload, Events):
                self._send_events(status, payload)
                return
            body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
            self._send(status, body)

        def _route(self, method: str, path: str) -> Answer:
            if method == "GET" and path.startswith(f"{DEVICE_CODES_PATH}/"):
                return self._device_answer(path.removeprefix(f"{DEVICE_CODES_PATH}/"))
            route = ROUTES.get((method, path))
            if route is None:
                return 404, NOT_FOUND
            answer: Answer = getattr(self, route)()
            return answer

        # Account and catalog

        def _models(self) -> Answer:
            """Public: a missing or wrong key gets the public list; a key scopes it to an org."""
            if self._org_id() is None or self._auth_problem() is not None:
                return 200, gateway.models_body
            return self._org_problem() or (200, self._model_list())

        def _profile(self) -> Answer:
            return self._refusal() or (200, _profile_body(gateway))

        def _balance(self) -> Answer:
            org = self._org_id()
            balance = gateway.balance if org is None else gateway.org_balances.get(org, ORG_BALANCE)
            return self._refusal() or (200, balance)

        def _usage(self) -> Answer:
            if gateway.usage is None:
                return 404, NOT_FOUND
            return self._refusal() or (200, gateway.usage)

        def _defaults(self) -> Answer:
            """Public, like the real one: no key needed; ``defaults`` may be any JSON (or
            bytes, for a body that is not JSON)."""
            return 200, gateway.defaults

        def _openrouter_key(self) -> Answer:
            problem = self._auth_problem()
            if problem is not None:
                return 401, problem
            return 200, RESPONSES["GET https://openrouter.ai/api/v1/key 200"]

        # Chat completions and the Responses API

        def _chat(self) -> Answer:
            request, problem = self._model_request()
            if problem is not None:
                return problem
            model, reply = request["model"], gateway.chat_reply
            if request.get("stream") is not True:
                return 200, _completion(model, reply)
            options = request.get("stream_options")
            usage = isinstance(options, dict) and options.get("include_usage") is True
            return 200, Events(
                _chat_frames(model, reply, usage=usage, broken=gateway.chat_mid_stream_error)
            )

        def _responses(self) -> Answer:
            request, problem = self._model_request()
            if problem is not None:
                return problem
            model, reply = request["model"], gateway.chat_reply
            if request.get("stream") is True:
                return 200, Events(_response_frames(model, reply))
            return 200, _response(model, reply)

        def _messages(self) -> Answer:
            """Anthropic's Messages API: one text block saying ``chat_reply``, as JSON or, with
            ``"stream": true``, as Anthropic's event stream."""
            request, problem = self._model_request()
            if problem is not None:
                return problem
            model, reply = request["model"], gateway.chat_reply
            if request.get("stream") is True:
                return 200, Events(_message_frames(model, reply))
            return 200, _message(model, reply)

        def _model_request(self) -> tuple[dict[str, Any], Answer | None]:
            """The JSON request of a chat path, or the answer refusing it: 401, 400 (an org
            header or a body without a model), 404 (a model id the gateway does not list)."""
            refusal = self._refusal(CHAT_401)
            if refusal is not None:
                return {}, refusal
            request = _json_object(self.request_body)
            if not isinstance(request.get("model"), str):
                return request, (400, BAD_BODY)
            known = _model_ids(self._model_list()) | ALWAYS_KNOWN_MODELS | gateway.extra_model_ids
            if request["model"] not in known:
                return request, (404, CHAT_404)
            return request, None

        # Device sign-in

        def _device_start(self) -> Answer:
            status = gateway.device_start_status
            if status != 200:
                return status, TOO_MANY_PENDING if status == 429 else SERVER_ERROR
            gateway.start_device_sign_in()
            return 200, _device_codes(gateway)

        def _device_token(self) -> Answer:
            """The newer poll; older gateways do not have it."""
            if gateway.device_style == "old":
                return 404, NOT_FOUND
            if _json_object(self.request_body).get("deviceCode") != gateway.device_code:
                return 400, BAD_BODY
            return self._device_answer(gateway.device_user_code)

        def _device_answer(self, code: str) -> Answer:
            outcome = gateway.poll_device(known=code == gateway.device_user_code)
            status, body = DEVICE_ANSWERS[outcome]
            if outcome == "approved":
                body = {**body, "token": gateway.device_token}
            return status, body

        # Keys and organisations

        def _auth_problem(self) -> dict[str, Any] | None:
            header = self.headers.get("Authorization")
            if not header:
                return RESPONSES["GET /api/profile 401 (no header)"]
            if header.removeprefix("Bearer ") not in gateway.valid_keys:
                return RESPONSES["GET /api/profile 401 (bad key)"]
            return None

        def _refusal(self, unauthorised: dict[str, Any] | None = None) -> Answer | None:
            """401 (with ``unauthorised`` as the body, if given) for a missing or wrong key,
            else the organisation header's problem, else None."""
            problem = self._auth_problem()
            if problem is not None:
                return 401, unauthorised or problem
            return self._org_problem()

        def _org_id(self) -> str | None:
            return self.headers.get(ORG_HEADER)

        def _org_problem(self) -> Answer | None:
            """400 for an organisation header that is not a UUID, 403 for an organisation the
            account is not a member of (one not in ``organizations``), else None."""
            org = self._org_id()
            if org is None:
                return None
            if not UUID.fullmatch(org):
                return 400, RESPONSES["GET /api/profile 400 (X-KILOCODE-ORGANIZATIONID not a UUID)"]
            if org not in {member.get("id") for member in gateway.organizations}:
                return 403, RESPONSES["GET /api/profile 403 (not a member of the organization)"]
            return None

        def _model_list(self) -> bytes:
            """The ``/models`` body this request sees: its organisation's, else the public one."""
            org = self._org_id()
            if org is None:
                return gateway.models_body
            return gateway.org_models_bodies.get(org, gateway.models_body)

        # Sending

        def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

        def _send_events(self, status: int, events: Events) -> None:
            """Send ``events`` in chunked encoding, one chunk a frame, as a stream arrives."""
            self.send_response(status)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                for frame in events.frames:
                    data = f"{frame}\n\n".encode()
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                self.wfile.write(b"0\r\n\r\n")

    return Handler


def _json_object(body: bytes) -> dict[str, Any]:
    """``body`` decoded as a JSON object; an empty dict when it is not one."""
    try:
        value = json.loads(body)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _model_ids(models_body: bytes) -> set[str]:
    """The ids of the rows of a ``/models`` body (none when it is malformed)."""
    rows = _json_object(models_body).get("data")
    if not isinstance(rows, list):
        return set()
    return {row["id"] for row in rows if isinstance(row, dict) and isinstance(row.get("id"), str)}


def _profile_body(gateway: FakeGateway) -> Any:
    """``profile``, with the organisation fields when the account has organisations."""
    if not gateway.organizations or not isinstance(gateway.profile, dict):
        return gateway.profile
    body = {
        **gateway.profile,
        "organizations": gateway.organizations,
        "hasPersonalAccount": gateway.has_personal_account,
    }
    if gateway.selected_organization_id is not None:
        body["selectedOrganizationId"] = gateway.selected_organization_id
    return body


def _device_codes(gateway: FakeGateway) -> dict[str, Any]:
    """The start of a device sign-in, as newer or older gateways answer it."""
    style = "newer" if gateway.device_style == "new" else "older"
    body = dict(RESPONSES[f"POST /api/device-auth/codes 200 ({style} gateways)"])
    body.update(
        code=gateway.device_user_code,
        verificationUrl=gateway.device_verification_url,
        expiresIn=gateway.device_expires_in,
    )
    if "device_code" in body:
        body.update(user_code=gateway.device_user_code, device_code=gateway.device_code)
    return body


def _completion(model: str, reply: str) -> dict[str, Any]:
    """The example chat completion, answered by ``model`` with ``reply``."""
    body = copy.deepcopy(CHAT_200)
    body["model"] = model
    body["choices"][0]["message"]["content"] = reply
    return body


def _chat_frames(model: str, reply: str, *, usage: bool, broken: bool) -> list[str]:
    """The example stream's lines for ``model`` and ``reply``: the keep-alive comment, the
    content chunk, then the error frame (``broken``), or the finishing chunk, the usage chunk
    (``usage``) and ``[DONE]``."""
    keep_alive, content, usage_chunk, done = CHAT_STREAM
    frames = [keep_alive, _chunk(content, model, reply)]
    if broken:
        return [*frames, CHAT_STREAM_ERROR]
    frames.append(finish_chunk(content, model))
    if usage:
        frames.append(_chunk(usage_chunk, model))
    return [*frames, done]


def finish_chunk(content: str, model: str) -> str:
    """The chunk that ends the choice of the example stream's ``content`` chunk: an empty delta
    with ``finish_reason: "stop"``, as OpenAI-compatible streams send before the usage (the
    example leaves it out; clients such as opencode ask again until they see it)."""
    chunk = json.loads(content.removeprefix("data: "))
    chunk["model"] = model
    chunk["choices"][0].update(delta={}, finish_reason="stop")
    return f"data: {json.dumps(chunk, separators=(',', ':'))}"


def _chunk(line: str, model: str, reply: str | None = None) -> str:
    """A ``data:`` line of the example stream with its model (and content) replaced."""
    chunk = json.loads(line.removeprefix("data: "))
    chunk["model"] = model
    if reply is not None:
        chunk["choices"][0]["delta"]["content"] = reply
    return f"data: {json.dumps(chunk, separators=(',', ':'))}"


def _response(model: str, text: str) -> dict[str, Any]:
    """A completed Responses API answer of ``model`` with one message saying ``text``."""
    message = {
        "type": "message",
        "id": "msg_test",
        "status": "completed",
        "role": "assistant",
        "content": [{"type": "output_text", "text": text, "annotations": []}],
    }
    return {
        "id": "resp_test",
        "object": "response",
        "created_at": CHAT_200["created"],
        "status": "completed",
        "model": model,
        "output": [message],
        "usage": {"input_tokens": 12, "output_tokens": 1, "total_tokens": 13},
    }


def _response_frames(model: str, text: str) -> list[str]:
    """The Responses API stream of :func:`_response`, event by event as OpenAI sends it (what
    the SDK's ``responses.stream`` helper and Codex need to rebuild the message)."""
    final = _response(model, text)
    message = final["output"][0]
    part = message["content"][0]
    at = {"item_id": message["id"], "output_index": 0, "content_index": 0}
    events: list[dict[str, Any]] = [
        {
            "type": "response.created",
            "response": {**final, "status": "in_progress", "output": [], "usage": None},
        },
        {
            "type": "response.output_item.added",
            "output_index": 0,
            "item": {**message, "status": "in_progress", "content": []},
        },
        {"type": "response.content_part.added", **at, "part": {**part, "text": ""}},
        {"type": "response.output_text.delta", **at, "delta": text, "logprobs": []},
        {"type": "response.output_text.done", **at, "text": text, "logprobs": []},
        {"type": "response.content_part.done", **at, "part": part},
        {"type": "response.output_item.done", "output_index": 0, "item": message},
        {"type": "response.completed", "response": final},
    ]
    return [
        f"event: {event['type']}\ndata: {json.dumps({**event, 'sequence_number': number})}"
        for number, event in enumerate(events)
    ]


def _message(model: str, text: str) -> dict[str, Any]:
    """A finished Anthropic Messages API answer of ``model`` with one text block ``text``."""
    return {
        "id": "msg_01TestMessage",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [{"type": "text", "text": text}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": 12, "output_tokens": 1},
    }


def _message_frames(model: str, text: str) -> list[str]:
    """The Messages API stream of :func:`_message`, event by event as Anthropic sends it:
    ``message_start``, a ``ping``, the text block's start, delta and stop, ``message_delta``
    (the stop reason and output usage), ``message_stop``."""
    final = _message(model, text)
    start = {**final, "content": [], "stop_reason": None, "usage": {**final["usage"]}}
    start["usage"]["output_tokens"] = 0
    events: list[dict[str, Any]] = [
        {"type": "message_start", "message": start},
        {"type": "ping"},
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": text}},
        {"type": "content_block_stop", "index": 0},
        {
            "type": "message_delta",
            "delta": {"stop_reason": "end_turn", "stop_sequence": None},
            "usage": {"output_tokens": final["usage"]["output_tokens"]},
        },
        {"type": "message_stop"},
    ]
    return [f"event: {event['type']}\ndata: {json.dumps(event)}" for event in events]
