"""Turning pasted text into a key, and a key into a safe preview (SPEC §4)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from kilocli.errors import InvalidKey

_LINE_BREAKS = str.maketrans("", "", "\r\n\u2028\u2029")
_ASSIGNMENT = re.compile(
    r"(?P<export>export\s+)?(?P<name>[A-Za-z_][A-Za-z0-9_]*)=(?P<value>.*)", re.DOTALL
)
_ENV_NAME = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")
_QUOTES = "\"'`"
_BEARER = "bearer "
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
ELLIPSIS = "…"
MAX_KEY_CHARS = 16 * 1024
"""The longest credential kilocli accepts (SPEC §4): a real Kilo key is under 1 KiB; anything
this long is not a key, and would be too large for a request header anyway."""
_NOT_KEY_CHARACTER = re.compile(r"[^\x21-\x7e]|[\"'`]")


def normalise_key(raw: str, *, source: str = "The key") -> str:
    """Clean up a pasted key, or refuse it: the one normalise-and-check every credential passes,
    however it arrives (typed, pasted, flag, env, stdin, a device sign-in's token, the Kilo CLI
    store, the login shell), before it is stored or sent (SPEC §4).

    Steps, as SPEC §4 lists them: drop CR/LF and U+2028/U+2029 anywhere; trim; keep the value
    of ``export NAME=value`` or ``NAME=value``; strip one trailing ``;`` and then one pair of
    matching quotes; drop a leading ``Bearer``; trim again. The steps are repeated until
    nothing changes, so normalising is idempotent (``"'k'"`` and ``k`` give the same key).

    Args:
        raw: the text as typed, pasted, piped or passed as a flag.
        source: how to name the input in an error ("--kilocode-api-key", "stdin" …).

    Raises:
        InvalidKey: nothing is left ("Required"), the key is longer than
            :data:`MAX_KEY_CHARS`, or it holds whitespace, control characters, quotes or
            non-ASCII characters. The message never contains the key.
    """
    key = raw.translate(_LINE_BREAKS).strip()
    if len(key) > MAX_KEY_CHARS:  # checked first: nothing below should walk megabytes
        raise InvalidKey(
            f"{source} is {len(key):,} characters long, more than the {MAX_KEY_CHARS // 1024} "
            "KiB a key can be, so it cannot be a key; it was not used.",
            hint="Copy the key again from your account page and paste only the key.",
        )
    while True:
        cleaned = _normalise_once(key)
        if cleaned == key:
            break
        key = cleaned
    if not key:
        raise InvalidKey(f"{source}: Required.", hint="Paste the whole key, and only the key.")
    problem = _character_problem(key)
    if problem:
        raise InvalidKey(
            f"{source} contains {problem}, so it cannot be a key; it was not used.",
            hint="Copy the key again from your account page and paste only the key.",
        )
    return key


def key_problem(answer: str) -> str | None:
    """A prompt validator: why ``answer`` cannot be a key, or None when it can."""
    try:
        normalise_key(answer)
    except InvalidKey as exc:
        return exc.message.removeprefix("The key: ")
    return None


def _normalise_once(key: str) -> str:
    assignment = _ASSIGNMENT.fullmatch(key)
    # "abc==" is a base64 value, not NAME=value: without "export", a value must not start
    # with "=" and must not be empty, unless NAME is an upper-case ENV_VAR_NAME (no base64
    # text looks like "KILOCODE_API_KEY="; storing that as the key would hide a missing value).
    if assignment and (
        assignment["export"]
        or assignment["value"][:1] not in {"", "="}
        or (not assignment["value"] and _ENV_NAME.fullmatch(assignment["name"]))
    ):
        key = assignment["value"].strip()
    if key.endswith(";"):
        key = key[:-1].rstrip()
    if len(key) >= 2 and key[0] == key[-1] and key[0] in _QUOTES:
        key = key[1:-1].strip()
    if key[: len(_BEARER)].lower() == _BEARER or key.lower() == _BEARER.strip():
        key = key[len(_BEARER) :]
    return key.strip()


def _character_problem(key: str) -> str | None:
    """Why ``key`` is not printable ASCII without whitespace or quotes (the first offence, by
    position only: the character itself is never named, it may be part of a secret)."""
    bad = _NOT_KEY_CHARACTER.search(key)
    if bad is None:
        return None
    char, index = bad.group(), bad.start() + 1
    if char.isspace():
        return f"whitespace at character {index}"
    if not char.isprintable() or ord(char) < 0x20:
        return f"a control character at character {index}"
    if not char.isascii():
        return f"a non-ASCII character at character {index}"
    return f"a quote at character {index}"


def preview(key: str) -> str:
    """A preview that never shows more than 4 leading and 4 trailing characters.

    Nor more than a third of the key: ``eyJh…Qk0s`` for a long key, ``ey…9`` for 9 characters,
    ``…`` for anything shorter than 3.
    """
    budget = min(len(key) // 3, 8)
    head = min((budget + 1) // 2, 4)
    tail = min(budget - head, 4)
    return key[:head] + ELLIPSIS + (key[-tail:] if tail else "")


def looks_like_jwt(key: str) -> bool:
    """Kilo keys are JWTs: ``eyJ…`` with three dot-separated parts."""
    return _JWT.fullmatch(key) is not None


_KEY_SHAPED = re.compile(r"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+|sk-[A-Za-z0-9_-]{16,}")


MIN_SECRET_PART = 16
"""A part of a key this long or longer is as good as the key to someone collecting them."""


def secret_parts(secret: str) -> list[str]:
    """The key itself and its long parts, longest first: the key without its ``eyJ``, and each
    segment of a JWT after the first (the first is the public header, the same in most keys;
    the signature alone identifies a key)."""
    parts = {secret}
    if secret.startswith("eyJ"):
        parts.add(secret[3:])
    parts.update(segment for segment in secret.split(".")[1:] if len(segment) >= MIN_SECRET_PART)
    return sorted(parts, key=len, reverse=True)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with every one of ``secrets`` (and every long part of one), and anything shaped
    like a key (a JWT, an ``sk-`` key), replaced by its preview: a key typed into the wrong
    argument, or echoed back in pieces by a gateway, must not be shown either."""
    parts = {part for secret in secrets if secret for part in secret_parts(secret)}
    for part in sorted(parts, key=len, reverse=True):  # whole keys before their pieces
        if part in text:
            text = text.replace(part, preview(part))
    return _KEY_SHAPED.sub(lambda match: preview(match.group()), text)
