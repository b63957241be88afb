"""Identities of the Wikipedia article "Matrix calculus", section "Identities".

Tables covered: vector-by-vector (ids ``vbv-``), scalar-by-vector (``sbv-``), vector-by-scalar
(``vbs-``), scalar-by-matrix (``sbm-``), matrix-by-scalar (``mbs-``) and scalar-by-scalar
(``sbs-``). The article lists the numerator layout and the denominator layout side by side;
every row here gives both columns:

* ``test_wikipedia_value``: ``assert_derivative`` (finite differences in all three layouts and
  every step of the derivation), then ``assert_formula`` against the article's closed form in
  NumPy for the numerator column, the denominator column, and the mixed layout (denominator
  for scalar-by-vector and scalar-by-matrix, numerator otherwise);
* ``test_wikipedia_form``: the article's formula written in matdiff's language must be the same
  formula as matdiff's result (``same_form``: equal after expanding products and canonical
  reordering), for both columns.

Conventions of the article: a, b, c, ... are constants; u, v, U, V are functions of the
variable. Rows with unspecified functions u = u(x), g(u), ... are instantiated with concrete
ones (said in a comment on each row) and the article's right-hand side is written with the
same functions substituted: the Jacobian of an entrywise function, ∂g(u)/∂u, is diag(g'(u)).

The matrix-by-scalar table gives the numerator layout only; matdiff's denominator layout is its
transpose, and that is what the second column here checks.

Rows left out (the language cannot express them): derivatives with respect to a single entry
X_ij; with respect to the pseudo-inverse X⁺; the mixed second derivative ∂²U⁻¹/∂x∂y of a
function of two scalars; matrix functions given by power series other than polynomials
(e^X, sin(X), e^{xA}: matdiff's exp and sin act entrywise).
"""

from __future__ import annotations

import numpy as np
import pytest
from helpers import assert_derivative, assert_formula, same_form

import matdiff_magic as md

inv = np.linalg.inv
det = np.linalg.det
mpow = np.linalg.matrix_power
tr = np.trace

# mixed layout: denominator for scalar-by-vector and scalar-by-matrix, numerator otherwise
MIXED = {
    "vbv": "numerator",
    "sbv": "denominator",
    "vbs": "numerator",
    "sbm": "denominator",
    "mbs": "numerator",
    "sbs": "numerator",
}


class Text(str):
    """An expected form compared with ``r.text`` itself: a bare ``0`` or ``I`` parsed on its own
    gets a size of its own (1×1, a fresh n), so ``same_form`` cannot compare it."""


def row(table, name, expr, wrt, num, den, num_form, den_form, *, order=1, sizes=None):
    """One table row: matdiff input, the two columns in NumPy and in matdiff's language."""
    return pytest.param(
        table, expr, wrt, num, den, num_form, den_form, order, sizes, id=f"{table}-{name}"
    )


def softmax(v):
    e = np.exp(v - v.max())
    return e / e.sum()


# -- Vector-by-vector: ∂y/∂x, numerator layout by y and xᵀ, denominator by yᵀ and x -------------

VX = "x: vector(n)"

VECTOR_BY_VECTOR = [
    row(
        "vbv",
        "a",
        "a: vector(m); x: vector(n)\na",
        "x",
        lambda a, x: np.zeros((len(a), len(x))),
        lambda a, x: np.zeros((len(x), len(a))),
        Text("0"),
        Text("0"),
    ),
    row(
        "vbv",
        "x",
        f"{VX}\nx",
        "x",
        lambda x: np.eye(len(x)),
        lambda x: np.eye(len(x)),
        Text("I"),
        Text("I"),
    ),
    row("vbv", "Ax", f"A: matrix(m, n); {VX}\nA x", "x", lambda A: A, lambda A: A.T, "A", "A'"),
    row("vbv", "xTA", f"A: matrix(n, m); {VX}\nx' A", "x", lambda A: A.T, lambda A: A, "A'", "A"),
    # u = sin(B x), so ∂u/∂x = diag(cos(B x)) B (numerator), Bᵀ diag(cos(B x)) (denominator)
    row(
        "vbv",
        "au",
        f"a: scalar; B: matrix(m, n); {VX}\na sin(B x)",
        "x",
        lambda a, B, x: a * np.cos(B @ x) * B,
        lambda a, B, x: a * B.T * np.cos(B @ x).T,
        "a diag(cos(B x)) B",
        "a B' diag(cos(B x))",
    ),
    # v = xᵀ C x, so ∂v/∂x = xᵀ (C + Cᵀ) (numerator), (C + Cᵀ) x (denominator)
    row(
        "vbv",
        "va",
        f"a: vector(m); C: matrix(n, n); {VX}\n(x' C x) a",
        "x",
        lambda a, C, x: a @ x.T @ (C + C.T),
        lambda a, C, x: (C + C.T) @ x @ a.T,
        "a x' (C + C')",
        "(C + C') x a'",
    ),
    # v = xᵀ C x, u = sin(B x)
    row(
        "vbv",
        "vu",
        f"B: matrix(m, n); C: matrix(n, n); {VX}\n(x' C x) sin(B x)",
        "x",
        lambda B, C, x: (x.T @ C @ x) * np.cos(B @ x) * B + np.sin(B @ x) @ x.T @ (C + C.T),
        lambda B, C, x: (x.T @ C @ x) * B.T * np.cos(B @ x).T + (C + C.T) @ x @ np.sin(B @ x).T,
        "(x' C x) diag(cos(B x)) B + sin(B x) x' (C + C')",
        "(x' C x) B' diag(cos(B x)) + (C + C') x sin(B x)'",
    ),
    # u = sin(B x)
    row(
        "vbv",
        "Au",
        f"A: matrix(p, m); B: matrix(m, n); {VX}\nA sin(B x)",
        "x",
        lambda A, B, x: A @ (np.cos(B @ x) * B),
        lambda A, B, x: (B.T * np.cos(B @ x).T) @ A.T,
        "A diag(cos(B x)) B",
        "B' diag(cos(B x)) A'",
    ),
    # u = sin(B x), v = C x
    row(
        "vbv",
        "u+v",
        f"B: matrix(m, n); C: matrix(m, n); {VX}\nsin(B x) + C x",
        "x",
        lambda B, C, x: np.cos(B @ x) * B + C,
        lambda B, C, x: B.T * np.cos(B @ x).T + C.T,
        "diag(cos(B x)) B + C",
        "B' diag(cos(B x)) + C'",
    ),
    # g = exp (entrywise, ∂g/∂u = diag(exp(u))), u = B x
    row(
        "vbv",
        "g(u)",
        f"B: matrix(m, n); {VX}\nexp(B x)",
        "x",
        lambda B, x: np.exp(B @ x) * B,
        lambda B, x: B.T * np.exp(B @ x).T,
        "diag(exp(B x)) B",
        "B' diag(exp(B x))",
    ),
    # f = sin, g = exp (entrywise), u = B x
    row(
        "vbv",
        "f(g(u))",
        f"B: matrix(m, n); {VX}\nsin(exp(B x))",
        "x",
        lambda B, x: np.cos(np.exp(B @ x)) * np.exp(B @ x) * B,
        lambda B, x: B.T * (np.exp(B @ x) * np.cos(np.exp(B @ x))).T,
        "diag(cos(exp(B x))) diag(exp(B x)) B",
        "B' diag(exp(B x)) diag(cos(exp(B x)))",
    ),
]

