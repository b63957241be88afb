"""What an operation is, in one call: :func:`define` takes everything one node type means to
each consumer and installs it there.

Its class (fields and shape rule) lives in ``tree/`` because the smart constructors build it;
everything else is given here, per operation module: NumPy evaluation, LaTeX, text and ASCII
printing and its precedence, NumPy code (with any helper function the code needs), the SymPy
form, the entrywise (index) form for the definition method or the reason there is none, and the
edge of its domain that random test points keep clear of (``domain_edges.EDGES``). The module also
registers the differential rule (``rules.diffrule.row``), the trace and vectorization steps of a
linear operation (``rules.adjoint.deflinear``) and the language's names
(``language.functions.register_function``). ``tests/test_operation_modules.py`` checks every
entry of :data:`OPERATIONS` in every consumer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from matdiff_magic.domain_edges import EDGES
from matdiff_magic.index.convert import ENTRY_FORMS, NO_INDEX_FORM
from matdiff_magic.messages import Msg
from matdiff_magic.numeric import Evaluator
from matdiff_magic.printing.base import PRECEDENCE
from matdiff_magic.printing.latex import LatexPrinter
from matdiff_magic.printing.numpy_printer import HELPERS, TARGET_CODE, TARGETS, NumpyPrinter
from matdiff_magic.printing.text import TEXT_PRECEDENCE, AsciiPrinter, TextPrinter
from matdiff_magic.to_sympy import FORMS
from matdiff_magic.tree.dispatch import install

Handler = Callable[..., object]


@dataclass(frozen=True)
class Operation:
    node: type
    evaluate: Handler  # (evaluator, node) -> 2-D array
    latex: Handler  # (printer, node) -> str
    text: Handler  # (printer, node) -> str
    code: Handler | None  # (NumPy printer, node) -> (code, precedence); None: never in code
    sympy: Handler | None  # (node, convert child) -> SymPy expression; None: SymPy has none
    entry: Handler | None  # (converter, node, i, j) -> SymPy index expression
    no_entry: Msg | None  # why there is no entrywise form (neither: a symbol when constant)
    ascii: Handler | None  # (printer, node) -> str, where ASCII differs from the text
    helpers: tuple[tuple[str, str], ...]  # (name, source) of functions the code calls
    edge: Handler | None  # (node, evaluator, margin) -> whether a point is clear of its edge
    precedence: int | Handler | None  # how tightly its LaTeX and text bind (None: an atom)
    # code per target (see ``code`` in :func:`define`); ``code`` above is the NumPy one
    targets: dict[str, Handler] = field(default_factory=dict)


OPERATIONS: dict[type, Operation] = {}


def called(name: str) -> Handler:
    """The printer of ``name(arg)``: each printer's ``call`` hook writes it in its notation."""
    return lambda p, e: p.call(name, p._print(e.arg))


def define(
    node: type,
    *,
    evaluate: Handler,
    latex: Handler,
    text: Handler,
    code: Handler | Mapping[str, Handler] | None = None,
    sympy: Handler | None = None,
    entry: Handler | None = None,
    no_entry: Msg | None = None,
    ascii: Handler | None = None,
    helpers: dict[str, str] | None = None,
    edge: Handler | None = None,
    precedence: int | Handler | None = None,
    text_precedence: int | Handler | None = None,
) -> Operation:
    """Install one node type in every consumer (see the module's docstring).

    ``code`` is the NumPy printer's handler ``(printer, node) -> (code, precedence)``, or a
    mapping from target (``numpy``, ``torch``, ``jax``; ``*`` for every target) to handlers: a
    ``*`` handler writes the target's names through ``printer.fn("linalg.inv")`` and
    ``printer.new("eye", n)``. An operation with NumPy code only cannot be written for the other
    targets (code generation says so, rather than writing NumPy calls there).
    """
    targets = _targets(node, code)
    code = targets.get("numpy", targets.get("*"))
    if entry is not None and no_entry is not None:
        raise ValueError(f"{node.__name__}: an entrywise form, or the reason there is none")
    op = Operation(
        node, evaluate, latex, text, code, sympy, entry, no_entry, ascii,
        tuple((helpers or {}).items()),
        edge,
        precedence,
        targets,
    )  # fmt: skip
    install(Evaluator, "_eval_", node, evaluate)
    install(LatexPrinter, "_print_", node, latex)
    install(TextPrinter, "_print_", node, text)
    if ascii is not None:
        install(AsciiPrinter, "_print_", node, ascii)
    if code is not None:
        install(NumpyPrinter, "_print_", node, code)
    TARGET_CODE[node] = targets
    HELPERS.update(op.helpers)
    if sympy is not None:
        FORMS[node] = sympy
    if entry is not None:
        ENTRY_FORMS[node] = entry
    if no_entry is not None:
        NO_INDEX_FORM[node] = no_entry
    if edge is not None:
        EDGES[node] = edge
    if precedence is not None:
        PRECEDENCE[node] = precedence
    if text_precedence is not None:  # where the text is not the LaTeX's shape (a call)
        TEXT_PRECEDENCE[node] = text_precedence
    OPERATIONS[node] = op
    return op


def _targets(node: type, code: Handler | Mapping[str, Handler] | None) -> dict[str, Handler]:
    if code is None:
        return {}
    if callable(code):
        return {"numpy": code}
    unknown = set(code) - set(TARGETS) - {"*"}
    if unknown:
        raise ValueError(f"{node.__name__}: code for unknown targets {sorted(unknown)}")
    return dict(code)
