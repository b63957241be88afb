"""From a cell and its options to derived results: the part of the magic that needs no IPython.

Cell text goes to the public API (``parse_problem``, ``derive``, ``compare``) and nowhere else;
the user namespace is only read, for the shapes and values of NumPy arrays named in the cell.

Numbers are computed at small sizes whatever the namespace holds: derivations are shown at the
sizes of the arrays in the namespace, but every numeric check (the methods' agreement, --check,
--plot) runs on a twin of the problem whose sizes above :data:`CHECK_SIZE_LIMIT` are replaced by
small distinct ones, with the leading blocks of the arrays as values (see :func:`numeric_plan`).
"""

from __future__ import annotations

import builtins
import dataclasses
import inspect
import keyword
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from numbers import Real

import numpy as np

from matdiff_magic import check, errors
from matdiff_magic.api import METHODS, derive
from matdiff_magic.compare import METHOD_ORDER, TOLERANCE, Comparison, compare
from matdiff_magic.dims import shape_text
from matdiff_magic.errors import Join, MatDiffError, Msg, UnsupportedError
from matdiff_magic.language.builder import Problem, parse_problem
from matdiff_magic.layout import LAYOUTS
from matdiff_magic.numeric import bind
from matdiff_magic.result import Result
from matdiff_magic.tree import nodes as N

OPTION_METHODS = ("all", *METHODS)
CODE_TARGETS = ("numpy",)
LANGS = ("en", "zh")

# Where the options of a one-line ``%matdiff EXPR --wrt x`` begin: the first known option.
_OPTION_START = re.compile(
    r"(?:(?<=\s)|^)(?:--(?:wrt|layout|method|order|check|plot|code|lang|static|output)"
    r"(?![\w-])|-o(?=\s|=|$))"
)
_LANG_OPTION = re.compile(r"(?:^|\s)--lang(?:=|\s+)(en|zh)(?!\S)")
_IDENTIFIER = re.compile(r"[^\W\d]\w*")
# The names a statement declares or defines: ``A, B: matrix(n, n)``, ``x ∈ R^n``, ``e = ...``.
_LEFT_SIDE = re.compile(r"\s*([^\W\d]\w*(?:\s*,\s*[^\W\d]\w*)*)\s*(?::|∈|\bin\b|=(?!=))")

# Names ``-o`` refuses: what Python and IPython need (besides keywords and names starting with
# "_"). Every built-in name is refused (``print``, ``len``, ``sum``, ...), and the names IPython
# puts in the namespace; the shell's own hidden names are added by the magic.
IPYTHON_NAMES = frozenset(
    {"In", "Out", "get_ipython", "exit", "quit", "display", "open", "__IPYTHON__"}
)
BUILTIN_NAMES = frozenset(dir(builtins))

# Numeric checks never run at a namespace size above this: such sizes are replaced by small
# distinct ones (CHECK_SIZES first) and the arrays by their leading blocks, so that a cell naming
# a 3000×3000 array costs what a cell naming a 4×4 one does.
CHECK_SIZE_LIMIT = 10
CHECK_SIZES = (4, 5, 6, 7, 3, 8, 9, 2)


@dataclass
class Options:
    """The magic's options (see ``%%matdiff?``)."""

    wrt: str | None = None
    layout: str = "mixed"
    method: str = "all"
    order: int = 1
    check: bool = False
    plot: bool = False
    code: str | None = None
    lang: str | None = None
    static: bool = False
    output: str | None = None
    seed: int = 0


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
    results: dict[str, dict[str, Result]]  # layout -> method -> result
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


def declaration_for(value: object) -> str | None:
    """A matdiff type for a NumPy array or number, or None if it is neither."""
    if isinstance(value, bool | np.bool_):
        return None
    if isinstance(value, Real | np.integer | np.floating) and not isinstance(value, np.ndarray):
        return "scalar"
    if not isinstance(value, np.ndarray) or value.dtype.kind not in "iuf" or 0 in value.shape:
        return None
    if value.ndim == 0:
        return "scalar"
    if value.ndim == 1:
        return f"vector({value.shape[0]})"
    if value.ndim == 2:
        rows, cols = value.shape
        return f"vector({rows})" if cols == 1 else f"matrix({rows}, {cols})"
    return None


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


