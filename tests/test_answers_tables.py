"""check_answer over the reference tables: the Cookbook and Wikipedia rows and the book forms
(seed examples included), each with its right answer, its transpose and three wrong variants.

The expected verdicts come from outside check_answer: the right answer is the result matdiff
printed (its round trip), the transpose is "correct" exactly when the derivative is symmetric
(decided here by evaluating it with NumPy), and the three variants (twice, minus, and the answer
plus its entrywise square) differ from every nonzero derivative. A zero derivative (a constant
function) is checked as "0", matdiff's own print of it.
"""

from __future__ import annotations

import numpy as np
import pytest
import test_cookbook
import test_wikipedia
from helpers import random_values
from textbook_forms import ROWS as BOOK_ROWS

import matdiff_magic as md


def _rows() -> list:
    rows = {}
    tables = [v for k, v in vars(test_cookbook).items() if k.isupper() and isinstance(v, list)]
    for table in tables:
        for p in table:
            expr, wrt, *_rest = p.values
            if p.values[-1] == 1:  # first derivatives: check_answer's subject
                rows[(expr, wrt)] = p.id
    for p in test_wikipedia.ROWS:
        _table, expr, wrt, *_rest, order, _sizes = p.values
        if order == 1:
            rows[(expr, wrt)] = p.id
    for r in BOOK_ROWS:
        if r.order == 1:
            rows[(r.problem, r.wrt)] = r.source
    return [pytest.param(expr, wrt, id=name) for (expr, wrt), name in rows.items()]


ROWS = _rows()


def _symmetric(r: md.Result) -> bool:
    values = random_values(
        {**r.problem.variables, r.wrt.name: r.wrt}, np.random.default_rng(7), None, r.function
    )
    g = np.atleast_2d(np.asarray(r.evaluate(values), dtype=float))
    return g.shape[0] == g.shape[1] and np.allclose(g, g.T, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("expr, wrt", ROWS)
def test_the_right_answer_its_transpose_and_three_slips(expr, wrt):
    try:
        r = md.derive(expr, wrt)
    except md.UnsupportedError:
        pytest.skip("matdiff does not derive this row")
    text = r.text
    assert md.check_answer(expr, wrt, text).verdict == "correct", text
    if text == "0":
        return  # a zero derivative: its transpose and multiples are zero too, so correct
    flipped = md.check_answer(expr, wrt, f"({text})ᵀ").verdict
    if r.shape == (1, 1) or (r.shape[0] == r.shape[1] and _symmetric(r)):
        assert flipped == "correct", text
    else:
        assert flipped == "correct-other-layout", text
    for wrong in (f"2 ({text})", f"-({text})", f"({text}) + ({text}) ⊙ ({text})"):
        assert md.check_answer(expr, wrt, wrong).verdict == "wrong", wrong


def test_the_tables_are_all_here():
    assert len(ROWS) >= 150
