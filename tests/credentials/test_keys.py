"""Key normalising, previews and the JWT shape check (SPEC §4)."""

from __future__ import annotations

import re
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kilocli.credentials.keys import looks_like_jwt, normalise_key, preview
from kilocli.errors import ExitCode, InvalidKey

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnQk0s"

NORMALISED = [
    pytest.param(JWT, JWT, id="already-clean"),
    pytest.param(f"  {JWT} \t", JWT, id="trimmed"),
    pytest.param(f"{JWT}\n", JWT, id="trailing-newline"),
    pytest.param(f"\r\n{JWT}\r\n", JWT, id="crlf-around"),
    pytest.param("eyJhbGci\r\nOiJIUzI1\nNiJ9", "eyJhbGciOiJIUzI1NiJ9", id="crlf-inside"),
    pytest.param("eyJh\u2028bGci\u2029OiJI", "eyJhbGciOiJI", id="unicode-line-separators"),
    pytest.param(f"\u2029{JWT}\u2028", JWT, id="unicode-separators-around"),
    pytest.param(f"export KILOCODE_API_KEY={JWT}", JWT, id="export-assignment"),
    pytest.param(f"KILOCODE_API_KEY={JWT}", JWT, id="assignment"),
    pytest.param(f"KILO_API_KEY={JWT};", JWT, id="assignment-semicolon"),
    pytest.param(f'export KILOCODE_API_KEY="{JWT}";', JWT, id="export-quoted-semicolon"),
    pytest.param(f"KILOCODE_API_KEY='{JWT}'", JWT, id="assignment-single-quoted"),
    pytest.param(f"{JWT};", JWT, id="semicolon"),
    pytest.param(f'"{JWT}"', JWT, id="double-quotes"),
    pytest.param(f"'{JWT}'", JWT, id="single-quotes"),
    pytest.param(f"`{JWT}`", JWT, id="backticks"),
    pytest.param(f'"{JWT}";', JWT, id="quotes-then-semicolon"),
    pytest.param(f"' {JWT} '", JWT, id="space-inside-quotes"),
    pytest.param(f"Bearer {JWT}", JWT, id="bearer"),
    pytest.param(f"Bearer   {JWT}  ", JWT, id="bearer-extra-space"),
    pytest.param(f'"Bearer {JWT}"', JWT, id="quoted-bearer"),
    pytest.param(f' export KILOCODE_API_KEY="Bearer {JWT}"; \n', JWT, id="everything-at-once"),
    pytest.param("abc==", "abc==", id="base64-padding-kept"),
    pytest.param("KILOCODE_API_KEY=abc==", "abc==", id="assignment-of-base64"),
    pytest.param("sk-or-v1-0123abcd", "sk-or-v1-0123abcd", id="non-jwt-key"),
]

EMPTY = [
    pytest.param("", id="empty"),
    pytest.param("   \t ", id="blank"),
    pytest.param("\r\n\u2028\u2029", id="only-line-breaks"),
    pytest.param('""', id="empty-quotes"),
    pytest.param("''", id="empty-single-quotes"),
    pytest.param("``", id="empty-backticks"),
    pytest.param(";", id="only-semicolon"),
    pytest.param('" ";', id="quoted-space"),
    pytest.param("export KILOCODE_API_KEY=", id="export-without-value"),
    pytest.param('KILOCODE_API_KEY=""', id="assignment-of-empty-quotes"),
    pytest.param("Bearer ''", id="bearer-of-nothing"),
    pytest.param("Bearer ", id="bearer-alone"),
    pytest.param('"bearer "', id="quoted-bearer-alone"),
]

