"""md.check_derivation: hand derivations from the seed articles (written as on paper), each
true, then with one line broken; every expectation below is written by hand."""

from __future__ import annotations

import pytest
from helpers import magic_cell

import matdiff_magic as md
from matdiff_magic.errors import MatDiffError

XAX = """x: vector(n)
A: matrix(n, n)
dy = d(x' A x)
   = dx' A x + x' A dx
   = x' A' dx + x' A dx
   = x' (A' + A) dx
∂y/∂x = (A' + A) x"""

# seed 000, example 1: f = aᵀ X b
AXB = """a: vector(m)
b: vector(n)
X: matrix(m, n)
df = d(a' X b)
   = a' dX b
   = tr(a' dX b)
   = tr(b a' dX)
∂f/∂X = a b'"""

# seed 000, example 2: f = aᵀ exp(X b)
EXP = """a: vector(m)
b: vector(n)
X: matrix(m, n)
df = d(a' exp(X b))
   = a' (exp(X b) .* (dX b))
   = tr((a .* exp(X b))' dX b)
   = tr(b (a .* exp(X b))' dX)
∂f/∂X = (a .* exp(X b)) b'"""

# tr(Wᵀ M W) (seed 000's example 3, without the σ)
TRWMW = """W: matrix(n, p)
M: matrix(n, n)
df = d(tr(W' M W))
   = tr(dW' M W) + tr(W' M dW)
   = tr(W' M' dW) + tr(W' M dW)
   = tr(W' (M' + M) dW)
∂f/∂W = (M + M') W"""

# seed 000: d|X| = |X| tr(X⁻¹ dX), so d log|X| = tr(X⁻¹ dX)
LOGDET = """X: matrix(n, n)
dy = d(log(det(X)))
   = tr(X^-1 dX)
∂y/∂X = X^-T"""

# seed 001 §3.3.2: least squares, l = (Xθ - y)ᵀ(Xθ - y), ∂l/∂θ = 2 Xᵀ (Xθ - y)
LSQ = """X: matrix(m, n)
y: vector(m)
t: vector(n)
dl = d((X t - y)' (X t - y))
   = (X dt)' (X t - y) + (X t - y)' X dt
   = 2 (X t - y)' X dt
∂l/∂t = 2 X' (X t - y)"""

# logistic regression: l = log(1 + exp(-y xᵀ w)), σ the logistic function
LOGISTIC = """x: vector(n)
w: vector(n)
y: scalar
dl = d(log(1 + exp(-y x' w)))
   = exp(-y x' w) / (1 + exp(-y x' w)) (-y x' dw)
   = -y σ(-y x' w) x' dw
∂l/∂w = -y σ(-y x' w) x"""

# seed 000: dX⁻¹ = -X⁻¹ dX X⁻¹, for f = aᵀ X⁻¹ b
INV = """a: vector(n)
b: vector(n)
X: matrix(n, n)
df = d(a' X^-1 b)
   = -a' X^-1 dX X^-1 b
   = tr(-X^-1 b a' X^-1 dX)
∂f/∂X = -X^-T a b' X^-T"""

TRUE = [(XAX, "x"), (AXB, "X"), (EXP, "X"), (TRWMW, "W"), (LOGDET, "X"), (LSQ, "t"),
        (LOGISTIC, "w"), (INV, "X")]  # fmt: skip


@pytest.mark.parametrize(("text", "wrt"), TRUE)
def test_seed_derivations_hold(text: str, wrt: str) -> None:
    check = md.check_derivation(text, wrt)
    assert check.ok, check.message()
    assert check.first_error is None
    derivation = [n for n, line in enumerate(text.split("\n"), 1) if "=" in line]
    assert [c.number for c in check.lines] == derivation
    assert all(c.ok and c.error < 1e-6 for c in check.lines)


BROKEN = [
    # a dropped transpose
    (XAX, "x", "   = x' A' dx + x' A dx", "   = x' A dx + x' A dx", 5),
    (TRWMW, "W", "   = tr(W' M' dW) + tr(W' M dW)", "   = tr(W' M dW) + tr(W' M dW)", 5),
    (LOGDET, "X", "   = tr(X^-1 dX)", "   = tr(X^-T dX)", 3),
    # a wrong sign
    (LOGISTIC, "w", "   = -y σ(-y x' w) x' dw", "   = y σ(-y x' w) x' dw", 6),
    (LSQ, "t", "   = 2 (X t - y)' X dt", "   = 2 (X t + y)' X dt", 6),
    # swapped factors
    (INV, "X", "   = -a' X^-1 dX X^-1 b", "   = -a' dX X^-1 X^-1 b", 5),
    (INV, "X", "   = tr(-X^-1 b a' X^-1 dX)", "   = tr(-X^-1 a b' X^-1 dX)", 6),
    # the first line's differential itself
    (XAX, "x", "   = dx' A x + x' A dx", "   = 2 x' A dx", 4),
    # a dropped factor 2 in the middle of least squares
    (LSQ, "t", "   = 2 (X t - y)' X dt", "   = (X t - y)' X dt", 6),
]