# -- Scalar-by-vector: ∂y/∂x, numerator layout a row (by xᵀ), denominator a column (by x) ------
# Scalar functions: u = xᵀ C x (∂u/∂x = xᵀ (C + Cᵀ) or (C + Cᵀ) x), v = sin(bᵀ x).

UV = f"b: vector(n); C: matrix(n, n); {VX}"


def _dquad(C, x):  # ∂(xᵀ C x)/∂x, denominator layout
    return (C + C.T) @ x


SCALAR_BY_VECTOR = [
    row(
        "sbv",
        "a",
        f"a: scalar; {VX}\na",
        "x",
        lambda x: np.zeros((1, len(x))),
        lambda x: np.zeros((len(x), 1)),
        Text("0"),
        Text("0"),
    ),
    # u = xᵀ C x
    row(
        "sbv",
        "au",
        f"a: scalar; C: matrix(n, n); {VX}\na (x' C x)",
        "x",
        lambda a, C, x: a * _dquad(C, x).T,
        lambda a, C, x: a * _dquad(C, x),
        "a x' (C + C')",
        "a (C + C') x",
    ),
    # u = xᵀ C x, v = sin(bᵀ x)
    row(
        "sbv",
        "u+v",
        f"{UV}\nx' C x + sin(b' x)",
        "x",
        lambda b, C, x: _dquad(C, x).T + np.cos(b.T @ x) * b.T,
        lambda b, C, x: _dquad(C, x) + np.cos(b.T @ x) * b,
        "x' (C + C') + cos(b' x) b'",
        "(C + C') x + cos(b' x) b",
    ),
    row(
        "sbv",
        "uv",
        f"{UV}\n(x' C x) sin(b' x)",
        "x",
        lambda b, C, x: ((x.T @ C @ x) * np.cos(b.T @ x) * b + np.sin(b.T @ x) * _dquad(C, x)).T,
        lambda b, C, x: (x.T @ C @ x) * np.cos(b.T @ x) * b + np.sin(b.T @ x) * _dquad(C, x),
        "(x' C x) cos(b' x) b' + sin(b' x) x' (C + C')",
        "(x' C x) cos(b' x) b + sin(b' x) (C + C') x",
    ),
    # g = sin, u = xᵀ C x
    row(
        "sbv",
        "g(u)",
        f"C: matrix(n, n); {VX}\nsin(x' C x)",
        "x",
        lambda C, x: np.cos(x.T @ C @ x) * _dquad(C, x).T,
        lambda C, x: np.cos(x.T @ C @ x) * _dquad(C, x),
        "cos(x' C x) x' (C + C')",
        "cos(x' C x) (C + C') x",
    ),
    # f = exp, g = sin, u = xᵀ C x
    row(
        "sbv",
        "f(g(u))",
        f"C: matrix(n, n); {VX}\nexp(sin(x' C x))",
        "x",
        lambda C, x: np.exp(np.sin(x.T @ C @ x)) * np.cos(x.T @ C @ x) * _dquad(C, x).T,
        lambda C, x: np.exp(np.sin(x.T @ C @ x)) * np.cos(x.T @ C @ x) * _dquad(C, x),
        "exp(sin(x' C x)) cos(x' C x) x' (C + C')",
        "exp(sin(x' C x)) cos(x' C x) (C + C') x",
    ),
    # vector functions u = A x, v = sin(B x)
    row(
        "sbv",
        "uTv",
        f"A: matrix(m, n); B: matrix(m, n); {VX}\n(A x)' sin(B x)",
        "x",
        lambda A, B, x: (A @ x).T @ (np.cos(B @ x) * B) + np.sin(B @ x).T @ A,
        lambda A, B, x: A.T @ np.sin(B @ x) + (B.T * np.cos(B @ x).T) @ A @ x,
        "(A x)' diag(cos(B x)) B + sin(B x)' A",
        "A' sin(B x) + B' diag(cos(B x)) A x",
    ),
    # u = B x, v = sin(C x), A constant
    row(
        "sbv",
        "uTAv",
        f"A: matrix(m, p); B: matrix(m, n); C: matrix(p, n); {VX}\n(B x)' A sin(C x)",
        "x",
        lambda A, B, C, x: (B @ x).T @ A @ (np.cos(C @ x) * C) + np.sin(C @ x).T @ A.T @ B,
        lambda A, B, C, x: B.T @ A @ np.sin(C @ x) + (C.T * np.cos(C @ x).T) @ A.T @ B @ x,
        "(B x)' A diag(cos(C x)) C + sin(C x)' A' B",
        "B' A sin(C x) + C' diag(cos(C x)) A' B x",
    ),
    # the Hessian, for f = sin(aᵀ x): H = -sin(aᵀ x) a aᵀ (symmetric, so Hᵀ = H)
    row(
        "sbv",
        "hessian",
        f"a: vector(n); {VX}\nsin(a' x)",
        "x",
        lambda a, x: -np.sin(a.T @ x) * a @ a.T,
        lambda a, x: -np.sin(a.T @ x) * a @ a.T,
        "-sin(a' x) a a'",
        "-sin(a' x) a a'",
        order=2,
    ),
    row("sbv", "aTx", f"a: vector(n); {VX}\na' x", "x", lambda a: a.T, lambda a: a, "a'", "a"),
    row("sbv", "xTa", f"a: vector(n); {VX}\nx' a", "x", lambda a: a.T, lambda a: a, "a'", "a"),
    row(
        "sbv",
        "bTAx",
        f"A: matrix(m, n); b: vector(m); {VX}\nb' A x",
        "x",
        lambda A, b: b.T @ A,
        lambda A, b: A.T @ b,
        "b' A",
        "A' b",
    ),
    row(
        "sbv",
        "xTAx",
        f"A: matrix(n, n); {VX}\nx' A x",
        "x",
        lambda A, x: x.T @ (A + A.T),
        lambda A, x: (A + A.T) @ x,
        "x' (A + A')",
        "(A + A') x",
    ),
    row(
        "sbv",
        "xTAx-symmetric",
        f"A: symmetric(n); {VX}\nx' A x",
        "x",
        lambda A, x: 2 * x.T @ A,
        lambda A, x: 2 * A @ x,
        "2 x' A",
        "2 A x",
    ),
    row(
        "sbv",
        "hessian-xTAx",
        f"A: matrix(n, n); {VX}\nx' A x",
        "x",
        lambda A: A + A.T,
        lambda A: A + A.T,
        "A + A'",
        "A + A'",
        order=2,
    ),
    row(
        "sbv",
        "hessian-xTAx-symmetric",
        f"A: symmetric(n); {VX}\nx' A x",
        "x",
        lambda A: 2 * A,
        lambda A: 2 * A,
        "2 A",
        "2 A",
        order=2,
    ),
    row("sbv", "xTx", f"{VX}\nx' x", "x", lambda x: 2 * x.T, lambda x: 2 * x, "2 x'", "2 x"),
    row(
        "sbv",
        "norm-x-squared",
        f"{VX}\nnorm(x)^2",
        "x",
        lambda x: 2 * x.T,
        lambda x: 2 * x,
        "2 x'",
        "2 x",
    ),
    # u = sin(B x)
    row(
        "sbv",
        "aTu",
        f"a: vector(m); B: matrix(m, n); {VX}\na' sin(B x)",
        "x",
        lambda a, B, x: a.T @ (np.cos(B @ x) * B),
        lambda a, B, x: (B.T * np.cos(B @ x).T) @ a,
        "a' diag(cos(B x)) B",
        "B' diag(cos(B x)) a",
    ),
    row(
        "sbv",
        "aTxxTb",
        f"a: vector(n); b: vector(n); {VX}\na' x x' b",
        "x",
        lambda a, b, x: x.T @ (a @ b.T + b @ a.T),
        lambda a, b, x: (a @ b.T + b @ a.T) @ x,
        "x' (a b' + b a')",
        "(a b' + b a') x",
    ),
    row(
        "sbv",
        "AxbCDxe",
        f"A: matrix(m, n); b: vector(m); C: matrix(m, p); D: matrix(p, n); e: vector(p); {VX}\n"
        "(A x + b)' C (D x + e)",
        "x",
        lambda A, b, C, D, e, x: (D @ x + e).T @ C.T @ A + (A @ x + b).T @ C @ D,
        lambda A, b, C, D, e, x: D.T @ C.T @ (A @ x + b) + A.T @ C @ (D @ x + e),
        "(D x + e)' C' A + (A x + b)' C D",
        "D' C' (A x + b) + A' C (D x + e)",
    ),
    row(
        "sbv",
        "norm-x-a",
        f"a: vector(n); {VX}\nnorm(x - a)",
        "x",
        lambda a, x: (x - a).T / np.linalg.norm(x - a),
        lambda a, x: (x - a) / np.linalg.norm(x - a),
        "(x - a)' / norm(x - a)",
        "(x - a) / norm(x - a)",
    ),
]

