"""Reading an assembled entrywise result aloud: "the k-th row of A times x" (en and zh)."""

from __future__ import annotations

from collections.abc import Sequence

import sympy

from matdiff_magic.index.assemble import Assembled, Index
from matdiff_magic.printing.text import text
from matdiff_magic.to_sympy import scalar_from_sympy
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr

WORDS = {
    "en": {
        "entry": "the {i}-th entry of {m}",
        "entry2": "the ({i}, {j}) entry of {m}",
        "row": "the {i}-th row of {m}",
        "column": "the {i}-th column of {m}",
        "times": " times ",
        "plus": " plus ",
        "minus": " minus ",
        "identity": "1 where {i} = {j} (0 elsewhere)",
        "one": "1",
        "zero": "0",
        "delta": "where {i} = {j}",
        "sentence": "{lhs} is {body}.",
    },
    "zh": {
        "entry": "{m} 的第 {i} 个元素",
        "entry2": "{m} 的第 ({i}, {j}) 个元素",
        "row": "{m} 的第 {i} 行",
        "column": "{m} 的第 {i} 列",
        "times": "乘以 ",
        "plus": "，加上 ",
        "minus": "，减去 ",
        "identity": "{i} = {j} 时为 1，否则为 0",
        "one": "1",
        "zero": "0",
        "delta": "（当 {i} = {j} 时）",
        "sentence": "{lhs}，等于 {body}。",
    },
}


_COMPOUND = (N.Add, N.Mul, N.MatMul, N.Hadamard, N.HadamardDiv, N.Kron)


def _name(e: Expr) -> str:
    s = text(e)
    return "(" + s + ")" if isinstance(e, _COMPOUND) and " " in s else s


def _ix(s: Index) -> str:
    return str(s) if s is not None else "1"


def _first(m: Expr, i: Index, w: dict[str, str]) -> str:
    """Reading the i-th row of the first factor of a product."""
    if isinstance(m, N.Transpose) and not m.arg.is_scalar:
        if m.arg.cols == 1:  # xᵀ: a row; its only row
            return _name(m)
        return w["column"].format(i=_ix(i), m=_name(m.arg))
    if m.cols == 1 or m.shape[1] == 1:
        return w["entry"].format(i=_ix(i), m=_name(m))
    return w["row"].format(i=_ix(i), m=_name(m))


def _last(m: Expr, j: Index, w: dict[str, str]) -> str:
    """Reading the j-th column of the last factor of a product."""
    if isinstance(m, N.Transpose):
        if m.arg.cols == 1:  # yᵀ: its j-th entry
            return w["entry"].format(i=_ix(j), m=_name(m.arg))
        return w["row"].format(i=_ix(j), m=_name(m.arg))
    return w["column"].format(i=_ix(j), m=_name(m))


def phrase(m: Expr, i: Index, j: Index, lang: str) -> str:
    """The (i, j) entry of ``m`` in words."""
    w = WORDS[lang]
    if isinstance(m, N.Ones) or (isinstance(m, N.Const) and m.value == 1):
        return w["one"]
    if isinstance(m, N.Identity) and i is not None and j is not None:
        return w["identity"].format(i=_ix(i), j=_ix(j))
    if isinstance(m, N.MatMul):
        fs = list(m.factors)
        if isinstance(fs[0], N.DiagMat) and i is not None:
            rest = fs[1:]
            tail = rest[0] if len(rest) == 1 else N.MatMul(tuple(rest))
            head = w["entry"].format(i=_ix(i), m=_name(fs[0].arg))
            return _join([head, phrase(tail, i, j, lang)], lang)
        if i is not None and j is not None:
            middle = fs[1:-1]
            parts = [_first(fs[0], i, w)]
            parts += [_name(f) for f in middle]
            parts.append(_last(fs[-1], j, w))
            return _join(parts, lang)
        if i is not None:
            rest = fs[1:]
            tail = rest[0] if len(rest) == 1 else N.MatMul(tuple(rest))
            return _join([_first(fs[0], i, w), _name(tail)], lang)
        if j is not None:
            head = fs[:-1]
            lead = head[0] if len(head) == 1 else N.MatMul(tuple(head))
            return _join([_name(lead), _last(fs[-1], j, w)], lang)
    if i is not None and j is not None:
        if isinstance(m, N.Transpose):
            return w["entry2"].format(i=_ix(j), j=_ix(i), m=_name(m.arg))
        return w["entry2"].format(i=_ix(i), j=_ix(j), m=_name(m))
    if i is not None:
        return w["entry"].format(i=_ix(i), m=_name(m))
    if j is not None:
        if isinstance(m, N.Transpose):
            return w["entry"].format(i=_ix(j), m=_name(m.arg))
        return w["entry"].format(i=_ix(j), m=_name(m))
    return _name(m)


def _number(c: sympy.Expr) -> str:
    return text(scalar_from_sympy(c)) if c.atoms(sympy.Function) else str(c)


def _join(parts: Sequence[str], lang: str) -> str:
    """Factors joined by "times" (乘以, with a space after Latin text)."""
    if lang == "en":
        return WORDS["en"]["times"].join(parts)
    out = ""
    for n, p in enumerate(parts):
        if n:
            out += (" " if out[-1:].isascii() and out[-1:] not in ("", " ") else "") + "乘以 "
        out += p
    return out


def _conditions(pairs: Sequence[tuple[Index, Index]], body: str, lang: str) -> str:
    eqs = [f"{_ix(a)} = {_ix(b)}" for a, b in pairs]
    if lang == "en":
        return f"{body} where {' and '.join(eqs)} (0 elsewhere)"
    return f"当 {' 且 '.join(eqs)} 时为 {body}，否则为 0"


def reading(terms: Sequence[Assembled], lang: str) -> str:
    """Every term in words, joined with plus/minus."""
    w = WORDS[lang]
    out = []
    for n, a in enumerate(terms):
        negative = a.coeff.is_number and a.coeff < 0
        coeff = -a.coeff if negative else a.coeff
        parts = []
        if coeff != 1:
            parts.append(_number(coeff))
        parts += [_name(s) for s in a.scalars]
        pairs = list(a.deltas)
        for m, (r, c) in a.entries:
            if isinstance(m, N.Identity) and r is not None and c is not None:
                pairs.append((r, c))
                continue
            p = phrase(m, r, c, lang)
            if p != w["one"]:
                parts.append(p)
        body = _join(parts, lang) if parts else w["one"]
        if pairs:
            body = _conditions(pairs, body, lang)
        if n == 0:
            out.append(("-" if negative else "") + body)
        else:
            out.append((w["minus"] if negative else w["plus"]) + body)
    return "".join(out) if out else w["zero"]


def sentence(lhs_en: str, lhs_zh: str, terms: Sequence[Assembled]) -> tuple[str, str]:
    return (
        WORDS["en"]["sentence"].format(lhs=lhs_en, body=reading(terms, "en")),
        WORDS["zh"]["sentence"].format(lhs=lhs_zh, body=reading(terms, "zh")),
    )
