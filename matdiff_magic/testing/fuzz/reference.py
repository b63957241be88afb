"""An independent NumPy evaluator of the fuzzer's AST, finite differences, and layouts.

Nothing here imports matdiff: the meaning of every operator is written again from the README
("The language"), so agreement with matdiff's derivatives is evidence, not an echo. The
evaluator also guards the domain: it raises :class:`DomainError` when a value is not finite,
huge, or too close to the edge of a function's domain (log of a tiny number, a nearly singular
inverse), and the runner then picks another random point.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

import numpy as np

from matdiff_magic.testing.fuzz import reference_matfun as MF
from matdiff_magic.testing.fuzz.ast import ONE, Dim, Node, Shape, Variable
from matdiff_magic.testing.fuzz.case import Case

LIMIT = 1e6  # no intermediate value larger than this (finite differences of it are noise)
EDGE = 1e-3  # arguments of log, sqrt, ./ and fractional powers stay at least this far from 0
MAX_COND = 1e4  # condition number of anything inverted
DomainError = MF.DomainError  # the point is outside (or too near the edge of) the domain


def dim_size(d: Dim, sizes: Mapping[str, int]) -> int:
    out = 1
    for a in d:
        out *= sizes[a]
    return out


def shape_size(shape: Shape, sizes: Mapping[str, int]) -> tuple[int, int]:
    return dim_size(shape[0], sizes), dim_size(shape[1], sizes)


def _number(text: str) -> float:
    return float(Fraction(text))


def _away(x: np.ndarray, what: str, signed: bool = False) -> None:
    bad = np.abs(x) < EDGE if signed else x < EDGE
    if np.any(bad):
        raise DomainError(f"{what} of {float(np.min(np.abs(x) if signed else x)):.2g}")


def _conditioned(x: np.ndarray, what: str) -> None:
    if np.linalg.cond(x) > MAX_COND:
        raise DomainError(f"{what} of an ill-conditioned matrix")


class Evaluator:
    """Evaluates nodes to 2-D arrays; ``values`` holds variables and definitions."""

    def __init__(self, sizes: Mapping[str, int], values: Mapping[str, np.ndarray]) -> None:
        self.sizes = sizes
        self.values = values
        self.memo: dict[int, np.ndarray] = {}

    def __call__(self, n: Node) -> np.ndarray:
        key = id(n)
        found = self.memo.get(key)
        if found is None:
            with np.errstate(all="ignore"):
                found = self.compute(n)
            found = np.asarray(found, dtype=float)
            if found.ndim != 2:
                found = found.reshape(1, 1)
            if not np.all(np.isfinite(found)) or (found.size and np.max(np.abs(found)) > LIMIT):
                raise DomainError(f"{n.op} {n.val}: value not finite or huge")
            want = shape_size(n.shape, self.sizes)
            assert found.shape == want, (n.op, n.val, found.shape, want)
            self.memo[key] = found
        return found

    def compute(self, n: Node) -> np.ndarray:
        op = n.op
        if op == "var":
            return self.values[n.val]
        if op == "num":
            return np.array([[_number(n.val)]])
        if op == "ones":
            return np.ones(shape_size(n.shape, self.sizes))
        if op == "I":
            return np.eye(dim_size(n.shape[0], self.sizes))
        if op == "K":  # K vec(A) = vec(Aᵀ) for A of size m×n (vec stacks columns)
            m, k = (self.sizes[a] for a in n.val.split(","))
            out = np.zeros((m * k, m * k))
            for i in range(m):
                for j in range(k):
                    out[i * k + j, j * m + i] = 1.0
            return out
        args = [self(a) for a in n.args]
        if op == "unvec":
            m, k = (self.sizes[a] for a in n.val.split(","))
            return args[0].reshape(m, k, order="F")
        if op == "add":
            return args[0] + args[1]
        if op == "sub":
            return args[0] - args[1]
        if op == "neg":
            return -args[0]
        if op == "plus":
            return args[0]
        if op == "mul":
            a, b = args
            # The language's product: a 1×1 factor scales the other.
            return a * b if (a.shape == (1, 1) or b.shape == (1, 1)) else a @ b
        if op in ("max", "min"):
            a, b = args
            _away(a - b, op, signed=True)  # the kink: where the two sides tie
            return np.maximum(a, b) if op == "max" else np.minimum(a, b)
        if op == "had":
            return args[0] * args[1]
        if op in ("hdiv", "div"):
            _away(args[1], "division by", signed=True)
            return args[0] / args[1]
        if op == "kron":
            return np.kron(args[0], args[1])
        if op == "khatri_rao":  # column l is a_l ⊗ b_l
            return np.einsum("ik,jk->ijk", args[0], args[1]).reshape(-1, args[0].shape[1])
        if op == "T":
            return args[0].T
        if op in ("inv", "invT"):
            _conditioned(args[0], "inverse")
            out = np.linalg.inv(args[0])
            return out.T if op == "invT" else out
        if op == "mpow" and Fraction(n.val).denominator != 1:  # X^(1/3): principal branch
            return MF._matrix_function("power", args[0], float(Fraction(n.val)))
        if op == "mpow":
            k = int(n.val)
            if k < 0:
                _conditioned(args[0], "negative power")
            return np.linalg.matrix_power(args[0], k)
        if op in ("spow", "hpow"):
            k = Fraction(n.val)
            if k.denominator != 1:
                _away(args[0], "fractional power")
            elif k < 0:
                _away(args[0], "negative power", signed=True)
            return np.power(args[0], float(k))
        if op == "epow":
            _away(args[0], "power with a variable exponent")
            return np.power(args[0], args[1])
        if op == "call":
            return self.call(n.val, args[0])
        if op == "frechet":  # val "exp", "log", "sqrt" or "pow:1/3"
            name, _, power = n.val.partition(":")
            func = {"exp": "expm", "log": "logm", "sqrt": "sqrtm", "pow": "power"}[name]
            return MF._frechet(func, args[0], args[1], float(Fraction(power or "1/2")))
        raise AssertionError(op)

    def call(self, name: str, a: np.ndarray) -> np.ndarray:
        if name == "tr":
            return np.array([[np.trace(a)]])
        if name == "det":
            return np.array([[np.linalg.det(a)]])
        if name == "logdet":
            sign, logabs = np.linalg.slogdet(a)
            if sign <= 0:
                raise DomainError("logdet of a matrix whose determinant is not positive")
            _conditioned(a, "logdet")
            return np.array([[logabs]])
        if name in ("expm", "logm", "sqrtm"):
            return MF._matrix_function(name, a)
        if name in MF.SPECTRAL_FUNCTIONS:
            return np.array([[MF._spectral(name, a)]])
        if name == "sum":
            return np.array([[a.sum()]])
        if name == "norm":
            value = float(np.sqrt(np.sum(a * a)))
            _away(np.array([value]), "norm")
            return np.array([[value]])
        if name == "vec":
            return a.reshape(-1, 1, order="F")
        if name == "diag":
            if a.shape[1] == 1:
                return np.diag(a[:, 0])
            return np.diag(a).reshape(-1, 1).copy()
        if name == "softmax":  # a column, or each column of a matrix
            w = np.exp(a - a.max(axis=0))
            return w / w.sum(axis=0)
        if name == "logsumexp":
            if a.shape[0] > 1 and a.shape[1] > 1:  # each column of a matrix: a row
                top = a.max(axis=0, keepdims=True)
                return top + np.log(np.exp(a - top).sum(axis=0, keepdims=True))
            top = a.max()
            return np.array([[top + np.log(np.exp(a - top).sum())]])
        if name == "exp":
            return np.exp(a)
        if name == "log":
            _away(a, "log")
            return np.log(a)
        if name == "sqrt":
            _away(a, "sqrt")
            return np.sqrt(a)
        if name == "sin":
            return np.sin(a)
        if name == "cos":
            return np.cos(a)
        if name == "tanh":
            return np.tanh(a)
        if name in ("abs", "sign", "step", "relu"):
            _away(a, name, signed=True)  # the kink at 0
            if name == "abs":
                return np.abs(a)
            if name == "sign":
                return np.sign(a)
            return (a > 0).astype(float) if name == "step" else np.where(a > 0, a, 0.0)
        if name == "tan":
            if np.max(np.abs(a)) > 1.3:
                raise DomainError("tan near its pole")
            return np.tan(a)
        if name == "arctan":
            return np.arctan(a)
        if name == "sinh":
            return np.sinh(a)
        if name == "cosh":
            return np.cosh(a)
        if name == "softplus":
            return np.log1p(np.exp(-np.abs(a))) + np.maximum(a, 0.0)
        if name == "log1p":
            _away(a + 1.0, "log1p")
            return np.log1p(a)
        if name == "expm1":
            return np.expm1(a)
        if name == "mean":
            return np.array([[a.mean()]])
        if name == "sigmoid":
            return 1.0 / (1.0 + np.exp(-a))
        raise AssertionError(name)


# -- a case as a function ---------------------------------------------------------------------


def evaluate_case(
    case: Case, values: Mapping[str, np.ndarray], free: str | None = None
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The function's value and every definition's value.

    ``free`` names a definition that is an input (its value is taken from ``values``): the
    lines below it are functions of it; its own right-hand side is not used.
    """
    env = dict(values)
    ev = Evaluator(case.sizes, env)
    for name, node in case.definitions:
        if name == free:
            env[name] = np.asarray(values[name], dtype=float)
        else:
            env[name] = ev(node)
    return ev(case.function), {name: env[name] for name, _ in case.definitions}


