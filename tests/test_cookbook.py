"""Derivative identities of The Matrix Cookbook (Petersen & Pedersen, version of 2012).

Equation numbers are those of the 2012 edition (sections 2.1-2.7). Every identity goes through
``assert_derivative`` (finite differences in all three layouts, and every step of the
derivation) and ``assert_formula`` against the book's closed form written in NumPy.

The book writes the derivative of a scalar by a matrix with the shape of the matrix
(denominator layout), which is matdiff's "mixed" layout. For matrix-valued functions the book
uses entrywise forms; here they are written as matdiff returns them, d vec(F)/d vec(X)^T with
column-stacking vec, so Kronecker products and commutation matrices appear.

Where the book has a misprint the test uses the corrected form and says so.
"""

from __future__ import annotations

import numpy as np
import pytest
from helpers import assert_derivative, assert_formula

inv = np.linalg.inv
det = np.linalg.det
mpow = np.linalg.matrix_power
tr = np.trace


def commutation(m: int, n: int) -> np.ndarray:
    """K_(m,n): K vec(A) = vec(A^T) for an m×n matrix A (vec stacks columns)."""
    k = np.zeros((m * n, m * n))
    for i in range(m):
        for j in range(n):
            k[i * n + j, j * m + i] = 1.0
    return k


def case(eq, name, expr, wrt, formula, *, text=None, sizes=None, order=1):
    """One identity: the book's equation number, matdiff input, and the closed form."""
    return pytest.param(expr, wrt, formula, text, sizes, order, id=f"eq{eq}-{name}")


# -- 2.1 Derivatives of a determinant --------------------------------------------------------


def _second_derivative_det(t, A, B, C):
    # (48) with Y = A + t B + t^2 C, so dY/dt = B + 2 t C and d^2Y/dt^2 = 2 C
    Y, dY, ddY = A + t * B + t**2 * C, B + 2 * t * C, 2 * C
    Yi = inv(Y)
    return det(Y) * (tr(Yi @ ddY) + tr(Yi @ dY) ** 2 - tr(Yi @ dY @ Yi @ dY))


DETERMINANTS = [
    # 2.1.1 general form, with Y = Y(t) a matrix function of a scalar
    case(
        46,
        "det_Y_of_t",
        "t: scalar; A: matrix(n, n); B: matrix(n, n)\ndet(A + t B)",
        "t",
        lambda t, A, B: det(A + t * B) * tr(inv(A + t * B) @ B),
    ),
    case(
        48,
        "second_derivative_det_Y_of_t",
        "t: scalar; A: matrix(n, n); B: matrix(n, n); C: matrix(n, n)\ndet(A + t B + t^2 C)",
        "t",
        _second_derivative_det,
        order=2,
    ),
    # 2.1.2 linear forms
    case(
        49,
        "det_X",
        "X: matrix(n, n)\ndet(X)",
        "X",
        lambda X: det(X) * inv(X).T,
        text="|X| X⁻ᵀ",
    ),
    case(
        49,
        "det_Xt",
        "X: matrix(n, n)\ndet(X')",
        "X",
        lambda X: det(X) * inv(X).T,
    ),
    case(
        51,
        "det_AXB",
        "A: matrix(n, n); X: matrix(n, n); B: matrix(n, n)\ndet(A X B)",
        "X",
        lambda A, X, B: det(A @ X @ B) * inv(X).T,
    ),
    # 2.1.3 square forms
    case(
        52,
        "det_XtAX_square_X",
        "X: matrix(n, n); A: matrix(n, n)\ndet(X' A X)",
        "X",
        lambda X, A: 2 * det(X.T @ A @ X) * inv(X).T,
    ),
    case(
        53,
        "det_XtAX_tall_X_symmetric_A",
        "X: matrix(5, 3); A: symmetric(5)\ndet(X' A X)",
        "X",
        lambda X, A: 2 * det(X.T @ A @ X) * A @ X @ inv(X.T @ A @ X),
    ),
    case(
        54,
        "det_XtAX_tall_X",
        "X: matrix(5, 3); A: matrix(5, 5)\ndet(X' A X)",
        "X",
        lambda X, A: det(X.T @ A @ X) * (A @ X @ inv(X.T @ A @ X) + A.T @ X @ inv(X.T @ A.T @ X)),
    ),
    # 2.1.4 other nonlinear forms
    # (55): d ln det(X^T X)/dX = 2 (X^+)^T, X^+ the pseudo-inverse
    case(
        55,
        "logdet_XtX",
        "X: matrix(5, 3)\nlogdet(X' X)",
        "X",
        lambda X: 2 * np.linalg.pinv(X).T,
    ),
    case(
        57,
        "logdet_X",
        "X: matrix(n, n)\nlogdet(X)",
        "X",
        lambda X: inv(X).T,
        text="X⁻ᵀ",
    ),
    case(
        57,
        "log_det_X",
        "X: matrix(n, n)\nlog(det(X))",
        "X",
        lambda X: inv(X).T,
    ),
    case(
        57,
        "log_abs_det_X",  # ln|det X| written as ln(det(X)^2)/2
        "X: matrix(n, n)\nlog(det(X)^2) / 2",
        "X",
        lambda X: inv(X).T,
    ),
    case(
        58,
        "det_X2",
        "X: matrix(n, n)\ndet(X^2)",
        "X",
        lambda X: 2 * det(X @ X) * inv(X).T,
    ),
    case(
        58,
        "det_X3",
        "X: matrix(n, n)\ndet(X^3)",
        "X",
        lambda X: 3 * det(mpow(X, 3)) * inv(X).T,
    ),
]

