"""The HTTP client kilocli uses to talk to gateways (httpx is imported only when needed)."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kilocli import __version__

if TYPE_CHECKING:
    import httpx

TIMEOUT_SECONDS = 5.0  # connect, read, and the whole answer
MAX_RETRY_AFTER_SECONDS = 3.0
MAX_BODY_BYTES = 32 * 2**20  # a real model list is about 1 MiB
USER_AGENT = f"kilocli/{__version__}"


def make_client() -> httpx.Client:
    """A client with 5 s connect/read timeouts that honours HTTPS_PROXY, NO_PROXY and
    SSL_CERT_FILE, and never follows redirects (so a key is never sent to another host)."""
    import httpx

    return httpx.Client(
        timeout=httpx.Timeout(TIMEOUT_SECONDS),
        follow_redirects=False,
        trust_env=True,
        headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
    )


class AnswerTooLarge(Exception):
    """The gateway sent more than :data:`MAX_BODY_BYTES`; the rest was not read."""


@dataclass(frozen=True)
class Answer:
    """A whole (bounded) HTTP answer."""

    status_code: int
    headers: Mapping[str, str]
    content: bytes


def get_with_one_retry(client: httpx.Client, url: str, headers: Mapping[str, str]) -> Answer:
    """GET ``url``; after a 429, wait as ``Retry-After`` asks (if briefly) and try once more.

    Raises:
        httpx.TimeoutException: no complete answer within the timeout (also for a body that
            trickles in byte by byte).
        httpx.HTTPError: the connection failed.
        AnswerTooLarge: the body is larger than ``MAX_BODY_BYTES``.
    """
    answer = get_bounded(client, url, headers)
    if answer.status_code == 429:
        delay = retry_after_seconds(answer.headers.get("retry-after"))
        if delay is not None:
            time.sleep(delay)
            answer = get_bounded(client, url, headers)
    return answer


def get_bounded(client: httpx.Client, url: str, headers: Mapping[str, str]) -> Answer:
    """One GET whose whole answer (status line, headers and body) must arrive within the
    timeout and fit in MAX_BODY_BYTES.

    httpx's timeouts bound each read, not the answer: a server that sends a byte now and then
    would hold the command for as long as it likes. So the request runs on a worker thread that
    is abandoned at the deadline (its connection is closed with the client).
    """
    import threading

    import httpx

    outcome: list[Answer | Exception] = []

    def fetch() -> None:
        try:
            outcome.append(_read_answer(client, url, headers))
        except Exception as exc:  # handed over to the caller's thread below
            outcome.append(exc)

    worker = threading.Thread(target=fetch, name="kilocli-http", daemon=True)
    worker.start()
    worker.join(TIMEOUT_SECONDS)
    if not outcome:
        raise httpx.ReadTimeout(
            "the answer did not arrive in time", request=httpx.Request("GET", url)
        )
    if isinstance(outcome[0], Exception):
        raise outcome[0]
    return outcome[0]


def _read_answer(client: httpx.Client, url: str, headers: Mapping[str, str]) -> Answer:
    with client.stream("GET", url, headers=dict(headers)) as response:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            raise AnswerTooLarge(_too_large())
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                raise AnswerTooLarge(_too_large())
            chunks.append(chunk)
        return Answer(response.status_code, dict(response.headers), b"".join(chunks))


def _too_large() -> str:
    return f"the answer is larger than {MAX_BODY_BYTES // 2**20} MiB"


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds to wait before the one retry: 1 s without a header, None when the wait would not
    be brief (over 3 s) or the header is not a number of seconds."""
    if value is None:
        return 1.0
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if 0 <= seconds <= MAX_RETRY_AFTER_SECONDS else None
