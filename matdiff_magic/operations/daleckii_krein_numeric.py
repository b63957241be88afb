"""The numbers of the Daleckii–Krein form of a matrix function of a symmetric X = Q diag(λ) Qᵀ:
the orthonormal eigenvectors Q (eigh of (X + Xᵀ)/2, eigenvalues ascending) and the matrix of
divided differences F_ij = (f(λ_i) − f(λ_j))/(λ_i − λ_j), F_ii = f′(λ_i), so that
L_f(X, E) = Q (F ⊙ (Qᵀ E Q)) Qᵀ and f(X) = Q diag(f(λ)) Qᵀ.

A divided difference computed as written loses every digit when λ_i ≈ λ_j (the difference of
two close values of f over a tiny difference). Each f here has a form without that
cancellation: (e^a − e^b)/(a − b) = e^b expm1(a − b)/(a − b), (log a − log b)/(a − b) =
log1p((a − b)/b)/(a − b), (√a − √b)/(a − b) = 1/(√a + √b), (a^p − b^p)/(a − b) =
b^p expm1(p log1p((a − b)/b))/(a − b); where |a − b| is below ``CLOSE`` relative to the
eigenvalues the quotient is f′ at the midpoint (its error, f‴ (a − b)²/24, is then below the
rounding of the others).

``TEMPLATES`` hold the same computations as source text for generated code, one template for
NumPy, PyTorch and JAX (``MOD`` is the target's module; no Python branch on array values, so
``jax.jit`` traces them)."""

from __future__ import annotations

import numpy as np

from matdiff_magic.errors import EvaluationError
from matdiff_magic.messages import Msg
from matdiff_magic.operations import matrix_function_targets as T

CLOSE = 1e-12  # |λ_i − λ_j| below this (relative) counts as equal: f′ at the midpoint