# -- 2.2 Derivatives of an inverse ------------------------------------------------------------

INVERSES = [
    case(
        59,
        "inv_Y_of_t",
        "t: scalar; A: matrix(n, n); B: matrix(n, n)\ninv(A + t B)",
        "t",
        lambda t, A, B: -inv(A + t * B) @ B @ inv(A + t * B),
    ),
    case(
        60,
        "vec_inv_X",
        "X: matrix(n, n)\ninv(X)",
        "X",
        lambda X: -np.kron(inv(X).T, inv(X)),
        text="-(X⁻ᵀ ⊗ X⁻¹)",
    ),
    case(
        60,
        "vec_X_power_minus_1",
        "X: matrix(n, n)\nX^-1",
        "X",
        lambda X: -np.kron(inv(X).T, inv(X)),
    ),
    case(
        61,
        "at_invX_b",
        "a: vector(n); X: matrix(n, n); b: vector(n)\na' inv(X) b",
        "X",
        lambda a, X, b: -inv(X).T @ a @ b.T @ inv(X).T,
        text="-X⁻ᵀ a bᵀ X⁻ᵀ",
    ),
    case(
        62,
        "det_invX",
        "X: matrix(n, n)\ndet(inv(X))",
        "X",
        lambda X: -det(inv(X)) * inv(X).T,
    ),
    case(
        63,
        "tr_A_invX_B",
        "A: matrix(p, n); X: matrix(n, n); B: matrix(n, p)\ntr(A inv(X) B)",
        "X",
        lambda A, X, B: -(inv(X) @ B @ A @ inv(X)).T,
    ),
    case(
        64,
        "tr_inv_X_plus_A",
        "X: matrix(n, n); A: matrix(n, n)\ntr(inv(X + A))",
        "X",
        lambda X, A: -(inv(X + A) @ inv(X + A)).T,
    ),
    # (65): dJ/dA = -A^-T (dJ/dW) A^-T with W = A^-1; here J = ||W||_F^2, dJ/dW = 2 W
    case(
        65,
        "J_of_inverse_frobenius",
        "A: matrix(n, n)\nnorm(inv(A))^2",
        "A",
        lambda A: -inv(A).T @ (2 * inv(A)) @ inv(A).T,
    ),
]

# -- 2.4 Derivatives of matrices, vectors and scalar forms ------------------------------------