def output_name_error(name: str, hidden: Collection[str] = ()) -> MatDiffError | None:
    """Why ``-o name`` is refused, or None: it must be a Python name that neither Python nor
    IPython needs (no keyword, no name starting with "_", no built-in name such as ``print``,
    not ``In``, ``Out``, ``get_ipython``, ``exit``, ``quit``, nor a name in ``hidden``)."""
    if not name.isidentifier() or keyword.iskeyword(name):
        return MatDiffError(Msg("error.output_name", name=name))
    builtin = name in BUILTIN_NAMES or hasattr(builtins, name)  # IPython adds some at run time
    if name.startswith("_") or builtin or name in IPYTHON_NAMES or name in hidden:
        return MatDiffError(Msg("error.output_reserved", name=name))
    return None


def check_options(options: Options, lang: str, reserved: Collection[str] = ()) -> None:
    if options.layout not in LAYOUTS:
        raise MatDiffError(
            Msg("api.unknown_layout", layout=options.layout, choices=", ".join(LAYOUTS))
        )
    if options.method not in OPTION_METHODS:
        raise MatDiffError(
            Msg("api.unknown_method", method=options.method, choices=", ".join(OPTION_METHODS))
        )
    if options.output is not None:
        err = output_name_error(options.output, reserved)
        if err is not None:
            raise err


# -- numbers at small sizes ----------------------------------------------------------------------
@dataclass
class NumericPlan:
    """How a cell's numbers are computed: at the namespace's sizes when they are small, else on
    a twin of the problem with small sizes and the leading blocks of the arrays."""

    declarations: dict[str, str]  # what the twin is derived with (the namespace's if not resized)
    values: dict[str, np.ndarray]  # the namespace values numbers use (leading blocks if resized)
    resized: dict[str, tuple[tuple[int, ...], tuple[int, ...]]]  # name -> (real, small) shape
    rederive: bool  # whether the twin needs derivations of its own (its declared sizes differ)


def numeric_plan(
    problem: Problem, declarations: Mapping[str, str], namespace: Mapping[str, object]
) -> NumericPlan:
    """Replace every namespace size above CHECK_SIZE_LIMIT by a small one, the same for equal
    sizes and distinct from every other size of the problem (so that transpositions still show
    and no shape coincides that did not before); 1 stays 1. Sizes the cell itself writes as
    numbers are kept (the cell's declarations must still hold)."""
    shapes = {name: np.shape(namespace[name]) for name in declarations}
    pinned = {
        int(d)
        for name, var in problem.variables.items()
        if name in problem.declared and name not in declarations
        for d in var.shape
        if d.is_Integer
    }
    big = sorted({d for shape in shapes.values() for d in shape if d > CHECK_SIZE_LIMIT} - pinned)
    if not big:
        values = {name: np.asarray(namespace[name], dtype=float) for name in declarations}
        return NumericPlan(dict(declarations), values, {}, False)
    used = set(big) | {
        int(d) for var in problem.variables.values() for d in var.shape if d.is_Integer
    }
    pool = [k for k in (*CHECK_SIZES, *range(CHECK_SIZE_LIMIT + 1, 1000)) if k not in used]
    size_map = dict(zip(big, pool[: len(big)], strict=True))
    values: dict[str, np.ndarray] = {}
    resized: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {}
    twin: dict[str, str] = {}
    for name, declaration in declarations.items():
        array = np.asarray(namespace[name])
        small = tuple(size_map.get(d, d) for d in array.shape)
        block = np.array(array[tuple(slice(0, k) for k in small)], dtype=float)
        values[name] = block
        if small != array.shape:
            resized[name] = (tuple(array.shape), small)
        # kinds only ("matrix(_, _)"): the sizes follow the values, the declaration stays
        twin[name] = declaration if "_" in declaration else declaration_for(block) or declaration
    return NumericPlan(twin, values, resized, twin != dict(declarations))


def verification_error() -> type[MatDiffError] | None:
    """``md.VerificationError`` (a method's result or step failed its numeric check), if the
    core has it."""
    import matdiff_magic

    cls = getattr(errors, "VerificationError", None) or getattr(
        matdiff_magic, "VerificationError", None
    )
    return cls if isinstance(cls, type) and issubclass(cls, MatDiffError) else None


def _unverified() -> dict[str, bool]:
    """``verify=False`` if ``derive`` takes it: for derivations at the namespace's sizes, whose
    small-size twins are the ones verified (a check at 3000×3000 costs what we avoid here)."""
    return {"verify": False} if _takes_verify(derive) else {}


@dataclass
class _Derived:
    """Every method tried on its own: results, reasons for the ones that do not apply, and
    failures (an error other than "not applicable": a failed verification, say)."""

    results: dict[str, Result] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    reasons: dict[str, MatDiffError] = field(default_factory=dict)
    failed: dict[str, MatDiffError] = field(default_factory=dict)


