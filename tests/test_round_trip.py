"""Every result matdiff prints reads back as a correct answer (issue: check my answer).

Over the rewrite corpus and the book forms, in every method and layout, the printed text of
the derivative, given back to ``check_answer``, must be "correct": the verdict compares the
parsed answer with the derivative numerically at random points, so a print that reads back as
something else (a size lost, a reshape unreadable, an operator misread) fails here.
"""

from __future__ import annotations

import pytest
from test_rewrites import CORPUS, METHODS
from textbook_forms import ROWS as BOOK_ROWS

import matdiff_magic as md
from matdiff_magic.answers import check_against
from matdiff_magic.operations.matrix_function_nodes import Frechet

LAYOUTS = ("numerator", "denominator", "mixed")
# Results through a matrix function: L_exp(X, E), L_log, L_sqrt and L_pow(X, E, p) read back.
MATRIX_FUNCTIONS = [
    ("A: matrix(n, n)\nX: matrix(n, n)\ntr(A expm(X))", "X"),
    ("A: matrix(n, n)\nX: matrix(n, n)\ntr(A expm(X'))", "X"),
    ("A: matrix(n, n)\nS: spd(n)\ntr(A logm(S))", "S"),
    ("A: matrix(n, n)\nS: spd(n)\ntr(A sqrtm(S))", "S"),
    ("A: matrix(n, n)\nS: spd(n)\ntr(A S^(1/3))", "S"),
    ("A: matrix(n, n)\nS: spd(n)\ntr(A S^(-2/3))", "S"),
    ("x: vector(n)\ny: vector(n)\nX: matrix(n, n)\nx' expm(X) y", "X"),
    ("A: matrix(n, n)\nB: matrix(n, n)\nX: matrix(n, n)\ntr(B L_exp(X, A))", "A"),
]
# Results whose printed text once had no spelling in the language (each skipped here by node
# type until it had one): the nuclear norm's U_X V_Xᵀ, now polar(X); the Daleckii–Krein
# eigenbasis Q_X and divided differences F_f(X), now eigvecs(X) and F_exp(X), F_log(X),
# F_sqrt(X), F_pow(X, p); the vectorization method's K_f integrals, now K_exp(X), K_log(X),
# K_pow(X, p); and the definition method's four-index δ tensor [δ_ij δ_ik δ_il]_ijkl, now
# diag(vec(I_n)).
SPELLED = [
    ("X: matrix(m, n)\nnorm_nuc(X)", "X"),
    ("A: matrix(m, n)\nX: matrix(m, n)\nnorm_nuc(X) + tr(A' X)", "X"),
    ("A: matrix(n, n)\nS: spd(n)\ntr(A logm(S)) + norm_nuc(S)", "S"),
    ("A: matrix(n, n)\nS: symmetric(n)\ntr(A expm(S))", "S"),
    ("A: matrix(n, n)\nS: spd(n)\ntr(A sqrtm(S))", "S"),
    ("x: vector(n)\nS: spd(n)\nx' S^(-2/3) x", "S"),
    ("X: matrix(n, n)\nexpm(X)", "X"),
    ("X: matrix(n, n)\nlogm(X)", "X"),
    ("X: matrix(n, n)\nsqrtm(X)", "X"),
    ("X: matrix(n, n)\nX^(1/3)", "X"),
    ("A: matrix(n, n)\nX: matrix(n, n)\nA expm(X)", "X"),
    ("S: spd(n)\nlogm(S)", "S"),
    ("X: matrix(n, n)\ndiag(diag(X))", "X"),
    ("A: matrix(n, n)\nX: matrix(n, n)\ndiag(diag(A X))", "X"),
    # the δ formula of a column-by-column function, now Khatri–Rao products (I ∗ P)(I ∗ Q)ᵀ
    ("X: matrix(m, n)\nsoftmax(X)", "X"),
    ("X: matrix(m, n)\nsoftmax(X')", "X"),
]
PROBLEMS = list(
    dict.fromkeys(
        [
            *CORPUS,
            *((r.problem, r.wrt) for r in BOOK_ROWS if r.order == 1),
            *MATRIX_FUNCTIONS,
            *SPELLED,
        ]
    )
)