FIRST_ORDER = [
    case(69, "xt_a", "x: vector(n); a: vector(n)\nx' a", "x", lambda a: a),
    case(69, "at_x", "x: vector(n); a: vector(n)\na' x", "x", lambda a: a),
    case(
        70,
        "at_X_b",
        "a: vector(m); X: matrix(m, n); b: vector(n)\na' X b",
        "X",
        lambda a, b: a @ b.T,
        text="a bᵀ",
    ),
    case(
        71,
        "at_Xt_b",
        "a: vector(n); X: matrix(m, n); b: vector(m)\na' X' b",
        "X",
        lambda a, b: b @ a.T,
        text="b aᵀ",
    ),
    case(72, "at_X_a", "a: vector(n); X: matrix(n, n)\na' X a", "X", lambda a: a @ a.T),
    case(72, "at_Xt_a", "a: vector(n); X: matrix(n, n)\na' X' a", "X", lambda a: a @ a.T),
    # (73)-(75) are entrywise; through vec they are Kronecker products
    case(73, "vec_X", "X: matrix(m, n)\nX", "X", lambda X: np.eye(X.size)),
    case(
        74,
        "vec_XA",
        "X: matrix(m, n); A: matrix(n, p)\nX A",
        "X",
        lambda X, A: np.kron(A.T, np.eye(X.shape[0])),
    ),
    case(
        75,
        "vec_XtA",
        "X: matrix(m, n); A: matrix(m, p)\nX' A",
        "X",
        lambda X, A: np.kron(A.T, np.eye(X.shape[1])) @ commutation(*X.shape),
    ),
]

SECOND_ORDER = [
    # (76): sum_klmn X_kl X_mn = (sum X)^2
    case(
        76,
        "sum_X_squared",
        "X: matrix(m, n)\nsum(X)^2",
        "X",
        lambda X: 2 * X.sum() * np.ones_like(X),
    ),
    case(
        77,
        "bt_Xt_X_c",
        "b: vector(n); X: matrix(m, n); c: vector(n)\nb' X' X c",
        "X",
        lambda b, X, c: X @ (b @ c.T + c @ b.T),
    ),
    case(
        78,
        "affine_C_affine",
        "B: matrix(m, n); x: vector(n); b: vector(m); C: matrix(m, p); D: matrix(p, n); "
        "d: vector(p)\n(B x + b)' C (D x + d)",
        "x",
        lambda B, x, b, C, D, d: B.T @ C @ (D @ x + d) + D.T @ C.T @ (B @ x + b),
    ),
    # (79)-(80): the entries of d(X^T B X)/dX_ij, collected through vec
    case(
        80,
        "vec_Xt_B_X",
        "X: matrix(m, n); B: matrix(m, m)\nX' B X",
        "X",
        lambda X, B: (
            np.kron(np.eye(X.shape[1]), X.T @ B)
            + np.kron(X.T @ B.T, np.eye(X.shape[1])) @ commutation(*X.shape)
        ),
    ),
    case(
        81,
        "xt_B_x",
        "x: vector(n); B: matrix(n, n)\nx' B x",
        "x",
        lambda x, B: (B + B.T) @ x,
        text="(B + Bᵀ) x",
    ),
    case(
        82,
        "bt_Xt_D_X_c",
        "b: vector(n); X: matrix(m, n); D: matrix(m, m); c: vector(n)\nb' X' D X c",
        "X",
        lambda b, X, D, c: D.T @ X @ b @ c.T + D @ X @ c @ b.T,
    ),
    case(
        83,
        "affine_D_affine_wrt_X",
        "X: matrix(m, n); b: vector(n); c: vector(m); D: matrix(m, m)\n(X b + c)' D (X b + c)",
        "X",
        lambda X, b, c, D: (D + D.T) @ (X @ b + c) @ b.T,
        text="(D + Dᵀ) (X b + c) bᵀ",
    ),
    # (84)-(88): W symmetric
    case(
        84,
        "weighted_ls_wrt_s",
        "x: vector(n); A: matrix(n, p); s: vector(p); W: symmetric(n)\n(x - A s)' W (x - A s)",
        "s",
        lambda x, A, s, W: -2 * A.T @ W @ (x - A @ s),
    ),
    case(
        85,
        "weighted_dist_wrt_x",
        "x: vector(n); s: vector(n); W: symmetric(n)\n(x - s)' W (x - s)",
        "x",
        lambda x, s, W: 2 * W @ (x - s),
    ),
    case(
        86,
        "weighted_dist_wrt_s",
        "x: vector(n); s: vector(n); W: symmetric(n)\n(x - s)' W (x - s)",
        "s",
        lambda x, s, W: -2 * W @ (x - s),
    ),
    case(
        87,
        "weighted_ls_wrt_x",
        "x: vector(n); A: matrix(n, p); s: vector(p); W: symmetric(n)\n(x - A s)' W (x - A s)",
        "x",
        lambda x, A, s, W: 2 * W @ (x - A @ s),
    ),
    case(
        88,
        "weighted_ls_wrt_A",
        "x: vector(n); A: matrix(n, p); s: vector(p); W: symmetric(n)\n(x - A s)' W (x - A s)",
        "A",
        lambda x, A, s, W: -2 * W @ (x - A @ s) @ s.T,
    ),
]


