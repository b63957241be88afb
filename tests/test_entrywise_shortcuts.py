"""The entrywise simplifier skips SymPy's cancel for a plain product (x exp(x y) cos(x)) and
tries only factor_terms for a sum of such products: on random expressions of that kind, the
answer is the one the full search over SymPy's rewritings gives."""

from __future__ import annotations

import random

import pytest
import sympy

from matdiff_magic.tree import entrywise as E
from matdiff_magic.tree.sympy_functions import SCALAR_FUNCTIONS

U = sympy.symbols("u0:4", real=True)


def _product(rng: random.Random, depth: int) -> sympy.Expr:
    factors = []
    if rng.random() < 0.5:
        factors.append(sympy.Integer(rng.choice([2, 3, -1, -2, 4, 6])))
    for _ in range(rng.randint(1, 3)):
        if rng.random() < 0.6 or depth == 0:
            base = rng.choice(U)
        else:
            base = rng.choice(list(SCALAR_FUNCTIONS.values()))(_product(rng, depth - 1))
        if rng.random() < 0.3:
            base = base ** rng.randint(2, 3)
        factors.append(base)
    return sympy.Mul(*factors)


def _full_search(x: sympy.Expr, monkeypatch: pytest.MonkeyPatch) -> sympy.Expr:
    with monkeypatch.context() as m:
        m.setattr(E, "_monomial", lambda x: False)
        m.setattr(E, "_sum_of_monomials", lambda x: False)
        return E._simpler(x)


@pytest.mark.parametrize("seed", range(3))
def test_shortcuts_give_what_the_full_search_gives(seed, monkeypatch):
    rng = random.Random(seed)
    products = sums = 0
    for _ in range(60):
        x = _product(rng, 2)
        if rng.random() < 0.5:
            x = x + _product(rng, 2)
        if not (E._monomial(x) or E._sum_of_monomials(x)):
            continue
        products += E._monomial(x)
        sums += E._sum_of_monomials(x)
        got, want = E._simpler(x), _full_search(x, monkeypatch)
        assert got == want, x
        assert (got is x) == (want is x), x
    assert products and sums  # both shortcuts were exercised


def test_what_the_shortcuts_leave_to_sympy():
    x, y = U[:2]
    assert E._monomial(x * sympy.exp(x * y) * sympy.cos(sympy.exp(x)))
    # cancel moves exp(-x y) to a denominator, and writes log(x exp(y)) as log(x) + y
    assert not E._monomial(x * sympy.exp(-x * y))
    assert not E._monomial(sympy.log(x * sympy.exp(y)))
    assert sympy.cancel(sympy.log(2 * x * sympy.exp(y))) != sympy.log(2 * x * sympy.exp(y))
    # a sum: factor_terms may still shorten it (u0 (u1 + u2 + u3)); log(2 u) is cancelled apart
    assert E._sum_of_monomials(x * y + 2 * x * sympy.cos(y))
    assert not E._sum_of_monomials(x + sympy.log(2 * y))
    assert not E._sum_of_monomials(x + 1 / y)