def eigen(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """λ (ascending) and U of the symmetric part of ``x`` (``x`` itself when symmetric)."""
    try:
        return np.linalg.eigh((x + x.T) / 2)
    except np.linalg.LinAlgError:
        raise EvaluationError(Msg("eval.linalg_failed", cause="eigh")) from None


def _values(func: str, lam: np.ndarray, p: float | None) -> np.ndarray:
    if func == "expm":
        return np.exp(lam)
    if func == "logm":
        return np.log(lam)
    if func == "sqrtm":
        return np.sqrt(lam)
    return lam**p


def _positive(func: str, lam: np.ndarray) -> None:
    """log, sqrt and x^p need positive eigenvalues (a symmetric X has real ones)."""
    if func != "expm" and np.min(lam) <= 0:
        raise EvaluationError(Msg("eval.matfun_branch"))


def divided_differences(func: str, lam: np.ndarray, p: float | None = None) -> np.ndarray:
    """F_ij = (f(λ_i) − f(λ_j))/(λ_i − λ_j), F_ii = f′(λ_i), without cancellation."""
    _positive(func, lam)
    a, b = lam[:, None], lam[None, :]
    d = a - b
    close = np.abs(d) <= CLOSE * np.maximum(np.abs(a), np.abs(b))
    safe = np.where(close, 1.0, d)
    m = (a + b) / 2
    with np.errstate(all="ignore"):
        if func == "expm":
            quotient, slope = np.exp(b) * np.expm1(safe) / safe, np.exp(m)
        elif func == "logm":
            quotient, slope = np.log1p(safe / b) / safe, 1 / m
        elif func == "sqrtm":
            quotient = 1 / (np.sqrt(a) + np.sqrt(b))
            slope = quotient
        else:
            quotient = b**p * np.expm1(p * np.log1p(safe / b)) / safe
            slope = p * m ** (p - 1)
    return np.where(close, slope, quotient)


def function_value(func: str, x: np.ndarray, p: float | None = None) -> np.ndarray:
    """f(X) = Q diag(f(λ)) Qᵀ for a symmetric X."""
    lam, u = eigen(x)
    _positive(func, lam)
    return (u * _values(func, lam, p)) @ u.T


def frechet(func: str, x: np.ndarray, e: np.ndarray, p: float | None = None) -> np.ndarray:
    """L_f(X, E) = Q (F ⊙ (Qᵀ E Q)) Qᵀ for a symmetric X (any square E)."""
    lam, u = eigen(x)
    return u @ (divided_differences(func, lam, p) * (u.T @ e @ u)) @ u.T


_DIVIDED = (
    "def _divided_differences_T(func, x, p=None):\n"
    "    # F_ij = (f(λ_i) - f(λ_j))/(λ_i - λ_j), F_ii = f'(λ_i), λ the eigenvalues of x;\n"
    "    # each quotient in a form without cancellation, f' at the midpoint where λ_i ≈ λ_j\n"
    "    lam = MOD.linalg.eigh((x + x.T) / 2)[0]\n"
    "    a, b = lam[:, None], lam[None, :]\n"
    "    d = a - b\n"
    "    close = MOD.abs(d) <= 1e-12 * MOD.maximum(MOD.abs(a), MOD.abs(b))\n"
    "    safe = MOD.where(close, MOD.ones_like(d), d)\n"
    "    m = (a + b) / 2\n"
    "    if func == 'expm':\n"
    "        quotient, slope = MOD.exp(b) * MOD.expm1(safe) / safe, MOD.exp(m)\n"
    "    elif func == 'logm':\n"
    "        quotient, slope = MOD.log1p(safe / b) / safe, 1 / m\n"
    "    elif func == 'sqrtm':\n"
    "        quotient = 1 / (MOD.sqrt(a) + MOD.sqrt(b))\n"
    "        slope = quotient\n"
    "    else:\n"
    "        quotient = b ** p * MOD.expm1(p * MOD.log1p(safe / b)) / safe\n"
    "        slope = p * m ** (p - 1)\n"
    "    return MOD.where(close, slope, quotient)\n"
)
_BASIS = (
    "def _eigh_basis_T(x):\n"
    "    # the orthonormal eigenvectors Q of a symmetric x = Q diag(λ) Qᵀ (λ ascending)\n"
    "    return MOD.linalg.eigh((x + x.T) / 2)[1]\n"
)
_FUNCTION = (
    "def _matfun_sym_T(func, x, p=None):\n"
    "    # f(x) = Q diag(f(λ)) Qᵀ for a symmetric x = Q diag(λ) Qᵀ\n"
    "    lam, u = MOD.linalg.eigh((x + x.T) / 2)\n"
    "    f = {'expm': MOD.exp, 'logm': MOD.log, 'sqrtm': MOD.sqrt}.get(func)\n"
    "    values = f(lam) if f is not None else lam ** p\n"
    "    return (u * values[None, :]) @ u.T\n"
)
_FRECHET = (
    "def _frechet_sym_T(func, x, e, p=None):\n"
    "    # Daleckii–Krein: L_f(x, e) = Q (F ⊙ (Qᵀ e Q)) Qᵀ for a symmetric x = Q diag(λ) Qᵀ\n"
    "    u = _eigh_basis_T(x)\n"
    "    return u @ (_divided_differences_T(func, x, p) * (u.T @ e @ u)) @ u.T\n"
)
NEEDS = {  # a helper's own helpers
    "_frechet_sym": ("_eigh_basis", "_divided_differences"),
}


def _fill(template: str, target: str) -> str:
    suffix = "" if target == "numpy" else "_" + target
    return template.replace("_T(", suffix + "(").replace("MOD", T.MODULE[target])


CODE = {
    T.name(helper, target): _fill(template, target)
    for helper, template in (
        ("_divided_differences", _DIVIDED),
        ("_eigh_basis", _BASIS),
        ("_matfun_sym", _FUNCTION),
        ("_frechet_sym", _FRECHET),
    )
    for target in T.MODULE
}