def _methods(order: int) -> tuple[str, ...]:
    # As compare: a Hessian is derived one way (the gradient by the differential method).
    return METHOD_ORDER if order == 1 else ("differential",)


def _derive_each(
    source: str, wrt: str, variables: dict[str, str] | None, options: Options, **kwargs: bool
) -> _Derived:
    out = _Derived()
    failure = verification_error()
    for method in _methods(options.order):
        try:
            r = derive(
                source,
                wrt,
                variables,
                layout=options.layout,
                method=method,
                order=options.order,
                **kwargs,
            )
        except MatDiffError as err:
            if isinstance(err, UnsupportedError) and not (
                failure is not None and isinstance(err, failure)
            ):
                out.skipped[method] = err.message
                out.reasons[method] = err
            else:
                out.failed[method] = err
            continue
        out.results[method] = r
    return out


def _nothing_derived(derived: _Derived) -> MatDiffError:
    """The one error to show when no method gave a result."""
    if derived.failed:
        return next(iter(derived.failed.values()))
    distinct = {err.message: err for err in derived.reasons.values()}
    return UnsupportedError(Msg("api.no_method", reasons=Join(distinct.values(), "semicolon")))


def _agreement(results: Mapping[str, Result], seed: int) -> tuple[bool, float, dict[str, float]]:
    """Whether the results agree at one random point, and each against finite differences (as
    ``compare`` does; here for a set of methods that ``compare`` could not give)."""
    first = next(iter(results.values()))
    variables = dict(first.problem.variables)
    variables.setdefault(first.wrt.name, first.wrt)
    try:
        values = check.random_values(variables, np.random.default_rng(seed), None, first.function)
    except MatDiffError:
        return False, float("nan"), {}
    arrays: dict[str, np.ndarray] = {}
    fd: dict[str, float] = {}
    for method, r in results.items():
        try:
            arrays[method] = np.asarray(r.evaluate(values), dtype=float)
            fd[method] = check.check_result(r, values).max_rel_error
        except MatDiffError:
            fd[method] = float("nan")
    base = next(iter(arrays.values()), None)
    worst = 0.0
    for a in arrays.values():
        try:
            worst = max(worst, check.relative_error(a, base)[1])
        except MatDiffError:  # shapes differ
            worst = float("inf")
    return len(arrays) == len(results) and worst < TOLERANCE, worst, fd


def _comparison_of(
    results: dict[str, Result],
    skipped: dict[str, str],
    reasons: dict[str, MatDiffError],
    options: Options,
    agree_symbolic: bool = False,
) -> Comparison:
    """A :class:`Comparison` of ``results`` (the methods left when others failed)."""
    agree_numeric, worst, fd = _agreement(results, options.seed)
    same_text = len({r.text for r in results.values()}) == 1
    first = next(iter(results.values()))
    return Comparison(
        first.problem,
        options.layout,
        results,
        skipped,
        agree_symbolic or same_text,
        agree_numeric,
        worst,
        fd,
        reasons,
    )


def _takes_verify(fn: object) -> bool:
    try:
        return "verify" in inspect.signature(fn).parameters  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def _verify_each(results: Mapping[str, Result]) -> dict[str, MatDiffError]:
    """Method -> the VerificationError of each result that fails ``Result.verify`` (random
    inputs of small sizes): what ``derive`` checks, for results that came from ``compare``. A
    result that cannot be checked at all (no finite inputs) is not counted as failed."""
    failed: dict[str, MatDiffError] = {}
    for method, r in results.items():
        verify = getattr(r, "verify", None)
        if verify is None:
            continue
        try:
            verification = verify()
        except MatDiffError as err:
            if isinstance(err, verification_error() or ()):
                failed[method] = err
            continue
        error = getattr(verification, "error", None)
        err = error() if callable(error) else None
        if isinstance(err, MatDiffError):
            failed[method] = err
    return failed