# -- Vector-by-scalar: ∂y/∂x, numerator layout a column (by y), denominator a row (by yᵀ) ------
# Vector functions of the scalar x: u = sin(x b) (∂u/∂x = cos(x b) ⊙ b), v = x² c.

SX = "x: scalar"


def _du(b, x):  # ∂ sin(x b)/∂x, numerator layout
    return np.cos(x * b) * b


VECTOR_BY_SCALAR = [
    row(
        "vbs",
        "a",
        f"a: vector(m); {SX}\na",
        "x",
        lambda a: np.zeros((len(a), 1)),
        lambda a: np.zeros((1, len(a))),
        Text("0"),
        Text("0"),
    ),
    # u = sin(x b)
    row(
        "vbs",
        "au",
        f"a: scalar; b: vector(m); {SX}\na sin(x b)",
        "x",
        lambda a, b, x: a * _du(b, x),
        lambda a, b, x: a * _du(b, x).T,
        "a (cos(x b) .* b)",
        "a (cos(x b) .* b)'",
    ),
    row(
        "vbs",
        "Au",
        f"A: matrix(p, m); b: vector(m); {SX}\nA sin(x b)",
        "x",
        lambda A, b, x: A @ _du(b, x),
        lambda A, b, x: _du(b, x).T @ A.T,
        "A (cos(x b) .* b)",
        "(cos(x b) .* b)' A'",
    ),
    row(
        "vbs",
        "uT",
        f"b: vector(m); {SX}\nsin(x b)'",
        "x",
        lambda b, x: _du(b, x).T,
        lambda b, x: _du(b, x),
        "(cos(x b) .* b)'",
        "cos(x b) .* b",
    ),
    # u = sin(x b), v = x² c
    row(
        "vbs",
        "u+v",
        f"b: vector(m); c: vector(m); {SX}\nsin(x b) + x^2 c",
        "x",
        lambda b, c, x: _du(b, x) + 2 * x * c,
        lambda b, c, x: (_du(b, x) + 2 * x * c).T,
        "cos(x b) .* b + 2 x c",
        "(cos(x b) .* b)' + 2 x c'",
    ),
    # uᵀ v is a scalar, so both columns are the same number
    row(
        "vbs",
        "uTv",
        f"b: vector(m); c: vector(m); {SX}\nsin(x b)' (x^2 c)",
        "x",
        lambda b, c, x: _du(b, x).T @ (x**2 * c) + np.sin(x * b).T @ (2 * x * c),
        lambda b, c, x: _du(b, x).T @ (x**2 * c) + np.sin(x * b).T @ (2 * x * c),
        "(cos(x b) .* b)' (x^2 c) + sin(x b)' (2 x c)",
        "(cos(x b) .* b)' (x^2 c) + sin(x b)' (2 x c)",
    ),
    # g = exp (entrywise, ∂g/∂u = diag(exp(u))), u = sin(x b)
    row(
        "vbs",
        "g(u)",
        f"b: vector(m); {SX}\nexp(sin(x b))",
        "x",
        lambda b, x: np.exp(np.sin(x * b)) * _du(b, x),
        lambda b, x: (np.exp(np.sin(x * b)) * _du(b, x)).T,
        "diag(exp(sin(x b))) (cos(x b) .* b)",
        "(cos(x b) .* b)' diag(exp(sin(x b)))",
    ),
    # f = sin, g = exp (entrywise), u = x b
    row(
        "vbs",
        "f(g(u))",
        f"b: vector(m); {SX}\nsin(exp(x b))",
        "x",
        lambda b, x: np.cos(np.exp(x * b)) * np.exp(x * b) * b,
        lambda b, x: (np.cos(np.exp(x * b)) * np.exp(x * b) * b).T,
        "diag(cos(exp(x b))) diag(exp(x b)) b",
        "b' diag(exp(x b)) diag(cos(exp(x b)))",
    ),
    # U = A + x² B (∂U/∂x = 2 x B), v = sin(x c); the denominator column uses the transposes
    row(
        "vbs",
        "Uv",
        f"A: matrix(m, n); B: matrix(m, n); c: vector(n); {SX}\n(A + x^2 B) sin(x c)",
        "x",
        lambda A, B, c, x: 2 * x * B @ np.sin(x * c) + (A + x**2 * B) @ _du(c, x),
        lambda A, B, c, x: (2 * x * B @ np.sin(x * c) + (A + x**2 * B) @ _du(c, x)).T,
        "(2 x B) sin(x c) + (A + x^2 B) (cos(x c) .* c)",
        "sin(x c)' (2 x B') + (cos(x c) .* c)' (A + x^2 B)'",
    ),
]

