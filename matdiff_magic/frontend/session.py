"""From a cell and its options to derived results: the part of the magic that needs no IPython.

Cell text goes to the public API (``parse_problem``, ``derive``, ``compare``) and nowhere else;
the user namespace is only read, for the shapes and values of NumPy arrays named in the cell.

Numbers are computed at small sizes whatever the namespace holds: derivations are shown at the
sizes of the arrays in the namespace, but every numeric check (the methods' agreement, --check,
--plot) runs on a twin of the problem whose sizes above :data:`CHECK_SIZE_LIMIT` are replaced by
small distinct ones, with the leading blocks of the arrays as values (see :func:`numeric_plan`).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

import numpy as np

from matdiff_magic import check
from matdiff_magic.api import derive_problem
from matdiff_magic.compare import Comparison
from matdiff_magic.dims import shape_text
from matdiff_magic.errors import Join, MatDiffError, Msg
from matdiff_magic.frontend.methods import all_methods
from matdiff_magic.frontend.options import (
    CODE_TARGETS,
    LANGS,
    OPTION_METHODS,
    OPTIONS,
    Options,
    check_options,
    output_name_error,
)
from matdiff_magic.frontend.per_layout import PerLayout
from matdiff_magic.frontend.sizes import (
    CHECK_SIZE_LIMIT,
    NumericPlan,
    declaration_for,
    numeric_plan,
)
from matdiff_magic.language.problem import Problem, parse_problem
from matdiff_magic.layout import LAYOUTS
from matdiff_magic.numeric import bind
from matdiff_magic.result import Result
from matdiff_magic.tree import nodes as N

# Where the options of a one-line ``%matdiff EXPR --wrt x`` begin: the first known option.
_OPTION_START = re.compile(
    r"(?:(?<=\s)|^)(?:"
    + "|".join(re.escape(flag) for option in OPTIONS for flag in option.flags)
    + r")(?![\w-])(?=\s|=|$)"
)
_LANG_OPTION = re.compile(r"(?:^|\s)--lang(?:=|\s+)(en|zh)(?!\S)")
_IDENTIFIER = re.compile(r"[^\W\d]\w*")
# The names a statement declares or defines: ``A, B: matrix(n, n)``, ``x ∈ R^n``, ``e = ...``.
_LEFT_SIDE = re.compile(r"\s*([^\W\d]\w*(?:\s*,\s*[^\W\d]\w*)*)\s*(?::|∈|\bin\b|=(?!=))")


@dataclass
class Solved:
    """Everything the magic shows, computed once: results in every layout, checks, values."""

    source: str
    options: Options
    lang: str
    problem: Problem
    wrt: str
    declarations: dict[str, str]  # name -> type, from arrays in the namespace
    # their values for numeric work: the arrays themselves, or their leading blocks (``resized``)
    namespace_values: dict[str, np.ndarray]
    result: Result | Comparison  # what ``-o`` stores (in the chosen layout)
    results: Mapping[str, dict[str, Result]]  # layout -> method -> result (made on demand)
    skipped: dict[str, str] = field(default_factory=dict)  # method -> why not (English)
    reasons: dict[str, MatDiffError] = field(default_factory=dict)  # the same, translatable
    comparison: Comparison | None = None
    checks: dict[str, check.CheckReport] = field(default_factory=dict)
    check_error: str | None = None
    values: dict[str, np.ndarray] | None = None  # the point used by --check and --plot
    # Methods that failed (a VerificationError, say) while others succeeded: method -> error.
    failed: dict[str, MatDiffError] = field(default_factory=dict)
    # The twins of ``result`` and of the chosen layout's results that numbers are computed with
    # (the same objects unless ``resized``): what --plot draws and --check checks.
    numeric_result: Result | Comparison | None = None
    numeric: dict[str, Result] = field(default_factory=dict)
    # name -> (shape in the namespace, shape used for numeric checks), for resized arrays only
    resized: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = field(default_factory=dict)

    @property
    def methods(self) -> list[str]:
        return list(self.results[self.options.layout])

    @property
    def primary(self) -> Result:
        """The first method's result in the chosen layout."""
        return next(iter(self.results[self.options.layout].values()))

    @property
    def numeric_results(self) -> dict[str, Result]:
        """Method -> the result numbers are computed with (chosen layout, small sizes)."""
        return dict(self.numeric or self.results[self.options.layout])

    @property
    def numeric_primary(self) -> Result:
        return next(iter(self.numeric_results.values()))


