"""The numbers behind a verification: the values of everything a derivation mentions at one
random point, and the true values of the quantities its left-hand sides name.

True values come from central differences of the function (``finite``), never from the
derivation: the function's value, its differential along dX (intermediates move along the
direction dX induces), its derivative in any arrangement, its Hessian. A large variable's
derivative is known through a few random directions (:class:`Projected`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matdiff_magic import claims as K
from matdiff_magic.claims import Claim
from matdiff_magic.derived import Derived
from matdiff_magic.errors import EvaluationError, NotDifferentiableError
from matdiff_magic.finite import (
    FD_NOISE,
    STEP,
    _size,
    arrange,
    compare,
    conclusive,
    directional,
    jacobian,
    structured,
    unarrange,
)
from matdiff_magic.numeric import Env, Evaluator
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr

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


class Point:
    """Values of everything a derivation mentions at one random point, and true values of the
    quantities its left-hand sides name (computed once each)."""

    def __init__(self, env: Env, rng: np.random.Generator, result: Derived) -> None:
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
        self._line_evaluators: dict[float, _LineEvaluator] = {}

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
        try:
            if claim is not None and claim.kind == K.OCCURRENCES:
                ev = Evaluator(self.env)
                partials = e.explicit_partials(ev, h)  # type: ignore[attr-defined]
                return np.asarray(partials, dtype=float), FD_NOISE * _size(partials) / h
            # the environment is the same for every line at this step: one evaluator for all
            ev = self._line_evaluators.setdefault(h, _LineEvaluator(self.env))
            ev.noise = 0.0
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
            structure = getattr(r.outcome, "structure", "")
            claim = K.derivative(r.function, r.wrt, r.orientation, structure=structure)
        truth = self.truth(claim)
        try:
            got = Evaluator(self.env)(r.expr)
        except NotDifferentiableError:
            raise  # no derivative at this point: say so, rather than try another point
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
            # J M v is the difference along M v (M the structure's matrix, finite.structured)
            moved = structured(probes.T, x_shape, claim.structure).T
            jv, noise = directional(claim.f, claim.wrt, env, moved, h)
            return Projected(probes, jv, f_shape, x_shape, orientation, claim.transposed), noise
        jac, noise = jacobian(claim.f, claim.wrt, env, h)
        jac = structured(jac, x_shape, claim.structure)
        out = arrange(jac, f_shape, x_shape, orientation)
        return (out.T if claim.transposed else out), noise


class _LineEvaluator(Evaluator):
    """The evaluator of every line of a derivation at one finite-difference step (the lines
    share most of their subtrees: each is evaluated once). ``noise`` after a line is what a
    fresh evaluator would report for it: each value remembers the largest rounding noise of
    the differences d(...) computed inside it, and brings it along when it is reused."""

    def __init__(self, env: Env) -> None:
        super().__init__(env)
        self._noise_of: dict[Expr, float] = {}

    def __call__(self, e: Expr) -> np.ndarray:
        found = self._memo.get(e)
        if found is not None:
            self.noise = max(self.noise, self._noise_of[e])
            return found
        outer, self.noise = self.noise, 0.0
        try:
            value = super().__call__(e)
            self._noise_of[e] = self.noise
        finally:
            self.noise = max(outer, self.noise)
        return value


def _gathered(outcome: object, field: str) -> list:
    """``outcome.<field>`` (bindings or symbols), a Hessian's first derivative's first."""
    first = getattr(outcome, "first", None)
    out = _gathered(first, field) if first is not None else []
    return out + list(getattr(outcome, field, ()))


def _all_bindings(outcome: object) -> list[tuple[str, Expr]]:
    return _gathered(outcome, "bindings")


def _all_symbols(outcome: object) -> list[tuple[str, Claim]]:
    return _gathered(outcome, "symbols")