# -- Scalar-by-matrix: ∂y/∂X, numerator layout by Xᵀ (n×m), denominator by X (m×n) -----------
# Scalar functions: u = tr(Xᵀ C X) (∂u/∂X = (C + Cᵀ) X by X), v = sin(bᵀ X c) (cos(v) b cᵀ).

MX = "X: matrix(m, n)"
SQ = "X: matrix(n, n)"
TALL = {"m": 5, "n": 3}


def _v(b, c, X):
    return b.T @ X @ c


SCALAR_BY_MATRIX = [
    row(
        "sbm",
        "a",
        f"a: scalar; {MX}\na",
        "X",
        lambda X: np.zeros(X.T.shape),
        lambda X: np.zeros(X.shape),
        Text("0"),
        Text("0"),
    ),
    # u = tr(Xᵀ C X)
    row(
        "sbm",
        "au",
        f"a: scalar; C: matrix(m, m); {MX}\na tr(X' C X)",
        "X",
        lambda a, C, X: a * X.T @ (C + C.T),
        lambda a, C, X: a * (C + C.T) @ X,
        "a X' (C + C')",
        "a (C + C') X",
    ),
    # u = tr(Xᵀ C X), v = sin(bᵀ X c)
    row(
        "sbm",
        "u+v",
        f"b: vector(m); c: vector(n); C: matrix(m, m); {MX}\ntr(X' C X) + sin(b' X c)",
        "X",
        lambda b, c, C, X: X.T @ (C + C.T) + np.cos(_v(b, c, X)) * c @ b.T,
        lambda b, c, C, X: (C + C.T) @ X + np.cos(_v(b, c, X)) * b @ c.T,
        "X' (C + C') + cos(b' X c) c b'",
        "(C + C') X + cos(b' X c) b c'",
    ),
    row(
        "sbm",
        "uv",
        f"b: vector(m); c: vector(n); C: matrix(m, m); {MX}\ntr(X' C X) sin(b' X c)",
        "X",
        lambda b, c, C, X: (
            (
                tr(X.T @ C @ X) * np.cos(_v(b, c, X)) * b @ c.T
                + np.sin(_v(b, c, X)) * (C + C.T) @ X
            ).T
        ),
        lambda b, c, C, X: (
            tr(X.T @ C @ X) * np.cos(_v(b, c, X)) * b @ c.T + np.sin(_v(b, c, X)) * (C + C.T) @ X
        ),
        "tr(X' C X) cos(b' X c) c b' + sin(b' X c) X' (C + C')",
        "tr(X' C X) cos(b' X c) b c' + sin(b' X c) (C + C') X",
    ),
    # g = exp, u = bᵀ X c
    row(
        "sbm",
        "g(u)",
        f"b: vector(m); c: vector(n); {MX}\nexp(b' X c)",
        "X",
        lambda b, c, X: np.exp(_v(b, c, X)) * c @ b.T,
        lambda b, c, X: np.exp(_v(b, c, X)) * b @ c.T,
        "exp(b' X c) c b'",
        "exp(b' X c) b c'",
    ),
    # f = exp, g = sin, u = bᵀ X c
    row(
        "sbm",
        "f(g(u))",
        f"b: vector(m); c: vector(n); {MX}\nexp(sin(b' X c))",
        "X",
        lambda b, c, X: np.exp(np.sin(_v(b, c, X))) * np.cos(_v(b, c, X)) * c @ b.T,
        lambda b, c, X: np.exp(np.sin(_v(b, c, X))) * np.cos(_v(b, c, X)) * b @ c.T,
        "exp(sin(b' X c)) cos(b' X c) c b'",
        "exp(sin(b' X c)) cos(b' X c) b c'",
    ),
    row(
        "sbm",
        "aTXb",
        f"a: vector(m); b: vector(n); {MX}\na' X b",
        "X",
        lambda a, b: b @ a.T,
        lambda a, b: a @ b.T,
        "b a'",
        "a b'",
    ),
    row(
        "sbm",
        "aTXTb",
        f"a: vector(n); b: vector(m); {MX}\na' X' b",
        "X",
        lambda a, b: a @ b.T,
        lambda a, b: b @ a.T,
        "a b'",
        "b a'",
    ),
    # f = logsumexp, so ∂f/∂v = softmax(v)ᵀ (numerator layout)
    row(
        "sbm",
        "f(Xa+b)",
        f"a: vector(n); b: vector(m); {MX}\nlogsumexp(X a + b)",
        "X",
        lambda a, b, X: a @ softmax(X @ a + b).T,
        lambda a, b, X: softmax(X @ a + b) @ a.T,
        "a softmax(X a + b)'",
        "softmax(X a + b) a'",
    ),
    row(
        "sbm",
        "XabTCXab",
        f"a: vector(n); b: vector(m); C: matrix(m, m); {MX}\n(X a + b)' C (X a + b)",
        "X",
        lambda a, b, C, X: ((C + C.T) @ (X @ a + b) @ a.T).T,
        lambda a, b, C, X: (C + C.T) @ (X @ a + b) @ a.T,
        "((C + C') (X a + b) a')'",
        "(C + C') (X a + b) a'",
    ),
    row(
        "sbm",
        "XaTCXb",
        f"a: vector(n); b: vector(n); C: matrix(m, m); {MX}\n(X a)' C (X b)",
        "X",
        lambda a, b, C, X: (C @ X @ b @ a.T + C.T @ X @ a @ b.T).T,
        lambda a, b, C, X: C @ X @ b @ a.T + C.T @ X @ a @ b.T,
        "(C X b a' + C' X a b')'",
        "C X b a' + C' X a b'",
    ),
    row(
        "sbm",
        "trX",
        f"{SQ}\ntr(X)",
        "X",
        lambda X: np.eye(len(X)),
        lambda X: np.eye(len(X)),
        Text("I"),
        Text("I"),
    ),
    # U = A X, V = Xᵀ C X
    row(
        "sbm",
        "trU+V",
        f"A: matrix(n, m); C: matrix(m, m); {MX}\ntr(A X + X' C X)",
        "X",
        lambda A, C, X: A + X.T @ (C + C.T),
        lambda A, C, X: A.T + (C + C.T) @ X,
        "A + X' (C + C')",
        "A' + (C + C') X",
    ),
    # U = A X B
    row(
        "sbm",
        "traU",
        f"a: scalar; A: matrix(p, m); B: matrix(n, p); {MX}\ntr(a A X B)",
        "X",
        lambda a, A, B: a * B @ A,
        lambda a, A, B: a * A.T @ B.T,
        "a B A",
        "a A' B'",
    ),
    # g(X) = X³ + 2 X², so g'(X) = 3 X² + 4 X
    row(
        "sbm",
        "trgX",
        f"{SQ}\ntr(X^3 + 2 X^2)",
        "X",
        lambda X: 3 * X @ X + 4 * X,
        lambda X: (3 * X @ X + 4 * X).T,
        "3 X^2 + 4 X",
        "(3 X^2 + 4 X)'",
    ),
    row(
        "sbm", "trAX", f"A: matrix(n, m); {MX}\ntr(A X)", "X", lambda A: A, lambda A: A.T, "A", "A'"
    ),
    row(
        "sbm", "trXA", f"A: matrix(n, m); {MX}\ntr(X A)", "X", lambda A: A, lambda A: A.T, "A", "A'"
    ),
    row(
        "sbm",
        "trAXT",
        f"A: matrix(m, n); {MX}\ntr(A X')",
        "X",
        lambda A: A.T,
        lambda A: A,
        "A'",
        "A",
    ),
    row(
        "sbm",
        "trXTA",
        f"A: matrix(m, n); {MX}\ntr(X' A)",
        "X",
        lambda A: A.T,
        lambda A: A,
        "A'",
        "A",
    ),
    row(
        "sbm",
        "trXTAX",
        f"A: matrix(m, m); {MX}\ntr(X' A X)",
        "X",
        lambda A, X: X.T @ (A + A.T),
        lambda A, X: (A + A.T) @ X,
        "X' (A + A')",
        "(A + A') X",
    ),
    row(
        "sbm",
        "trXinvA",
        f"A: matrix(n, n); {SQ}\ntr(inv(X) A)",
        "X",
        lambda A, X: -inv(X) @ A @ inv(X),
        lambda A, X: -inv(X).T @ A.T @ inv(X).T,
        "-inv(X) A inv(X)",
        "-inv(X)' A' inv(X)'",
    ),
    row(
        "sbm",
        "trAXB",
        f"A: matrix(p, m); B: matrix(n, p); {MX}\ntr(A X B)",
        "X",
        lambda A, B: B @ A,
        lambda A, B: A.T @ B.T,
        "B A",
        "A' B'",
    ),
    row(
        "sbm",
        "trBAX",
        f"A: matrix(p, m); B: matrix(n, p); {MX}\ntr(B A X)",
        "X",
        lambda A, B: B @ A,
        lambda A, B: A.T @ B.T,
        "B A",
        "A' B'",
    ),
    row(
        "sbm",
        "trAXBXTC",
        f"A: matrix(p, m); B: matrix(n, n); C: matrix(m, p); {MX}\ntr(A X B X' C)",
        "X",
        lambda A, B, C, X: B @ X.T @ C @ A + B.T @ X.T @ A.T @ C.T,
        lambda A, B, C, X: A.T @ C.T @ X @ B.T + C @ A @ X @ B,
        "B X' C A + B' X' A' C'",
        "A' C' X B' + C A X B",
    ),
    # n = 3
    row(
        "sbm",
        "trXn",
        f"{SQ}\ntr(X^3)",
        "X",
        lambda X: 3 * X @ X,
        lambda X: 3 * (X @ X).T,
        "3 X^2",
        "3 (X^2)'",
    ),
    row(
        "sbm",
        "trAXn",
        f"A: matrix(n, n); {SQ}\ntr(A X^3)",
        "X",
        lambda A, X: sum(mpow(X, i) @ A @ mpow(X, 2 - i) for i in range(3)),
        lambda A, X: sum((mpow(X, i) @ A @ mpow(X, 2 - i)).T for i in range(3)),
        "A X^2 + X A X + X^2 A",
        "(A X^2)' + (X A X)' + (X^2 A)'",
    ),
    # cofactor(X)ᵀ = |X| X⁻¹ (the article's second form)
    row(
        "sbm",
        "detX",
        f"{SQ}\ndet(X)",
        "X",
        lambda X: det(X) * inv(X),
        lambda X: det(X) * inv(X).T,
        "det(X) inv(X)",
        "det(X) inv(X)'",
    ),
    row(
        "sbm",
        "logdet-aX",
        f"a: scalar; {SQ}\nlogdet(a X)",
        "X",
        lambda X: inv(X),
        lambda X: inv(X).T,
        "inv(X)",
        "inv(X)'",
    ),
    row(
        "sbm",
        "detAXB",
        f"A: matrix(n, n); B: matrix(n, n); {SQ}\ndet(A X B)",
        "X",
        lambda A, B, X: det(A @ X @ B) * inv(X),
        lambda A, B, X: det(A @ X @ B) * inv(X).T,
        "det(A X B) inv(X)",
        "det(A X B) inv(X)'",
    ),
    # n = 3
    row(
        "sbm",
        "detXn",
        f"{SQ}\ndet(X^3)",
        "X",
        lambda X: 3 * det(mpow(X, 3)) * inv(X),
        lambda X: 3 * det(mpow(X, 3)) * inv(X).T,
        "3 det(X^3) inv(X)",
        "3 det(X^3) inv(X)'",
    ),
    # X⁺ = (Xᵀ X)⁻¹ Xᵀ for the tall X of full column rank used here
    row(
        "sbm",
        "logdetXTX",
        f"{MX}\nlogdet(X' X)",
        "X",
        lambda X: 2 * np.linalg.pinv(X),
        lambda X: 2 * np.linalg.pinv(X).T,
        "2 inv(X' X) X'",
        "2 X inv(X' X)",
        sizes=TALL,
    ),
    row(
        "sbm",
        "detXTAX-square",
        f"A: matrix(n, n); {SQ}\ndet(X' A X)",
        "X",
        lambda A, X: 2 * det(X.T @ A @ X) * inv(X),
        lambda A, X: 2 * det(X.T @ A @ X) * inv(X).T,
        "2 det(X' A X) inv(X)",
        "2 det(X' A X) inv(X)'",
    ),
    row(
        "sbm",
        "detXTAX-symmetric",
        f"A: symmetric(m); {MX}\ndet(X' A X)",
        "X",
        lambda A, X: 2 * det(X.T @ A @ X) * inv(X.T @ A.T @ X) @ X.T @ A.T,
        lambda A, X: 2 * det(X.T @ A @ X) * A @ X @ inv(X.T @ A @ X),
        "2 det(X' A X) inv(X' A' X) X' A'",
        "2 det(X' A X) A X inv(X' A X)",
        sizes=TALL,
    ),
    row(
        "sbm",
        "detXTAX-nonsymmetric",
        f"A: matrix(m, m); {MX}\ndet(X' A X)",
        "X",
        lambda A, X: (
            det(X.T @ A @ X) * (inv(X.T @ A @ X) @ X.T @ A + inv(X.T @ A.T @ X) @ X.T @ A.T)
        ),
        lambda A, X: det(X.T @ A @ X) * (A @ X @ inv(X.T @ A @ X) + A.T @ X @ inv(X.T @ A.T @ X)),
        "det(X' A X) (inv(X' A X) X' A + inv(X' A' X) X' A')",
        "det(X' A X) (A X inv(X' A X) + A' X inv(X' A' X))",
        sizes=TALL,
    ),
]

