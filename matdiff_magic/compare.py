"""Run every applicable method on one problem and say whether the answers agree.

A disagreement is a bug; the report shows it plainly (symbolic and numeric verdicts, the largest
relative difference, and each method against finite differences).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
import sympy

from matdiff_magic import check
from matdiff_magic.api import derive_outcome
from matdiff_magic.errors import (
    EvaluationError,
    Join,
    MatDiffError,
    Msg,
    NotApplicableError,
    NotSupportedYetError,
    UnsupportedError,
    VerificationError,
)
from matdiff_magic.i18n import default_language, message
from matdiff_magic.language.problem import Problem, parse_problem
from matdiff_magic.layout import check_layout
from matdiff_magic.printing.latex import latex
from matdiff_magic.printing.text import text
from matdiff_magic.rendering import view
from matdiff_magic.result import Result
from matdiff_magic.tree.canonical import ckey
from matdiff_magic.tree.expand import TooLarge, expand
from matdiff_magic.tree.rewrite import canonical, remembering
from matdiff_magic.verify import verified

METHOD_ORDER = ("definition", "differential", "chain", "vectorization")
TOLERANCE = 1e-6
# Whose result a comparison answers with when the methods agree: the one ``derive``'s "auto"
# would give (the differential method where it applies, else vectorization), then the others.
AGREED_ORDER = ("differential", "vectorization", "chain", "definition")
V = TypeVar("V")


class Measured(Mapping[str, V]):
    """A read-only method -> value mapping measured when first read (and kept).

    The comparison's finite differences at its point (``fd_error``, ``checks``) repeat each
    result's verification, which compared it with finite differences already; only ``--check``
    and the comparison's own display show them. Measuring them when read spared a cell that
    shows neither about a third of what it cost beyond deriving its methods."""

    def __init__(self, measure: Callable[[], Mapping[str, V]]) -> None:
        self._measure: Callable[[], Mapping[str, V]] | None = measure
        self._values: dict[str, V] = {}

    @property
    def measured(self) -> bool:
        return self._measure is None

    def _read(self) -> dict[str, V]:
        if self._measure is not None:
            self._values = dict(self._measure())
            self._measure = None
        return self._values

    def __getitem__(self, method: str) -> V:
        return self._read()[method]

    def __iter__(self) -> Iterator[str]:
        return iter(self._read())

    def __len__(self) -> int:
        return len(self._read())

    def __repr__(self) -> str:
        return repr(self._read())

    def __reduce__(self) -> tuple:
        return dict, (self._read(),)  # pickled and deep-copied as the dict it measures


def _same(values: Mapping[str, V]) -> Mapping[str, V]:
    """A copy of ``values`` for another comparison; one still to be measured is shared (it
    is read-only), so that copying does not measure it."""
    return values if isinstance(values, Measured) else dict(values)


@dataclass
class Comparison:
    problem: Problem
    layout: str
    results: dict[str, Result]
    skipped: dict[str, str]  # method -> why it does not apply (English)
    agree_symbolic: bool
    agree_numeric: bool
    max_rel_diff: float
    # each method against finite differences at ``values`` (the largest relative error): may
    # be a :class:`Measured`, computed when first read, like ``checks``
    fd_error: Mapping[str, float] = field(default_factory=dict)
    # method -> the error that says why it does not apply (``reason.render(lang)``, any language)
    reasons: dict[str, MatDiffError] = field(default_factory=dict)
    # method -> the VerificationError of a method whose result or steps failed their numeric
    # check (a bug in matdiff): not in ``results``, never shown as an answer
    failed: dict[str, MatDiffError] = field(default_factory=dict)
    # the point the methods were compared at, and each method against finite differences there
    values: dict[str, np.ndarray] = field(default_factory=dict)
    checks: Mapping[str, check.CheckReport] = field(default_factory=dict)
    # the language of its display and verdict (None: $MATDIFF_LANG, else English)
    lang: str | None = None

    def skipped_in(self, lang: str = "en") -> dict[str, str]:
        """Why each skipped method does not apply, in ``lang``."""
        return {
            m: self.reasons[m].message_in(lang) if m in self.reasons else why
            for m, why in self.skipped.items()
        }

    @property
    def ok(self) -> bool:
        return (
            not self.failed
            and self.agree_numeric
            and all(err < 1e-5 for err in self.fd_error.values())
        )

    @property
    def methods(self) -> list[str]:
        return list(self.results)

    def with_layout(self, layout: str) -> Comparison:
        """The same comparison in another layout (every result transposed, nothing re-derived)."""
        check_layout(layout)
        return Comparison(
            self.problem,
            layout,
            {m: r.with_layout(layout) for m, r in self.results.items()},
            dict(self.skipped),
            self.agree_symbolic,
            self.agree_numeric,
            self.max_rel_diff,
            _same(self.fd_error),
            dict(self.reasons),
            dict(self.failed),
            dict(self.values),
            _same(self.checks),  # errors are the same in every layout
            self.lang,
        )

    # -- used like a Result: the methods' one answer ------------------------------------------
    @property
    def disagree(self) -> bool:
        """Whether the methods' results were seen to differ at the point of comparison."""
        return (
            len(self.results) > 1
            and not self.agree_symbolic
            and math.isfinite(self.max_rel_diff)
            and self.max_rel_diff >= TOLERANCE
        )

    @property
    def agreed(self) -> Result:
        """The result every method agrees on (the one ``method="auto"`` would give where it is
        among them). Raises :class:`VerificationError` if the methods disagree: then there is
        no one answer (pick one from ``results``)."""
        if self.disagree:
            raise VerificationError(
                Msg(
                    "compare.disagree",
                    methods=Join(list(self.results)),
                    diff=f"{self.max_rel_diff:.1e}",
                    first=next(iter(self.results)),
                )
            )
        for method in AGREED_ORDER:
            if method in self.results:
                return self.results[method]
        return next(iter(self.results.values()))

    @property
    def method(self) -> str:
        """The method of :attr:`agreed`."""
        return self.agreed.method

    @property
    def expr(self) -> Any:
        return self.agreed.expr

    @property
    def latex(self) -> str:
        """The agreed derivative in LaTeX (no surrounding $)."""
        return self.agreed.latex

    @property
    def text(self) -> str:
        return self.agreed.text

    @property
    def shape(self) -> tuple:
        return self.agreed.shape

    @property
    def symbol(self) -> Any:
        return self.agreed.symbol

    @property
    def steps(self) -> Any:
        """The agreed result's derivation (each method's is ``results[method].steps``)."""
        return self.agreed.steps

    def sympy(self) -> sympy.Basic:
        return self.agreed.sympy()

    def evaluate(self, values: Mapping[str, object]) -> np.ndarray:
        return self.agreed.evaluate(values)

    def numpy_code(self, name: str = "derivative", lang: str = "en") -> str:
        return self.agreed.numpy_code(name, lang)

    def verify(self, values: Mapping[str, object] | None = None, seed: int = 0) -> Any:
        return self.agreed.verify(values, seed)

    def in_language(self, lang: str) -> Comparison:
        """The same comparison displayed in ``lang`` ("en" or "zh")."""
        if lang not in ("en", "zh"):
            raise MatDiffError(Msg("api.unknown_lang", lang=lang))
        return dataclasses.replace(self, lang=lang)

    @property
    def display_language(self) -> str:
        return self.lang or default_language()

    # The words and HTML are the front end's (installed as views: see rendering.py).
    def verdict(self, lang: str | None = None) -> str:
        """Whether the methods agree and match finite differences, in a sentence."""
        return view("comparison_verdict")(self, lang or self.display_language)

    def __repr__(self) -> str:
        methods = ", ".join(self.results)
        try:
            answer = f"{text(self.symbol)} = {self.text}"
        except VerificationError:
            answer = "the methods disagree"
        return f"<matdiff Comparison ({methods}): {answer}>"

    def _repr_latex_(self) -> str:
        rows = []
        for method, r in self.results.items():
            name = message(f"method.{method}", self.display_language)
            rows.append(r"\text{" + name + r"}: &\quad " + latex(r.symbol) + " = " + r.latex)
        return "$$\\begin{aligned}" + r" \\ ".join(rows) + "\\end{aligned}$$"

    def _repr_html_(self) -> str:
        return view("comparison_html")(self, self.display_language)


