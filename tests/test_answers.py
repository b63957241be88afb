"""md.check_answer: a student's answer against the verified derivative, with the verdict, the
difference and the slip that explains a wrong answer. Expected verdicts come from the
definitions of the slips (a sign, a factor, a symmetric assumption, a transpose, the order of
factors, the other layout), not from matdiff's output."""

from __future__ import annotations

import pytest
from helpers import magic_cell

import matdiff_magic as md

QUADRATIC = "x: vector(n); A: matrix(n, n)\nx' A x"
LEAST_SQUARES = "X: matrix(m, n); θ: vector(n); y: vector(m)\n(X θ - y)' (X θ - y)"


@pytest.mark.parametrize(
    ("expr", "wrt", "answer", "layout"),
    [
        (QUADRATIC, "x", "(A + A') x", "mixed"),
        (QUADRATIC, "x", "A x + A^T x", "denominator"),
        (QUADRATIC, "x", "x' (A + A')", "numerator"),
        (QUADRATIC, "x", "(Aᵀ + A) x", "mixed"),
        (QUADRATIC, "A", "x x'", "mixed"),
        (LEAST_SQUARES, "θ", "2 X' (X θ - y)", "mixed"),
        (LEAST_SQUARES, "θ", "2 X'X θ - 2 X' y", "mixed"),
        ("X: matrix(n, n)\nlogdet(X)", "X", "inv(X)'", "mixed"),
        ("X: matrix(n, n)\nlogdet(X)", "X", "X⁻ᵀ", "mixed"),
        ("A: matrix(m, n); X: matrix(n, p); B: matrix(p, q)\nA X B", "X", "kron(B', A)", "mixed"),
        ("x: vector(n)\nsum(relu(x))", "x", "step(x)", "mixed"),
    ],
)
def test_correct_answers(expr, wrt, answer, layout):
    check = md.check_answer(expr, wrt, answer, layout=layout)
    assert check.verdict == "correct", check.message()
    assert check.ok and check.max_error < 1e-7
    assert "Correct" in check.message() and "正确" in check.message("zh")


def test_the_other_layout_is_named():
    check = md.check_answer(QUADRATIC, "x", "x' (A + A')", layout="mixed")
    assert check.verdict == "correct-other-layout"
    assert "numerator layout" in check.message() and "分子布局" in check.message("zh")
    check = md.check_answer(QUADRATIC, "x", "(A + A') x", layout="numerator")
    assert check.verdict == "correct-other-layout"
    assert "denominator layout" in check.message()


@pytest.mark.parametrize(
    ("expr", "wrt", "answer", "hint"),
    [
        (QUADRATIC, "x", "2 A x", "symmetric"),
        (QUADRATIC, "x", "-(A + A') x", "sign"),
        (QUADRATIC, "x", "2 (A + A') x", "2 times"),
        (LEAST_SQUARES, "θ", "X' (X θ - y)", "1/2 times"),
        ("A: matrix(n, n); B: matrix(n, n); x: vector(n)\nx' B A x", "x", "(B' A + A' B) x",
         "transpose"),
        ("A: matrix(n, n); B: matrix(n, n); X: matrix(n, n)\ntr(A X B)", "X", "B' A'", "order"),
    ],
)  # fmt: skip
def test_wrong_answers_name_the_slip(expr, wrt, answer, hint):
    check = md.check_answer(expr, wrt, answer)
    assert check.verdict == "wrong", check.message()
    assert check.max_error > 1e-3
    assert check.difference is not None
    assert hint in check.message(), check.message()
    assert check.message("zh") != check.message()


def test_wrong_answer_difference_is_the_symbolic_gap():
    check = md.check_answer(QUADRATIC, "x", "A x")
    assert check.verdict == "wrong"
    # the difference is answer - derivative = A x - (A + Aᵀ) x = -Aᵀ x
    gap = md.check_answer(QUADRATIC, "x", "-(A' x)")  # the difference written as an answer
    assert gap.verdict == "wrong"
    assert md.derive(
        "x: vector(n); A: matrix(n, n)\n" + "x' A x", "x"
    ).text in check.message()


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        ("(A + A') y", "y"),
        ("A", "n×n"),
        ("(A + A') x +", "expected"),
        ("", "empty"),
    ],
)
def test_invalid_answers_say_why(answer, says):
    check = md.check_answer(QUADRATIC, "x", answer)
    assert check.verdict == "invalid"
    assert says in check.message(), check.message()
    assert check.message("zh")


def test_invalid_shape_says_what_was_expected():
    check = md.check_answer(QUADRATIC, "x", "x x'")
    assert check.verdict == "invalid"
    assert "n×1" in check.message() and "mixed layout" in check.message()


def test_answers_may_use_the_problems_definitions():
    expr = "x: vector(n); A: matrix(n, n)\nr = A x\nr' r"
    assert md.check_answer(expr, "x", "2 A' r").ok
    assert md.check_answer(expr, "x", "2 A' A x").ok