# -- Matrix-by-scalar: ∂Y/∂x, numerator layout (by Y); the denominator column is its transpose --
# Matrix functions of the scalar x: U = sin(x A) (∂U/∂x = cos(x A) ⊙ A), V = x² B.

MATRIX_BY_SCALAR = [
    row(
        "mbs",
        "aU",
        f"a: scalar; A: matrix(m, n); {SX}\na sin(x A)",
        "x",
        lambda a, A, x: a * np.cos(x * A) * A,
        lambda a, A, x: (a * np.cos(x * A) * A).T,
        "a (cos(x A) .* A)",
        "(a (cos(x A) .* A))'",
    ),
    # U = sin(x C)
    row(
        "mbs",
        "AUB",
        f"A: matrix(p, m); B: matrix(n, q); C: matrix(m, n); {SX}\nA sin(x C) B",
        "x",
        lambda A, B, C, x: A @ (np.cos(x * C) * C) @ B,
        lambda A, B, C, x: (A @ (np.cos(x * C) * C) @ B).T,
        "A (cos(x C) .* C) B",
        "(A (cos(x C) .* C) B)'",
    ),
    row(
        "mbs",
        "U+V",
        f"A: matrix(m, n); B: matrix(m, n); {SX}\nsin(x A) + x^2 B",
        "x",
        lambda A, B, x: np.cos(x * A) * A + 2 * x * B,
        lambda A, B, x: (np.cos(x * A) * A + 2 * x * B).T,
        "cos(x A) .* A + 2 x B",
        "(cos(x A) .* A + 2 x B)'",
    ),
    row(
        "mbs",
        "UV",
        f"A: matrix(m, n); B: matrix(n, p); {SX}\nsin(x A) (x^2 B)",
        "x",
        lambda A, B, x: np.sin(x * A) @ (2 * x * B) + (np.cos(x * A) * A) @ (x**2 * B),
        lambda A, B, x: (np.sin(x * A) @ (2 * x * B) + (np.cos(x * A) * A) @ (x**2 * B)).T,
        "sin(x A) (2 x B) + (cos(x A) .* A) (x^2 B)",
        "(sin(x A) (2 x B) + (cos(x A) .* A) (x^2 B))'",
    ),
    row(
        "mbs",
        "UkronV",
        f"A: matrix(m, n); B: matrix(p, q); {SX}\nkron(sin(x A), x^2 B)",
        "x",
        lambda A, B, x: np.kron(np.sin(x * A), 2 * x * B) + np.kron(np.cos(x * A) * A, x**2 * B),
        lambda A, B, x: (
            (np.kron(np.sin(x * A), 2 * x * B) + np.kron(np.cos(x * A) * A, x**2 * B)).T
        ),
        "kron(sin(x A), 2 x B) + kron(cos(x A) .* A, x^2 B)",
        "(kron(sin(x A), 2 x B) + kron(cos(x A) .* A, x^2 B))'",
    ),
    row(
        "mbs",
        "UhadamardV",
        f"A: matrix(m, n); B: matrix(m, n); {SX}\nsin(x A) .* (x^2 B)",
        "x",
        lambda A, B, x: np.sin(x * A) * (2 * x * B) + (np.cos(x * A) * A) * (x**2 * B),
        lambda A, B, x: (np.sin(x * A) * (2 * x * B) + (np.cos(x * A) * A) * (x**2 * B)).T,
        "sin(x A) .* (2 x B) + (cos(x A) .* A) .* (x^2 B)",
        "(sin(x A) .* (2 x B) + (cos(x A) .* A) .* (x^2 B))'",
    ),
    # U = A + x B
    row(
        "mbs",
        "Uinv",
        f"A: matrix(n, n); B: matrix(n, n); {SX}\ninv(A + x B)",
        "x",
        lambda A, B, x: -inv(A + x * B) @ B @ inv(A + x * B),
        lambda A, B, x: (-inv(A + x * B) @ B @ inv(A + x * B)).T,
        "-inv(A + x B) B inv(A + x B)",
        "(-inv(A + x B) B inv(A + x B))'",
    ),
    # g(X) = X³ + 2 X, g'(X) = 3 X² + 2 I: ∂g(x A)/∂x = A g'(x A) = g'(x A) A
    row(
        "mbs",
        "g(xA)",
        f"A: matrix(n, n); {SX}\n(x A)^3 + 2 x A",
        "x",
        lambda A, x: A @ (3 * mpow(x * A, 2) + 2 * np.eye(len(A))),
        lambda A, x: (A @ (3 * mpow(x * A, 2) + 2 * np.eye(len(A)))).T,
        "A (3 (x A)^2 + 2 I)",
        "(A (3 (x A)^2 + 2 I))'",
    ),
]

