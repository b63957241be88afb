"""Printers' memos: a node prints the same whatever was printed before it, by the same printer
or, inside ``sharing_memos``, by any printer of its class (the magic prints a cell's formulas
once for the LaTeX, text and HTML of every method)."""

from __future__ import annotations

import sympy

import matdiff_magic as md
from matdiff_magic.layout import LAYOUTS
from matdiff_magic.printing.base import sharing_memos
from matdiff_magic.printing.latex import LatexPrinter, latex
from matdiff_magic.printing.text import AsciiPrinter, TextPrinter, text
from matdiff_magic.tree import nodes as N

n = sympy.Symbol("n")
A, B = N.Var("A", n, n), N.Var("B", n, n)
A_PLUS_I = N.Add((A, N.Identity(n)))
KRON = N.Kron(A_PLUS_I, B)


def test_an_operand_of_kron_is_sized_whichever_is_printed_first():
    # nothing around the I in an operand of ⊗ says its size: there it reads I_n, alone I
    first = TextPrinter()
    assert first.doprint(A_PLUS_I) == "A + I"
    assert first.doprint(KRON) == "(A + I_n) ⊗ B"
    second = TextPrinter()
    assert second.doprint(KRON) == "(A + I_n) ⊗ B"
    assert second.doprint(A_PLUS_I) == "A + I"


def test_shared_memos_keep_the_sized_and_plain_forms_apart():
    with sharing_memos():
        assert TextPrinter().doprint(KRON) == "(A + I_n) ⊗ B"
        assert TextPrinter().doprint(A_PLUS_I) == "A + I"
        assert TextPrinter().doprint(KRON) == "(A + I_n) ⊗ B"
        assert TextPrinter()._memo is TextPrinter()._memo
        assert LatexPrinter()._memo is not TextPrinter()._memo
        assert AsciiPrinter()._memo is not TextPrinter()._memo
    assert TextPrinter()._memo is not TextPrinter()._memo  # outside the block: one memo each


CELLS = [
    ("X: matrix(n, n)\nX ⊗ (X + I)", "X"),
    ("x: vector(n); A: matrix(n, n)\nx' A x", "x"),
    ("A: matrix(p, m); X: matrix(m, n); B: matrix(n, q)\nA X B", "X"),
    ("X: matrix(m, n); y: vector(m)\n1' log(1 + exp(-y .* (X w)))", "w"),
    # the definition method's index formulas (their factors' order shared by LaTeX and text)
    ("X: matrix(n, n)\ndet(X)", "X"),
    ("A: matrix(n, n); X: matrix(n, n)\ntr(A X X)", "X"),
]


def printed(results: list[md.Result]) -> list[str]:
    out = []
    for r in results:
        out += [r.steps.latex(), r.steps.text(), latex(r.expr), text(r.expr), latex(r.symbol)]
        out += [line.latex + line.text for line in r.steps]
    return out


def test_shared_memos_print_what_fresh_printers_print():
    results = [
        r.with_layout(layout)
        for expr, wrt in CELLS
        for r in md.compare(expr, wrt).results.values()
        for layout in LAYOUTS
    ]
    for ordered in (results, results[::-1]):  # whatever a line shares with the ones before
        alone = printed(ordered)
        with sharing_memos():
            assert printed(ordered) == alone
