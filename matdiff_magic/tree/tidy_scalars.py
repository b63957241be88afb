"""Scalars in sums (named rewrites of the final polish, tree/tidy.py): a scalar factor some terms
share pulled out of them (see ``shared_scalar_factors``); terms of a 1×1 sum turned round so
that they share their end factors: a 1×1 product is its own transpose, pᵀ B q = qᵀ Bᵀ p, so
pᵀ A q + qᵀ B p = pᵀ (A + Bᵀ) q. The trace trick and the index sums write the two halves of
the derivative of a quadratic form in u(x) each its own way round; the chain rule meets them
already gathered, sin(x b)ᵀ (A + Aᵀ) (b ⊙ cos(x b)).
"""

from __future__ import annotations

from itertools import product

from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.canonical import ckey
from matdiff_magic.tree.factor import factor_for_reading
from matdiff_magic.tree.rewrite import transform
from matdiff_magic.tree.textbook import reading_cost

# 2^k orientations are tried: sums of more terms are left as they are
MAX_TERMS = 4


Chain = tuple[object, tuple[Expr, ...], list[Expr]]  # coefficient, other scalars, product


def _chain(term: Expr) -> Chain | None:
    """A 1×1 term c s (p ... q) as its coefficient, its other scalar factors and the factors
    of its one 1×1 matrix product (None if it has not exactly one)."""
    c, s, body = B.split(term)
    products = [f for f in s if isinstance(f, N.MatMul) and len(f.factors) >= 2]
    if body is not None or len(products) != 1:
        return None
    rest = tuple(f for f in s if f is not products[0])
    return c, rest, list(products[0].factors)


def _turned(chain: Chain) -> Chain | None:
    """The product written the other way round: (p ... q)ᵀ = qᵀ ... pᵀ."""
    c, s, factors = chain
    turned = B.matmul(*[B.transpose(f) for f in reversed(factors)])
    return (c, s, list(turned.factors)) if isinstance(turned, N.MatMul) else None


def _gathered(chains: list[Chain]) -> Expr | None:
    """Σ c s (P M Q) = P (Σ c s M) Q for the longest P and Q every product starts and ends
    with (None if they share neither end)."""
    keys = [[ckey(f) for f in factors] for _, _, factors in chains]
    shortest = min(len(k) for k in keys)
    left = 0
    while left < shortest - 1 and all(k[left] == keys[0][left] for k in keys):
        left += 1
    right = 0
    while right < shortest - 1 - left and all(k[-1 - right] == keys[0][-1 - right] for k in keys):
        right += 1
    if not left and not right:
        return None
    first = chains[0][2]
    middles = [
        B.make_mul(c, s, B.matmul(*factors[left : len(factors) - right]))
        for c, s, factors in chains
    ]
    return B.matmul(*first[:left], B.add(*middles), *first[len(first) - right :])


def scalars_turned_to_factor(e: Expr) -> Expr:
    """A 1×1 sum with its terms turned (pᵀ B q = qᵀ Bᵀ p) the way that lets the most factor
    out, where that reads shorter."""

    def post(out: Expr) -> Expr:
        if not (isinstance(out, N.Add) and out.is_scalar and 2 <= len(out.terms) <= MAX_TERMS):
            return out
        chains = [_chain(t) for t in out.terms]
        if any(c is None for c in chains):
            return out
        ways = [(c, _turned(c)) for c in chains]
        best, cost = out, reading_cost(out)
        for choice in product((0, 1), repeat=len(ways)):
            picked = [w[k] for w, k in zip(ways, choice, strict=True)]
            if any(p is None for p in picked):
                continue
            candidate = _gathered(picked)
            if candidate is not None and reading_cost(candidate) < cost:
                best, cost = candidate, reading_cost(candidate)
        return best

    return transform(e, post=post)


def _scalar_holders(terms: tuple[Expr, ...]) -> dict[str, tuple[Expr, list[int]]]:
    """Each scalar factor (not a number) by key: the factor and the terms holding it."""
    holders: dict[str, tuple[Expr, list[int]]] = {}
    for i, t in enumerate(terms):
        _, scalars, _ = B.split(t)
        for s in scalars:
            entry = holders.setdefault(ckey(s), (s, []))
            if i not in entry[1]:
                entry[1].append(i)
    return holders


def _without_scalar(term: Expr, key: str) -> Expr:
    c, scalars, body = B.split(term)
    rest = list(scalars)
    rest.pop(next(i for i, s in enumerate(rest) if ckey(s) == key))
    return B.make_mul(c, rest, body)


def shared_scalar_factors(e: Expr) -> Expr:
    """s A x + s B x + C = s (A + B) x + C: a scalar factor some terms of a sum share (not all:
    the factoring takes that) is pulled out of them, and their sum factored, where that reads
    shorter: (xᵀ x) Aᵀ x + (xᵀ x) A x - 2 (xᵀ A x) x = (xᵀ x) (A + Aᵀ) x - 2 (xᵀ A x) x."""

    def post(out: Expr) -> Expr:
        if not (isinstance(out, N.Add) and len(out.terms) >= 3):
            return out
        best, cost = out, reading_cost(out)
        for key, (s, members) in _scalar_holders(out.terms).items():
            if not 2 <= len(members) < len(out.terms):
                continue
            inner = factor_for_reading(
                B.add(*[_without_scalar(out.terms[i], key) for i in members])
            )
            rest = [t for i, t in enumerate(out.terms) if i not in members]
            candidate = B.add(B.mul(s, inner), *rest)
            if reading_cost(candidate) < cost:
                best, cost = candidate, reading_cost(candidate)
        return best

    return transform(e, post=post)