# -- Scalar-by-scalar, with vectors and with matrices involved: one number in every layout -----

SCALAR_BY_SCALAR = [
    # g(u) = uᵀ A u (∂g/∂u = (A + Aᵀ) u), u = sin(x b)
    row(
        "sbs",
        "g(u)",
        f"A: matrix(m, m); b: vector(m); {SX}\nsin(x b)' A sin(x b)",
        "x",
        lambda A, b, x: np.sin(x * b).T @ (A + A.T) @ _du(b, x),
        lambda A, b, x: np.sin(x * b).T @ (A + A.T) @ _du(b, x),
        "((A + A') sin(x b))' (cos(x b) .* b)",
        "((A + A') sin(x b))' (cos(x b) .* b)",
    ),
    # u = exp(x a), v = sin(x b)
    row(
        "sbs",
        "uTv",
        f"a: vector(m); b: vector(m); {SX}\nexp(x a)' sin(x b)",
        "x",
        lambda a, b, x: np.exp(x * a).T @ _du(b, x) + (np.exp(x * a) * a).T @ np.sin(x * b),
        lambda a, b, x: np.exp(x * a).T @ _du(b, x) + (np.exp(x * a) * a).T @ np.sin(x * b),
        "exp(x a)' (cos(x b) .* b) + (exp(x a) .* a)' sin(x b)",
        "exp(x a)' (cos(x b) .* b) + (exp(x a) .* a)' sin(x b)",
    ),
    # U = A + x B
    row(
        "sbs",
        "detU",
        f"A: matrix(n, n); B: matrix(n, n); {SX}\ndet(A + x B)",
        "x",
        lambda A, B, x: det(A + x * B) * tr(inv(A + x * B) @ B),
        lambda A, B, x: det(A + x * B) * tr(inv(A + x * B) @ B),
        "det(A + x B) tr(inv(A + x B) B)",
        "det(A + x B) tr(inv(A + x B) B)",
    ),
    row(
        "sbs",
        "logdetU",
        f"A: matrix(n, n); B: matrix(n, n); {SX}\nlogdet(A + x B)",
        "x",
        lambda A, B, x: tr(inv(A + x * B) @ B),
        lambda A, B, x: tr(inv(A + x * B) @ B),
        "tr(inv(A + x B) B)",
        "tr(inv(A + x B) B)",
    ),
    # U = A + x B + x² C: ∂U/∂x = B + 2 x C, ∂²U/∂x² = 2 C
    row(
        "sbs",
        "d2detU",
        f"A: matrix(n, n); B: matrix(n, n); C: matrix(n, n); {SX}\ndet(A + x B + x^2 C)",
        "x",
        lambda A, B, C, x: _second_derivative_det(A, B, C, x),
        lambda A, B, C, x: _second_derivative_det(A, B, C, x),
        "det(A + x B + x^2 C) (tr(inv(A + x B + x^2 C) (2 C)) "
        "+ tr(inv(A + x B + x^2 C) (B + 2 x C))^2 "
        "- tr(inv(A + x B + x^2 C) (B + 2 x C) inv(A + x B + x^2 C) (B + 2 x C)))",
        "det(A + x B + x^2 C) (tr(inv(A + x B + x^2 C) (2 C)) "
        "+ tr(inv(A + x B + x^2 C) (B + 2 x C))^2 "
        "- tr(inv(A + x B + x^2 C) (B + 2 x C) inv(A + x B + x^2 C) (B + 2 x C)))",
        order=2,
    ),
    # g(U) = tr(Uᵀ U) (∂g/∂U = 2 Uᵀ numerator, 2 U mixed), U = sin(x A)
    row(
        "sbs",
        "gU",
        f"A: matrix(m, n); {SX}\ntr(sin(x A)' sin(x A))",
        "x",
        lambda A, x: 2 * np.sum(np.sin(x * A) * np.cos(x * A) * A),
        lambda A, x: 2 * np.sum(np.sin(x * A) * np.cos(x * A) * A),
        "tr(2 sin(x A)' (cos(x A) .* A))",
        "tr((2 sin(x A))' (cos(x A) .* A))",
    ),
    # g(X) = X³ + 2 X, g'(X) = 3 X² + 2 I
    row(
        "sbs",
        "trg(xA)",
        f"A: matrix(n, n); {SX}\ntr((x A)^3 + 2 x A)",
        "x",
        lambda A, x: tr(A @ (3 * mpow(x * A, 2) + 2 * np.eye(len(A)))),
        lambda A, x: tr(A @ (3 * mpow(x * A, 2) + 2 * np.eye(len(A)))),
        "tr(A (3 (x A)^2 + 2 I))",
        "tr(A (3 (x A)^2 + 2 I))",
    ),
]


