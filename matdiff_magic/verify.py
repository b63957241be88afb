"""Checking a derivation before it is shown: the result against finite differences of the
function, and every line against what its left-hand side means and against the line before it.

Each line ``lhs = expr`` carries a :class:`~matdiff_magic.claims.Claim` saying what ``lhs`` is
(the function, its differential along dX, its derivative in some layout, its Hessian, "the terms
containing x_k"). The checker computes that quantity independently, by central differences of
the function (never from the derivation), at random inputs of small distinct sizes, and compares
it with ``expr``; a line written as ``= ...`` must also equal the line before it. Symbols inside
lines (∂z/∂y of a chain) get their true values the same way, and the differentials of
intermediates are taken along the direction dX induces, so dz = tr((∂z/∂Y)ᵀ dY) is one number.
A check that fails is repeated at a second random point before it is believed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from matdiff_magic import claims as K
from matdiff_magic.check import dimension_sizes, dimension_symbols, random_point
from matdiff_magic.claims import Claim
from matdiff_magic.errors import EvaluationError, MatDiffError, Msg, VerificationError
from matdiff_magic.numeric import FD_NOISE, Env, Evaluator, bind
from matdiff_magic.rules.rule import Rule
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr

if TYPE_CHECKING:
    from matdiff_magic.result import Result

SMALL_SIZES = (2, 3, 4, 5, 6, 7, 8, 9)  # distinct, so a transposition cannot hide
RELATIVE = 1e-5  # agreement asked for, relative to the size of the numbers compared
TINY = 1e-12
STEP = 2e-6  # central differences: near the optimum eps^(1/3) for smooth functions
SECOND_POINT = 7919  # seed offset of the points a failed check is repeated at
INCONCLUSIVE = 1e-2  # measured noise beyond this share of the values: try another point


@dataclass(frozen=True)
class StepCheck:
    """How one line of a derivation fared. ``error`` is the largest relative difference of
    the checks made (with what its left side means, and with the line before)."""

    index: int
    rule: Rule | None
    checked: bool
    ok: bool
    error: float
    against: tuple[str, ...] = ()  # "claim" and/or "previous"
    # held only within the rounding noise measured at the point (the numbers there are at the
    # level of their noise, as for a derivative that is 0 written as a sum that cancels)
    weak: bool = False

    @property
    def rank(self) -> int:
        """How good the check is: 2 held, 1 held within noise, 0 failed or unchecked."""
        return 0 if not (self.checked and self.ok) else (1 if self.weak else 2)


@dataclass
class Verification:
    """The result of :meth:`Result.verify`: ``ok`` when the result matches finite differences
    and every step holds; ``steps`` has one entry per step of ``r.steps``."""

    ok: bool
    result_error: float
    steps: list[StepCheck]
    method: str
    values: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    result_ok: bool = True
    result_weak: bool = False

    @property
    def conclusive(self) -> bool:
        return self.ok and not self.result_weak and not any(s.weak for s in self.steps)

    @property
    def failures(self) -> list[StepCheck]:
        return [s for s in self.steps if not (s.checked and s.ok)]

    @property
    def checked(self) -> int:
        return sum(1 for s in self.steps if s.checked)

    def error(self) -> VerificationError | None:
        """The error ``derive`` raises for this verification (None when it is ok)."""
        if self.ok:
            return None
        method = Msg(f"method.{self.method}")
        bad = self.failures
        if bad:
            s = bad[0]
            rule = (
                {"en": s.rule.name_en, "zh": s.rule.name_zh}
                if s.rule is not None
                else Msg("verify.rule_none")
            )
            key = "verify.step" if s.checked else "verify.unchecked"
            err = VerificationError(
                Msg(key, index=s.index + 1, method=method, rule=rule, error=f"{s.error:.1e}")
            )
        else:
            err = VerificationError(
                Msg("verify.result", method=method, error=f"{self.result_error:.1e}")
            )
        err.verification = self
        return err


def verify(
    result: Result,
    values: Mapping[str, object] | None = None,
    seed: int = 0,
    sizes: Mapping[str, int] | None = None,
) -> Verification:
    """Check ``result`` and every step of its derivation numerically (see the module text)."""
    first = _check(result, values, seed, sizes)
    if first.conclusive:
        return first
    # Again at a point of the same sizes, then at one with smaller values (a point where
    # tanh saturates or exp is huge says little); a check fails only if it fails at all three.
    merged = first
    for attempt, scale in enumerate((1.0, 0.25), start=1):
        again = _check(
            result, None, seed + attempt * SECOND_POINT, sizes, like=first.values, scale=scale
        )
        merged = _merge(merged, again)
        if merged.conclusive:
            break
    return merged


def _merge(a: Verification, b: Verification) -> Verification:
    """Each check as well as it fared at either point: it fails only if it fails at both, and
    holds conclusively if it did so at one."""
    steps = [
        x if x.rank >= y.rank and x.checked else y for x, y in zip(a.steps, b.steps, strict=True)
    ]
    rank_a = 0 if not a.result_ok else (1 if a.result_weak else 2)
    rank_b = 0 if not b.result_ok else (1 if b.result_weak else 2)
    best = a if rank_a >= rank_b else b
    ok = best.result_ok and all(s.checked and s.ok for s in steps)
    return Verification(
        ok, best.result_error, steps, a.method, b.values, best.result_ok, best.result_weak
    )


# -- one point -------------------------------------------------------------------------------


def _variables(result: Result) -> dict[str, N.Var]:
    variables = dict(result.problem.variables)
    variables.setdefault(result.wrt.name, result.wrt)
    return variables


def _sizes_like(values: Mapping[str, np.ndarray], variables: dict[str, N.Var]) -> dict[str, int]:
    out: dict[str, int] = {}
    for name, var in variables.items():
        arr = values.get(name)
        if arr is None:
            continue
        arr = np.asarray(arr)
        for axis, d in enumerate(var.shape):
            if len(d.free_symbols) == 1 and d.is_Symbol and axis < arr.ndim:
                out[str(d)] = int(arr.shape[axis])
    return out


def _check(
    result: Result,
    values: Mapping[str, object] | None,
    seed: int,
    sizes: Mapping[str, int] | None,
    like: Mapping[str, np.ndarray] | None = None,
    scale: float = 1.0,
) -> Verification:
    outcome = result.outcome
    variables = _variables(result)
    rng = np.random.default_rng(seed)
    dim_sizes: dict = {}
    if values is None:
        if like is not None:
            sizes = {**_sizes_like(like, variables), **(sizes or {})}
        planned = dimension_sizes(variables, sizes, SMALL_SIZES, None, result.function)
        _affordable(result, Env({}, planned))
        values, dim_sizes = random_point(
            variables, rng, sizes, result.function, pool=SMALL_SIZES, scale=scale
        )
    env = bind(variables, values)
    # sizes no variable fixes (a 𝟏 or an I tied to nothing) keep the ones the point chose
    env.sizes = {**dim_sizes, **env.sizes}
    for s in dimension_symbols({}, result.expr):
        if s not in env.sizes:
            env.sizes[s] = max([*env.sizes.values(), *SMALL_SIZES]) + 1
    _affordable(result, env)
    point = _Point(env, rng, result)
    steps: list[StepCheck] = []
    previous: np.ndarray | None = None
    previous_noise = 0.0
    for index, step in enumerate(result.steps):
        value, noise = point.step_value(step.expr, step.claim)
        against: list[str] = []
        errors: list[float] = []
        ok, weak = True, False
        if value is not None and step.claim is not None:
            truth = point.truth(step.claim)
            if truth is not None:
                good, err = compare(value, truth[0], noise + truth[1])
                if not good:  # is it rounding noise? measure it, then look again
                    extra = point.measured_noise(step.expr, step.claim, value, truth[0])
                    good, err = compare(value, truth[0], noise + truth[1] + extra)
                    weak = weak or (good and not conclusive(extra, value))
                against.append("claim")
                errors.append(err)
                ok = ok and good
        if value is not None and previous is not None and not step.new_lhs:
            good, err = compare(value, previous, noise + previous_noise)
            if not good:
                before = result.steps[index - 1]
                extra = point.measured_noise(step.expr, step.claim, value) + (
                    point.measured_noise(before.expr, before.claim, previous)
                )
                good, err = compare(value, previous, noise + previous_noise + extra)
                weak = weak or (good and not conclusive(extra, value))
            against.append("previous")
            errors.append(err)
            ok = ok and good
        checked = bool(against)
        error = max(errors, default=0.0)
        steps.append(
            StepCheck(index, step.rule, checked, ok and checked, error, tuple(against), weak)
        )
        previous, previous_noise = value, noise
    result_ok, result_error, result_weak = point.check_result()
    ok = result_ok and all(s.checked and s.ok for s in steps)
    return Verification(
        ok, result_error, steps, outcome.method, dict(env.values), result_ok, result_weak
    )


def conclusive(noise: float, value: np.ndarray) -> bool:
    """Whether a comparison that needed ``noise`` of slack still says something: not when the
    rounding noise is a sizeable part of the numbers themselves."""
    return noise <= INCONCLUSIVE * max(_size(np.asarray(value, dtype=float)), TINY)


MAX_ENTRIES = 4_000_000  # the largest array a check may build (32 MB of floats)


def _affordable(result: Result, env: Env) -> None:
    """Refuse (with an EvaluationError) a check whose arrays would be too large: sizes
    declared as big numbers, or a Kronecker product of many factors."""
    largest = 0
    for e in (result.function, result.expr, *(s.expr for s in result.steps)):
        for node in e.distinct():
            try:
                largest = max(largest, env.size(node.rows) * env.size(node.cols))
            except EvaluationError:
                continue
    if largest > MAX_ENTRIES:
        raise EvaluationError(Msg("verify.too_large", entries=largest, limit=MAX_ENTRIES))


def compare(
    got: np.ndarray, want: np.ndarray | Projected, noise: float = 0.0
) -> tuple[bool, float]:
    """Whether two arrays agree up to RELATIVE of their size plus ``noise``; and the relative
    difference. ``want`` may be a :class:`Projected` derivative: then ``got`` is compared
    through the same random directions."""
    if isinstance(want, Projected):
        try:
            got, want = want.project(np.asarray(got, dtype=float)), want.values
        except ValueError:
            return False, float("inf")
    got = np.asarray(got, dtype=float)
    want = np.asarray(want, dtype=float)
    if got.shape != want.shape:
        if got.size == want.size == 1:
            got = got.reshape(want.shape)
        else:
            return False, float("inf")
    if not (np.all(np.isfinite(got)) and np.all(np.isfinite(want))):
        return False, float("inf")
    if got.size == 0:
        return True, 0.0
    diff = float(np.max(np.abs(got - want)))
    scale = max(float(np.max(np.abs(got))), float(np.max(np.abs(want))))
    ok = diff <= RELATIVE * scale + noise + TINY
    return ok, diff / max(scale, TINY)


class _Point:
    """Values of everything a derivation mentions at one random point, and true values of the
    quantities its left-hand sides name (computed once each)."""

    def __init__(self, env: Env, rng: np.random.Generator, result: Result) -> None:
        self.env = env
        self.result = result
        outcome = result.outcome
        wrt = result.wrt
        x = env.values[wrt.name]
        self._dx = {wrt.name: rng.normal(size=x.shape)}
        env.directions = dict(self._dx)
        # Intermediates take their values, and dY the direction dX induces (dY = J dX).
        self._bindings = _all_bindings(outcome)
        for name, expr in self._bindings:
            env.values[name] = Evaluator(env)(expr)
        self._induced: dict[float, dict[str, np.ndarray]] = {}
        env.directions = self.directions(STEP)
        self._truths: dict[tuple[Claim, float], tuple[np.ndarray | Projected, float] | None] = {}
        self.rng = rng
        self._symbols = _all_symbols(outcome)
        self._symbol_values: dict[float, dict[str, np.ndarray]] = {}
        env.values.update(self.symbol_values(STEP))

    def symbol_values(self, h: float) -> dict[str, np.ndarray]:
        """The true values of the symbols inside lines (∂z/∂y of a chain), by differences of
        step ``h``; needed whole, however large."""
        if h not in self._symbol_values:
            out: dict[str, np.ndarray] = {}
            saved = self.env.fd_step
            self.env.fd_step = h
            for key, claim in self._symbols:
                try:
                    out[key] = np.asarray(self._compute(claim, full=True, h=h)[0])
                except (EvaluationError, ValueError, KeyError):
                    pass
            self.env.fd_step = saved
            self._symbol_values[h] = out
        return self._symbol_values[h]

    def directions(self, h: float) -> dict[str, np.ndarray]:
        """dX, and for each intermediate Y the dY it induces (by a central difference of step
        ``h``: a coarser one shows how noisy that is)."""
        if h not in self._induced:
            env = self.env
            saved, env.fd_step, env.directions = env.fd_step, h, dict(self._dx)
            out = dict(self._dx)
            for name, expr in self._bindings:
                out[name] = Evaluator(env)(N.D(expr))
            env.fd_step = saved
            self._induced[h] = out
        return self._induced[h]

    # -- the lines ------------------------------------------------------------------------
    def step_value(
        self, e: Expr, claim: Claim | None, h: float = STEP
    ) -> tuple[np.ndarray | None, float]:
        saved = self.env.fd_step
        directions = self.env.directions
        symbols = {k: self.env.values[k] for k in self.symbol_values(STEP) if k in self.env.values}
        self.env.directions = self.directions(h)
        self.env.values.update(self.symbol_values(h))
        self.env.fd_step = h
        ev = Evaluator(self.env)
        try:
            if claim is not None and claim.kind == K.OCCURRENCES:
                partials = e.explicit_partials(ev, h)  # type: ignore[attr-defined]
                return np.asarray(partials, dtype=float), FD_NOISE * _size(partials) / h
            return np.asarray(ev(e), dtype=float), ev.noise
        except (EvaluationError, AttributeError, ValueError, FloatingPointError, KeyError):
            return None, 0.0
        finally:
            self.env.fd_step = saved
            self.env.directions = directions
            self.env.values.update(symbols)

    def measured_noise(
        self,
        e: Expr,
        claim: Claim | None,
        value: np.ndarray,
        truth: np.ndarray | Projected | None = None,
    ) -> float:
        """The rounding noise of a line's value (and of its claim's true value) measured by
        computing them again with a coarser finite-difference step: they can be far noisier
        than the bound from their size (1 - tanh(s)² for a large s loses every digit)."""
        coarse, _ = self.step_value(e, claim, 8 * STEP)
        noise = 0.0
        if coarse is not None and np.shape(coarse) == np.shape(value):
            noise += 2 * float(np.max(np.abs(coarse - value), initial=0.0))
        if truth is not None and claim is not None:
            again = self.truth(claim, 8 * STEP)
            if again is not None and isinstance(truth, np.ndarray):
                other = np.asarray(again[0], dtype=float)
                if other.shape == truth.shape:
                    noise += 2 * float(np.max(np.abs(other - truth), initial=0.0))
        return noise

    def check_result(self) -> tuple[bool, float, bool]:
        r = self.result
        if r.order == 2 and r.outcome.first is not None:
            claim = K.hessian(r.outcome.first.value, r.wrt)
        else:
            claim = K.derivative(r.function, r.wrt, r.orientation)
        truth = self.truth(claim)
        try:
            got = Evaluator(self.env)(r.expr)
        except EvaluationError:
            return False, float("inf"), False
        if truth is None:
            return False, float("inf"), False
        good, err = compare(got, truth[0], truth[1])
        weak = False
        if not good:
            extra = 0.0
            again = self.truth(claim, 8 * STEP)
            if again is not None and isinstance(truth[0], np.ndarray):
                other = np.asarray(again[0], dtype=float)
                if other.shape == truth[0].shape:
                    extra = 2 * float(np.max(np.abs(other - truth[0]), initial=0.0))
            good, err = compare(got, truth[0], truth[1] + extra)
            weak = good and not conclusive(extra, got)
        return good, err, weak

    # -- what left-hand sides mean --------------------------------------------------------
    def truth(self, claim: Claim, h: float = STEP) -> tuple[np.ndarray | Projected, float] | None:
        key = (claim, h)
        if key not in self._truths:
            saved = self.env.fd_step
            self.env.fd_step = h
            try:
                self._truths[key] = self._compute(claim, h=h)
            except (EvaluationError, ValueError, KeyError):
                self._truths[key] = None
            finally:
                self.env.fd_step = saved
        return self._truths[key]

    def _compute(
        self, claim: Claim, full: bool = False, h: float = STEP
    ) -> tuple[np.ndarray | Projected, float]:
        env = self.env
        if claim.kind == K.VALUE:
            return np.asarray(Evaluator(env)(claim.f), dtype=float), 0.0
        if claim.kind == K.DIFFERENTIAL:
            ev = Evaluator(env)
            out = ev(N.D(claim.f))
            if claim.vec:
                out = out.reshape(-1, 1, order="F")
            return out, ev.noise
        assert claim.wrt is not None
        f_shape = (env.size(claim.f.rows), env.size(claim.f.cols))
        x_shape = (env.size(claim.wrt.rows), env.size(claim.wrt.cols))
        orientation = "vec" if claim.kind == K.HESSIAN else claim.orientation
        if x_shape[0] * x_shape[1] > MAX_COLUMNS and not full:
            # A large variable (sizes declared as numbers): the Jacobian times a few random
            # directions, each one central difference, instead of one per entry.
            probes = self.rng.normal(size=(x_shape[0] * x_shape[1], PROBES))
            jv, noise = directional(claim.f, claim.wrt, env, probes, h)
            return Projected(probes, jv, f_shape, x_shape, orientation, claim.transposed), noise
        jac, noise = jacobian(claim.f, claim.wrt, env, h)
        out = arrange(jac, f_shape, x_shape, orientation)
        return (out.T if claim.transposed else out), noise


def _size(a: np.ndarray) -> float:
    return float(np.max(np.abs(a))) if np.size(a) else 0.0


def _all_bindings(outcome: object) -> list[tuple[str, Expr]]:
    out: list[tuple[str, Expr]] = []
    first = getattr(outcome, "first", None)
    if first is not None:
        out.extend(_all_bindings(first))
    out.extend(getattr(outcome, "bindings", ()))
    return out


def _all_symbols(outcome: object) -> list[tuple[str, Claim]]:
    out: list[tuple[str, Claim]] = []
    first = getattr(outcome, "first", None)
    if first is not None:
        out.extend(_all_symbols(first))
    out.extend(getattr(outcome, "symbols", ()))
    return out


MAX_COLUMNS = 64  # beyond this many entries of the variable, derivatives are projected
PROBES = 3


@dataclass(frozen=True)
class Projected:
    """A derivative known through random directions: ``values`` = J ``probes`` for the
    Jacobian J = d vec(f)/d vec(x)ᵀ; ``project`` does the same to a derivative arranged in
    ``orientation`` (so a wrong entry shows, with probability one)."""

    probes: np.ndarray
    values: np.ndarray
    f_shape: tuple[int, int]
    x_shape: tuple[int, int]
    orientation: str
    transposed: bool

    def project(self, got: np.ndarray) -> np.ndarray:
        if self.transposed:
            got = got.T
        return unarrange(got, self.f_shape, self.x_shape, self.orientation) @ self.probes


def directional(
    f: Expr, wrt: N.Var, env: Env, probes: np.ndarray, h: float = STEP
) -> tuple[np.ndarray, float]:
    """J v for each column v of ``probes`` (J = d vec(f)/d vec(x)ᵀ), by central differences."""
    x0 = np.asarray(env.values[wrt.name], dtype=float)
    columns = []
    noise = 0.0
    scale = max(1.0, float(np.max(np.abs(x0)))) if x0.size else 1.0
    for v in probes.T:
        step = h * scale / max(float(np.max(np.abs(v))), TINY)
        outs = []
        for sign in (1.0, -1.0):
            values = dict(env.values)
            values[wrt.name] = x0 + sign * step * v.reshape(x0.shape, order="F")
            out = Evaluator(Env(values, env.sizes))(f)
            outs.append(np.asarray(out, dtype=float).reshape(-1, order="F"))
        noise = max(noise, FD_NOISE * max(_size(o) for o in outs) / step)
        columns.append((outs[0] - outs[1]) / (2 * step))
    return np.stack(columns, axis=1), noise


def jacobian(f: Expr, wrt: N.Var, env: Env, h: float = STEP) -> tuple[np.ndarray, float]:
    """d vec(f)/d vec(x)ᵀ by central differences of f alone, and its rounding-noise bound."""
    x0 = np.asarray(env.values[wrt.name], dtype=float)
    flat = x0.reshape(-1, order="F")
    columns = []
    noise = 0.0
    for k in range(flat.size):
        step = h * max(1.0, abs(flat[k]))
        outs = []
        for sign in (1.0, -1.0):
            shifted = flat.copy()
            shifted[k] += sign * step
            values = dict(env.values)
            values[wrt.name] = shifted.reshape(x0.shape, order="F")
            out = Evaluator(Env(values, env.sizes))(f)
            outs.append(np.asarray(out, dtype=float).reshape(-1, order="F"))
        size = max(float(np.max(np.abs(o))) if o.size else 0.0 for o in outs)
        noise = max(noise, FD_NOISE * size / step)
        columns.append((outs[0] - outs[1]) / (2 * step))
    if not columns:
        rows = env.size(f.rows) * env.size(f.cols)
        return np.zeros((rows, 0)), 0.0
    return np.stack(columns, axis=1), noise


def arrange(
    jac: np.ndarray, f_shape: tuple[int, int], x_shape: tuple[int, int], orientation: str
) -> np.ndarray:
    """d vec(f)/d vec(x)ᵀ as a 2-D array in ``orientation``: "vec" leaves it; "numerator" and
    "denominator" arrange it as ``Result.evaluate`` returns derivatives (scalars as 1×1)."""
    if orientation == "vec":
        return jac
    p, q = f_shape
    m, n = x_shape
    if (p, q) == (1, 1) and (m, n) == (1, 1):
        out = jac.reshape(1, 1)
    elif (m, n) == (1, 1):
        out = jac.reshape(p, q, order="F")
    elif (p, q) == (1, 1):
        out = jac.reshape(m, n, order="F").T
    else:
        out = jac
    return out.T if orientation == "denominator" else out


def unarrange(
    value: np.ndarray, f_shape: tuple[int, int], x_shape: tuple[int, int], orientation: str
) -> np.ndarray:
    """The inverse of :func:`arrange`: d vec(f)/d vec(x)ᵀ from a derivative as arranged."""
    if orientation == "vec":
        return value
    if orientation == "denominator":
        value = value.T
    p, q = f_shape
    m, n = x_shape
    if (m, n) == (1, 1):
        return value.reshape(p * q, 1, order="F")
    if (p, q) == (1, 1):
        return value.T.reshape(1, m * n, order="F")
    return value


def verified(result: Result) -> Result:
    """``result`` if it passes :func:`verify`; otherwise a :class:`VerificationError`."""
    try:
        v = verify(result)
    except VerificationError:
        raise
    except MatDiffError as err:
        if err.key == "verify.too_large":
            raise
        raise EvaluationError(Msg("verify.no_point", cause=err)) from None
    error = v.error()
    if error is not None:
        raise error
    return result


__all__ = ["Verification", "StepCheck", "verify", "verified", "compare", "arrange", "jacobian"]
