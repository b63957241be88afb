"""Entrywise calculus: pick out the terms with an entry of the variable, differentiate them,
let the Kronecker deltas collapse the sums, and merge the occurrences of each quantity.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence

import sympy

from matdiff_magic.index.convert import family_of


def occurrence(e: sympy.Basic, name: str) -> sympy.Basic | None:
    """The entry of base ``name`` inside ``e`` (each occurrence appears at most once)."""
    for a in e.atoms(sympy.Indexed):
        if a.base.label.name == name:
            return a
    for s in e.free_symbols:
        if isinstance(s, sympy.Symbol) and s.name == name:
            return s
    return None


def contains(e: sympy.Basic, name: str) -> bool:
    return occurrence(e, name) is not None


def entry_of(name: str, targets: Sequence[sympy.Expr], like: sympy.Basic) -> sympy.Basic:
    """The entry of base ``name`` at the variable's indices (shape of ``like``)."""
    if isinstance(like, sympy.Symbol):
        return sympy.Symbol(name)
    idx = list(like.indices)
    out = []
    it = iter(targets)
    for s in idx:
        out.append(next(it) if s != 1 or len(idx) == 1 else s)
    return sympy.IndexedBase(name)[tuple(out)]


def select(e: sympy.Expr, name: str, targets: Sequence[sympy.Expr]) -> tuple[sympy.Expr, bool]:
    """The terms of ``e`` that contain the entry ``targets`` of occurrence ``name``.

    Sums over an index of the occurrence that enclose it linearly are fixed at the target
    (Σ_i x_i A_ij -> x_k A_kj); returns the expression and whether any sum was fixed.
    """
    fixed = False

    def go(node: sympy.Expr) -> sympy.Expr:
        nonlocal fixed
        if isinstance(node, sympy.Add):
            return sympy.Add(*[go(a) for a in node.args if contains(a, name)])
        if isinstance(node, sympy.Mul):
            return sympy.Mul(*[go(a) if contains(a, name) else a for a in node.args])
        if isinstance(node, sympy.Sum):
            occ = occurrence(node.function, name)
            mapping = {}
            if isinstance(occ, sympy.Indexed):
                idx = [s for s in occ.indices if s != 1 or len(occ.indices) == 1]
                bound = {lim[0] for lim in node.limits}
                for s, t in zip(idx, targets, strict=False):
                    if s in bound and list(occ.indices).count(s) == 1:
                        mapping[s] = t
            limits = [lim for lim in node.limits if lim[0] not in mapping]
            body = node.function.xreplace(mapping) if mapping else node.function
            fixed = fixed or bool(mapping)
            inner = go(body)
            return sympy.Sum(inner, *limits) if limits else inner
        return node

    return go(e), fixed


def differentiate(e: sympy.Expr, name: str, targets: Sequence[sympy.Expr]) -> sympy.Expr:
    """∂e/∂(occurrence ``name`` at ``targets``), with the deltas collapsed."""
    occ = occurrence(e, name)
    if occ is None:
        return sympy.Integer(0)
    wrt = entry_of(name, targets, occ)
    return collapse(_derivative(e, name, wrt))


def _derivative(e: sympy.Expr, name: str, wrt: sympy.Basic) -> sympy.Expr:
    """∂e/∂wrt, structurally: linear in the size of ``e`` when the occurrence appears once, as
    it does when matdiff writes entries. SymPy's own diff of nested sums grows much faster
    (tr(A₁ X ... A₈ X) took seconds). SymPy may still write an occurrence twice while it
    evaluates (sin(arctan(c)) becomes c/√(1 + c²)), so products take the full product rule."""
    if not contains(e, name):
        return sympy.Integer(0)
    if isinstance(e, sympy.Indexed):
        out = sympy.Integer(1)
        for a, b in zip(e.indices, wrt.indices, strict=True):  # type: ignore[union-attr]
            out = out * delta(a, b)
        return out
    if isinstance(e, sympy.Symbol):
        return sympy.Integer(1)
    if isinstance(e, sympy.Add):
        return sympy.Add(*[_derivative(a, name, wrt) for a in e.args])
    if isinstance(e, sympy.Mul):
        factors = list(e.args)
        return sympy.Add(
            *[
                sympy.Mul(*factors[:i], _derivative(f, name, wrt), *factors[i + 1 :])
                for i, f in enumerate(factors)
                if contains(f, name)
            ]
        )
    if isinstance(e, sympy.Sum):
        return sympy.Sum(_derivative(e.function, name, wrt), *e.limits)
    if isinstance(e, sympy.Pow):
        base, exponent = e.args
        if contains(exponent, name):
            return sympy.diff(e, wrt)  # not produced by matdiff: entrywise exponents are numbers
        return exponent * base ** (exponent - 1) * _derivative(base, name, wrt)
    if isinstance(e, sympy.Function) and len(e.args) == 1:
        return e.fdiff(1) * _derivative(e.args[0], name, wrt)
    return sympy.diff(e, wrt)


def delta(i: sympy.Expr, j: sympy.Expr) -> sympy.Expr:
    if i == j:
        return sympy.Integer(1)
    return sympy.KroneckerDelta(i, j)


