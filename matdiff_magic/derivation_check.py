"""Check a student's own hand derivation, one line per step, numerically.

    x: vector(n)
    A: matrix(n, n)
    dy = d(x' A x)
       = dx' A x + x' A dx
       = x' (A' + A) dx
    ∂y/∂x = (A' + A) x

Every variable gets random values inside the function's domain, the variable ``x`` a random
direction ``dx``; ``d(expr)`` is the differential of ``expr`` in that direction (a central
difference). The first line must be the differential of the function (or the function itself,
for the definition method), each ``=`` line must equal the line before it at every point, and
the last line must be the derivative (checked as :func:`check_answer` does). For the first
false line, the rule of matdiff's own derivation there and its line are shown.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from matdiff_magic.answers import _type_text, check_against
from matdiff_magic.api import derive
from matdiff_magic.check import random_values
from matdiff_magic.derivation_lines import Line, outer_d, parse_line, split_lines
from matdiff_magic.errors import EvaluationError, MatDiffError, Msg, ParseError, ShapeError
from matdiff_magic.language.problem import Problem, parse_problem
from matdiff_magic.messages import format_message
from matdiff_magic.numeric import bind, evaluate
from matdiff_magic.printing.text import text as show
from matdiff_magic.result import Result
from matdiff_magic.tree.base import Expr

POINTS = 3
TOLERANCE = 1e-6  # relative; the differentials are central differences (error about 1e-10)
STEP = 1e-5


@dataclass
class LineCheck:
    """The verdict on one line: ``ok``, the relative ``error`` found, and why (``reason``)."""

    number: int
    text: str
    ok: bool
    error: float
    why: Msg
    lang: str = "en"

    @property
    def reason(self) -> str:
        return self.why.render(self.lang)


@dataclass
class DerivationCheck:
    """The verdict on a derivation: ``ok`` if every line holds; ``first_error`` is the 1-based
    number (in the text) of the first false line, or None."""

    lines: list[LineCheck] = field(default_factory=list)
    lang: str = "en"

    @property
    def ok(self) -> bool:
        return all(line.ok for line in self.lines)

    @property
    def first_error(self) -> int | None:
        return next((line.number for line in self.lines if not line.ok), None)

    def message(self, lang: str | None = None) -> str:
        lang = lang or self.lang
        return "\n".join(
            format_message(
                "derivation.report_line",
                {"line": c.number, "mark": "✓" if c.ok else "✗", "reason": c.why},
                lang,
            )
            for c in self.lines
        )

    def __repr__(self) -> str:
        return f"DerivationCheck(ok={self.ok}, first_error={self.first_error})"


def check_derivation(
    text: str,
    wrt: str,
    variables: Mapping[str, str] | None = None,
    lang: str = "en",
    seed: int = 0,
    symmetric: str = "sym",
) -> DerivationCheck:
    """Check ``text``, a derivation written by hand (see the module's docstring), line by line;
    bad input (a line that does not parse, unknown names, wrong shapes) raises a
    :class:`~matdiff_magic.errors.ParseError` pointing at its line. ``symmetric``: the
    convention the derivative line of a symmetric variable is checked under (as for
    :func:`~matdiff_magic.api.derive`)."""
    declarations, lines = split_lines(text)
    first = lines[0]
    function_text = _function_text(first, text)
    source = "\n".join(filter(None, [declarations, function_text]))
    try:
        fproblem = parse_problem(source, dict(variables or {}))
    except MatDiffError as err:
        raise ParseError(
            Msg("derivation.bad_line", line=first.number, error=err), source=text, span=first.span
        ) from err
    if wrt not in fproblem.variables:
        raise ParseError(Msg("derivation.no_wrt", wrt=wrt, f=function_text.strip()))
    declared = {name: _type_text(v) for name, v in fproblem.variables.items()}
    direction = "d" + wrt
    declared[direction] = _type_text(fproblem.variables[wrt])
    allowed = set(declared)
    for line in lines:
        if line.kind == "derivative":
            continue
        parse_line(line, text, declared, allowed)
    rng = np.random.default_rng(seed)
    points = []
    for _ in range(POINTS):
        values = random_values(fproblem.variables, rng, f=fproblem.expr)
        values[direction] = _direction(fproblem.variables[wrt], np.shape(values[wrt]), rng)
        points.append(values)
    env_vars = dict(fproblem.variables)
    try:
        expected = derive(source, wrt, variables=dict(variables or {}), method="differential",
                          symmetric=symmetric)  # fmt: skip
    except MatDiffError:
        expected = None
    checker = _Checker(fproblem, env_vars, wrt, direction, points, expected, symmetric)
    result = DerivationCheck(lang=lang)
    previous: list[np.ndarray] | None = None
    for index, line in enumerate(lines):
        if line.kind == "derivative":
            result.lines.append(checker.derivative(line, text, lang))
            continue
        now = [checker.value(line, p) for p in points]
        if previous is None:
            want = [checker.truth(first.differential, p) for p in points]
        else:
            want = previous
        error = _error(now, want)
        ok = error < TOLERANCE
        before = lines[index - 1].text if index else ""
        why = Msg("derivation.holds") if ok else checker.explain(before, index)
        result.lines.append(LineCheck(line.number, line.text.strip(), ok, error, why, lang))
        previous = now
    return result


def _direction(var: object, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    """A random direction that keeps the variable's structure: a symmetric (or positive
    definite) S moves along a symmetric dS, a diagonal D along a diagonal dD. A student's
    step may use that structure (tr(A dS) = tr(Aᵀ dS)), and S ± h dS must stay a value of S."""
    g = rng.standard_normal(shape)
    if getattr(var, "structure", "") == "simplex":  # tangent to the simplex: entries sum to 0
        return g - g.mean()
    if getattr(var, "structure", "") == "diagonal":
        return np.diag(np.diag(g))
    if getattr(var, "symmetric", False):
        return (g + g.T) / 2
    return g


def _function_text(first: Line, text: str) -> str:
    """The function of the first line: ``d(f)`` (or ``d tr(...)``) on a ``dy`` line, the whole
    right side on a ``y`` line."""
    if not first.differential:
        return first.text
    try:
        body, inners = outer_d(first.text)
    except MatDiffError as err:
        raise ParseError(
            Msg("derivation.bad_line", line=first.number, error=err), source=text, span=first.span
        ) from err
    if len(inners) != 1 or body.strip() != "zzdiff1":
        raise ParseError(Msg("derivation.first_line"), source=text, span=first.span)
    return inners[0]


def _plain(text: str) -> str:
    """A line without spaces, with the printer's transposes and inverses written as typed."""
    for printed, typed in (("ᵀ", "'"), ("⁻¹", "^-1"), (" ", ""), ("*", "")):
        text = text.replace(printed, typed)
    return text