@pytest.mark.parametrize(("text", "wrt", "old", "new", "line"), BROKEN)
def test_a_broken_line_is_the_first_error(
    text: str, wrt: str, old: str, new: str, line: int
) -> None:
    assert old in text
    check = md.check_derivation(text.replace(old, new), wrt)
    assert not check.ok
    assert check.first_error == line
    bad = next(c for c in check.lines if c.number == line)
    assert not bad.ok and bad.error > 1e-3
    assert "matdiff" in bad.reason
    assert (
        "matdiff"
        in md.check_derivation(text.replace(old, new), wrt, lang="zh")
        .lines[[c.number for c in check.lines].index(line)]
        .reason
    )


def test_a_wrong_final_line() -> None:
    check = md.check_derivation(XAX.replace("∂y/∂x = (A' + A) x", "∂y/∂x = 2 A x"), "x")
    assert check.first_error == 7
    assert [c.ok for c in check.lines] == [True, True, True, True, False]
    assert "(A + Aᵀ) x" in check.lines[-1].reason


def test_the_other_layout_is_named() -> None:
    check = md.check_derivation(XAX.replace("∂y/∂x = (A' + A) x", "dy/dx = x' (A' + A)"), "x")
    assert check.first_error == 7
    assert "other layout" in check.lines[-1].reason
    zh = md.check_derivation(XAX.replace("(A' + A) x", "x' (A' + A)"), "x", lang="zh")
    assert "布局" in zh.lines[-1].reason


def test_definition_method_first_line() -> None:
    text = "x: vector(n)\nA: matrix(n, n)\ny = x' A x\n  = x' (A x)\n  = (A' x)' x\n"
    text += "∂y/∂x = A x + A' x"
    assert md.check_derivation(text, "x").ok
    assert md.check_derivation(text.replace("(A' x)' x", "(A x)' x"), "x").ok  # a scalar
    wrong = text.replace("(A' x)' x", "x' A' A x")
    assert md.check_derivation(wrong, "x").first_error == 5


def test_variables_argument_and_d_tr() -> None:
    text = "df = d tr(W' M W)\n   = tr(dW' M W + W' M dW)\n∂f/∂W = M W + M' W"
    check = md.check_derivation(text, "W", variables={"W": "matrix(n, p)", "M": "matrix(n, n)"})
    assert check.ok, check.message()


def test_subtle_errors_are_never_true() -> None:
    # A is not symmetric: Aᵀ + A is not 2A
    check = md.check_derivation(XAX.replace("   = x' (A' + A) dx", "   = 2 x' A dx"), "x")
    assert check.first_error == 6
    # dxᵀ Aᵀ x is xᵀ A dx, not xᵀ Aᵀ dx: the sum is then 2 xᵀ A dx
    text = XAX.replace("   = x' A' dx + x' A dx", "   = dx' A' x + x' A dx")
    assert md.check_derivation(text, "x").first_error == 5
    # but a true rewriting (the transpose of a scalar) is not reported false
    text = XAX.replace("   = x' A' dx + x' A dx", "   = (dx' A x)' + x' A dx")
    assert md.check_derivation(text, "x").ok
    # a transpose that matters only off the diagonal: dXᵀ for dX in log det
    text = LOGDET.replace("tr(X^-1 dX)", "tr(X^-1 dX')")
    assert md.check_derivation(text, "X").first_error == 3


def test_a_line_that_does_not_parse_points_at_its_line() -> None:
    text = XAX.replace("   = x' (A' + A) dx", "   = x' (A' + A dx")
    with pytest.raises(MatDiffError) as info:
        md.check_derivation(text, "x")
    assert info.value.line == 6
    assert "line 6" in str(info.value)


def test_unknown_names_and_wrong_shapes_point_at_their_line() -> None:
    with pytest.raises(MatDiffError) as info:
        md.check_derivation(XAX.replace("dx' A x + x' A dx", "dx' B x + x' A dx"), "x")
    assert info.value.line == 4 and "B" in str(info.value)
    with pytest.raises(MatDiffError) as info:
        md.check_derivation(XAX.replace("x' A' dx + x' A dx", "x A' dx + x' A dx"), "x")
    assert info.value.line == 5
    # factors swapped into a product that does not exist
    swapped = EXP.replace("tr(b (a .* exp(X b))' dX)", "tr((a .* exp(X b))' b dX)")
    with pytest.raises(MatDiffError) as info:
        md.check_derivation(swapped, "X")
    assert info.value.line == 7 and "m ≠ n" in str(info.value)


def test_a_line_of_the_wrong_form() -> None:
    with pytest.raises(MatDiffError) as info:
        md.check_derivation(XAX.replace("   = x' A' dx", "   + x' A' dx"), "x")
    assert info.value.line == 5


def test_the_magic_checks_the_steps_of_a_cell() -> None:
    from IPython.core.displaypub import CapturingDisplayPublisher
    from IPython.testing import globalipapp

    ip = globalipapp.get_ipython()
    ip.run_line_magic("load_ext", "matdiff_magic")
    publisher = CapturingDisplayPublisher()
    saved, ip.display_pub = ip.display_pub, publisher
    try:
        broken = XAX.replace("   = x' A' dx + x' A dx", "   = x' A dx + x' A dx")
        magic_cell(ip, "--check-steps --wrt x --lang en", broken)
        magic_cell(ip, "--check-steps --lang en", XAX)
    finally:
        ip.display_pub = saved
        ip.run_line_magic("unload_ext", "matdiff_magic")
    first, second = (o["data"]["text/plain"] for o in publisher.outputs)
    assert "line 4 ✓" in first and "line 5 ✗" in first and "line 7 ✓" in first
    assert "--wrt" in second