def _compare(
    source: str, wrt: str, variables: dict[str, str] | None, options: Options
) -> tuple[Comparison, dict[str, MatDiffError]]:
    """``compare``, every result verified as ``derive`` verifies it, and a method that fails
    (rather than does not apply) shown as failed: the other methods are still shown, and the
    failure is an error of its own."""
    try:
        comparison = compare(
            source, wrt, variables, layout=options.layout, order=options.order, seed=options.seed
        )
    except MatDiffError as err:
        if isinstance(err, UnsupportedError) and not isinstance(err, verification_error() or ()):
            raise  # no method applies
        # One method failed inside compare: try each on its own (derive verifies).
        derived = _derive_each(source, wrt, variables, options)
        if not derived.results:
            raise _nothing_derived(derived) from None
        comparison = _comparison_of(derived.results, derived.skipped, derived.reasons, options)
        return comparison, derived.failed
    failure = verification_error()
    failed = dict(getattr(comparison, "failed", {}))
    failed.update(
        {
            m: err
            for m, err in comparison.reasons.items()
            if failure is not None and isinstance(err, failure)
        }
    )
    if not _takes_verify(compare):  # compare does not verify (yet): check as derive would
        failed.update(_verify_each(comparison.results))
    if not failed:
        return comparison, {}
    results = {m: r for m, r in comparison.results.items() if m not in failed}
    if not results:
        raise next(iter(failed.values()))
    comparison = _comparison_of(
        results,
        {m: why for m, why in comparison.skipped.items() if m not in failed},
        {m: err for m, err in comparison.reasons.items() if m not in failed},
        options,
        comparison.agree_symbolic,
    )
    return comparison, failed


def _all_methods(
    source: str,
    wrt: str,
    variables: dict[str, str] | None,
    plan: NumericPlan,
    options: Options,
) -> tuple[Comparison, dict[str, Result], dict[str, MatDiffError]]:
    """Every method: (the comparison to show and store, its results at small sizes, failures).

    Without resizing this is ``compare``. With it, the methods are derived at the namespace's
    sizes for the display, and compared (numerically too) on the small twin."""
    if not plan.rederive:
        comparison, failed = _compare(source, wrt, variables, options)
        return comparison, dict(comparison.results), failed
    real = _derive_each(source, wrt, variables, options, **_unverified())
    if not real.results:
        raise _nothing_derived(real)
    twin, twin_failed = _compare(source, wrt, plan.declarations, options)
    shown: dict[str, Result] = {}
    numeric: dict[str, Result] = {}
    skipped: dict[str, str] = {}
    reasons: dict[str, MatDiffError] = {}
    failed: dict[str, MatDiffError] = {}
    for method in _methods(options.order):
        if method in real.failed or method in twin_failed:
            failed[method] = real.failed.get(method) or twin_failed[method]
        elif method in real.results and method in twin.results:
            shown[method] = real.results[method]
            numeric[method] = twin.results[method]
        elif method in real.skipped or method in twin.skipped:
            source_of = real if method in real.skipped else twin
            skipped[method] = source_of.skipped[method]
            if method in source_of.reasons:
                reasons[method] = source_of.reasons[method]
    if not shown:
        raise _nothing_derived(_Derived({}, skipped, reasons, failed))
    first = next(iter(shown.values()))
    comparison = dataclasses.replace(
        twin, problem=first.problem, results=shown, skipped=skipped, reasons=reasons
    )
    return comparison, numeric, failed


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
    variables = declarations or None
    plan = numeric_plan(problem, declarations, namespace)
    comparison: Comparison | None = None
    skipped: dict[str, str] = {}
    reasons: dict[str, MatDiffError] = {}
    failed: dict[str, MatDiffError] = {}
    if options.method == "all":
        comparison, numeric, failed = _all_methods(source, wrt, variables, plan, options)
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
        r = derive(
            source,
            wrt,
            variables,
            layout=options.layout,
            method=options.method,
            order=options.order,
            **(_unverified() if plan.rederive else {}),
        )
        if plan.rederive:
            twin = derive(
                source,
                wrt,
                plan.declarations,
                layout=options.layout,
                method=options.method,
                order=options.order,
            )
        else:
            twin = r
        chosen = {r.method: r}
        numeric = {r.method: twin}
        stored = r
    results = {
        layout: {m: r.with_layout(layout) if layout != r.layout else r for m, r in chosen.items()}
        for layout in LAYOUTS
    }
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
    rng = np.random.default_rng(seed)
    known = {k: v for k, v in fixed.items() if k in variables}
    # The sizes the given values fix (n = 5 from a 5×5 A whose kind only came from the
    # namespace): the random values of the other variables must have them too.
    sizes = {str(s): k for s, k in bind(variables, known, needed=set(known)).sizes.items()}
    return check.random_values(variables, rng, sizes, result.function, fixed=known)


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
    primary = solved.numeric_primary
    try:
        values = point(primary, solved.namespace_values, solved.options.seed)
    except MatDiffError as err:
        solved.check_error = err.message_in(solved.lang)
        return
    solved.values = values
    if not solved.options.check:
        return
    for method, r in solved.numeric_results.items():
        try:
            solved.checks[method] = check.check_result(r, values)
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
    "verification_error",
    "CHECK_SIZE_LIMIT",
    "OPTION_METHODS",
    "CODE_TARGETS",
    "LANGS",
]