def _error(now: list[np.ndarray | None], want: list[np.ndarray | None]) -> float:
    worst = 0.0
    for a, b in zip(now, want, strict=True):
        if a is None or b is None:
            return float("inf")
        if a.shape != b.shape:
            try:
                a, b = np.broadcast_arrays(a, b)
            except ValueError:
                return float("inf")
        if not np.all(np.isfinite(a)):
            return float("inf")
        scale = max(1.0, float(np.max(np.abs(b))) if b.size else 1.0)
        worst = max(worst, float(np.max(np.abs(a - b))) / scale if a.size else 0.0)
    return worst


class _Checker:
    def __init__(
        self,
        fproblem: Problem,
        variables: dict,
        wrt: str,
        direction: str,
        points: list[dict[str, np.ndarray]],
        expected: Result | None,
        symmetric: str = "sym",
    ) -> None:
        self.fproblem, self.variables, self.wrt = fproblem, variables, wrt
        self.direction, self.points, self.expected = direction, points, expected
        self.symmetric = symmetric  # the convention of a symmetric variable's derivative

    def _eval(self, e: Expr, problem_vars: Mapping, values: Mapping) -> np.ndarray | None:
        try:
            env = bind(dict(problem_vars), dict(values), set())
            out = np.asarray(evaluate(e, env), dtype=float)
            return np.broadcast_to(out, (env.size(e.shape[0]), env.size(e.shape[1])))
        except (EvaluationError, ShapeError, FloatingPointError):
            return None

    def _differential(self, e: Expr, values: Mapping[str, np.ndarray]) -> np.ndarray | None:
        x, dx = values[self.wrt], values[self.direction]
        plus = {**values, self.wrt: x + STEP * dx}
        minus = {**values, self.wrt: x - STEP * dx}
        hi, lo = self._eval(e, self.variables, plus), self._eval(e, self.variables, minus)
        if hi is None or lo is None:
            return None
        return (hi - lo) / (2 * STEP)

    def truth(self, differential: bool, values: Mapping[str, np.ndarray]) -> np.ndarray | None:
        f = self.fproblem.expr
        if differential:
            return self._differential(f, values)
        return self._eval(f, self.variables, values)

    def value(self, line: Line, values: Mapping[str, np.ndarray]) -> np.ndarray | None:
        extra: dict[str, np.ndarray] = {}
        for piece in line.pieces:
            d = self._differential(piece.inner, values)
            if d is None:
                return None
            extra[piece.name] = d
        assert line.expr is not None and line.problem is not None
        return self._eval(line.expr, line.problem.variables, {**values, **extra})

    def explain(self, before: str, index: int) -> Msg:
        """Why a false line is false: matdiff's own step there (its rule and its line), the
        step after the one of matdiff's that reads most like the student's line ``before``
        (the index of the line if there is no line before)."""
        if self.expected is None:
            return Msg("derivation.false")
        steps = [s for s in self.expected.steps if s.lhs is not None]
        differential = [s for s in steps if "∂" not in show(s.lhs)] or steps
        at = min(index, len(differential) - 1)
        if before:
            plain = _plain(before)
            ratios = [
                difflib.SequenceMatcher(None, plain, _plain(show(s.expr))).ratio()
                for s in differential
            ]
            at = min(ratios.index(max(ratios)) + 1, len(differential) - 1)
        step = differential[at]
        rules = ", ".join(r.name_en for r in step.rules) or "—"
        rules_zh = "、".join(r.name_zh for r in step.rules) or "—"
        return Msg(
            "derivation.false.step",
            rule={"en": rules, "zh": rules_zh},
            correct=f"{show(step.lhs)} = {show(step.expr)}",
        )

    def derivative(self, line: Line, text: str, lang: str) -> LineCheck:
        if self.expected is None:
            raise ParseError(Msg("derivation.cannot_derive"), source=text, span=line.span)
        if line.name != self.wrt:
            raise ParseError(
                Msg("derivation.wrong_wrt", got=line.name, wrt=self.wrt),
                source=text,
                span=line.span,
            )
        verdict = check_against(self.expected.with_layout("mixed"), line.text, 0, self.symmetric)
        if verdict.verdict == "correct-other-layout":
            other = check_against(
                self.expected.with_layout("denominator"), line.text, 0, self.symmetric
            )
            if other.verdict == "correct":
                verdict = other
        if verdict.verdict == "invalid":
            raise ParseError(
                Msg("derivation.bad_line", line=line.number, error=verdict.reason),
                source=text,
                span=line.span,
            )
        ok = verdict.verdict == "correct"
        if ok:
            why = Msg("derivation.holds")
        elif verdict.verdict == "correct-other-layout":
            why = Msg("derivation.other_layout", expected=verdict.expected.text)
        elif convention := [h for h in verdict.hints if h.key == "answer.hint.convention"]:
            why = Msg("derivation.other_convention", expected=verdict.expected.text,
                      **convention[0].params)  # fmt: skip
        else:
            why = Msg("derivation.derivative_wrong", expected=verdict.expected.text)
        error = 0.0 if ok else (verdict.max_error if verdict.max_error == verdict.max_error
                                else float("inf"))  # fmt: skip
        return LineCheck(line.number, line.text.strip(), ok, error, why, lang)
