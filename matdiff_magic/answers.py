"""Check a student's answer: is it the derivative, the derivative in the other layout, or wrong,
and if wrong, which known slip explains it.

The answer is parsed in the problem's own declarations and definitions (everything the
language accepts, and everything matdiff prints), compared numerically with the verified
derivative at random points inside the function's domain, and for a wrong answer the slips
students make are tried one by one, each again numerically: a sign, a constant factor, a matrix
taken as symmetric, a transpose missing on one variable, factors in the wrong order.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from matdiff_magic import dims
from matdiff_magic.api import derive, derive_problem
from matdiff_magic.check import random_values
from matdiff_magic.errors import EvaluationError, MatDiffError, Msg, ShapeError
from matdiff_magic.language.problem import Problem, parse_problem
from matdiff_magic.messages import Join, format_message
from matdiff_magic.numeric import bind, evaluate
from matdiff_magic.printing.text import text
from matdiff_magic.result import Result
from matdiff_magic.structured import CONVENTIONS
from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.rewrite import substitute
from matdiff_magic.tree.tidy import tidy

VERDICTS = ("correct", "correct-other-layout", "wrong", "invalid")
POINTS = 3  # random points an answer is compared at
TOLERANCE = 1e-7  # relative error below which two values are the same
MAX_PERMUTED = 5  # products of up to this many factors are tried in every order


@dataclass
class AnswerCheck:
    """The verdict on an answer; ``message(lang)`` explains it in words."""

    verdict: str
    expected: Result
    answer: Expr | None = None
    max_error: float = float("nan")
    difference: Expr | None = None
    hints: tuple[Msg, ...] = ()
    # why an answer is invalid (a message, or the error reading it), or which layout it is in
    reason: Msg | MatDiffError | None = None
    answer_text: str = ""
    _facts: dict[str, object] = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        return self.verdict == "correct"

    def message(self, lang: str = "en") -> str:
        symbol = text(self.expected.symbol)
        expected = self.expected.text
        layout = Msg("answer.layout." + self.expected.layout)
        if self.verdict == "correct":
            return format_message(
                "answer.correct", {"symbol": symbol, "layout": layout}, lang
            )
        if self.verdict == "correct-other-layout":
            return format_message(
                "answer.other_layout",
                {"symbol": symbol, "layout": layout, "expected": expected, "which": self.reason},
                lang,
            )
        if self.verdict == "invalid":
            return format_message("answer.invalid", {"reason": self.reason}, lang)
        said = format_message(
            "answer.wrong",
            {"symbol": symbol, "expected": expected, "error": f"{self.max_error:.3g}"},
            lang,
        )
        gap = "" if lang == "zh" else " "  # Chinese sentences follow each other without a space
        if self.difference is not None:
            diff = format_message("answer.difference", {"diff": text(self.difference)}, lang)
            said += gap + diff
        for hint in self.hints:
            said += gap + hint.render(lang)
        return said

    def __repr__(self) -> str:
        return f"AnswerCheck({self.verdict!r}: {self.message()})"


def check_answer(
    expr: str,
    wrt: str,
    answer: str,
    variables: dict[str, str] | None = None,
    layout: str = "mixed",
    seed: int = 0,
    symmetric: str = "sym",
) -> AnswerCheck:
    """Check ``answer`` (text in the matdiff language) as the derivative of ``expr`` with
    respect to ``wrt`` in ``layout``. The derivative itself comes from :func:`derive` (verified);
    a problem matdiff cannot differentiate raises its error, an answer it cannot read is the
    verdict "invalid". ``symmetric``: the convention for a symmetric or spd ``wrt`` ("sym",
    "entries", "free", as for :func:`derive`); an answer right under another convention is
    wrong with a hint naming that convention."""
    expected = derive(expr, wrt, variables=variables, layout=layout, symmetric=symmetric)
    return check_against(expected, answer, seed, symmetric)


def check_against(
    expected: Result, answer: str, seed: int = 0, symmetric: str = "sym"
) -> AnswerCheck:
    """:func:`check_answer` with the derivative already derived (the magic's, say) under the
    symmetric convention ``symmetric``."""
    problem = expected.problem
    try:
        given = _parse_answer(problem, expected, answer)
    except MatDiffError as err:
        return AnswerCheck("invalid", expected, reason=err, answer_text=answer)
    want = expected.expr
    if isinstance(given, N.Zero | N.Const) and given.is_scalar and B.is_zero(given):
        # a bare 0, as matdiff prints a zero derivative and a student writes it, is the zero
        # of the derivative's shape
        given = B.zero(*want.shape)
    if not _same_shape(given.shape, want.shape) and not _same_shape(given.shape, want.shape[::-1]):
        return AnswerCheck("invalid", expected, given, reason=_shape_reason(expected, given),
                           answer_text=answer)  # fmt: skip
    compare = _Comparer(expected, given, seed)
    if _same_shape(given.shape, want.shape) and compare.same(given, want):
        return AnswerCheck("correct", expected, given, compare.error(given, want),
                           answer_text=answer)  # fmt: skip
    other = _other_layout(expected)
    if other is not None and _same_shape(given.shape, other.expr.shape):
        if compare.same(given, other.expr):
            which = Msg("answer.layout." + other.orientation)
            return AnswerCheck("correct-other-layout", expected, given,
                               compare.error(given, other.expr), reason=which,
                               answer_text=answer)  # fmt: skip
    if not _same_shape(given.shape, want.shape):
        return AnswerCheck("invalid", expected, given, reason=_shape_reason(expected, given),
                           answer_text=answer)  # fmt: skip
    difference = _difference(given, want)
    slips = _convention(compare, expected, given, symmetric)
    slips = slips or _slips(compare, given, want, problem)
    return AnswerCheck(
        "wrong",
        expected,
        given,
        compare.error(given, want),
        difference,
        tuple(slips),
        answer_text=answer,
    )


def _convention(compare: _Comparer, expected: Result, given: Expr, asked: str) -> list[Msg]:
    """The hint for an answer that is the gradient under another symmetric convention (the
    Cookbook's G + Gᵀ - diag(G) is "entries", sym(G) is "sym", G is "free")."""
    if not expected.wrt.symmetric or expected.orientation == "hessian":
        return []
    for other in CONVENTIONS:
        if other == asked:
            continue
        try:
            result = derive_problem(
                expected.problem, expected.wrt.name, expected.layout, symmetric=other
            )
        except MatDiffError:
            continue
        if _same_shape(given.shape, result.expr.shape) and compare.same(given, result.expr):
            return [Msg("answer.hint.convention", found=other, asked=asked)]
    return []


def _shape_reason(expected: Result, given: Expr) -> Msg:
    """Why an answer of the wrong shape cannot be the derivative: the shape it should have."""
    return Msg(
        "answer.shape",
        got=dims.shape_text(given.shape),
        want=dims.shape_text(expected.expr.shape),
        layout=Msg("answer.layout." + expected.layout),
        f=dims.shape_text(expected.function.shape),
        x=dims.shape_text(expected.wrt.shape),
    )


# -- reading the answer ----------------------------------------------------------------------


def _type_text(var: N.Var) -> str:
    rows, cols = (dims.dim_text(d) for d in var.shape)
    if var.symmetric:
        return f"symmetric({rows})"
    if var.is_scalar:
        return "scalar"
    return f"matrix({rows}, {cols})"


def _parse_answer(problem: Problem, expected: Result, answer: str) -> Expr:
    """The answer as an expression over the problem's variables: every variable declared with
    the sizes the problem resolved, and the problem's definitions before it, so that an answer
    may use the names the student defined."""
    if not isinstance(answer, str) or not answer.strip():
        raise MatDiffError(Msg("answer.empty"))
    variables = dict(problem.variables)
    variables.setdefault(expected.wrt.name, expected.wrt)
    declared = {name: _type_text(v) for name, v in variables.items()}
    # a definition that is the variable (wrt="e") is the variable in the answer too, not
    # its definition: the derivative was taken with e free
    kept = [d for d in problem.definitions if d.name != expected.wrt.name]
    lines = [problem.source[d.span.start : d.span.end] for d in kept]
    for d in kept:
        declared.pop(d.name, None)
    # sizes the answer leaves open (a bare I) take the derivative's
    parsed = parse_problem(
        "\n".join([*lines, answer]), declared, shape=expected.expr.shape, sizes_as_numbers=True
    )
    unknown = [name for name in parsed.variables if name not in variables]
    if unknown:
        raise MatDiffError(
            Msg("answer.unknown_names", names=Join(unknown), known=Join(sorted(variables)))
        )
    return parsed.expr


def _same_shape(a: dims.Shape, b: dims.Shape) -> bool:
    return dims.same(a[0], b[0]) and dims.same(a[1], b[1])


def _other_layout(expected: Result) -> Result | None:
    """The derivative in the layout whose orientation is the transpose of the one asked for."""
    if expected.orientation == "hessian":
        return None
    for layout in ("numerator", "denominator"):
        candidate = expected.with_layout(layout)
        if candidate.orientation != expected.orientation:
            return candidate
    return None


def _difference(given: Expr, want: Expr) -> Expr | None:
    try:
        return tidy(B.sub(given, want))
    except MatDiffError:
        return None


# -- comparing numbers ----------------------------------------------------------------------


class _Comparer:
    """Both sides evaluated at the same random points inside the function's domain."""

    def __init__(self, expected: Result, given: Expr, seed: int) -> None:
        self.variables = dict(expected.problem.variables)
        self.variables.setdefault(expected.wrt.name, expected.wrt)
        rng = np.random.default_rng(seed)
        self.points: list[dict[str, np.ndarray]] = []
        for _ in range(POINTS):
            self.points.append(random_values(self.variables, rng, f=expected.function))

    def values(self, e: Expr, point: Mapping[str, np.ndarray]) -> np.ndarray | None:
        try:
            env = bind(self.variables, point, set())
            out = np.asarray(evaluate(e, env), dtype=float)
            return np.broadcast_to(out, (env.size(e.shape[0]), env.size(e.shape[1])))
        except (EvaluationError, ShapeError, FloatingPointError):
            return None

    def error(self, a: Expr, b: Expr, points: list | None = None) -> float:
        worst = 0.0
        for point in points or self.points:
            va, vb = self.values(a, point), self.values(b, point)
            if va is None or vb is None or va.shape != vb.shape or not np.all(np.isfinite(va)):
                return float("inf")
            scale = max(1.0, float(np.max(np.abs(vb))) if vb.size else 1.0)
            worst = max(worst, float(np.max(np.abs(va - vb))) / scale if va.size else 0.0)
        return worst

    def same(self, a: Expr, b: Expr, points: list | None = None) -> bool:
        return self.error(a, b, points) < TOLERANCE


# -- slips --------------------------------------------------------------------------------


def _slips(compare: _Comparer, given: Expr, want: Expr, problem: Problem) -> list[Msg]:
    found: list[Msg] = []
    for test in (_sign, _factor, _symmetric, _transpose, _order):
        hint = test(compare, given, want, problem)
        if hint is not None:
            found.append(hint)
            break  # one explanation is clearer than several
    return found


def _sign(compare: _Comparer, given: Expr, want: Expr, problem: Problem) -> Msg | None:
    return Msg("answer.hint.sign") if compare.same(B.neg(given), want) else None


def _factor(compare: _Comparer, given: Expr, want: Expr, problem: Problem) -> Msg | None:
    point = compare.points[0]
    va, vb = compare.values(given, point), compare.values(want, point)
    if va is None or vb is None or not np.any(vb):
        return None
    c = float(np.vdot(va, vb) / np.vdot(vb, vb))
    if abs(c) < 1e-12 or abs(c - 1) < 1e-9:
        return None
    ratio = B.number(_nice(c))
    if compare.same(given, B.scale(ratio, want)):
        return Msg("answer.hint.factor", factor=str(ratio))
    return None


def _nice(c: float) -> str:
    """c as a short fraction if it is one (2, 1/2, -3/4), else a decimal."""
    from fractions import Fraction

    f = Fraction(c).limit_denominator(64)
    return str(f) if abs(float(f) - c) < 1e-9 * max(1.0, abs(c)) else repr(c)


def _symmetric(compare: _Comparer, given: Expr, want: Expr, problem: Problem) -> Msg | None:
    """Right only when the square matrices are symmetric: 2 A x for x' A x."""
    square = [
        v for v in problem.variables.values()
        if not v.symmetric and not v.is_scalar and dims.same(v.rows, v.cols) and v.rows != dims.ONE
    ]  # fmt: skip
    if not square:
        return None
    symmetric_points = []
    for point in compare.points:
        p = dict(point)
        for v in square:
            p[v.name] = (p[v.name] + p[v.name].T) / 2
        symmetric_points.append(p)
    if compare.same(given, want, symmetric_points):
        return Msg("answer.hint.symmetric", names=Join([v.name for v in square]))
    return None


def _transpose(compare: _Comparer, given: Expr, want: Expr, problem: Problem) -> Msg | None:
    """A transpose missing (or extra) on every occurrence of one variable."""
    for v in problem.variables.values():
        if v.is_scalar or v.symmetric:
            continue
        try:
            flipped = substitute(given, {v.name: B.transpose(v)})
        except MatDiffError:
            continue
        if compare.same(flipped, want):
            return Msg("answer.hint.transpose", name=v.name)
    return None


def _order(compare: _Comparer, given: Expr, want: Expr, problem: Problem) -> Msg | None:
    """The right factors in the wrong order (A B x for B A x)."""
    coeff, scalars, body = B.split(given)
    if not isinstance(body, N.MatMul) or len(body.factors) > MAX_PERMUTED:
        return None
    for order in itertools.permutations(body.factors):
        if order == body.factors:
            continue
        try:
            candidate = B.make_mul(coeff, scalars, B.matmul(*order))
        except MatDiffError:
            continue
        if _same_shape(candidate.shape, want.shape) and compare.same(candidate, want):
            return Msg("answer.hint.order", expected=text(candidate))
    return None


__all__ = ["AnswerCheck", "VERDICTS", "check_answer", "check_against"]
