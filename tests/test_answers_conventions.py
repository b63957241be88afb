"""check_answer under the symmetric conventions: the convention asked for decides what is
correct, and an answer equal to the gradient under another convention is told which. The
references are closed forms for f = tr(A S): G = Aᵀ (every entry free), sym(G) = (A + Aᵀ)/2,
G + Gᵀ - diag(G) = A + Aᵀ - diag(diag(A)) (the Cookbook's, by distinct entries)."""

from __future__ import annotations

import pytest

import matdiff_magic as md
from matdiff_magic.answers import check_answer
from matdiff_magic.errors import MatDiffError

EXPR = "S: symmetric(n); A: matrix(n, n)\ntr(A S)"
FORMS = {"sym": "(A + A')/2", "entries": "A + A' - diag(diag(A))", "free": "A'"}


@pytest.mark.parametrize("asked", sorted(FORMS))
@pytest.mark.parametrize("given", sorted(FORMS))
def test_each_convention_and_the_hint_naming_another(asked, given):
    check = check_answer(EXPR, "S", FORMS[given], layout="denominator", symmetric=asked)
    if given == asked:
        assert check.verdict == "correct", check.message()
        return
    assert check.verdict == "wrong"
    assert f'the "{given}" convention' in check.message()
    assert f'asks for the "{asked}" convention' in check.message()
    assert f"“{given}”约定" in check.message("zh")


def test_spd_and_a_matrix_function():
    # ∂ tr(logm(S)) = S⁻¹ under "sym" (symmetric already); "entries" doubles the off-diagonal
    expr = "S: spd(n)\ntr(logm(S))"
    assert check_answer(expr, "S", "inv(S)", symmetric="sym").verdict == "correct"
    check = check_answer(expr, "S", "inv(S)", symmetric="entries")
    assert check.verdict == "wrong" and '"sym" convention' in check.message()
    assert check_answer(expr, "S", "2 inv(S) - diag(diag(inv(S)))", symmetric="entries").ok


def test_no_convention_hint_for_a_plain_slip_or_a_free_variable():
    check = check_answer(EXPR, "S", "2 A", layout="denominator", symmetric="sym")
    assert check.verdict == "wrong" and "convention" not in check.message()
    check = check_answer("X: matrix(n, n); A: matrix(n, n)\ntr(A X)", "X", "A", symmetric="sym")
    assert "convention" not in check.message()


def test_an_unknown_convention_is_a_clear_error():
    with pytest.raises(MatDiffError):
        check_answer(EXPR, "S", "A", symmetric="upper")


# A derivation by hand of f = tr(A S), S symmetric: its last line under each convention.
SYM_DERIVATION = """S: symmetric(n)
A: matrix(n, n)
df = d(tr(A S))
   = tr(A dS)
∂f/∂S = {answer}"""


@pytest.mark.parametrize("asked", sorted(FORMS))
@pytest.mark.parametrize("given", sorted(FORMS))
def test_check_derivation_under_each_convention(asked, given):
    answer = FORMS[given] if given != "free" else "A'"
    check = md.check_derivation(SYM_DERIVATION.format(answer=answer), "S", symmetric=asked)
    last = check.lines[-1]
    if given == asked:
        assert last.ok, last.reason
        return
    assert not last.ok
    assert f'"{given}" convention' in last.reason and f'"{asked}" convention' in last.reason
    zh = md.check_derivation(SYM_DERIVATION.format(answer=answer), "S", symmetric=asked, lang="zh")
    assert f"“{given}”约定" in zh.lines[-1].reason


SYMMETRIC_STEPS = """S: symmetric(n)
M: matrix(n, n)
dy = d(tr((S - M)' (S - M)))
   = tr(dS' (S - M)) + tr((S - M)' dS)
   = 2 tr((S - M)' dS)
   = {last}
∂y/∂S = 2 S - M - M'"""


def test_middle_lines_of_a_symmetric_variable_move_it_along_symmetric_directions():
    # tr((S - M) dS) = tr((S - M)ᵀ dS) holds for every symmetric dS only: the check must move S
    # along symmetric directions (a general dS also takes S off the symmetric matrices)
    good = md.check_derivation(SYMMETRIC_STEPS.format(last="2 tr((S - M) dS)"), "S")
    assert good.ok, good.message()
    slip = md.check_derivation(SYMMETRIC_STEPS.format(last="2 tr((S + M) dS)"), "S")
    assert slip.first_error == 6


def test_middle_lines_of_a_diagonal_variable():
    # for a diagonal dD, tr(A dD) = tr(diag(diag(A)) dD): true only along diagonal directions
    text = """D: diagonal(n)
A: matrix(n, n)
dy = d(tr(A D))
   = tr(A dD)
   = tr(diag(diag(A)) dD)
∂y/∂D = diag(diag(A))"""
    verdict = md.check_derivation(text, "D")
    assert [line.ok for line in verdict.lines][:3] == [True, True, True], verdict.message()
