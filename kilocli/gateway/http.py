"""The HTTP client kilocli uses to talk to gateways (httpx is imported only when needed).

Every answer is bounded: it must arrive whole within the timeout and be at most
:data:`MAX_BODY_BYTES`. Redirects are never followed, so a key is never sent to another host.
The timeout and the pause before a retry are injected (``KILOCLI_HTTP_TIMEOUT``; tests pass a
short one and a fake ``sleep``), so nothing waits through a real 5 s in a test.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kilocli import __version__
from kilocli.errors import GatewayUnreachable
from kilocli.gateway.settings import (
    DEFAULT_TIMEOUT_SECONDS,
)

if TYPE_CHECKING:
    from types import TracebackType

    import httpx

MAX_RETRY_AFTER_SECONDS = 3.0
BACKOFF_SECONDS = (1.0, 3.0)  # the jittered pause before retrying a 429 that says nothing
MAX_BODY_BYTES = 32 * 2**20  # a real model list is about 1 MiB
USER_AGENT = f"kilocli/{__version__}"
EDITOR_HEADER = "X-KILOCODE-EDITORNAME"  # sent with every request, so the gateway knows who asks


def make_client(timeout: float = DEFAULT_TIMEOUT_SECONDS) -> httpx.Client:
    """An httpx client with ``timeout`` connect/read timeouts that honours HTTPS_PROXY,
    NO_PROXY and SSL_CERT_FILE, and never follows redirects."""
    import httpx

    return httpx.Client(
        timeout=httpx.Timeout(timeout),
        follow_redirects=False,
        trust_env=True,
        headers={"User-Agent": USER_AGENT, "Accept": "application/json", EDITOR_HEADER: USER_AGENT},
    )


class AnswerTooLarge(GatewayUnreachable):
    """The gateway sent more than :data:`MAX_BODY_BYTES`; the rest was not read."""


@dataclass(frozen=True)
class Answer:
    """A whole (bounded) HTTP answer."""

    status_code: int
    headers: Mapping[str, str]
    content: bytes


@dataclass
class GatewayClient:
    """An httpx client whose GETs are bounded in time and size, with one brief retry on 429.

    Attributes:
        http: the underlying client (closed with this one).
        timeout: seconds the whole answer may take.
        sleep: how to wait before the retry (``time.sleep``; tests pass a recorder).
        jitter: the pause before retrying a 429 without ``Retry-After``, in seconds (a random
            one in :data:`BACKOFF_SECONDS`, so that many clients do not retry in step).
    """

    http: httpx.Client
    timeout: float = DEFAULT_TIMEOUT_SECONDS
    sleep: Callable[[float], None] = field(default=time.sleep)
    jitter: Callable[[], float] = field(default=lambda: random.uniform(*BACKOFF_SECONDS))  # noqa: S311

    def __enter__(self) -> GatewayClient:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.http.close()

    def get(
        self, url: str, headers: Mapping[str, str], *, max_json_containers: int | None = None
    ) -> Answer:
        """GET ``url``; after a 429, wait as ``Retry-After`` asks (if briefly) and try once more.

        Args:
            url: what to get.
            headers: sent with the request.
            max_json_containers: refuse a successful answer with more JSON objects and arrays
                than this (see :func:`parse_json`) as it arrives, not once it is all in memory.

        Raises:
            httpx.TimeoutException: no complete answer within the timeout (also for a body
                that trickles in byte by byte).
            httpx.HTTPError: the connection failed.
            AnswerTooLarge: the body is larger than ``MAX_BODY_BYTES``.
            MalformedAnswer: a successful answer holds more than ``max_json_containers``.
        """
        return self._with_one_retry(
            lambda: self._bounded("GET", url, headers, None, self.timeout, max_json_containers)
        )

    def post(
        self,
        url: str,
        headers: Mapping[str, str],
        body: bytes,
        *,
        timeout: float | None = None,
        retry: bool = True,
    ) -> Answer:
        """POST ``body`` (JSON) to ``url``, bounded like :meth:`get` (within ``timeout`` when
        given), with the same one retry after a 429 unless ``retry`` is off (a 429 that does
        not mean "slow down")."""
        headers = {"Content-Type": "application/json", **headers}

        def send() -> Answer:
            return self._bounded("POST", url, headers, body, timeout or self.timeout)

        return self._with_one_retry(send) if retry else send()

    def _with_one_retry(self, send: Callable[[], Answer]) -> Answer:
        answer = send()
        if answer.status_code == 429:
            delay = retry_after_seconds(answer.headers.get("retry-after"), self.jitter)
            if delay is not None:
                self.sleep(delay)
                answer = send()
        return answer

    def get_once(self, url: str, headers: Mapping[str, str]) -> Answer:
        """One GET whose whole answer (status line, headers and body) must arrive within the
        timeout and fit in MAX_BODY_BYTES."""
        return self._bounded("GET", url, headers, None, self.timeout)

    def _bounded(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        body: bytes | None,
        limit: float,
        max_json_containers: int | None = None,
    ) -> Answer:
        """httpx's timeouts bound each read, not the answer: a server that sends a byte now
        and then would hold the command for as long as it likes. So the request runs on a
        worker thread that is abandoned at the deadline (its connection is closed with the
        client)."""
        import httpx

        outcome: list[Answer | Exception] = []
        sent = {EDITOR_HEADER: USER_AGENT, **headers}

        def fetch() -> None:
            try:
                answer = _read_answer(self.http, method, url, sent, body, max_json_containers)
                outcome.append(answer)
            except Exception as exc:  # handed over to the caller's thread below
                outcome.append(exc)

        worker = threading.Thread(target=fetch, name="kilocli-http", daemon=True)
        worker.start()
        worker.join(limit)
        if not outcome:
            raise httpx.ReadTimeout(
                "the answer did not arrive in time", request=httpx.Request(method, url)
            )
        if isinstance(outcome[0], Exception):
            raise outcome[0]
        return outcome[0]


def _read_answer(
    client: httpx.Client,
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes | None,
    max_json_containers: int | None = None,
) -> Answer:
    with client.stream(method, url, headers=dict(headers), content=body) as response:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            raise AnswerTooLarge(_too_large())
        if response.status_code != 200:  # an error's body is explained, never refused
            max_json_containers = None
        chunks: list[bytes] = []
        size = containers = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                raise AnswerTooLarge(_too_large())
            if max_json_containers is not None:
                containers += chunk.count(b"{") + chunk.count(b"[")
                if containers > max_json_containers:
                    raise MalformedAnswer(_too_many_containers(max_json_containers))
            chunks.append(chunk)
        content = b"".join(chunks)
        del chunks  # the body once, not twice
        return Answer(response.status_code, dict(response.headers), content)


def _too_large() -> str:
    return f"the answer is larger than {MAX_BODY_BYTES // 2**20} MiB"


def _too_many_containers(limit: int) -> str:
    return f"with more than {limit:,} objects"


class MalformedAnswer(GatewayUnreachable):
    """The body is not the JSON it should be; ``str()`` finishes the sentence "… sent an
    answer ___": "that is not JSON", "nested too deeply", "with more than N objects"."""