# (text, where the problem is); the distinctive "SECRETx" parts must never reach the message.
REJECTED = [
    pytest.param("SECRETaa SECRETbb", "whitespace at character 9", id="inner-space"),
    pytest.param("SECRETaa\tSECRETbb", "whitespace at character 9", id="inner-tab"),
    pytest.param("SECRETaa\u00a0SECRETbb", "whitespace at character 9", id="no-break-space"),
    pytest.param("SECRETaa\x00SECRETbb", "control character at character 9", id="nul"),
    pytest.param("SECRETaa\x1bSECRETbb", "control character at character 9", id="escape"),
    pytest.param("SECRETaa\x7fSECRETbb", "control character at character 9", id="delete"),
    pytest.param("SECRETaa\u00e9SECRETbb", "non-ASCII character at character 9", id="non-ascii"),
    pytest.param("SECRETaa\u0416SECRETbb", "non-ASCII character at character 9", id="cyrillic"),
    pytest.param('SECRETaa"SECRETbb', "quote at character 9", id="inner-double-quote"),
    pytest.param("SECRETaa'SECRETbb", "quote at character 9", id="inner-single-quote"),
    pytest.param("SECRETaa`SECRETbb", "quote at character 9", id="inner-backtick"),
    pytest.param('"SECRETaaSECRETbb', "quote at character 1", id="unmatched-open-quote"),
    pytest.param("'SECRETaaSECRETbb\"", "quote at character 1", id="mismatched-quotes"),
    pytest.param("Bearer SECRETaa SECRETbb", "whitespace at character 9", id="bearer-inner-space"),
]


@pytest.mark.parametrize(("raw", "expected"), NORMALISED)
def test_normalise_key_cleans_pasted_text(raw: str, expected: str) -> None:
    assert normalise_key(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), NORMALISED)
def test_normalise_key_is_idempotent_on_the_table(raw: str, expected: str) -> None:
    once = normalise_key(raw)
    assert normalise_key(once) == once == expected


@pytest.mark.parametrize("raw", EMPTY)
def test_nothing_left_is_required(raw: str) -> None:
    with pytest.raises(InvalidKey) as caught:
        normalise_key(raw, source="--kilocode-api-key")
    assert caught.value.message == "--kilocode-api-key: Required."
    assert caught.value.exit_code is ExitCode.USAGE


@pytest.mark.parametrize(("raw", "problem"), REJECTED)
def test_bad_characters_are_rejected_without_echoing_the_key(raw: str, problem: str) -> None:
    with pytest.raises(InvalidKey) as caught:
        normalise_key(raw, source="stdin")
    error = caught.value
    assert error.message.startswith("stdin contains ")
    assert problem in error.message
    assert error.exit_code is ExitCode.USAGE
    shown = f"{error.message} {error.hint} {error!s} {error!r} {error.args!r}"
    assert "SECRET" not in shown


def test_default_source_name_is_the_key() -> None:
    with pytest.raises(InvalidKey, match=r"^The key: Required\.$"):
        normalise_key("  ")


_FRAGMENTS = st.sampled_from(
    [
        *("export ", "KILOCODE_API_KEY=", "X=", "=", "Bearer ", "bearer ", '"', "'", "`", ";"),
        *(" ", "\t", "\n", "\r", "\u2028", "\u2029", "\x00", "\u00e9", "eyJ", "abc", ".", "=="),
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=40), st.lists(_FRAGMENTS, max_size=12).map("".join)))
def test_normalise_key_result_is_a_clean_fixed_point(raw: str) -> None:
    try:
        key = normalise_key(raw)
    except InvalidKey:
        return
    assert key
    assert normalise_key(key) == key
    assert all(ch.isascii() and ch.isprintable() and not ch.isspace() for ch in key)
    assert not any(quote in key for quote in "\"'`")


PREVIEWS = [
    (0, "…"),
    (1, "…"),
    (2, "…"),
    (3, "A…"),
    (4, "A…"),
    (5, "A…"),
    (6, "A…F"),
    (7, "A…G"),
    (8, "A…H"),
    (9, "AB…I"),
    (10, "AB…J"),
    (11, "AB…K"),
    (12, "AB…KL"),
]


@pytest.mark.parametrize(("length", "expected"), PREVIEWS)
def test_preview_of_short_keys(length: int, expected: str) -> None:
    assert preview("ABCDEFGHIJKL"[:length]) == expected


def test_preview_of_a_jwt_shows_four_and_four() -> None:
    assert preview(JWT) == "eyJh…Qk0s"


def test_preview_of_nine_characters() -> None:
    assert preview("eyJabcde9") == "ey…9"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=string.ascii_letters + string.digits + "-_.=", max_size=300))