def _at_Xn_b(n):
    return lambda a, X, b: sum(mpow(X, r).T @ a @ b.T @ mpow(X, n - 1 - r).T for r in range(n))


def _at_Xnt_Xn_b(n):
    # The book prints the first term as X^(n-1-r) a b^T (X^n)^T X^r, the transpose of the
    # correct (X^r)^T X^n b a^T (X^(n-1-r))^T (d(X^n)^T contributes through b, not a).
    def formula(a, X, b):
        Xn = mpow(X, n)
        return sum(
            mpow(X, r).T @ Xn @ b @ a.T @ mpow(X, n - 1 - r).T
            + mpow(X, r).T @ Xn @ a @ b.T @ mpow(X, n - 1 - r).T
            for r in range(n)
        )

    return formula


def _rayleigh(A, B, x):
    # The book writes x^T B B x in the first denominator: a misprint for x^T B^T B x.
    num = (x.T @ A.T @ A @ x).item()
    den = (x.T @ B.T @ B @ x).item()
    return 2 * A.T @ A @ x / den - 2 * num * B.T @ B @ x / den**2


HIGHER_ORDER = [
    case(
        89,
        "vec_X3",
        "X: matrix(n, n)\nX^3",
        "X",
        lambda X: sum(np.kron(mpow(X, 2 - r).T, mpow(X, r)) for r in range(3)),
    ),
    case(90, "at_X2_b", "a: vector(n); X: matrix(n, n); b: vector(n)\na' X^2 b", "X", _at_Xn_b(2)),
    case(90, "at_X3_b", "a: vector(n); X: matrix(n, n); b: vector(n)\na' X^3 b", "X", _at_Xn_b(3)),
    case(
        91,
        "at_X2t_X2_b",
        "a: vector(n); X: matrix(n, n); b: vector(n)\na' (X^2)' X^2 b",
        "X",
        _at_Xnt_Xn_b(2),
    ),
    case(
        91,
        "at_X3t_X3_b",
        "a: vector(n); X: matrix(n, n); b: vector(n)\na' (X^3)' X^3 b",
        "X",
        _at_Xnt_Xn_b(3),
    ),
    # (92) with s = sin(P x) and r = Q x + q: ds/dx = diag(cos(P x)) P, dr/dx = Q
    case(
        92,
        "st_A_r",
        "x: vector(n); P: matrix(p, n); Q: matrix(q, n); q: vector(q); A: matrix(p, q)\n"
        "s = sin(P x)\nr = Q x + q\ns' A r",
        "x",
        lambda x, P, Q, q, A: (
            (np.diag(np.cos(P @ x).ravel()) @ P).T @ A @ (Q @ x + q) + Q.T @ A.T @ np.sin(P @ x)
        ),
    ),
    case(
        93,
        "rayleigh_quotient",
        "x: vector(n); A: matrix(m, n); B: matrix(p, n)\n((A x)' (A x)) / ((B x)' (B x))",
        "x",
        _rayleigh,
    ),
    # 2.4.4 gradient and Hessian of f = x^T A x + b^T x
    case(
        95,
        "gradient_quadratic",
        "x: vector(n); A: matrix(n, n); b: vector(n)\nx' A x + b' x",
        "x",
        lambda x, A, b: (A + A.T) @ x + b,
    ),
    case(
        96,
        "hessian_quadratic",
        "x: vector(n); A: matrix(n, n); b: vector(n)\nx' A x + b' x",
        "x",
        lambda A: A + A.T,
        text="A + Aᵀ",
        order=2,
    ),
    case(
        96,
        "hessian_xt_A_x",
        "x: vector(n); A: matrix(n, n)\nx' A x",
        "x",
        lambda A: A + A.T,
        order=2,
    ),
]