def _second_derivative_det(A, B, C, x):
    U, dU, ddU = A + x * B + x**2 * C, B + 2 * x * C, 2 * C
    Ui = inv(U)
    return det(U) * (tr(Ui @ ddU) + tr(Ui @ dU) ** 2 - tr(Ui @ dU @ Ui @ dU))


ROWS = (
    VECTOR_BY_VECTOR
    + SCALAR_BY_VECTOR
    + VECTOR_BY_SCALAR
    + SCALAR_BY_MATRIX
    + MATRIX_BY_SCALAR
    + SCALAR_BY_SCALAR
)
ARGS = ("table", "expr", "wrt", "num", "den", "num_form", "den_form", "order", "sizes")


@pytest.mark.parametrize(ARGS, ROWS)
def test_wikipedia_value(table, expr, wrt, num, den, num_form, den_form, order, sizes):
    results = assert_derivative(expr, wrt, sizes=sizes, order=order)
    assert_formula(results["numerator"], num, sizes=sizes)
    assert_formula(results["denominator"], den, sizes=sizes)
    mixed = num if order == 2 or MIXED[table] == "numerator" else den
    assert_formula(results["mixed"], mixed, sizes=sizes)


@pytest.mark.parametrize(ARGS, ROWS)
def test_wikipedia_form(table, expr, wrt, num, den, num_form, den_form, order, sizes):
    wrong = []
    for layout, form in (("numerator", num_form), ("denominator", den_form)):
        r = md.derive(expr, wrt, layout=layout, order=order)
        ok = r.text == form if isinstance(form, Text) else same_form(r, form)
        if not ok:
            wrong.append(f"{layout}: matdiff gives {r.text!r}, the article {form!r}")
    assert not wrong, "\n".join(wrong)


def test_rows_are_many_and_distinct():
    ids = [p.id for p in ROWS]
    assert len(ids) == len(set(ids))
    assert len(ids) >= 80


# Rows whose methods still print equal results differently (issue 12), with the reason; strict,
# so a row that comes to agree must leave the list and a row that starts to differ fails.
METHODS_DIFFER: dict[str, str] = {}
METHODS = ("differential", "vectorization", "definition", "chain")


@pytest.mark.parametrize("layout", ["mixed", "numerator", "denominator"])
@pytest.mark.parametrize(ARGS, ROWS)
def test_every_method_prints_the_same_form(
    table, expr, wrt, num, den, num_form, den_form, order, sizes, layout, request
):
    name = request.node.callspec.id.rsplit("-", 1)[0]  # the row's id, without the layout
    if name in METHODS_DIFFER:
        request.applymarker(pytest.mark.xfail(reason=METHODS_DIFFER[name], strict=True))
    printed = {}
    for method in METHODS:
        try:
            r = md.derive(expr, wrt, method=method, layout=layout, order=order, verify=False)
        except md.MatDiffError:
            continue  # the method does not apply here
        printed[method] = r.text
    assert len(set(printed.values())) <= 1, printed
