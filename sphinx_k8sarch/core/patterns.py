"""Regular expressions that ECMA-262 (JSON Schema ``pattern``) and Python's :mod:`re` read
alike, for the JSON Schema: names that the validator compares case-insensitively, spelt
out character by character.

Names are case-insensitive in the validator (``str.lower()``; component names also ignore
surrounding white space and accept ``_`` or a space for ``-``), but JSON Schema patterns
have no case-insensitive flag. Each letter therefore becomes the class of all the
characters Python lowercases to it (``k`` is ``[Kk\\u212a]``: the Kelvin sign lowercases to
``k``) and white space is exactly what :meth:`str.strip` removes.
"""

from __future__ import annotations

from collections.abc import Iterable
import functools

#: Every white space or lowercasing-to-ASCII character is in the Basic Multilingual Plane
#: (the tests check the whole of Unicode), which is also all an ECMA-262 character class
#: without the ``u`` flag can hold.
_BMP = 0x10000


# -- regular expressions -----------------------------------------------------------------

@functools.cache
def _tables() -> tuple[frozenset[str], dict[str, frozenset[str]]]:
    """Python's white space, and for each ASCII character the characters whose
    ``lower()`` is that character."""
    space: set[str] = set()
    lower: dict[str, set[str]] = {}
    for code in range(_BMP):
        char = chr(code)
        if char.isspace():
            space.add(char)
        low = char.lower()
        if len(low) == 1 and low.isascii():
            lower.setdefault(low, set()).add(char)
    return frozenset(space), {key: frozenset(value) for key, value in lower.items()}


def _escape(char: str) -> str:
    if char.isascii() and (char.isalnum() or char == "_"):
        return char
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def char_class(chars: Iterable[str], negate: bool = False) -> str:
    """A character class in the syntax ECMA-262 and Python share; runs become ranges."""
    codes = sorted({ord(c) for c in chars})
    if len(codes) == 1 and not negate:
        return _escape(chr(codes[0]))
    parts: list[str] = []
    start = previous = codes[0]
    for code in [*codes[1:], -1]:
        if code == previous + 1:
            previous = code
            continue
        if previous - start >= 2:
            parts.append(f"{_escape(chr(start))}-{_escape(chr(previous))}")
        else:
            parts.extend(_escape(chr(c)) for c in range(start, previous + 1))
        start = previous = code
    return "[" + ("^" if negate else "") + "".join(parts) + "]"


def _space() -> str:
    return char_class(_tables()[0])


def _not_space() -> str:
    return char_class(_tables()[0], negate=True)


def _lower_preimage(char: str) -> frozenset[str]:
    """The characters that ``str.lower()`` turns into ``char``."""
    return _tables()[1].get(char, frozenset({char}))


def _caseless(word: str) -> str:
    """Matches every string whose ``lower()`` is ``word``."""
    return "".join(char_class(_lower_preimage(c)) for c in word)


def _component_form(name: str) -> str:
    """Matches every string that ``components.normalize`` turns into ``name`` once stripped:
    any case, and ``_`` or a space for ``-``."""
    parts = []
    for char in name:
        if char == "-":
            chars = _lower_preimage("-") | _lower_preimage("_") | _lower_preimage(" ")
        else:
            chars = _lower_preimage(char)
        parts.append(char_class(chars))
    return "".join(parts)


def alternatives(forms: Iterable[str]) -> str:
    return "(?:" + "|".join(sorted(forms)) + ")"


def component_pattern(names: Iterable[str]) -> str:
    space = _space()
    return f"^{space}*{alternatives(_component_form(n) for n in names)}{space}*$"


def caseless_pattern(words: Iterable[str]) -> str:
    return f"^{alternatives(_caseless(w) for w in words)}$"


def stripped_text_pattern(limit: int) -> str:
    """Text with something besides white space, at most ``limit`` characters once
    stripped."""
    space, solid = _space(), _not_space()
    return f"^{space}*{solid}(?:[\\s\\S]{{0,{limit - 2}}}{solid})?{space}*$"


def link_scheme_pattern(schemes: Iterable[str]) -> str:
    """A known scheme, or no ``scheme:`` prefix at all (as :func:`~.vocabulary.link_scheme` reads it)."""
    prefixes = alternatives("".join(char_class({c, c.upper()}) for c in s) for s in schemes)
    # The look-ahead also refuses white space, so that the leading run is skipped whole.
    space = _space()
    return f"^{space}*(?:{prefixes}:|(?!{space}|[a-zA-Z][a-zA-Z0-9+.\\x2d]*:))"