def split_line(line: str) -> tuple[str, str]:
    """``x' A x --wrt x -o r`` -> (``x' A x``, ``--wrt x -o r``): options start at a known one."""
    match = _OPTION_START.search(line)
    if match is None:
        return line.strip(), ""
    return line[: match.start()].strip(), line[match.start() :].strip()


def requested_language(option_text: str) -> str | None:
    """The language asked for by ``--lang en|zh`` in the options, read before they are parsed
    (so that an error in the options is shown in that language too)."""
    match = _LANG_OPTION.search(option_text)
    return match.group(1) if match else None


def _namespace_entries(names: list[str], namespace: Mapping[str, object]) -> dict[str, str]:
    out = {}
    for name in names:
        if name in namespace:
            decl = declaration_for(namespace[name])
            if decl is not None:
                out[name] = decl
    return out


def _names_in_text(source: str) -> list[str]:
    """Identifiers that may be variables (a fallback when the cell does not parse on its own)."""
    names: list[str] = []
    left_sides: set[str] = set()
    for raw in source.splitlines():
        line = raw.split("#", 1)[0]
        for statement in line.split(";"):
            head = re.match(
                r"\s*([^\W\d]\w*(?:\s*,\s*[^\W\d]\w*)*)\s*(:|∈|\bin\b|=(?!=))", statement
            )
            if head:
                left_sides.update(n.strip() for n in head.group(1).split(","))
        for name in _IDENTIFIER.findall(line):
            if name not in names:
                names.append(name)
    return [n for n in names if n not in left_sides]


def function_variables(problem: Problem) -> list[str]:
    """The variables the function depends on, in declaration order (the --wrt candidates)."""
    used = {v.name for v in problem.expr.walk() if isinstance(v, N.Var)}
    return [name for name in problem.variables if name in used]


def parse_with_namespace(
    source: str, namespace: Mapping[str, object], lang: str = "en"
) -> tuple[Problem, dict[str, str]]:
    """Parse the cell; names it uses but does not declare take the shapes of namespace arrays."""
    try:
        first = parse_problem(source)
    except MatDiffError as err:
        extra = _namespace_entries(_names_in_text(source), namespace)
        if not extra:
            raise
        try:
            return parse_problem(source, extra), extra
        except MatDiffError:
            raise err from None
    undeclared = [name for name in first.variables if name not in first.declared]
    extra = _namespace_entries(undeclared, namespace)
    if not extra:
        return first, {}
    try:
        return parse_problem(source, extra), extra
    except MatDiffError as err:
        # The arrays' sizes clash with the cell's own sizes (x: vector(n) next to a 3×3 A):
        # take only their kinds and let the sizes unify; the values are checked when used.
        kinds_only = {name: _kind_only(decl) for name, decl in extra.items()}
        try:
            return parse_problem(source, kinds_only), kinds_only
        except MatDiffError:
            pass
        err.add_hint(
            Msg(
                "ui.from_namespace",
                names=", ".join(f"{name}: {decl}" for name, decl in extra.items()),
            )
        )
        raise


def _kind_only(declaration: str) -> str:
    """matrix(3, 4) -> matrix(_, _): the kind of an array, its sizes left to inference."""
    if declaration.startswith("matrix"):
        return "matrix(_, _)"
    if declaration.startswith("vector"):
        return "vector(_)"
    return declaration


def infer_wrt(problem: Problem, lang: str) -> str:
    candidates = function_variables(problem)
    f = problem.name or "f"
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise MatDiffError(Msg("error.no_variable", f=f))
    raise MatDiffError(
        Msg("error.which_wrt", f=f, names=Join(candidates, "comma"), first=candidates[0])
    )


