"""The fuzzer's own reference for the matrix functions (expm, logm, sqrtm, X^p with SciPy) and
the spectral functions (eigenvalues and singular values with NumPy), independent of the core:
a point too near the edge of their domain is a ``DomainError``."""

from __future__ import annotations

import numpy as np


class DomainError(ArithmeticError):
    """The point is outside (or too near the edge of) the function's domain."""


SPECTRAL_FUNCTIONS = ("lambda_max", "lambda_min", "sigma_max", "norm_nuc")


def _matrix_function(name: str, a: np.ndarray, p: float = 0.5) -> np.ndarray:
    """expm, logm, sqrtm, X^p with SciPy (principal branches: no eigenvalue near (-∞, 0])."""
    import scipy.linalg

    if name == "expm":
        return scipy.linalg.expm(a)
    eig = np.linalg.eigvals(a)
    if np.any((eig.real <= 0) & (np.abs(eig.imag) < 0.05)) or np.min(np.abs(eig)) < 0.05:
        raise DomainError(f"{name} of a matrix with an eigenvalue near the negative real axis")
    if name == "logm":
        out = scipy.linalg.logm(a)
    elif name == "sqrtm":
        out = scipy.linalg.sqrtm(a)
    else:
        out = scipy.linalg.fractional_matrix_power(a, p)
    return np.real(out)


def _frechet(name: str, x: np.ndarray, e: np.ndarray, p: float = 0.5) -> np.ndarray:
    """L_f(X, E) by the block formula: the upper right block of f([[X, E], [0, X]]) (Higham,
    Functions of Matrices, Thm 3.6); the core uses expm_frechet and Sylvester solves instead."""
    n = x.shape[0]
    block = np.block([[x, e], [np.zeros_like(x), x]])
    return _matrix_function(name, block, p)[:n, n:]


def _spectral(name: str, a: np.ndarray) -> float:
    """λ_max, λ_min of the symmetric part; σ_max; the nuclear norm. Away from repeated
    eigenvalues (singular values), and from rank deficiency for the nuclear norm."""
    if name.startswith("lambda"):
        lam = np.linalg.eigvalsh((a + a.T) / 2)
        if len(lam) > 1 and min(lam[-1] - lam[-2], lam[1] - lam[0]) < 0.05:
            raise DomainError(f"{name} of a matrix with a nearly repeated eigenvalue")
        return float(lam[-1] if name == "lambda_max" else lam[0])
    s = np.linalg.svd(a, compute_uv=False)
    if name == "norm_nuc":
        if np.min(s) < 0.05:
            raise DomainError("nuclear norm of a nearly rank-deficient matrix")
        return float(np.sum(s))
    if s[0] < 0.05 or (len(s) > 1 and s[0] - s[1] < 0.05):
        raise DomainError("sigma_max of a matrix with a nearly repeated top singular value")
    return float(s[0])
