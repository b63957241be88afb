"""Numeric checks: random inputs, central finite differences, and step-by-step equality.

Finite differences only evaluate the *function*; they share nothing with the symbolic
differentiation, so agreement is real evidence that a derivative is right.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import sympy

from matdiff_magic import finite
from matdiff_magic.derived import Derived
from matdiff_magic.dims import ONE, symbol_name
from matdiff_magic.domain_edges import not_flat, well_posed
from matdiff_magic.errors import EvaluationError, MatDiffError, Msg
from matdiff_magic.numeric import Env, bind
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr

DEFAULT_SIZES = (3, 4, 2, 5, 6, 7, 8, 9)  # distinct, so a transposition cannot hide


def dimension_symbols(variables: Mapping[str, N.Var], f: Expr | None = None) -> list[sympy.Symbol]:
    """The size symbols of the variables, then any other size in ``f`` (the size of a 𝟏 or an
    I tied to no variable, as in tr(I) x' x)."""
    symbols: list[sympy.Symbol] = []
    dims: list[sympy.Expr] = [d for var in variables.values() for d in var.shape]
    if f is not None:
        for node in f.distinct():
            dims += node.shape
            # sizes inside numbers too: the n of tr(I_n) = n scales what follows
            dims += [item for item in node._init if isinstance(item, sympy.Basic)]
    for d in dict.fromkeys(dims):  # each distinct size once (most repeat), in order
        if d.is_Integer:
            continue
        for s in sorted(d.free_symbols, key=symbol_name):
            if s not in symbols:
                symbols.append(s)
    return symbols


def dimension_sizes(
    variables: Mapping[str, N.Var],
    sizes: Mapping[str, int] | None = None,
    pool: tuple[int, ...] = DEFAULT_SIZES,
    order: list[int] | None = None,
    f: Expr | None = None,
) -> dict[sympy.Symbol, int]:
    """A distinct size for every dimension symbol (or the ones given by name), from ``pool``
    (its first sizes taken in ``order`` when given: another assignment of the same sizes)."""
    symbols = dimension_symbols(variables, f)
    used = {int(d) for v in variables.values() for d in v.shape if d.is_Integer}
    free = [s for s in symbols if not (sizes and symbol_name(s) in sizes)]
    extra = range(10, 10 + len(pool) + len(free) + len(used))
    available = [k for k in dict.fromkeys((*pool, *extra)) if k not in used]
    chosen = available[: len(free)]
    if order is not None:
        chosen = [chosen[i] for i in order]
    it = iter(chosen)
    names = [symbol_name(s) for s in symbols]
    return {
        s: int(sizes[name]) if sizes and name in sizes else next(it)
        for s, name in zip(symbols, names, strict=True)
    }


def _size(d: sympy.Expr, sizes: Mapping[sympy.Symbol, int]) -> int:
    return int(d.xreplace(dict(sizes))) if d.free_symbols else int(d)


def random_value(
    var: N.Var,
    sizes: Mapping[sympy.Symbol, int],
    rng: np.random.Generator,
    positive: bool = False,
    scale: float = 1.0,
) -> np.ndarray:
    """A random value for a variable: square matrices well conditioned, scalars away from 0;
    ``scale`` shrinks the spread (values that saturate tanh or overflow exp less)."""
    rows, cols = _size(var.rows, sizes), _size(var.cols, sizes)
    if rows == 1 and cols == 1:
        return np.array([[rng.uniform(0.6, 1.4)]])
    if var.fact:  # a point where the declared fact holds (the result may use it)
        return fact_value(var.fact, rows, rng)
    if var.structure == "spd":  # G Gᵀ/n + I/2: positive definite, eigenvalues near 1
        g = rng.normal(size=(rows, rows)) * np.sqrt(scale)
        return g @ g.T / rows + 0.5 * np.eye(rows)
    if var.structure == "diagonal":  # away from 0, either sign
        d = rng.uniform(0.5, 1.5, size=rows) * (1 if positive else rng.choice([-1.0, 1.0], rows))
        return np.diag(d)
    if positive:
        value = rng.uniform(1 - 0.5 * scale, 1 + 0.5 * scale, size=(rows, cols))
        return (value + value.T) / 2 if var.symmetric else value
    value = scale * rng.normal(size=(rows, cols))
    if rows == cols:
        value = 0.4 * value / np.sqrt(rows) + np.eye(rows)
        if var.symmetric:
            value = (value + value.T) / 2
    elif rows > 1 and cols > 1:
        value = value / np.sqrt(cols)  # so long products A₁ A₂ ⋯ neither blow up nor vanish
    return value


def fact_value(fact: str, k: int, rng: np.random.Generator) -> np.ndarray:
    """A random k×1 value with a declared fact: one-hot, on the simplex (entries clear of 0, so
    log y is defined), or ±1 entries."""
    if fact == "onehot":
        value = np.zeros((k, 1))
        value[rng.integers(k), 0] = 1.0
        return value
    if fact == "simplex":
        w = rng.uniform(0.5, 1.5, size=(k, 1))
        return w / w.sum()
    if fact == "pm1":
        return rng.choice([-1.0, 1.0], size=(k, 1))
    raise ValueError(f"unknown fact {fact!r}")


def random_values(
    variables: Mapping[str, N.Var],
    rng: np.random.Generator,
    sizes: Mapping[str, int] | None = None,
    f: Expr | None = None,
    fixed: Mapping[str, object] | None = None,
    pool: tuple[int, ...] = DEFAULT_SIZES,
    scale: float = 1.0,
) -> dict[str, np.ndarray]:
    """Random values for every variable; if ``f`` is given, ones inside its domain, away from
    its edges (see :func:`well_posed`), trying other assignments of the sizes if need be
    (Xᵀ X is singular when X has fewer rows than columns)."""
    return random_point(variables, rng, sizes, f, fixed, pool, scale)[0]


def values_at(
    variables: Mapping[str, N.Var],
    f: Expr,
    fixed: Mapping[str, object] | None = None,
    seed: int = 0,
) -> dict[str, np.ndarray]:
    """Values for every variable: ``fixed`` ones as given (arrays from a notebook), the others
    random inside ``f``'s domain, with the sizes the fixed ones set."""
    rng = np.random.default_rng(seed)
    known = {k: v for k, v in (fixed or {}).items() if k in variables}
    # The sizes the given values fix (n = 5 from a 5×5 A): the other variables take them too.
    sizes = {str(s): k for s, k in bind(variables, known, needed=set(known)).sizes.items()}
    return random_values(variables, rng, sizes, f, fixed=known)


def random_point(
    variables: Mapping[str, N.Var],
    rng: np.random.Generator,
    sizes: Mapping[str, int] | None = None,
    f: Expr | None = None,
    fixed: Mapping[str, object] | None = None,
    pool: tuple[int, ...] = DEFAULT_SIZES,
    scale: float = 1.0,
) -> tuple[dict[str, np.ndarray], dict[sympy.Symbol, int]]:
    """:func:`random_values` and the size of every dimension symbol, those of ``f`` that no
    variable has included."""
    fixed = dict(fixed or {})
    symbols = dimension_symbols(variables, f)
    n_free = len([s for s in symbols if not (sizes and symbol_name(s) in sizes)])
    orders: list[list[int] | None] = [None]
    if n_free > 1:
        orders.append(list(reversed(range(n_free))))
        orders += [list(rng.permutation(n_free)) for _ in range(2)]
    last_error: Exception | None = None
    fallback: tuple[dict[str, np.ndarray], dict[sympy.Symbol, int]] | None = None
    names = list(variables)
    for order in orders:
        dim_sizes = dimension_sizes(variables, sizes, pool, order, f)
        for attempt in range(6):
            # all real-valued, all positive, then mixtures (log(x) - sum(y) ./ z: x and z
            # positive, y anywhere), some with smaller values
            if attempt < 2:
                positive = dict.fromkeys(names, attempt == 1)
            else:
                positive = {n: bool(rng.integers(2)) for n in names}
            spread = scale if attempt < 4 else 0.3 * scale
            values = {
                name: (
                    np.asarray(fixed[name], dtype=float)
                    if name in fixed
                    else random_value(var, dim_sizes, rng, positive[name], spread)
                )
                for name, var in variables.items()
            }
            if f is None:
                return values, dim_sizes
            try:
                env = bind(variables, values)
                env.sizes = {**dim_sizes, **env.sizes}
                if well_posed(f, env):
                    if not_flat(f, env):
                        return values, dim_sizes
                    fallback = fallback or (values, dim_sizes)
            except EvaluationError as exc:
                last_error = exc
    if fallback is not None:  # every well-posed point had a squashing function flat
        return fallback
    if last_error is None:
        raise EvaluationError(Msg("eval.no_finite_inputs"))
    raise EvaluationError(Msg("eval.no_finite_inputs.because", cause=last_error))


def numerator_jacobian(f: Expr, wrt: N.Var, env: Env, h: float = 1e-6) -> np.ndarray:
    """d vec(f) / d vec(x)^T by central differences (f evaluated only)."""
    return finite.jacobian(f, wrt, env, h)[0]


def arrange(
    jac: np.ndarray, f_shape: tuple[int, int], x_shape: tuple[int, int], orientation: str
) -> np.ndarray:
    """The numerator Jacobian d vec(f)/d vec(x)^T rearranged as matdiff returns derivatives
    (scalar by scalar, and a Hessian by a scalar, as 0-d arrays)."""
    out = finite.arrange(jac, f_shape, x_shape, orientation)
    return (
        out.reshape(())
        if out.size == 1 and x_shape == (1, 1) and (f_shape == (1, 1) or orientation == "hessian")
        else out
    )


@dataclass
class CheckReport:
    """How a derivative compares with finite differences at one random point."""

    max_abs_error: float
    max_rel_error: float
    scale: float
    values: dict[str, np.ndarray]
    derivative: np.ndarray
    finite_difference: np.ndarray

    @property
    def ok(self) -> bool:
        return self.max_rel_error < 1e-5


def relative_error(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float]:
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise MatDiffError(Msg("eval.shapes_differ", a=a.shape, b=b.shape))
    diff = float(np.max(np.abs(a - b))) if a.size else 0.0
    scale = float(max(np.max(np.abs(b)) if b.size else 0.0, np.max(np.abs(a)) if a.size else 0.0))
    return diff, diff / max(scale, 1e-8), scale


def check_result(
    result: Derived,
    values: Mapping[str, object] | None = None,
    seed: int = 0,
    sizes: Mapping[str, int] | None = None,
) -> CheckReport:
    """Compare ``result.evaluate`` with central finite differences of the function."""
    rng = np.random.default_rng(seed)
    variables = dict(result.problem.variables)
    variables.setdefault(result.wrt.name, result.wrt)
    if values is None:
        values = random_values(variables, rng, sizes, result.function)
    env = bind(variables, values)
    return _against(result, values, env, _jacobian(result, env))


def check_results(
    results: Mapping[str, Derived], values: Mapping[str, object]
) -> dict[str, CheckReport]:
    """:func:`check_result` for several derivatives of one function by one variable (the
    methods of a comparison) at ``values``: the finite-difference Jacobian is computed once.
    A method whose value cannot be evaluated there is left out."""
    reports: dict[str, CheckReport] = {}
    jacobians: dict[int, np.ndarray] = {}  # by order: of f, or of the gradient for a Hessian
    for method, result in results.items():
        variables = dict(result.problem.variables)
        variables.setdefault(result.wrt.name, result.wrt)
        try:
            env = bind(variables, values)
            if result.order not in jacobians or result.order == 2:
                jacobians[result.order] = _jacobian(result, env)
            reports[method] = _against(result, values, env, jacobians[result.order])
        except MatDiffError:
            continue
    return reports


def _jacobian(result: Derived, env: Env) -> np.ndarray:
    """d vec(f)/d vec(x)ᵀ by central differences (of the gradient, for a Hessian)."""
    if result.order == 2:
        return numerator_jacobian(result.gradient().expr, result.wrt, env)
    jac = numerator_jacobian(result.function, result.wrt, env)
    # a structured variable's derivative in the convention asked for (structured.py)
    x_shape = (env.size(result.wrt.rows), env.size(result.wrt.cols))
    return finite.structured(jac, x_shape, getattr(result.outcome, "structure", ""))


def _against(
    result: Derived, values: Mapping[str, object], env: Env, jac: np.ndarray
) -> CheckReport:
    f = result.function
    f_shape = (env.size(f.rows), env.size(f.cols))
    x_shape = (env.size(result.wrt.rows), env.size(result.wrt.cols))
    orientation = result.orientation
    expected = arrange(jac, f_shape, x_shape, orientation)
    got = result.evaluate(values)
    diff, rel, scale = relative_error(got, expected)
    return CheckReport(diff, rel, scale, dict(env.values), np.asarray(got), expected)


def has_opaque(e: Expr) -> bool:
    return any(isinstance(n, N.Opaque) for n in e.walk())


__all__ = [
    "check_result",
    "random_values",
    "numerator_jacobian",
    "arrange",
    "CheckReport",
    "ONE",
]