# -- 2.5 Derivatives of traces ----------------------------------------------------------------

TRACES_FIRST_ORDER = [
    case(99, "tr_X", "X: matrix(n, n)\ntr(X)", "X", lambda X: np.eye(len(X))),
    case(100, "tr_XA", "X: matrix(m, n); A: matrix(n, m)\ntr(X A)", "X", lambda A: A.T),
    case(
        101,
        "tr_AXB",
        "A: matrix(p, m); X: matrix(m, n); B: matrix(n, p)\ntr(A X B)",
        "X",
        lambda A, B: A.T @ B.T,
        text="Aᵀ Bᵀ",
    ),
    case(
        102,
        "tr_AXtB",
        "A: matrix(p, n); X: matrix(m, n); B: matrix(m, p)\ntr(A X' B)",
        "X",
        lambda A, B: B @ A,
    ),
    case(103, "tr_XtA", "X: matrix(m, n); A: matrix(m, n)\ntr(X' A)", "X", lambda A: A),
    case(104, "tr_AXt", "A: matrix(m, n); X: matrix(m, n)\ntr(A X')", "X", lambda A: A),
    case(
        105,
        "tr_kron_A_X",
        "A: matrix(m, m); X: matrix(n, n)\ntr(kron(A, X))",
        "X",
        lambda A, X: tr(A) * np.eye(len(X)),
    ),
    case(
        105,
        "tr_kron_X_A",
        "X: matrix(n, n); A: matrix(m, m)\ntr(kron(X, A))",
        "X",
        lambda A, X: tr(A) * np.eye(len(X)),
    ),
]

TRACES_SECOND_ORDER = [
    case(106, "tr_X2", "X: matrix(n, n)\ntr(X^2)", "X", lambda X: 2 * X.T, text="2 Xᵀ"),
    case(
        107,
        "tr_X2B",
        "X: matrix(n, n); B: matrix(n, n)\ntr(X^2 B)",
        "X",
        lambda X, B: (X @ B + B @ X).T,
    ),
    case(
        107,
        "tr_XXB",
        "X: matrix(n, n); B: matrix(n, n)\ntr(X X B)",
        "X",
        lambda X, B: (X @ B + B @ X).T,
    ),
    case(
        108,
        "tr_XtBX",
        "X: matrix(m, n); B: matrix(m, m)\ntr(X' B X)",
        "X",
        lambda X, B: B @ X + B.T @ X,
    ),
    case(
        109,
        "tr_BXXt",
        "B: matrix(m, m); X: matrix(m, n)\ntr(B X X')",
        "X",
        lambda X, B: B @ X + B.T @ X,
    ),
    case(
        110,
        "tr_XXtB",
        "X: matrix(m, n); B: matrix(m, m)\ntr(X X' B)",
        "X",
        lambda X, B: B @ X + B.T @ X,
    ),
    case(
        111,
        "tr_XBXt",
        "X: matrix(m, n); B: matrix(n, n)\ntr(X B X')",
        "X",
        lambda X, B: X @ B.T + X @ B,
    ),
    case(
        112,
        "tr_BXtX",
        "B: matrix(n, n); X: matrix(m, n)\ntr(B X' X)",
        "X",
        lambda X, B: X @ B.T + X @ B,
    ),
    case(
        113,
        "tr_XtXB",
        "X: matrix(m, n); B: matrix(n, n)\ntr(X' X B)",
        "X",
        lambda X, B: X @ B.T + X @ B,
    ),
    case(
        114,
        "tr_AXBX",
        "A: matrix(n, m); X: matrix(m, n); B: matrix(n, m)\ntr(A X B X)",
        "X",
        lambda A, X, B: A.T @ X.T @ B.T + B.T @ X.T @ A.T,
    ),
    case(115, "tr_XtX", "X: matrix(m, n)\ntr(X' X)", "X", lambda X: 2 * X, text="2 X"),
    case(115, "tr_XXt", "X: matrix(m, n)\ntr(X X')", "X", lambda X: 2 * X),
    case(
        116,
        "tr_BtXtCXB",
        "B: matrix(n, p); X: matrix(m, n); C: matrix(m, m)\ntr(B' X' C X B)",
        "X",
        lambda B, X, C: C.T @ X @ B @ B.T + C @ X @ B @ B.T,
    ),
    case(
        117,
        "tr_XtBXC",
        "X: matrix(m, n); B: matrix(m, m); C: matrix(n, n)\ntr(X' B X C)",
        "X",
        lambda X, B, C: B @ X @ C + B.T @ X @ C.T,
    ),
    case(
        118,
        "tr_AXBXtC",
        "A: matrix(p, m); X: matrix(m, n); B: matrix(n, n); C: matrix(m, p)\ntr(A X B X' C)",
        "X",
        lambda A, X, B, C: A.T @ C.T @ X @ B.T + C @ A @ X @ B,
    ),
    case(
        119,
        "tr_AXB_plus_C_squared",
        "A: matrix(p, m); X: matrix(m, n); B: matrix(n, q); C: matrix(p, q)\n"
        "tr((A X B + C) (A X B + C)')",
        "X",
        lambda A, X, B, C: 2 * A.T @ (A @ X @ B + C) @ B.T,
        text="2 Aᵀ (A X B + C) Bᵀ",
    ),
    case(
        120,
        "tr_kron_X_X",
        "X: matrix(n, n)\ntr(kron(X, X))",
        "X",
        lambda X: 2 * tr(X) * np.eye(len(X)),
    ),
    case(
        120,
        "tr_X_tr_X",
        "X: matrix(n, n)\ntr(X) tr(X)",
        "X",
        lambda X: 2 * tr(X) * np.eye(len(X)),
    ),
]

