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


_POWERS = "⁰¹²³⁴⁵⁶⁷⁸⁹⁻ᵀ"


def grouped(s: str) -> str:
    """s bracketed unless it already reads as one operand: an atom, (…), ‖…‖, |…|, or one of
    these raised to a superscript power, (bᵀ x)² and ‖x‖³ as well."""
    base = s.rstrip(_POWERS) or s
    single = len(base) > 1 and base[0] in "‖|" and base[-1] == base[0] and base[0] not in base[1:-1]
    if wrapped(base) or single or not (" " in s or "+" in s or "-" in s[1:] or "/" in s):
        return s
    return "(" + s + ")"


def superscript(value: sympy.Expr | int) -> str | None:
    text = str(value)
    if all(ch in "0123456789-" for ch in text):
        return text.translate(_SUPERSCRIPT)
    return None
