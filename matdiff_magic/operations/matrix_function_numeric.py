"""The numbers of the matrix functions (principal branches), with SciPy: f(X), the Fréchet
derivative L_f(X, E), its n²×n² matrix (vec L_f(X, E) = K vec E), and how far X is from the
edge of the domain (eigenvalues on the closed negative real axis, for log, sqrt and X^p).

``CODE`` holds the same computations as source text for generated NumPy code (the helpers
import SciPy themselves, so the generated function needs nothing else)."""

from __future__ import annotations

import warnings

import numpy as np

from matdiff_magic.errors import EvaluationError
from matdiff_magic.messages import Msg


class _SciPyLinalg:
    """scipy.linalg, imported when a matrix function is first evaluated: importing it costs
    more than a third of the package's import time, and most derivations never need it."""

    def __getattr__(self, name: str) -> object:
        import scipy.linalg

        return getattr(scipy.linalg, name)


sl = _SciPyLinalg()

IMAGINARY_TOLERANCE = 1e-8  # SciPy's logm/sqrtm of a real matrix carry round-off imaginary parts


def _real(value: np.ndarray) -> np.ndarray:
    value = np.asarray(value)
    if np.iscomplexobj(value):
        scale = max(1.0, float(np.max(np.abs(value))))
        if np.max(np.abs(value.imag)) > IMAGINARY_TOLERANCE * scale:
            raise EvaluationError(Msg("eval.matfun_branch"))
        value = value.real
    return np.array(value, dtype=float)


def value(func: str, x: np.ndarray, p: float | None = None) -> np.ndarray:
    """f(X) on the principal branch."""
    with np.errstate(all="ignore"):
        if func == "expm":
            return sl.expm(x)
        if func == "logm":
            with warnings.catch_warnings():  # an accuracy estimate: FD checks judge accuracy
                warnings.simplefilter("ignore")
                return _real(sl.logm(x))
        if func == "sqrtm":
            return _real(sl.sqrtm(x))
        if func == "power":
            return _real(sl.fractional_matrix_power(x, float(p)))
    raise ValueError(func)


def frechet(func: str, x: np.ndarray, e: np.ndarray, p: float | None = None) -> np.ndarray:
    """L_f(X, E): expm by SciPy's ``expm_frechet``, sqrtm by the Sylvester equation
    S L + L S = E, logm and X^p by the upper right block of f([[X, E], [0, X]])."""
    if func == "expm":
        return sl.expm_frechet(x, e, compute_expm=False)
    if func == "sqrtm":
        s = value("sqrtm", x)
        return sl.solve_sylvester(s, s, e)
    n = x.shape[0]
    # L is linear in E: scaling E to the size of X keeps the block method accurate.
    size_e, size_x = np.linalg.norm(e), max(np.linalg.norm(x), 1.0)
    if size_e == 0:
        return np.zeros_like(x)
    c = size_x / size_e
    block = np.block([[x, c * e], [np.zeros_like(x), x]])
    return value(func, block, p)[:n, n:] / c


def kron_form(func: str, x: np.ndarray, p: float | None = None) -> np.ndarray:
    """The n²×n² matrix K with vec L_f(X, E) = K vec E (column-major vec), column by column."""
    n = x.shape[0]
    out = np.empty((n * n, n * n))
    for k in range(n * n):
        unit = np.zeros(n * n)
        unit[k] = 1.0
        out[:, k] = frechet(func, x, unit.reshape(n, n, order="F"), p).reshape(-1, order="F")
    return out


def clear_of_negative_axis(x: np.ndarray, margin: float) -> bool:
    """Whether every eigenvalue of X is more than ``margin`` (relative to ‖X‖) away from the
    closed negative real axis (-∞, 0], where log, sqrt and X^p have no principal branch."""
    eig = np.linalg.eigvals(x)
    scale = max(1.0, float(np.max(np.abs(eig))))
    on_left = eig.real <= 0
    distance = np.where(on_left, np.abs(eig.imag), np.abs(eig))
    return bool(np.min(distance) > max(margin, 1e-2) * scale)


CODE = {
    "_expm": "def _expm(x):\n    import scipy.linalg\n    return scipy.linalg.expm(x)\n",
    "_logm": (
        "def _logm(x):\n    import scipy.linalg\n"
        "    return np.real(scipy.linalg.logm(x))  # principal branch\n"
    ),
    "_sqrtm": (
        "def _sqrtm(x):\n    import scipy.linalg\n"
        "    return np.real(scipy.linalg.sqrtm(x))  # principal branch\n"
    ),
    "_powm": (
        "def _powm(x, p):\n    import scipy.linalg\n"
        "    return np.real(scipy.linalg.fractional_matrix_power(x, p))\n"
    ),
    "_frechet": (
        "def _frechet(f, x, e):\n"
        "    # L_f(X, E): the upper right block of f([[X, E], [0, X]])\n"
        "    n = x.shape[0]\n"
        "    block = np.block([[x, e], [np.zeros_like(x), x]])\n"
        "    return f(block)[:n, n:]\n"
    ),
    "_frechet_expm": (
        "def _frechet_expm(x, e):\n    import scipy.linalg\n"
        "    return scipy.linalg.expm_frechet(x, e, compute_expm=False)\n"
    ),
    "_kron_form": (
        "def _kron_form(frechet, x):\n"
        "    # the n²×n² matrix of E -> L_f(X, E): vec L_f(X, E) = K vec E\n"
        "    n = x.shape[0]\n"
        "    cols = []\n"
        "    for k in range(n * n):\n"
        "        unit = np.zeros(n * n)\n"
        "        unit[k] = 1.0\n"
        "        cols.append(frechet(x, unit.reshape(n, n, order='F')).reshape(-1, order='F'))\n"
        "    return np.stack(cols, axis=1)\n"
    ),
}