TRACES_HIGHER_ORDER = [
    case(121, "tr_X4", "X: matrix(n, n)\ntr(X^4)", "X", lambda X: 4 * mpow(X, 3).T),
    case(121, "tr_X3", "X: matrix(n, n)\ntr(X^3)", "X", lambda X: 3 * mpow(X, 2).T),
    case(
        122,
        "tr_AX3",
        "X: matrix(n, n); A: matrix(n, n)\ntr(A X^3)",
        "X",
        lambda X, A: sum((mpow(X, r) @ A @ mpow(X, 2 - r)).T for r in range(3)),
    ),
    case(
        123,
        "tr_BtXtCXXtCXB",
        "B: matrix(n, p); X: matrix(m, n); C: matrix(m, m)\ntr(B' X' C X X' C X B)",
        "X",
        lambda B, X, C: (
            C @ X @ X.T @ C @ X @ B @ B.T
            + C.T @ X @ B @ B.T @ X.T @ C.T @ X
            + C @ X @ B @ B.T @ X.T @ C @ X
            + C.T @ X @ X.T @ C.T @ X @ B @ B.T
        ),
    ),
]

TRACES_OTHER = [
    case(
        124,
        "tr_A_Xpow_minus_1_B",
        "A: matrix(p, n); X: matrix(n, n); B: matrix(n, p)\ntr(A X^-1 B)",
        "X",
        lambda A, X, B: -inv(X).T @ A.T @ B.T @ inv(X).T,
        # the Cookbook distributes the transpose (-X⁻ᵀ Aᵀ Bᵀ X⁻ᵀ); gathered, as Wikipedia
        # prints it, it is a token shorter
        text="-(X⁻¹ B A X⁻¹)ᵀ",
    ),
    # (125)-(127): B and C symmetric
    case(
        125,
        "tr_inv_XtCX_A",
        "X: matrix(5, 3); C: symmetric(5); A: matrix(3, 3)\ntr(inv(X' C X) A)",
        "X",
        lambda X, C, A: -(C @ X @ inv(X.T @ C @ X)) @ (A + A.T) @ inv(X.T @ C @ X),
    ),
    case(
        126,
        "tr_inv_XtCX_XtBX",
        "X: matrix(5, 3); C: symmetric(5); B: symmetric(5)\ntr(inv(X' C X) (X' B X))",
        "X",
        lambda X, C, B: (
            -2 * C @ X @ inv(X.T @ C @ X) @ X.T @ B @ X @ inv(X.T @ C @ X)
            + 2 * B @ X @ inv(X.T @ C @ X)
        ),
    ),
    # (127) as printed also needs A symmetric: otherwise (A + X^T C X)^-1 is not symmetric
    case(
        127,
        "tr_inv_A_plus_XtCX_XtBX",
        "X: matrix(5, 3); C: symmetric(5); B: symmetric(5); A: symmetric(3)\n"
        "tr(inv(A + X' C X) (X' B X))",
        "X",
        lambda X, C, B, A: (
            -2 * C @ X @ inv(A + X.T @ C @ X) @ X.T @ B @ X @ inv(A + X.T @ C @ X)
            + 2 * B @ X @ inv(A + X.T @ C @ X)
        ),
    ),
]