@pytest.mark.parametrize(
    ("expr", "wrt"),
    [
        (QUADRATIC, "x"),
        (LEAST_SQUARES, "θ"),
        ("X: matrix(n, n)\nlogdet(X) + tr(inv(X))", "X"),
        ("w: vector(n); X: matrix(m, n); y: vector(m)\nsum(log(1 + exp(-y .* (X w))))", "w"),
        ("W: matrix(k, n); x: vector(n); y: vector(k)\n-y' log(softmax(W x))", "W"),
        ("x: vector(n)\nsum(abs(x)) + norm(x)^2", "x"),
        ("X: matrix(n, n)\ndet(X)", "X"),
        ("x: vector(n)\ntanh(x) .* sigmoid(x)", "x"),
        ("X: matrix(m, n)\nX'", "X"),  # K_(m,n)
        ("A: matrix(p, m); X: matrix(m, n)\nA X", "X"),  # I_n ⊗ A
        ("x: vector(n)\nx", "x"),  # a bare I
        ("X: matrix(m, n)\nsum(X)^2", "X"),  # 𝟏_(m×n)
        ("A: matrix(p, n); X: matrix(n, n)\nA X X", "X"),
        # 𝟏 and I as operands of ⊗ and vec, sized so that they read back: (𝟏_n ⊗ I_n), vec(I_n)
        ("x: vector(n); A: matrix(n, n)\ndiag(x) A diag(x)", "x"),
        ("x: vector(n)\nlogsumexp(sin(diag(x)) x) * 0.5", "x"),
        # names the printer rewrites: subscripts (W₂ from W2 or W_2) and Greek (α, Θ)
        ("W2: matrix(n, n); x: vector(n)\nx' W2 x", "x"),
        ("W_2: matrix(k, n); W_12: matrix(n, n); x: vector(n)\nsum(W_2 W_12 x)", "W_12"),
        ("alpha: scalar; x: vector(n)\nalpha * x' x", "x"),
        ("Theta: matrix(m, n); a: vector(m); b: vector(n)\na' Theta b", "Theta"),
        ("theta1: vector(n); Sigma: symmetric(n)\ntheta1' Sigma theta1", "theta1"),
    ],
)
@pytest.mark.parametrize("layout", ["numerator", "denominator", "mixed"])
def test_every_printed_result_checks_as_correct(expr, wrt, layout):
    """Round trip: what matdiff prints, copied back as an answer, is correct."""
    r = md.derive(expr, wrt, layout=layout)
    check = md.check_answer(expr, wrt, r.text, layout=layout)
    assert check.verdict == "correct", (r.text, check.message())


@pytest.mark.parametrize(
    ("expr", "wrt", "answer"),
    [
        ("W_2: matrix(n, n); x: vector(n)\nx' W_2 x", "x", "(W₂ + W₂ᵀ) x"),
        ("W_2: matrix(n, n); x: vector(n)\nx' W_2 x", "x", "(W2 + W2') x"),
        ("W2: matrix(n, n); x: vector(n)\nx' W2 x", "x", "(W₂ + W₂') x"),
        ("alpha: scalar; x: vector(n)\nalpha * x' x", "x", "2 α x"),
        ("Theta: matrix(n, n); x: vector(n)\nx' Theta x", "x", "(Θ + Θ') x"),
        ("θ: vector(n)\nθ' θ", "θ", "2 theta"),
    ],
)
def test_printed_names_read_back_as_the_declared_variable(expr, wrt, answer):
    """d(xᵀ W x)/dx = (W + Wᵀ) x, d(α xᵀ x)/dx = 2 α x: written with the names as printed."""
    check = md.check_answer(expr, wrt, answer)
    assert check.verdict == "correct", check.message()


def test_a_variable_named_as_printed_is_the_declared_one():
    # d(xᵀ W x)/dW = x xᵀ whichever spelling names W
    for wrt in ("W₂", "W2", "W_2"):
        assert md.derive("x' W_2 x", wrt).wrt.name == "W_2"
    assert md.derive("alpha * x' x", "α", {"alpha": "scalar"}).wrt.name == "alpha"


def test_printed_names_stay_apart():
    # W₂ and W₃ are two variables; the answer naming the wrong one is wrong, not confused
    expr = "W_2: matrix(n, n); W_3: matrix(n, n); x: vector(n)\nx' W_2 x"
    assert md.check_answer(expr, "x", "(W₂ + W₂ᵀ) x").ok
    assert md.check_answer(expr, "x", "(W₃ + W₃ᵀ) x").verdict == "wrong"
    # epsilon and varepsilon both print ε: ε names neither, so the answer is not read
    expr = "epsilon: scalar; varepsilon: scalar; x: vector(n)\nepsilon * x' x"
    check = md.check_answer(expr, "x", "2 ε x")
    assert check.verdict == "invalid" and "ε" in check.message()


# -- the magic's --answer -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def ip():
    from IPython.testing import globalipapp

    shell = globalipapp.get_ipython()
    shell.run_line_magic("load_ext", "matdiff_magic")
    yield shell
    shell.run_line_magic("unload_ext", "matdiff_magic")


@pytest.mark.parametrize(
    ("line", "first", "says"),
    [
        ('--wrt x --answer "2 A x"', "✗ your answer: not the derivative", "symmetric"),
        ("--wrt x --answer \"(A + A') x\"", "✓ your answer: correct", "Correct"),
        ("--wrt x --answer \"x' (A + A')\"", "↔ your answer: other layout", "numerator layout"),
        ('--wrt x --answer "(A + A\') x" --lang zh', "✓ 你的答案：正确", "正确"),
    ],
)
def test_magic_answer_shows_a_verdict_above_the_derivations(ip, monkeypatch, line, first, says):
    from IPython.core.displaypub import CapturingDisplayPublisher

    publisher = CapturingDisplayPublisher()
    monkeypatch.setattr(ip, "display_pub", publisher)
    magic_cell(ip, line, QUADRATIC)
    shown = publisher.outputs
    assert len(shown) >= 2  # the verdict, then the derivations
    plain = shown[0]["data"]["text/plain"]
    assert plain.startswith(first) and says in plain
    assert "matdiff-answer" in shown[0]["data"]["text/html"]
