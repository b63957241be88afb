"""Errors separate "this method does not apply here" (another may) from "matdiff cannot do this
yet" (none can); both stay UnsupportedError, so code catching that keeps working."""

from __future__ import annotations

import pytest

import matdiff_magic as md


def test_a_method_that_does_not_apply():
    with pytest.raises(md.NotApplicableError) as err:
        md.derive("x: vector(n)\nexp(x)", "x", method="differential")
    assert isinstance(err.value, md.UnsupportedError)
    assert md.derive("x: vector(n)\nexp(x)", "x", method="vectorization").verify().ok


def test_a_hessian_of_a_vector_function_does_not_apply():
    with pytest.raises(md.NotApplicableError):
        md.derive("x: vector(n)\nexp(x)", "x", order=2)
    with pytest.raises(md.NotApplicableError):
        md.compare("x: vector(n)\nexp(x)", "x", order=2)


def test_what_matdiff_cannot_do_yet():
    r = md.derive("X: matrix(m, n)\nX'", "X")  # K_(m,n): SymPy has no commutation matrix
    with pytest.raises(md.NotSupportedYetError):
        r.sympy()
    lines = ["x: vector(n)", "e0 = x"] + [f"e{i} = sin(e{i-1}) + e{i-1}" for i in range(1, 17)]
    with pytest.raises(md.NotSupportedYetError):  # 2^16 copies of x written out
        md.derive("\n".join([*lines, "sum(e16)"]), "x", method="differential")


def test_both_kinds_have_messages_in_both_languages():
    try:
        md.derive("x: vector(n)\nexp(x)", "x", method="differential")
    except md.NotApplicableError as err:
        assert err.message_in("en") and err.message_in("zh") != err.message_in("en")
