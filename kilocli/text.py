"""Text kilocli did not write itself, made safe for a terminal (SPEC §9).

Anything from a gateway (ids, names, messages, emails, organisation names), from a file, or
typed by the user and echoed back reaches the terminal without C0/C1 control characters,
escape sequences or bidi controls: a model name must not clear the screen, retitle the window,
plant a hyperlink or reverse the text around it. ``--json`` keeps such text as data (JSON
escapes it).
"""

from __future__ import annotations

import re

# ESC-introduced sequences: CSI (ESC [ … final), OSC (ESC ] … BEL or ST), DCS/SOS/PM/APC
# (ESC P|X|^|_ … ST), and two-character escapes (ESC + one byte). The 8-bit forms (CSI U+009B,
# OSC U+009D, …) are C1 controls and go with the rest below.
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC, DCS, SOS, PM, APC (to BEL or ST)
    r"|\x1b[@-Z\\-_]"  # other two-character escapes
    r"|\x1b"  # a lone ESC
)
_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}]")


def for_terminal(text: str) -> str:
    """``text`` with escape sequences removed and every other control or bidi character shown
    as ``?``; tabs and line breaks are kept (they only move the cursor forward)."""
    if text.isprintable():
        return text
    return _UNSAFE.sub("?", _ESCAPE_SEQUENCE.sub("", text))


def json_for_terminal(document: str) -> str:
    """A JSON document for a terminal: control and bidi characters inside its strings written
    as ``\\uXXXX`` escapes (the same data for any JSON reader, and inert on the screen)."""
    return _UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", document)


def one_line(text: str) -> str:
    """:func:`for_terminal`, on one line: tabs and line breaks become spaces (table cells,
    single-line messages)."""
    if text.isprintable():  # most text: no control character, tab or line break to replace
        return text
    return for_terminal(text).replace("\t", " ").replace("\r", " ").replace("\n", " ")


def a_or_an(word: str) -> str:
    """``word`` after its indefinite article, as it is spoken: "a Kilo Gateway", "an
    OpenRouter" (by its first letter: the names kilocli uses have no silent h or "uni")."""
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"
