"""The text printer's sized constants and reshapes, read back: ``I_n``, ``I_(n²)``, ``𝟏_(m×n)``,
``K_(m,n)`` and ``unvec_m×n(v)``.

A size is a dimension expression as the printer writes it (``n``, ``3``, ``n²``, ``mn``,
``m_A·m_X``); each is lexed as ordinary tokens, so the builder reads it as a product or power of
sizes (``TreeBuilder._size``). ``unvec_m×n(v)`` becomes the call ``unvec(v, m, n)``: the sizes go
after the argument, placed before the bracket that closes it once the whole input is lexed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from matdiff_magic.errors import Span

# A size written without brackets: a name or a number, ended by anything that cannot continue a
# name (so 𝟏_nᵀ is 𝟏_n transposed, and I_n² is I_n squared).
_BARE = r"([A-Za-z](?:[A-Za-z0-9]|_(?=[A-Za-z0-9]))*|\d+)(?![A-Za-z0-9_(])"
SIZED = re.compile(rf"(I|𝟏|K)_(?:{_BARE}|\(([^()]*)\))")
UNVEC = re.compile(r"unvec_(?:\(([^()]*)\)|([^\s()]+))\(")
_SEPARATOR = re.compile(r"\s*(?:×|,|\sx\s)\s*")
_FUNCTION = {"I": "eye", "𝟏": "ones", "K": "commutation"}


@dataclass
class PendingSizes:
    """Sizes to place before the bracket that closes the call opened at token ``opened``."""

    opened: int
    tokens: list


def sizes(text: str) -> list[str]:
    return [s for s in _SEPARATOR.split(text.strip()) if s]


def size_tokens(
    parts: list[str], span: Span, lex: Callable[[str], list], make: Callable[..., object]
) -> list:
    """The tokens of ``parts`` separated by commas, every token spanning the whole constant
    (a caret under a size points at the constant as written)."""
    out: list = []
    for k, part in enumerate(parts):
        if k:
            out.append(make("OP", ",", span, False))
        for tok in lex(part):
            if tok.kind not in ("EOF", "NEWLINE"):
                out.append(make(tok.kind, tok.value, span, tok.space_before, tok.number))
    return out


def sized_constant(
    source: str, i: int, space: bool, lex: Callable[[str], list], make: Callable[..., object]
) -> tuple[list, int] | None:
    """``I_n`` and the like starting at ``i``: the tokens of ``eye(n)`` and where they end."""
    found = SIZED.match(source, i)
    if not found:
        return None
    span = Span(i, found.end())
    parts = [found.group(2)] if found.group(2) else sizes(found.group(3))
    if not parts:
        return None
    out = [make("NAME", _FUNCTION[found.group(1)], span, space), make("OP", "(", span, False)]
    out += size_tokens(parts, span, lex, make)
    out.append(make("OP", ")", span, False))
    return out, found.end()


def sized_unvec(
    source: str, i: int, space: bool, lex: Callable[[str], list], make: Callable[..., object]
) -> tuple[list, int, list] | None:
    """``unvec_m×n(`` starting at ``i``: the tokens ``unvec (``, where they end, and the size
    tokens that go before the matching ``)``."""
    found = UNVEC.match(source, i)
    if not found:
        return None
    parts = sizes(found.group(1) or found.group(2))
    if len(parts) != 2:
        return None
    span = Span(i, found.end())
    head = [make("NAME", "unvec", span, space), make("OP", "(", span, False)]
    # unvec(v, m, n): a comma after the argument, then the sizes separated by commas
    tail = [make("OP", ",", span, False), *size_tokens(parts, span, lex, make)]
    return head, found.end(), tail


def place_pending(tokens: list, pending: list[PendingSizes]) -> list:
    """``tokens`` with each pending group of sizes inserted before the bracket that closes its
    call (innermost calls first, so earlier positions stay valid). An unclosed call keeps no
    sizes: the parser then reports the missing bracket."""
    for item in sorted(pending, key=lambda p: p.opened, reverse=True):
        depth = 0
        for j in range(item.opened, len(tokens)):
            tok = tokens[j]
            if tok.kind == "OP" and tok.value in "([{":
                depth += 1
            elif tok.kind == "OP" and tok.value in ")]}":
                depth -= 1
                if depth == 0:
                    tokens[j:j] = item.tokens
                    break
    return tokens
