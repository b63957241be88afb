"""Tokens of the matdiff language.

The lexer normalizes the many spellings of an operator (``⊙``, ``∘``, ``\\odot`` and ``.*``
are one token) so the parser sees one form. It never evaluates anything.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction

from matdiff_magic.errors import ParseError, Span
from matdiff_magic.language.lex_sized import (
    PendingSizes,
    place_pending,
    sized_constant,
    sized_unvec,
)
from matdiff_magic.language.spellings import COMMANDS, operators_from
from matdiff_magic.messages import Msg

MAX_SOURCE_LENGTH = 20_000
# Significant digits a number may have (floating point has 17; exact rationals stay printable).
MAX_NUMBER_DIGITS = 1000


@dataclass(frozen=True)
class Token:
    kind: str  # NAME, NUMBER, TEXT, OP, NEWLINE, EOF
    value: str
    span: Span
    space_before: bool = False
    number: Fraction | None = None

    def is_op(self, *values: str) -> bool:
        return self.kind == "OP" and self.value in values

    def __str__(self) -> str:
        return str(self.describe())

    def describe(self) -> Msg | str:
        """The token in a message: 'x', or "the end of the input" (translatable)."""
        if self.kind == "EOF":
            return Msg("token.end_of_input")
        if self.kind == "NEWLINE":
            return Msg("token.end_of_line")
        return f"'{self.value}'"

    def found(self) -> Msg:
        """What was found instead, for "expected ..., found ..." (translatable)."""
        if self.kind == "EOF":
            return Msg("found.end_of_input")
        if self.kind == "NEWLINE":
            return Msg("found.end_of_line")
        return Msg("found.token", token=self.value)


# Digits (any script's), except 𝟏, which is the ones vector and never part of a number.
_DIGIT = r"(?:(?!𝟏)\d)"
_NUMBER = re.compile(rf"{_DIGIT}+(?:\.{_DIGIT}+)?(?:[eE][+-]?{_DIGIT}+)?|\.{_DIGIT}+")
ONES = "𝟏"


def number_value(text: str, source: str, span: Span) -> Fraction:
    """The exact value of a number literal, refused (ParseError at ``span``) beyond the range of
    floating point or with too many digits.

    The range is checked on the text with ``float`` (instant for any exponent) before any exact
    arithmetic, so ``1e10000000`` costs nothing; the exact value is then made from the
    significant digits and a small power of ten (never from a 10-million-digit integer).
    """
    mantissa, _, exponent = text.lower().partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = (whole + fraction).lstrip("0")
    if not digits:  # zero, whatever the exponent
        return Fraction(0)
    approx = float(text)
    if math.isinf(approx):
        raise ParseError(Msg("lex.number_too_large"), source=source, span=span)
    if approx == 0.0:
        raise ParseError(Msg("lex.number_too_small"), source=source, span=span)
    stripped = digits.rstrip("0")
    if len(stripped) > MAX_NUMBER_DIGITS:
        raise ParseError(
            Msg("lex.number_digits", digits=len(stripped), limit=MAX_NUMBER_DIGITS),
            source=source,
            span=span,
        )
    # text = 0.digits... scaled: value = int(stripped) * 10**power, |power| is small here
    # (the value is within the float range and stripped has at most MAX_NUMBER_DIGITS digits).
    sign = -1 if exponent.startswith("-") else 1
    exp_digits = exponent.lstrip("+-").lstrip("0") or "0"
    power = sign * int(exp_digits) - len(fraction) + (len(digits) - len(stripped))
    if power >= 0:
        return Fraction(int(stripped) * 10**power)
    return Fraction(int(stripped), 10**-power)


_NOT_NAME = set("ᵀ²³⁻¹")
_SUPERSCRIPT_DIGITS = set("⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_POWER_DIGITS = set("⁰¹²³⁴⁵⁶⁷⁸⁹")
_FROM_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_SUBSCRIPT_DIGITS = set("₀₁₂₃₄₅₆₇₈₉")
_FROM_SUBSCRIPT = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")


def _name_char(ch: str, first: bool) -> bool:
    if ch in _NOT_NAME:
        return False
    if ch == "_" or ch.isalpha():
        return True
    return not first and ch in "0123456789"


# Full-width forms (（）＋－＊／＇，：；＝, letters, digits) and the ideographic space, as a Chinese
# input method types them, read as their ASCII forms. One character for one, so every offset
# (a caret, a span) still points into the user's own text.
FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
FULL_WIDTH[0x3000] = ord(" ")


def _ascii_letter(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


def tokenize(source: str) -> list[Token]:
    original = source
    source = source.translate(FULL_WIDTH)
    if len(source) > MAX_SOURCE_LENGTH:
        raise ParseError(
            Msg("lex.too_long", length=len(source), limit=MAX_SOURCE_LENGTH),
            source=original,
            span=Span(MAX_SOURCE_LENGTH, MAX_SOURCE_LENGTH + 1),
        )
    tokens: list[Token] = []
    pending: list[PendingSizes] = []
    depth = 0  # inside (), {}, [] a newline does not end a statement
    i, n = 0, len(source)
    space = False
    while i < n:
        ch = source[i]
        if ch == "#":
            while i < n and source[i] != "\n":
                i += 1
            continue
        if ch == "\n":
            if depth == 0:
                tokens.append(Token("NEWLINE", "\n", Span(i, i + 1), space))
            i += 1
            space = True
            continue
        if ch.isspace():
            i += 1
            space = True
            continue
        start = i
        if ch == "\\":
            j = i + 1
            # LaTeX command names are ASCII letters: \topᵀ is \top then ᵀ
            if j < n and not _ascii_letter(source[j]):
                name = source[j]
                j += 1
            else:
                while j < n and _ascii_letter(source[j]):
                    j += 1
                name = source[i + 1 : j]
            if name in COMMANDS:
                found = COMMANDS[name]
                if found is not None:
                    tokens.append(Token(found[0], found[1], Span(start, j), space))
                i, space = j, found is None or space
                continue
            from matdiff_magic.name_forms import GREEK

            if name in GREEK:
                tokens.append(Token("NAME", name, Span(start, j), space))
                i, space = j, False
                continue
            raise ParseError(
                Msg("lex.unknown_command", name=name), source=original, span=Span(start, j)
            )
        if (
            ch == "."
            and i + 1 < n
            and source[i + 1] == "T"
            and (i + 2 >= n or not _name_char(source[i + 2], False))
        ):
            tokens.append(Token("OP", ".T", Span(i, i + 2), space))
            i, space = i + 2, False
            continue
        if (
            ch == "⁻"
            and i + 1 < n
            and source[i + 1] in _POWER_DIGITS
            and not (source[i + 1] == "¹" and (i + 2 >= n or source[i + 2] not in _POWER_DIGITS))
        ):
            # the text printer's negative powers: (Xᵀ X)⁻², X⁻³ read as (Xᵀ X)^-2, X^-3
            j = i + 1
            while j < n and source[j] in _POWER_DIGITS:
                j += 1
            written = source[i + 1 : j].translate(_FROM_SUPERSCRIPT)
            value = number_value(written, original, Span(i + 1, j))
            tokens.append(Token("OP", "^", Span(i, i), space))
            tokens.append(Token("OP", "-", Span(i, i + 1), False))
            tokens.append(Token("NUMBER", written, Span(i + 1, j), False, value))
            i, space = j, False
            continue
        if ch in _POWER_DIGITS and not (
            ch in "²³" and (i + 1 >= n or source[i + 1] not in _POWER_DIGITS)
        ):
            # the text printer's powers beyond ² and ³: (vᵀ x)⁴, x¹⁰ read as (vᵀ x)^4, x^10
            j = i
            while j < n and source[j] in _POWER_DIGITS:
                j += 1
            written = source[i:j].translate(_FROM_SUPERSCRIPT)
            tokens.append(Token("OP", "^", Span(i, i), space))
            tokens.append(
                Token(
                    "NUMBER",
                    written,
                    Span(i, j),
                    False,
                    number_value(written, original, Span(i, j)),
                )
            )
            i, space = j, False
            continue
        if ch == "∘" and i + 1 < n and source[i + 1] in _SUPERSCRIPT_DIGITS:
            # the text printer's entrywise power: x∘², x∘⁻¹ read as x .^ 2, x .^ -1
            j = i + 1
            while j < n and source[j] in _SUPERSCRIPT_DIGITS:
                j += 1
            written = source[i + 1 : j].translate(_FROM_SUPERSCRIPT)
            tokens.append(Token("OP", ".^", Span(i, i + 1), space))
            if written.startswith("-"):
                tokens.append(Token("OP", "-", Span(i + 1, i + 2), False))
                written = written[1:]
            if not written.isdigit():
                raise ParseError(
                    Msg("lex.unexpected_character", char=source[i + 1]),
                    source=original,
                    span=Span(i + 1, j),
                )
            span = Span(j - len(written), j)
            value = number_value(written, original, span)
            tokens.append(Token("NUMBER", written, span, False, value))
            i, space = j, False
            continue
        if source.startswith("^∘", i):  # x^∘(3/2), as the text printer writes other powers
            tokens.append(Token("OP", ".^", Span(i, i + 2), space))
            i, space = i + 2, False
            continue
        if ch == '"':  # an option, as in norm(X, "fro"); ' is the transpose
            j = source.find('"', i + 1)
            if j == -1 or "\n" in source[i:j]:
                raise ParseError(Msg("lex.unclosed_text"), source=original, span=Span(i, i + 1))
            tokens.append(Token("TEXT", source[i + 1 : j], Span(i, j + 1), space))
            i, space = j + 1, False
            continue
        if ch == "√":  # the text printer's square root: √(x) reads back as sqrt(x)
            tokens.append(Token("NAME", "sqrt", Span(i, i + 1), space))
            i, space = i + 1, False
            continue
        # as the text printer writes sized constants and reshapes: I_n, 𝟏_(m×n), unvec_m×n(v)
        if i == 0 or not _name_char(source[i - 1], False):
            constant = sized_constant(source, i, space, _lex_size, Token)
            if constant is not None:
                tokens.extend(constant[0])
                i, space = constant[1], False
                continue
            unvec = sized_unvec(source, i, space, _lex_size, Token)
            if unvec is not None:
                tokens.extend(unvec[0])
                pending.append(PendingSizes(len(tokens) - 1, unvec[2]))
                depth += 1
                i, space = unvec[1], False
                continue
        if ch == ONES:
            tokens.append(Token("OP", ONES, Span(i, i + 1), space))
            i, space = i + 1, False
            continue
        match = _NUMBER.match(source, i)
        if match and (ch.isdigit() or (ch == "." and not source.startswith((".^", ".*", "./"), i))):
            text = match.group(0)
            span = Span(i, match.end())
            tokens.append(Token("NUMBER", text, span, space, number_value(text, original, span)))
            i, space = match.end(), False
            continue
        if _name_char(ch, True):
            j = i + 1
            while j < n and _name_char(source[j], False):
                j += 1
            name = source[i:j]
            if j < n and source[j] in _SUBSCRIPT_DIGITS:
                # the text printer's subscripts: W₂ (printed from W2 or W_2) reads as W2
                k = j
                while j < n and source[j] in _SUBSCRIPT_DIGITS:
                    j += 1
                name += source[k:j].translate(_FROM_SUBSCRIPT)
            tokens.append(Token("NAME", name, Span(i, j), space))
            i, space = j, False
            continue
        for spelling, canonical in operators_from(ch):
            if source.startswith(spelling, i):
                if canonical in "([{":
                    depth += 1
                elif canonical in ")]}":
                    depth = max(0, depth - 1)
                tokens.append(Token("OP", canonical, Span(i, i + len(spelling)), space))
                i, space = i + len(spelling), False
                break
        else:
            raise ParseError(
                Msg("lex.unexpected_character", char=original[i]),
                source=original,
                span=Span(i, i + 1),
            )
    tokens.append(Token("EOF", "", Span(n, n + 1), space))
    return place_pending(tokens, pending) if pending else tokens


def _lex_size(text: str) -> list[Token]:
    """One printed size (``n``, ``n²``, ``mn``, ``m_A·m_X``) as ordinary tokens."""
    return tokenize(text)