def _delta_on(factors: tuple[sympy.Expr, ...], s: sympy.Symbol) -> tuple[int, sympy.Expr] | None:
    for n, f in enumerate(factors):
        if isinstance(f, sympy.KroneckerDelta) and s in f.args:
            a, b = f.args[:2]
            other = b if a == s else a
            if other != s:
                return n, other
    return None


def _first_delta(
    factors: tuple[sympy.Expr, ...], limits: list[tuple]
) -> tuple[int, sympy.Symbol, sympy.Expr] | None:
    """The first δ on a summation index: (its position, the index, what it equals). Looks at
    the deltas only, so a long product costs one pass."""
    bound = {lim[0] for lim in limits}
    order = {lim[0]: n for n, lim in enumerate(limits)}
    best = None
    for n, f in enumerate(factors):
        if not isinstance(f, sympy.KroneckerDelta):
            continue
        a, b = f.args[:2]
        for s, other in ((a, b), (b, a)):
            if s in bound and other != s and (best is None or order[s] < order[best[1]]):
                best = (n, s, other)
    return best


def _sum_collapse(body: sympy.Expr, limits: list[tuple]) -> sympy.Expr:
    if isinstance(body, sympy.Add) and any(
        _first_delta(sympy.Mul.make_args(t), limits) for t in body.args
    ):
        return sympy.Add(*[_sum_collapse(t, limits) for t in body.args])
    factors = sympy.Mul.make_args(body)
    found = _first_delta(factors, limits)
    if found is not None:
        n, s, other = found
        rest = sympy.Mul(*[f for m, f in enumerate(factors) if m != n])
        rest = rest.xreplace({s: other})
        return _sum_collapse(collapse(rest), [x for x in limits if x[0] != s])
    coeff = sympy.Integer(1)
    keep = []
    free = body.free_symbols
    for s, lo, hi in limits:
        if s in free:
            keep.append((s, lo, hi))
        else:
            coeff = coeff * (hi - lo + 1)
    return coeff * (sympy.Sum(body, *keep) if keep else body)


def collapse(e: sympy.Expr) -> sympy.Expr:
    """Σ_s δ_sk f(s) -> f(k), everywhere in ``e`` (bottom-up)."""
    if isinstance(e, sympy.Sum):
        return _sum_collapse(collapse(e.function), [tuple(lim) for lim in e.limits])
    if isinstance(e, sympy.Indexed | sympy.Symbol | sympy.Number | sympy.KroneckerDelta):
        return e
    if not e.args:
        return e
    args = [collapse(a) for a in e.args]
    if all(a is b for a, b in zip(args, e.args, strict=True)):
        return e
    return e.func(*args)


def merge(e: sympy.Expr, first: dict[str, str]) -> sympy.Expr:
    """Every occurrence renamed to the first occurrence of its quantity (x#2 -> x#0)."""
    mapping: dict[sympy.Basic, sympy.Basic] = {}
    for b in e.atoms(sympy.IndexedBase):
        target = first.get(family_of(b.label.name))
        if target and target != b.label.name:
            mapping[b] = sympy.IndexedBase(target)
    for s in e.free_symbols:
        if isinstance(s, sympy.Symbol) and "#" in s.name:
            target = first.get(family_of(s.name))
            if target and target != s.name:
                mapping[s] = sympy.Symbol(target)
    return e.xreplace(mapping) if mapping else e


def _bound(e: sympy.Basic) -> list[sympy.Symbol]:
    out: list[sympy.Symbol] = []
    for s in e.atoms(sympy.Sum):
        for lim in s.limits:
            if lim[0] not in out:
                out.append(lim[0])
    return out


MAX_RENAMINGS = 120  # 5! : beyond, one fixed renaming (equal terms may then show twice)


def canonical_key(e: sympy.Expr) -> str:
    """The same string for terms equal up to renaming their summation indices.

    The renaming is done on the printed form (``srepr``), never by rebuilding the expression:
    rebuilding makes SymPy re-evaluate every function in it, which can take seconds."""
    bound = sorted(_bound(e), key=str)
    text = sympy.srepr(e)
    if not bound:
        return text
    found = {str(s): f"Symbol('{s}', integer=True)" for s in bound}
    pattern = re.compile("|".join(re.escape(v) for v in found.values()))
    names = [f"Symbol('_s{n}', integer=True)" for n in range(len(bound))]

    def renamed(order: tuple[str, ...]) -> str:
        mapping = dict(zip(found.values(), order, strict=True))
        return pattern.sub(lambda m: mapping[m.group(0)], text)

    if math.factorial(len(bound)) > MAX_RENAMINGS:
        return renamed(tuple(names))
    return min(renamed(order) for order in itertools.permutations(names))


def combine(terms: Sequence[sympy.Expr]) -> list[sympy.Expr]:
    """Like terms added up (first appearance kept), zeros dropped."""
    order: list[str] = []
    coeff: dict[str, sympy.Expr] = {}
    body: dict[str, sympy.Expr] = {}
    for t in terms:
        for part in sympy.Add.make_args(t):
            c, rest = part.as_coeff_Mul()
            key = canonical_key(rest)
            if key not in coeff:
                order.append(key)
                coeff[key] = sympy.Integer(0)
                body[key] = rest
            coeff[key] = coeff[key] + c
    return [coeff[k] * body[k] for k in order if coeff[k] != 0]