MAX_JSON_CONTAINERS = 250_000
"""Objects and arrays one answer may hold: a real 20,000-model list has about 100,000. Past
that, decoding alone could take gigabytes (a million tiny rows fit in the size limit)."""


def parse_json(content: bytes) -> Any:
    """A gateway's JSON body, or :class:`MalformedAnswer`.

    Deep nesting (``[[[[…]]]]``) makes the standard parser recurse until Python refuses, and
    millions of tiny objects would take gigabytes to decode: both are malformed answers like
    any other, refused before (or instead of) a crash.
    """
    return parse_json_text(json_text(content))


def json_text(content: bytes) -> str:
    """A JSON body as text, decoded as :func:`json.loads` decodes bytes, after the check of
    :func:`parse_json`. The caller can then let go of the bytes before the text is parsed (a
    20,000-model list is 12 MiB of them).

    Raises:
        MalformedAnswer: too many objects, or bytes that are not text.
    """
    import json

    if content.count(b"{") + content.count(b"[") > MAX_JSON_CONTAINERS:
        raise MalformedAnswer(_too_many_containers(MAX_JSON_CONTAINERS))
    try:
        return content.decode(json.detect_encoding(content), "surrogatepass")
    except UnicodeDecodeError:
        raise MalformedAnswer("that is not JSON") from None


def parse_json_text(text: str) -> Any:
    """The JSON document ``text`` (from :func:`json_text`), or :class:`MalformedAnswer`."""
    import json

    try:
        return json.loads(text)
    except RecursionError:
        raise MalformedAnswer("nested too deeply") from None
    except ValueError:
        raise MalformedAnswer("that is not JSON") from None


def retry_after_seconds(
    value: str | None, jitter: Callable[[], float] = lambda: BACKOFF_SECONDS[0]
) -> float | None:
    """Seconds to wait before the one retry: without a header (the gateway's own 429s send
    none), ``jitter()`` kept within :data:`BACKOFF_SECONDS`; with one, its seconds; None when
    the wait would not be brief (over 3 s) or the header is not a number of seconds."""
    if value is None:
        low, high = BACKOFF_SECONDS
        return min(max(jitter(), low), high)
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if 0 <= seconds <= MAX_RETRY_AFTER_SECONDS else None


def retry_after_header(headers: Mapping[str, str]) -> float | None:
    """The seconds a ``Retry-After`` header asks for (a number of seconds only), if any."""
    raw = {name.lower(): value for name, value in headers.items()}.get("retry-after")
    try:
        seconds = float(raw) if raw is not None else None
    except ValueError:
        return None
    return seconds if seconds is not None and 0 <= seconds < float("inf") else None