# -- 2.6 Derivatives of vector norms, 2.7 of matrix norms -------------------------------------

NORMS = [
    case(
        129,
        "norm_x_minus_a",
        "x: vector(n); a: vector(n)\nnorm(x - a)",
        "x",
        lambda x, a: (x - a) / np.linalg.norm(x - a),
    ),
    case(
        130,
        "unit_vector_x_minus_a",
        "x: vector(n); a: vector(n)\n(x - a) / norm(x - a)",
        "x",
        lambda x, a: (
            np.eye(len(x)) / np.linalg.norm(x - a)
            - (x - a) @ (x - a).T / np.linalg.norm(x - a) ** 3
        ),
    ),
    case(131, "norm_x_squared", "x: vector(n)\nnorm(x)^2", "x", lambda x: 2 * x),
    case(131, "norm_xtx", "x: vector(n)\nnorm(x' x)", "x", lambda x: 2 * x),
    case(132, "frobenius_squared", "X: matrix(m, n)\nnorm(X)^2", "X", lambda X: 2 * X),
]

CASES = (
    DETERMINANTS
    + INVERSES
    + FIRST_ORDER
    + SECOND_ORDER
    + HIGHER_ORDER
    + TRACES_FIRST_ORDER
    + TRACES_SECOND_ORDER
    + TRACES_HIGHER_ORDER
    + TRACES_OTHER
    + NORMS
)


@pytest.mark.parametrize(("expr", "wrt", "formula", "text", "sizes", "order"), CASES)
def test_cookbook_identity(expr, wrt, formula, text, sizes, order):
    results = assert_derivative(expr, wrt, sizes=sizes, order=order)
    r = results["mixed"]
    assert_formula(r, formula, sizes=sizes)
    if text is not None:
        assert r.text == text


METHODS = ("differential", "vectorization", "definition", "chain")


@pytest.mark.parametrize("layout", ["mixed", "numerator", "denominator"])
@pytest.mark.parametrize(("expr", "wrt", "formula", "text", "sizes", "order"), CASES)
def test_every_method_prints_the_same_form(expr, wrt, formula, text, sizes, order, layout):
    # One canonical textbook form whatever the method (issue 12): side by side, a student
    # sees one answer. Each result is verified (finite differences, every step) by derive.
    import matdiff_magic as md

    printed = {}
    for method in METHODS:
        try:
            r = md.derive(expr, wrt, method=method, layout=layout, order=order)
        except md.UnsupportedError:
            continue  # the method does not apply here
        printed[method] = r.text
    assert printed, "no method applies"
    assert len(set(printed.values())) == 1, printed


def test_eq50_cofactor_rows_are_orthogonal_to_other_rows():
    # (47)/(50): sum_k d det(X)/dX_ik X_jk = δ_ij det(X), i.e. (∂|X|/∂X) X^T = |X| I
    r = assert_derivative("X: matrix(n, n)\ndet(X)", "X")["mixed"]
    rng = np.random.default_rng(7)
    for n in (2, 3, 5):
        X = np.eye(n) + 0.5 * rng.normal(size=(n, n))
        G = r.evaluate({"X": X})
        assert np.allclose(G @ X.T, det(X) * np.eye(n), atol=1e-10)


def test_identities_are_many_and_distinct():
    ids = [p.id for p in CASES]
    assert len(ids) == len(set(ids))
    assert len(ids) >= 60