def random_value(v: Variable, sizes: Mapping[str, int], rng: np.random.Generator,
                 scale: float = 1.0) -> np.ndarray:
    """Positive variables in scale·(0.5, 1.5); square ones near I; others scale·N(0, 1) (scalars
    scale·±(0.5, 1.5)). A smaller scale keeps deep compositions out of saturation."""
    rows, cols = shape_size(v.shape, sizes)
    if v.kind == "onehot":  # the declared facts hold: one entry 1, a point of the simplex, ±1
        return np.eye(rows)[:, [int(rng.integers(rows))]]
    if v.kind == "simplex":
        w = rng.uniform(0.5, 1.5, size=(rows, 1))
        return w / w.sum()
    if v.kind == "pm1":
        return rng.choice([-1.0, 1.0], size=(rows, 1))
    if v.positive:
        return scale * rng.uniform(0.5, 1.5, size=(rows, cols))
    if v.kind == "spd":  # G Gᵀ/n + I/2: positive definite
        g = rng.normal(size=(rows, rows))
        return g @ g.T / rows + 0.5 * np.eye(rows)
    if v.near_identity:
        x = np.eye(rows) + 0.3 * rng.normal(size=(rows, rows)) / np.sqrt(rows)
        return (x + x.T) / 2 if v.kind == "symmetric" else x
    if rows == cols == 1:
        return np.array([[scale * rng.choice([-1.0, 1.0]) * rng.uniform(0.5, 1.5)]])
    return scale * rng.normal(size=(rows, cols))


def random_values(case: Case, rng: np.random.Generator, scale: float = 1.0
                  ) -> dict[str, np.ndarray]:
    return {v.name: random_value(v, case.sizes, rng, scale) for v in case.variables}


__all__ = ["DomainError", "Evaluator", "evaluate_case", "random_values", "shape_size", "ONE"]
