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

import numpy as np

from matdiff_magic.check import dimension_sizes, dimension_symbols, random_point
from matdiff_magic.derived import Derived
from matdiff_magic.errors import EvaluationError, MatDiffError, Msg, VerificationError
from matdiff_magic.finite import compare, conclusive
from matdiff_magic.numeric import Env, bind
from matdiff_magic.rules.rule import Rule
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.truth import Point

SMALL_SIZES = (2, 3, 4, 5, 6, 7, 8, 9)  # distinct, so a transposition cannot hide
SECOND_POINT = 7919  # seed offset of the points a failed check is repeated at


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
    result: Derived,
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


def _variables(result: Derived) -> dict[str, N.Var]:
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
    result: Derived,
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
    shapes = _shapes(result)
    if values is None:
        if like is not None:
            sizes = {**_sizes_like(like, variables), **(sizes or {})}
        planned = dimension_sizes(variables, sizes, SMALL_SIZES, None, result.function)
        _affordable(shapes, Env({}, planned))
        values, dim_sizes = random_point(
            variables, rng, sizes, result.function, pool=SMALL_SIZES, scale=scale
        )
    env = bind(variables, values)
    # sizes no variable fixes (a 𝟏 or an I tied to nothing) keep the ones the point chose
    env.sizes = {**dim_sizes, **env.sizes}
    for s in dimension_symbols({}, result.expr):
        if s not in env.sizes:
            env.sizes[s] = max([*env.sizes.values(), *SMALL_SIZES]) + 1
    _affordable(shapes, env)
    point = Point(env, rng, result)
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


MAX_ENTRIES = 4_000_000  # the largest array a check may build (32 MB of floats)


def _shapes(result: Derived) -> set[tuple]:
    """The distinct shapes of the nodes of the function, the result and every line (each
    sized once by ``_affordable``); a node object is visited once (the lines share most of
    their subtrees; by identity: an equal copy has the same shapes anyway)."""
    seen: set[int] = set()
    shapes: set[tuple] = set()
    stack: list[Expr] = [result.function, result.expr, *(s.expr for s in result.steps)]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        shapes.add(node.shape)
        stack.extend(node.args)
    return shapes


def _affordable(shapes: set[tuple], env: Env) -> None:
    """Refuse (with an EvaluationError) a check whose arrays would be too large: sizes
    declared as big numbers, or a Kronecker product of many factors."""
    largest = 0
    for rows, cols in shapes:
        try:
            largest = max(largest, env.size(rows) * env.size(cols))
        except EvaluationError:
            continue
    if largest > MAX_ENTRIES:
        raise EvaluationError(Msg("verify.too_large", entries=largest, limit=MAX_ENTRIES))


def verified(result: Derived) -> Derived:
    """``result`` if it passes :func:`verify` (and marked ``checked``); otherwise a
    :class:`VerificationError`."""
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
    result.checked = True
    return result


__all__ = ["Verification", "StepCheck", "verify", "verified", "compare"]
