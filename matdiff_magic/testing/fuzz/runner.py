"""Derive one generated case by every method and layout (and Hessians), and classify each.

Kinds of outcome (one per derivation): ``pass``, ``unsupported`` (UnsupportedError), and the
failures ``wrong`` (value differs from finite differences of the reference evaluator at two
random points), ``shape`` (evaluate's shape is not the README's), ``false_step`` (two
consecutive steps differ numerically), ``unchecked_step`` (a step the library could not
check), ``verification_error`` (derive raised VerificationError), ``rejected`` (the library
refused the generated text: a ParseError/ShapeError while parsing), ``error`` (another
MatDiffError), ``exception`` (anything else), ``timeout`` (aborted after the CPU limit) and
``misparse`` (the library's value of the function differs from the reference: it read the text
differently). ``slow`` (over ``timeout`` CPU seconds) and ``flaky`` (wrong at the first point
only) are flags on top of the kind.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable, Iterator

import numpy as np

import matdiff_magic as md
from matdiff_magic.testing.fuzz import reference as R
from matdiff_magic.testing.fuzz import reference_fd as FD
from matdiff_magic.testing.fuzz.ast import SCALAR
from matdiff_magic.testing.fuzz.case import Case
from matdiff_magic.testing.fuzz.outcome import (
    HESSIAN_METHODS,
    LAYOUTS,
    MAX_HESSIAN_ENTRIES,
    METHODS,
    Abort,
    Record,
    _short_traceback,
    cpu_limit,
)

# Wanted at a point: INFORMATIVE < max|J| / (1 + |f|) < STEEP (else more points are tried,
# with values of the SCALES in turn): a tiny derivative is lost in the rounding noise of f, a
# steep one means f varies faster than finite differences can follow.
INFORMATIVE = 1e-4
STEEP = 1e3
SCALES = (1.0, 1.0, 0.5, 0.5, 0.25, 0.25, 0.1, 0.1)


class Point:
    """Random values where the reference function is valid, and its derivatives there."""

    def __init__(self, runner: CaseRunner, rng: np.random.Generator) -> None:
        case, wrt = runner.case, runner.wrt
        best: tuple | None = None
        valid = 0
        for _ in range(30):
            values = R.random_values(case, rng, SCALES[min(valid, len(SCALES) - 1)])
            try:
                f, defs = R.evaluate_case(case, values)
                if runner.wrt_kind == "definition":
                    values[wrt] = defs[wrt]
                    f, defs = R.evaluate_case(case, values, free=wrt)
                jac, err = FD.jacobian(runner.function_of(values), values[wrt])
            except R.DomainError:
                continue
            # Prefer a point where the derivative is neither lost in the noise of f (a saturated
            # tanh) nor so steep that f oscillates faster than differences follow (sin of a
            # product of many entries).
            signal = float(np.max(np.abs(jac), initial=0.0)) / (1 + float(np.max(np.abs(f))))
            badness = abs(np.log10(max(signal, 1e-300) / INFORMATIVE)) if signal < INFORMATIVE \
                else max(0.0, np.log10(signal / STEEP))
            if best is None or badness < best[0]:
                best = (badness, values, f, jac, err, signal)
            valid += 1
            if badness == 0 or valid >= len(SCALES):
                break
        if best is None:
            raise R.DomainError("no valid point in 30 tries")
        _, values, f, jac, err, signal = best
        self.hessian_step = 1e-4 / max(1.0, signal)  # follow the function's own scale
        self.runner = runner
        self.values = values
        self.f = f
        self.jac, self.jac_err = jac, err
        self._hessian: tuple[np.ndarray, np.ndarray] | None = None
        # The library gets a mix of spellings: 1-D vectors, float scalars, 2-D arrays.
        self.library_values: dict[str, object] = {}
        for name, value in values.items():
            if value.shape == (1, 1) and rng.random() < 0.5:
                self.library_values[name] = float(value[0, 0])
            elif value.shape[1] == 1 and rng.random() < 0.5:
                self.library_values[name] = value[:, 0].copy()
            else:
                self.library_values[name] = value

    def hessian(self) -> tuple[np.ndarray, np.ndarray]:
        if self._hessian is None:
            fun = self.runner.function_of(self.values)
            self._hessian = FD.hessian(lambda x: float(fun(x)[0, 0]), self.values[self.runner.wrt],
                                      h=self.hessian_step)
        return self._hessian


class CaseRunner:
    """Every derivation of one case with respect to one name."""

    def __init__(self, case: Case, wrt: str, *, seed: int = 0, timeout: float = 5.0,
                 abort_after: float | None = 60.0, check_steps: bool = True,
                 verify: bool = True) -> None:
        self.case = case
        self.wrt = wrt
        self.wrt_kind = "variable" if case.variable(wrt) is not None else "definition"
        self.text = case.text()
        self.seed = seed
        self.timeout = timeout
        self.abort_after = abort_after
        self.check_steps = check_steps
        # verify=False: derive without the library's own check (where derive has the option).
        self.derive_options: dict[str, bool] = (
            {} if verify or "verify" not in inspect.signature(md.derive).parameters
            else {"verify": False}
        )
        self.points: list[Point] = []
        self.f_shape = R.shape_size(case.function.shape, case.sizes)
        self.x_shape = R.shape_size(case.shape_of(wrt), case.sizes)
        self.symmetric = getattr(case.variable(wrt), "kind", "") in ("symmetric", "spd")
        # a symmetric variable's gradient under one of the three conventions (README), the
        # case's own choice so that a replay makes it again
        self.convention = "sym"
        if self.symmetric and "symmetric" in inspect.signature(md.derive).parameters:
            draw = np.random.default_rng([case.seed, 7]).random()
            self.convention = "sym" if draw < 0.5 else ("free" if draw < 0.75 else "entries")
            if self.convention != "sym":
                self.derive_options = {**self.derive_options, "symmetric": self.convention}
        self.function_checked = False
        self._parses: bool | None = None

    def parses(self) -> bool:
        """Whether the library reads the text at all (else its errors are 'rejected')."""
        if self._parses is None:
            try:
                md.parse_problem(self.text, self.case.api_variables())
                self._parses = True
            except md.MatDiffError:
                self._parses = False
        return self._parses

    def function_of(self, values: dict[str, np.ndarray]) -> Callable[[np.ndarray], np.ndarray]:
        """The reference function of the wrt value alone (the other values fixed)."""
        free = self.wrt if self.wrt_kind == "definition" else None

        def fun(x: np.ndarray) -> np.ndarray:
            env = dict(values)
            env[self.wrt] = x
            return R.evaluate_case(self.case, env, free)[0]

        return fun

    def point(self, index: int) -> Point:
        while len(self.points) <= index:
            rng = np.random.default_rng([self.case.seed, self.seed, len(self.points)])
            self.points.append(Point(self, rng))
        return self.points[index]

    def record(self, kind: str, method: str, layout: str, order: int, **kw: object) -> Record:
        rec = Record(kind, self.text, self.wrt, self.wrt_kind, method, layout, order,
                     self.case.seed, case=self.case.to_json(),
                     variables=self.case.api_variables(), **kw)  # type: ignore[arg-type]
        if self.convention != "sym":
            rec.details["symmetric"] = self.convention
        return rec

    def derivations(self, hessians: bool = True) -> Iterator[tuple[str, str, int]]:
        for method in METHODS:
            for layout in LAYOUTS:
                yield method, layout, 1
        entries = self.x_shape[0] * self.x_shape[1]
        if (hessians and self.case.function.shape == SCALAR and entries <= MAX_HESSIAN_ENTRIES
                and self.convention == "sym"):
            for method in HESSIAN_METHODS:
                for layout in LAYOUTS:
                    yield method, layout, 2

    def run_all(self, hessians: bool = True) -> list[Record]:
        return [self.run(m, lay, o) for m, lay, o in self.derivations(hessians)]

    # -- one derivation ---------------------------------------------------------------------------
    def run(self, method: str, layout: str, order: int) -> Record:
        verification_error = getattr(md, "VerificationError", None)
        start = time.process_time()
        try:
            with cpu_limit(self.abort_after):
                r = md.derive(self.text, self.wrt, self.case.api_variables(), layout=layout,
                              method=method, order=order, **self.derive_options)
        except Abort:
            cpu = time.process_time() - start
            return self.record("timeout", method, layout, order, cpu=cpu, slow=True,
                               message=f"aborted after {cpu:.1f} s CPU")
        except Exception as exc:
            cpu = time.process_time() - start
            kind = self.classify(exc, verification_error)
            if kind == "rejected" and self.parses():
                kind = "error"  # a ParseError/ShapeError while differentiating
            message = (_short_traceback(exc) if kind == "exception"
                       else f"{type(exc).__name__}: {exc}")
            rec = self.record(kind, method, layout, order, cpu=cpu, slow=cpu > self.timeout,
                              message=message)
            if kind == "verification_error":
                rec.details["without_verify"] = self.unverified(method, layout, order)
            return rec
        cpu = time.process_time() - start
        rec = self.record("pass", method, layout, order, cpu=cpu, slow=cpu > self.timeout)
        try:
            with cpu_limit(self.abort_after):
                self.check(r, rec)
        except Abort:
            rec.kind, rec.message = "timeout", "aborted while checking the result"
        except R.DomainError as exc:
            rec.kind, rec.message = "invalid", f"not checked: {exc}"
        except Exception as exc:
            mde = isinstance(exc, md.MatDiffError)
            rec.kind = "error" if mde else "exception"
            rec.message = f"{rec.details.get('stage', 'check')}: " + (
                f"{type(exc).__name__}: {exc}" if mde else _short_traceback(exc)
            )
        return rec

    def unverified(self, method: str, layout: str, order: int) -> dict:
        """After a VerificationError: is the result itself right? (derive(verify=False))"""
        if "verify" not in inspect.signature(md.derive).parameters:
            return {}
        try:
            with cpu_limit(self.abort_after):
                r = md.derive(self.text, self.wrt, self.case.api_variables(), layout=layout,
                              method=method, order=order, verify=False)
                rec = self.record("pass", method, layout, order)
                self.check(r, rec)
        except (Abort, Exception) as exc:
            return {"kind": "exception", "message": f"{type(exc).__name__}: {exc}"}
        return {"kind": rec.kind, "message": rec.message, "result": r.text}

    @staticmethod
    def classify(exc: Exception, verification_error: type | None) -> str:
        if verification_error is not None and isinstance(exc, verification_error):
            return "verification_error"
        if isinstance(exc, md.UnsupportedError):
            return "unsupported"
        if isinstance(exc, md.ParseError | md.ShapeError):
            return "rejected"
        if isinstance(exc, md.MatDiffError):
            return "error"
        return "exception"

    def check(self, r: md.Result, rec: Record) -> None:
        order = rec.order
        rec.details["stage"] = "render"  # what a user sees must not raise
        for lang in ("en", "zh"):
            _ = r.text, r.latex, r.derivation_text(lang), r.derivation_latex(lang)
        try:
            r.numpy_code()
        except md.MatDiffError:
            pass
        rec.details["stage"] = "evaluate"
        orient = FD.orientation(rec.layout, self.f_shape, self.x_shape, order)
        want_shape = FD.expected_shape(self.f_shape, self.x_shape, orient)
        p0 = self.point(0)
        if not self.function_checked:
            self.check_function(r, p0, rec)
            if rec.kind != "pass":
                return
        got = np.asarray(r.evaluate(p0.library_values))
        if got.shape != want_shape:
            rec.kind = "shape"
            rec.message = f"evaluate gave shape {got.shape}, expected {want_shape} ({orient})"
            return
        rec.details["stage"] = "compare"
        ok, info = self.compare(got, p0, orient, order)
        if not ok:
            p1 = self.point(1)
            ok1, info1 = self.compare(np.asarray(r.evaluate(p1.library_values)), p1, orient, order)
            if ok1:
                rec.flaky = True
                rec.details["first_point"] = info
            else:
                rec.kind = "wrong"
                rec.message = (f"max error {info['error']:.3g} > tolerance {info['tolerance']:.3g}"
                               f" (scale {info['scale']:.3g}); second point: error "
                               f"{info1['error']:.3g}")
                if info.get("nonfinite") and info1.get("nonfinite"):
                    rec.message = ("evaluate gives inf/NaN where the derivative is finite "
                                   f"(largest entry {info['scale']:.3g}), at both points")
                rec.details.update(result=r.text, points=[info, info1])
                return
        if self.check_steps:
            rec.details["stage"] = "steps"
            self.steps(r, rec, p0)

    def check_function(self, r: md.Result, p: Point, rec: Record) -> None:
        """The library's value of the function must be the reference's (same reading)."""
        try:
            value = np.asarray(r.function_value(p.library_values), dtype=float)
        except md.MatDiffError:
            return
        self.function_checked = True
        want = p.f
        if value.shape != want.shape or not np.allclose(value, want, rtol=1e-8, atol=1e-10):
            rec.kind = "misparse"
            rec.message = "the library's value of the function differs from the reference"
            rec.details["library_function"] = str(r.function)

    def compare(self, got: np.ndarray, p: Point, orient: str, order: int) -> tuple[bool, dict]:
        got_jac = FD.to_jacobian(got, self.f_shape, self.x_shape, orient)
        if order == 2:
            want, err = p.hessian()
            rtol, atol = 1e-4, 1e-6 * (1 + float(np.max(np.abs(p.f))))
        else:
            want, err = p.jac, p.jac_err
            rtol, atol = 1e-5, 1e-8 * (1 + float(np.max(np.abs(p.f))))
        if self.symmetric and self.convention == "entries":
            # by each distinct entry, S_ij and S_ji moving together: J (I + K - diag(vec I))
            want, err = (FD.entries_columns(a, self.x_shape[0]) for a in (want, err))
        elif self.symmetric and self.convention == "sym":
            n = self.x_shape[0]
            got_jac, want, err = (FD.symmetrize_columns(a, n) for a in (got_jac, want, err))
            if order == 2:
                got_jac, want, err = (FD.symmetrize_columns(a.T, n).T for a in (got_jac, want, err))
        if not np.all(np.isfinite(got_jac)):
            scale = float(np.max(np.abs(want), initial=0.0))
            return False, {"error": float("inf"), "tolerance": 0.0, "scale": scale,
                           "nonfinite": True}
        diff = np.abs(got_jac - want)
        scale = float(max(np.max(np.abs(want), initial=0.0), np.max(np.abs(got_jac), initial=0.0)))
        tol = rtol * scale + atol + 3 * err
        excess = diff - tol
        worst = int(np.argmax(excess)) if excess.size else 0
        info = {
            "error": float(np.max(diff, initial=0.0)),
            "tolerance": float(tol.flat[worst]) if tol.size else 0.0,
            "scale": scale,
        }
        return bool(np.all(diff <= tol)), info

    def steps(self, r: md.Result, rec: Record, p: Point) -> None:
        report = r.verify(values=p.library_values, seed=self.seed)
        bad = [s for s in report.steps if s.checked and not s.ok]
        unchecked = [s for s in report.steps if not s.checked]
        if bad:
            rec.kind = "false_step"
            rec.message = "; ".join(f"step {s.index} [{s.rule}] error {s.error:.3g}"
                                    for s in bad[:3])
        elif unchecked:
            rec.kind = "unchecked_step"
            rec.message = "; ".join(f"step {s.index} [{s.rule}]" for s in unchecked[:3])
        rec.details["verify_ok"] = bool(report.ok)
        rec.details["result_error"] = report.result_error


def run_case(case: Case, wrts: list[str], *, seed: int = 0, timeout: float = 5.0,
             abort_after: float | None = 60.0, hessians: bool = True,
             only: tuple[str, str, int] | None = None, order: int | None = None,
             methods: tuple[str, ...] | None = None, verify: bool = True,
             sample: int | None = None) -> list[Record]:
    """Every derivation of ``case`` with respect to each name in ``wrts`` (or only the one
    (method, layout, order) given, or only those of one ``order`` or of some ``methods``;
    ``sample``: that many of them, picked at random with the case's seed)."""
    records: list[Record] = []
    for wrt in wrts:
        runner = CaseRunner(case, wrt, seed=seed, timeout=timeout, abort_after=abort_after,
                            verify=verify)
        try:
            runner.point(0)
        except R.DomainError as exc:
            records.append(runner.record("invalid", "-", "-", 0, message=str(exc)))
            continue
        todo = [only] if only else list(runner.derivations(hessians))
        if order is not None:
            todo = [t for t in todo if t[2] == order]
        if methods is not None:
            todo = [t for t in todo if t[0] in methods]
        if sample is not None and len(todo) > sample:
            pick = np.random.default_rng([case.seed, seed, 29]).choice(len(todo), sample, False)
            todo = [todo[i] for i in sorted(pick)]
        records.extend(runner.run(m, lay, o) for m, lay, o in todo)
    return records


DISCRETE = ("onehot", "pm1")


def pick_wrts(case: Case, rng: np.random.Generator, count: int = 1,
              wrt_definitions: bool = True) -> list[str]:
    """Names to differentiate with respect to: variables the function depends on, sometimes a
    definition (``wrt_definitions``) or a declared variable it does not depend on."""
    variables, definitions = case.depends()
    small = [d for d in definitions
             if np.prod(R.shape_size(case.shape_of(d), case.sizes)) <= MAX_HESSIAN_ENTRIES]
    # a one-hot or ±1 vector takes isolated values: nothing to differentiate by
    pool = [v for v in variables if getattr(case.variable(v), "kind", "") not in DISCRETE]
    if wrt_definitions and small and rng.random() < 0.3:
        return [str(rng.choice(small))]
    unused = [v.name for v in case.variables if v.name not in variables and v.kind not in DISCRETE]
    if unused and rng.random() < 0.04:
        return [str(rng.choice(unused))]
    if not pool:
        return []
    picked = rng.choice(len(pool), size=min(count, len(pool)), replace=False)
    return [pool[i] for i in picked]