def _symbolic_key(r: Result) -> str | None:
    try:
        return ckey(canonical(expand(r.expr)))
    except TooLarge:
        return None


def compare(
    expr: str,
    wrt: str,
    variables: dict[str, str] | None = None,
    layout: str = "mixed",
    order: int = 1,
    seed: int = 0,
    verify: bool = True,
    lang: str | None = None,
    symmetric: str = "sym",
    names: str = "keep",
) -> Comparison:
    """Derive with every method that applies and compare the answers.

    The comparison is used like a :class:`Result` (``c.latex``, ``c.sympy()``,
    ``c.evaluate(values)``, ``c.numpy_code()``: the methods' agreed result, see
    :attr:`Comparison.agreed`); ``lang`` ("en" or "zh") is the language of its display.

    With ``verify`` (the default) every result and its steps are checked numerically, as
    ``derive`` checks them; a method that fails is listed in ``failed`` instead of ``results``
    (and if every method fails, its :class:`VerificationError` is raised). ``names``: the
    user's definitions in the results, by name ("keep") or written out ("expand")."""
    problem = parse_problem(expr, variables)
    c = compare_problem(
        problem, wrt, layout, order, seed, verify, symmetric=symmetric, names=names
    )
    return c if lang is None else c.in_language(lang)


def compare_problem(
    problem: Problem,
    wrt: str,
    layout: str = "mixed",
    order: int = 1,
    seed: int = 0,
    verify: bool = True,
    fixed: Mapping[str, object] | None = None,
    symmetric: str = "sym",
    names: str = "keep",
) -> Comparison:
    """:func:`compare` for text already parsed: every method from the one :class:`Problem`.
    ``fixed``: values of some variables at the point of comparison (the others random);
    ``symmetric``: the convention for a structured variable (``derive``'s)."""
    check_layout(layout)
    results: dict[str, Result] = {}
    skipped: dict[str, str] = {}
    reasons: dict[str, MatDiffError] = {}
    failed: dict[str, MatDiffError] = {}
    # A Hessian is derived one way (the gradient by the differential method, then its Jacobian).
    methods = METHOD_ORDER if order == 1 else ("differential",)
    with remembering():  # the methods share subexpressions: each rewrite of one done once
        for method in methods:
            try:
                outcome = derive_outcome(problem, wrt, method, order, symmetric)
            except VerificationError as err:  # a method may check its own pieces as it goes
                failed[method] = err
                continue
            except UnsupportedError as err:
                skipped[method] = err.message
                reasons[method] = err
                continue
            result = Result(problem, outcome, layout, names)
            if verify:
                try:
                    verified(result)
                except VerificationError as err:
                    failed[method] = err
                    continue
            results[method] = result
    if not results and failed:
        raise next(iter(failed.values()))
    if not results:
        distinct = {err.message: err for err in reasons.values()}  # one of each reason
        # "no method applies" only if each method said so; else matdiff cannot do it yet
        inapplicable = all(isinstance(err, NotApplicableError) for err in reasons.values())
        kind = NotApplicableError if inapplicable else NotSupportedYetError
        raise kind(Msg("api.no_method", reasons=Join(distinct.values(), "semicolon")))
    keys = {m: _symbolic_key(r) for m, r in results.items()}
    agree_symbolic = None not in keys.values() and len(set(keys.values())) == 1
    agree_numeric, max_diff, values, reports = _numeric(results, seed, fixed)
    fd = Measured(
        lambda: {m: reports[m].max_rel_error if m in reports else float("nan") for m in results}
    )
    return Comparison(
        problem,
        layout,
        results,
        skipped,
        agree_symbolic,
        agree_numeric,
        max_diff,
        fd,
        reasons,
        failed,
        values,
        reports,
    )


def _numeric(
    results: dict[str, Result], seed: int, fixed: Mapping[str, object] | None
) -> tuple[bool, float, dict[str, np.ndarray], Measured[check.CheckReport]]:
    """Whether the methods agree at one point (each result evaluated there, every value
    compared with the first), the largest difference, the point, and each method against
    finite differences there (one finite-difference Jacobian for all, measured when read)."""
    first = next(iter(results.values()))
    variables = dict(first.problem.variables)
    variables.setdefault(first.wrt.name, first.wrt)
    try:
        values = check.values_at(variables, first.function, fixed, seed)
    except MatDiffError:
        return False, float("nan"), {}, Measured(dict)
    arrays = {}
    for method, r in results.items():
        try:
            arrays[method] = np.asarray(r.evaluate(values), dtype=float)
        except EvaluationError:
            continue
    worst = 0.0
    base = next(iter(arrays.values()), None)
    for a in arrays.values():
        if base is not None:
            worst = max(worst, check.relative_error(a, base)[1])
    agree = len(arrays) == len(results) and worst < TOLERANCE
    return agree, worst, values, Measured(lambda: check.check_results(results, values))