def solve(
    source: str,
    options: Options,
    namespace: Mapping[str, object],
    lang: str = "en",
    *,
    reserved: Collection[str] = (),
) -> Solved:
    """Parse, derive (every method or one), precompute every layout, and check numerically.

    ``reserved``: names ``-o`` must not write besides Python's and IPython's usual ones (the
    shell's hidden names)."""
    check_options(options, lang, reserved)
    if not source.strip():
        raise MatDiffError(Msg("error.empty_cell"))
    problem, declarations = parse_with_namespace(source, namespace, lang)
    wrt = options.wrt or infer_wrt(problem, lang)
    plan = numeric_plan(problem, declarations, namespace)
    comparison: Comparison | None = None
    skipped: dict[str, str] = {}
    reasons: dict[str, MatDiffError] = {}
    failed: dict[str, MatDiffError] = {}
    if options.method == "all":
        comparison, numeric, failed = all_methods(problem, source, wrt, plan, options)
        skipped = dict(comparison.skipped)
        reasons = dict(comparison.reasons)
        chosen: dict[str, Result] = dict(comparison.results)
        # With one derivation (a Hessian, say) -o stores that Result, not a comparison of one.
        stored: Result | Comparison = (
            next(iter(chosen.values())) if len(chosen) == 1 else comparison
        )
        twin: Result | Comparison = (
            next(iter(numeric.values()))
            if len(numeric) == 1
            else dataclasses.replace(comparison, results=numeric)
        )
    else:
        r = derive_problem(
            problem,
            wrt,
            layout=options.layout,
            method=options.method,
            order=options.order,
            symmetric=options.symmetric,
            names=options.names,
            verify=not plan.rederive,  # the small twin below is the one verified
        )
        if plan.rederive:
            twin = derive_problem(
                parse_problem(source, plan.declarations),  # the cell at small sizes
                wrt,
                layout=options.layout,
                method=options.method,
                order=options.order,
                symmetric=options.symmetric,
                names=options.names,
            )
        else:
            twin = r
        chosen = {r.method: r}
        numeric = {r.method: twin}
        stored = r
    # the chosen layout now, the others when the layout toggle asks for them
    results = PerLayout(
        LAYOUTS,
        lambda layout: {m: r.with_layout(layout) for m, r in chosen.items()},
        made={options.layout: chosen},
    )
    solved = Solved(
        source=source,
        options=options,
        lang=lang,
        problem=next(iter(chosen.values())).problem,
        wrt=wrt,
        declarations=declarations,
        namespace_values=plan.values,
        result=stored,
        results=results,
        skipped=skipped,
        reasons=reasons,
        comparison=comparison,
        failed=failed,
        numeric_result=twin,
        numeric=numeric,
        resized=plan.resized,
    )
    if options.check or options.plot:
        _check(solved, namespace)
    return solved


def point(result: Result, fixed: Mapping[str, object], seed: int = 0) -> dict[str, np.ndarray]:
    """Values for every variable: ``fixed`` ones as given, the others random (f finite there)."""
    variables = dict(result.problem.variables)
    variables.setdefault(result.wrt.name, result.wrt)
    return check.values_at(variables, result.function, fixed, seed)


def _check(solved: Solved, namespace: Mapping[str, object] | None = None) -> None:
    if solved.resized and namespace is not None:
        # The arrays themselves must fit the cell (sizes, finite entries), not only their
        # leading blocks: bind checks that without computing anything.
        variables = dict(solved.problem.variables)
        variables.setdefault(solved.primary.wrt.name, solved.primary.wrt)
        try:
            given = {name: namespace[name] for name in solved.declarations}
            bind(variables, given, needed=set(given))
        except MatDiffError as err:
            solved.check_error = err.message_in(solved.lang)
            return
    compared = solved.comparison
    if compared is not None and compared.values:
        # the comparison was made at the point --check needs (the notebook's arrays, the rest
        # random): its finite differences are the check, not computed again
        solved.values = dict(compared.values)
        if solved.options.check:
            solved.checks = dict(compared.checks)
        return
    primary = solved.numeric_primary
    try:
        values = point(primary, solved.namespace_values, solved.options.seed)
    except MatDiffError as err:
        solved.check_error = err.message_in(solved.lang)
        return
    solved.values = values
    if not solved.options.check:
        return
    # one finite-difference Jacobian at the point, every method compared with it
    solved.checks = check.check_results(solved.numeric_results, values)
    for method, r in solved.numeric_results.items():
        if method not in solved.checks:
            try:
                r.evaluate(values)
            except MatDiffError as err:
                solved.check_error = f"{method}: {err.message_in(solved.lang)}"


def describe_namespace(solved: Solved) -> str:
    """``A (3×3), x (3×1)``: the names whose sizes came from the namespace."""
    parts = []
    for name in solved.declarations:
        var = solved.problem.variables.get(name)
        parts.append(f"{name} ({shape_text(var.shape)})" if var is not None else name)
    return ", ".join(parts)


__all__ = [
    "Options",
    "Solved",
    "solve",
    "split_line",
    "requested_language",
    "declaration_for",
    "parse_with_namespace",
    "infer_wrt",
    "function_variables",
    "point",
    "describe_namespace",
    "numeric_plan",
    "NumericPlan",
    "output_name_error",
    "CHECK_SIZE_LIMIT",
    "OPTION_METHODS",
    "CODE_TARGETS",
    "LANGS",
]