@pytest.mark.parametrize("expr, wrt", PROBLEMS)
def test_every_printed_result_reads_back_as_correct(expr: str, wrt: str) -> None:
    failures = []
    for method in METHODS:
        for layout in LAYOUTS:
            try:
                r = md.derive(expr, wrt, method=method, layout=layout)
            except md.UnsupportedError:
                continue
            check = check_against(r, r.text)
            if check.verdict != "correct":
                failures.append((method, layout, r.text, check.verdict, check.message()))
    assert not failures, failures


# The reshapes and sized constants that once did not read back (each printed by some method).
@pytest.mark.parametrize(
    "expr, wrt, answer",
    [
        ("x: vector(n)\n𝟏_nᵀ x", "x", "𝟏_n"),
        ("X: matrix(n, n)\nvec(X)' 𝟏_(n²×1)", "X", "𝟏_(n×n)"),
        ("X: matrix(n, n)\nvec(X)' 𝟏_(n²×1)", "X", "unvec_n×n(𝟏_(n²×1))"),
        ("X: matrix(m, n)\nsum(X)", "X", "unvec_(m x n)(𝟏_(mn×1))"),
        ("X: matrix(m, n)\nsum(X)", "X", "unvec(ones(m n), m, n)"),
        # a size written as a number (as tr(I_n) = n prints): m, not a vector named m
        ("x: vector(n); z: vector(m)\nsin(x) sum(z + 1)", "x", "(𝟏ᵀ z + m) diag(cos(x))"),
        ("B: matrix(n, n)\ntr(tanh(B) + I)^2", "B", None),
        # printed unvec_n×n((vec(X) ⊗ I_(n²) + ...)ᵀ ... vec(I_(n²))): its own text
        ("X: matrix(n, n)\nvec(I_(n²))' vec(X ⊗ X)", "X", None),
        # a product of sizes as a number: /(m n), not /mn (a name); p², not SymPy's p**2
        ("X: matrix(m, n)\ntanh(mean(X))", "X", None),
        ("u: vector(n); W: matrix(m, q)\ne = softplus(W) - W\ntanh(mean(e)) lse(u)'", "W", None),
        ("θ: vector(p)\nsigmoid(mean(diag(θ)))", "θ", None),
    ],
)
def test_printed_sizes_and_reshapes_read_back(expr: str, wrt: str, answer: str | None) -> None:
    r = md.derive(expr, wrt)
    assert check_against(r, answer or r.text).verdict == "correct", (r.text, answer)


def test_a_product_of_sizes_prints_as_numbers_that_read_back() -> None:
    r = md.derive("X: matrix(m, n)\nmean(X)", "X")
    assert r.text == "𝟏_(m×n)/(m n)"
    r = md.derive("θ: vector(p)\nsigmoid(mean(diag(θ)))", "θ", method="differential")
    assert "p²" in r.text and "**" not in r.text, r.text


def test_a_reshape_of_the_wrong_length_is_refused_with_its_length() -> None:
    with pytest.raises(md.ShapeError, match="length n²"):
        md.derive("X: matrix(m, n)\nsum(unvec(vec(X), n, n))", "X")


def test_matrix_function_results_are_spelled_in_the_language() -> None:
    # the skip above must not hide the Fréchet results: they are checked, not skipped
    seen = 0
    for expr, wrt in MATRIX_FUNCTIONS:
        for method in ("differential", "chain"):
            r = md.derive(expr, wrt, method=method)
            if any(isinstance(n, Frechet) for n in r.expr.walk()):
                seen += 1
                assert check_against(r, r.text).verdict == "correct", r.text
    assert seen >= 8


@pytest.mark.parametrize(
    "answer, verdict",
    [("L_exp(X', A)", "correct"), ("L_exp(X, A')'", "correct"), ("L_exp(X, A)", "wrong")],
)
def test_a_typed_frechet_answer_is_checked(answer: str, verdict: str) -> None:
    # ∂ tr(Aᵀ e^X)/∂X = L_exp(Xᵀ, A) (the adjoint of L_exp(X, ·) is L_exp(Xᵀ, ·))
    r = md.derive("A: matrix(n, n)\nX: matrix(n, n)\ntr(A' expm(X))", "X")
    assert check_against(r, answer).verdict == verdict
