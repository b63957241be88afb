"""Numeric checks: random inputs, central finite differences, and step-by-step equality.

Finite differences only evaluate the *function*; they share nothing with the symbolic
differentiation, so agreement is real evidence that a derivative is right.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import sympy

from matdiff_magic.dims import ONE
from matdiff_magic.errors import EvaluationError, MatDiffError, Msg
from matdiff_magic.numeric import Env, bind, evaluate
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr

if TYPE_CHECKING:
    from matdiff_magic.result import Result

DEFAULT_SIZES = (3, 4, 2, 5, 6, 7, 8, 9)  # distinct, so a transposition cannot hide


def dimension_sizes(
    variables: Mapping[str, N.Var], sizes: Mapping[str, int] | None = None
) -> dict[sympy.Symbol, int]:
    """A distinct size for every dimension symbol (or the ones given by name)."""
    symbols: list[sympy.Symbol] = []
    for var in variables.values():
        for d in var.shape:
            for s in sorted(d.free_symbols, key=str):
                if s not in symbols:
                    symbols.append(s)
    used = {int(d) for v in variables.values() for d in v.shape if d.is_Integer}
    pool = [k for k in DEFAULT_SIZES if k not in used] + [k for k in range(10, 40)]
    out: dict[sympy.Symbol, int] = {}
    for s in symbols:
        if sizes and str(s) in sizes:
            out[s] = int(sizes[str(s)])
        else:
            out[s] = pool.pop(0)
    return out


def _size(d: sympy.Expr, sizes: Mapping[sympy.Symbol, int]) -> int:
    return int(d.xreplace(dict(sizes))) if d.free_symbols else int(d)


def random_value(
    var: N.Var, sizes: Mapping[sympy.Symbol, int], rng: np.random.Generator, positive: bool = False
) -> np.ndarray:
    """A random value for a variable: square matrices well conditioned, scalars away from 0."""
    rows, cols = _size(var.rows, sizes), _size(var.cols, sizes)
    if rows == 1 and cols == 1:
        return np.array([[rng.uniform(0.6, 1.4)]])
    if positive:
        return rng.uniform(0.5, 1.5, size=(rows, cols))
    value = rng.normal(size=(rows, cols))
    if rows == cols:
        value = 0.4 * value / np.sqrt(rows) + np.eye(rows)
        if var.symmetric:
            value = (value + value.T) / 2
    return value


def random_values(
    variables: Mapping[str, N.Var],
    rng: np.random.Generator,
    sizes: Mapping[str, int] | None = None,
    f: Expr | None = None,
    fixed: Mapping[str, object] | None = None,
) -> dict[str, np.ndarray]:
    """Random values for every variable; if ``f`` is given, ones where it is finite."""
    dim_sizes = dimension_sizes(variables, sizes)
    fixed = dict(fixed or {})
    last_error: Exception | None = None
    for attempt in range(8):
        positive = attempt % 2 == 1
        values = {
            name: (
                np.asarray(fixed[name], dtype=float)
                if name in fixed
                else random_value(var, dim_sizes, rng, positive)
            )
            for name, var in variables.items()
        }
        if f is None:
            return values
        try:
            env = bind(variables, values)
            out = evaluate(f, env)
        except EvaluationError as exc:
            last_error = exc
            continue
        if np.all(np.isfinite(out)):
            return values
    if last_error is None:
        raise EvaluationError(Msg("eval.no_finite_inputs"))
    raise EvaluationError(Msg("eval.no_finite_inputs.because", cause=last_error))


def numerator_jacobian(f: Expr, wrt: N.Var, env: Env, h: float = 1e-6) -> np.ndarray:
    """d vec(f) / d vec(x)^T by central differences (f evaluated only)."""
    x0 = env.values[wrt.name]
    flat = x0.reshape(-1, order="F")
    columns = []
    for k in range(flat.size):
        step = h * max(1.0, abs(flat[k]))
        outs = []
        for sign in (1.0, -1.0):
            shifted = flat.copy()
            shifted[k] += sign * step
            values = dict(env.values)
            values[wrt.name] = shifted.reshape(x0.shape, order="F")
            outs.append(evaluate(f, Env(values, env.sizes)).reshape(-1, order="F"))
        columns.append((outs[0] - outs[1]) / (2 * step))
    return np.stack(columns, axis=1)


def arrange(
    jac: np.ndarray, f_shape: tuple[int, int], x_shape: tuple[int, int], orientation: str
) -> np.ndarray:
    """The numerator Jacobian d vec(f)/d vec(x)^T rearranged as matdiff returns derivatives."""
    p, q = f_shape
    m, n = x_shape
    f_scalar, x_scalar = (p, q) == (1, 1), (m, n) == (1, 1)
    if orientation == "hessian":
        return jac.reshape(()) if x_scalar else jac
    if f_scalar and x_scalar:
        return jac.reshape(())
    if x_scalar:
        out = jac.reshape(p, q, order="F")
    elif f_scalar:
        out = jac.reshape(m, n, order="F").T
    elif q == 1 and n == 1:
        out = jac
    else:
        out = jac
    return out.T if orientation == "denominator" else out


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
    result: Result,
    values: Mapping[str, object] | None = None,
    seed: int = 0,
    sizes: Mapping[str, int] | None = None,
) -> CheckReport:
    """Compare ``result.evaluate`` with central finite differences of the function."""
    rng = np.random.default_rng(seed)
    problem = result.problem
    variables = dict(problem.variables)
    variables.setdefault(result.wrt.name, result.wrt)
    f = result.function
    if values is None:
        values = random_values(variables, rng, sizes, f)
    env = bind(variables, values)
    if result.order == 2:
        grad = result.gradient().expr
        jac = numerator_jacobian(grad, result.wrt, env)
    else:
        jac = numerator_jacobian(f, result.wrt, env)
    f_shape = (env.size(f.rows), env.size(f.cols))
    x_shape = (env.size(result.wrt.rows), env.size(result.wrt.cols))
    orientation = result.orientation
    expected = arrange(jac, f_shape, x_shape, orientation)
    got = result.evaluate(values)
    diff, rel, scale = relative_error(got, expected)
    return CheckReport(diff, rel, scale, dict(env.values), np.asarray(got), expected)


def check_steps(
    result: Result,
    values: Mapping[str, object] | None = None,
    seed: int = 0,
    sizes: Mapping[str, int] | None = None,
) -> list[tuple[int, float]]:
    """The relative difference between each step and the one before it (same left side).

    Steps are evaluated with random values and a random direction dX; ``d(...)`` nodes
    evaluate as directional finite differences. Returns (step index, relative error) pairs.
    """
    rng = np.random.default_rng(seed)
    variables = dict(result.problem.variables)
    variables.setdefault(result.wrt.name, result.wrt)
    if values is None:
        values = random_values(variables, rng, sizes, result.function)
    env = bind(variables, values)
    for key, expr in getattr(result.outcome, "bindings", ()):
        env.values[key] = evaluate(expr, env)
    x = env.values[result.wrt.name]
    env.directions = {result.wrt.name: rng.normal(size=x.shape)}
    # Steps of a chain rule may differentiate with respect to an intermediate u (bound above):
    # give every differential in the derivation a direction of its own.
    for step in result.steps:
        for node in step.expr.walk():
            if isinstance(node, N.Differential) and node.var.name not in env.directions:
                value = env.values.get(node.var.name)
                if value is not None:
                    env.directions[node.var.name] = rng.normal(size=value.shape)
    out = []
    previous = None
    for i, step in enumerate(result.steps):
        current = _value(step.expr, env) if step.check else None
        if not step.new_lhs and previous is not None and current is not None:
            _, rel, _ = relative_error(current, previous)
            out.append((i, rel))
        previous = current
    return out


def _value(e: Expr, env: Env) -> np.ndarray | None:
    try:
        return evaluate(e, env)
    except EvaluationError:
        return None


def has_opaque(e: Expr) -> bool:
    return any(isinstance(n, N.Opaque) for n in e.walk())


__all__ = [
    "check_result",
    "check_steps",
    "random_values",
    "numerator_jacobian",
    "arrange",
    "CheckReport",
    "ONE",
]
