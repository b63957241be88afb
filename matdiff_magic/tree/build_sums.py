"""Sums: flattened, zeros dropped, like terms collected in first-seen order (kept apart inside
``keeping_terms``, when a derivation shows them before combining)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

import sympy

from matdiff_magic import dims
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.canonical import ckey
from matdiff_magic.tree.smart import S, register

# -- sums ----

_COLLECT: ContextVar[bool] = ContextVar("matdiff_collect_like_terms", default=True)


@contextlib.contextmanager
def keeping_terms() -> Iterator[None]:
    """Inside, ``add`` keeps like terms apart (a derivation shows them before combining)."""
    token = _COLLECT.set(False)
    try:
        yield
    finally:
        _COLLECT.reset(token)


def collecting() -> bool:
    """Whether ``add`` collects like terms here (False inside ``keeping_terms``)."""
    return _COLLECT.get()


def add(*terms: Expr) -> Expr:
    """The canonical sum: flattened, zeros dropped, like terms collected (first-seen order)."""
    flat: list[Expr] = []
    for t in terms:
        if isinstance(t, N.Add):
            flat.extend(t.terms)
        else:
            flat.append(t)
    if not flat:
        raise ValueError("add needs a term")
    first = flat[0]
    for other in flat[1:]:
        if not (dims.same(first.rows, other.rows) and dims.same(first.cols, other.cols)):
            raise N.shape_mismatch(
                "shape.add",
                (first, other),
                f"{dims.shape_text(first.shape)} ≠ {dims.shape_text(other.shape)}",
            )
    groups: dict[str, list] = {}
    order: list[str] = []
    collect = _COLLECT.get()
    for i, t in enumerate(flat):
        if isinstance(t, N.Zero):
            continue
        if not collect and not isinstance(t, N.Const):
            groups[str(i)] = [sympy.Integer(1), t]
            order.append(str(i))
            continue
        coeff, scalars, body = S.split(t)
        rest = S.make_mul(sympy.Integer(1), scalars, body)
        k = ckey(rest)
        if k in groups:
            groups[k][0] = groups[k][0] + coeff
        else:
            groups[k] = [coeff, rest]
            order.append(k)
    out: list[Expr] = []
    for k in order:
        coeff, rest = groups[k]
        if coeff == 0:
            continue
        out.append(rest if coeff == 1 else S.make_mul(coeff, (), rest))
    if not out:
        return N.Zero(*first.shape)
    if len(out) == 1:
        return out[0]
    return N.Add(tuple(out))


def sub(a: Expr, b: Expr) -> Expr:
    return add(a, S.neg(b))


register(
    globals(),
    (
        "keeping_terms",
        "add",
        "sub",
    ),
)
