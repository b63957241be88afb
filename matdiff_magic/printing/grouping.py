"""Small helpers of the text printer: when a printed piece needs brackets, and superscripts."""

from __future__ import annotations

import sympy

_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def wrapped(s: str) -> bool:
    """Whether s is one parenthesized group, like (a + b) but not (a) (b)."""
    if not (s.startswith("(") and s.endswith(")")):
        return False
    depth = 0
    for i, ch in enumerate(s):
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0 and i < len(s) - 1:
            return False
    return True


def grouped(s: str) -> str:
    single = len(s) > 1 and s[0] in "‖|" and s[-1] == s[0] and s[0] not in s[1:-1]
    if wrapped(s) or single or not (" " in s or "+" in s or "-" in s[1:] or "/" in s):
        return s
    return "(" + s + ")"


def superscript(value: sympy.Expr | int) -> str | None:
    text = str(value)
    if all(ch in "0123456789-" for ch in text):
        return text.translate(_SUPERSCRIPT)
    return None