def test_preview_never_shows_much_of_the_key(key: str) -> None:
    shown = preview(key)
    head, sep, tail = shown.partition("…")
    assert sep == "…"
    assert "…" not in tail
    assert key.startswith(head)
    assert key.endswith(tail)
    assert len(head) <= 4
    assert len(tail) <= 4
    assert len(head) + len(tail) <= len(key) // 3


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        (JWT, True),
        ("eyJa.b.c", True),
        ("eyJ-_.A-z.0_9", True),
        ("sk-or-v1-0123abcd", False),
        ("eyJa.b", False),
        ("eyJa.b.c.d", False),
        ("xeyJa.b.c", False),
        ("eyJa..c", False),
        ("eyJa.b.", False),
        ("eyJa.b.c=", False),
        ("", False),
    ],
)
def test_looks_like_jwt(key: str, expected: bool) -> None:
    assert looks_like_jwt(key) is expected


# --- properties over every input ---------------------------------------------------------------

_REFUSAL = re.compile(
    r"The key(: Required\.| contains (whitespace|a control character|a non-ASCII character"
    r"|a quote) at character \d+, so it cannot be a key; it was not used\.)"
)
_HINTS = {
    "Paste the whole key, and only the key.",
    "Copy the key again from your account page and paste only the key.",
}


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=60), st.lists(_FRAGMENTS, max_size=12).map("".join)))
def test_a_refusal_is_made_of_fixed_words_and_a_position_only(raw: str) -> None:
    """Whatever was typed, the error can only name what is wrong and where: it cannot carry
    any part of the input."""
    try:
        normalise_key(raw)
    except InvalidKey as exc:
        error = exc
    else:
        return
    assert _REFUSAL.fullmatch(error.message), error.message
    assert error.hint in _HINTS


# Keys as they come from an account page: JWT, base64 (with padding) or sk-… characters, and
# no whitespace, quotes or decoration of their own. Left out, because SPEC §4 reads them as
# something else: "NAME=value" shapes (an "=" before the end), and the upper-case
# "ENV_VAR_NAME=" of an assignment without a value.
_CLEAN_KEYS = st.builds(
    "".join,
    st.tuples(
        st.sampled_from(string.ascii_letters + string.digits),
        st.text(alphabet=string.ascii_letters + string.digits + "-_.+/:", max_size=80),
        st.sampled_from(["", "=", "=="]),
    ),
).filter(
    lambda key: key.lower() != "bearer" and not re.fullmatch(r"[A-Z][A-Z0-9]*(_[A-Z0-9]+)+=", key)
)
_DECORATIONS = st.sampled_from(
    [
        "{}",
        "  {}\t",
        "{}\n",
        "\r\n{}\r\n",
        "export KILOCODE_API_KEY={}",
        "KILOCODE_API_KEY={}",
        'export KILO_API_KEY="{}";',
        "OPENROUTER_API_KEY='{}'",
        "`{}`",
        '"{}";',
        "Bearer {}",
        '"Bearer {}"',
        ' export KILOCODE_API_KEY="Bearer {}"; \n',
    ]
)


@settings(max_examples=400, deadline=None)
@given(_CLEAN_KEYS, _DECORATIONS, st.lists(st.sampled_from(["\r", "\n", "\u2028", "\u2029"])))
def test_the_decorations_of_a_pasted_key_are_removed(
    key: str, decoration: str, breaks: list[str]
) -> None:
    """SPEC §4's clean-up recovers the key from every paste shape it lists, with line breaks
    anywhere (a terminal wraps long keys)."""
    decorated = decoration.format(key)
    for index, line_break in enumerate(breaks):
        position = (index * 7919) % (len(decorated) + 1)
        decorated = decorated[:position] + line_break + decorated[position:]
    assert normalise_key(decorated) == key


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=60), _CLEAN_KEYS))
def test_the_preview_of_any_accepted_key_stays_within_the_budget(raw: str) -> None:
    try:
        key = normalise_key(raw)
    except InvalidKey:
        return
    head, _, tail = preview(key).partition("…")
    assert len(head) <= 4
    assert len(tail) <= 4
    assert len(head) + len(tail) <= len(key) // 3
    assert key.startswith(head)
    assert key.endswith(tail)
