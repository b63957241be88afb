"""Source code of a function for a target (NumPy, PyTorch, JAX) from lowered expressions.

:class:`TargetPrinter` is the NumPy printer with its node handlers taken per target from the
operations' rows (``define(code=...)``, in ``printing.numpy_printer.TARGET_CODE``) and the
lowered forms (``codegen.nodes``) writing themselves; :func:`function_source` assembles the
function: arguments converted to 2-D float arrays, sizes read off their shapes, temporaries for
subexpressions used more than once (shared between the value and the derivative), the return.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Mapping, Sequence

import sympy

from matdiff_magic.codegen.nodes import BroadcastOne
from matdiff_magic.dims import ONE
from matdiff_magic.errors import Msg, NotSupportedYetError
from matdiff_magic.printing.numpy_printer import (
    TARGET_CODE,
    TARGETS,
    Handler,
    NumpyPrinter,
    Target,
    python_name,
)
from matdiff_magic.printing.text import text as to_text
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr


def target(name: str) -> Target:
    try:
        return TARGETS[name]
    except KeyError:
        choices = ", ".join(TARGETS)
        raise NotSupportedYetError(
            Msg("code.unknown_target", target=name, choices=choices)
        ) from None


class TargetPrinter(NumpyPrinter):
    """Prints lowered expressions for one target."""

    def __init__(
        self, target: Target, names: dict[str, str], sizes: dict[sympy.Symbol, str]
    ) -> None:
        super().__init__(names, sizes)
        self.target = target

    def doprint_all(self, exprs: Sequence[Expr]) -> list[str]:
        """Several expressions sharing their subexpressions (computed once, before both)."""
        self._shared = _repeated(exprs)
        return [self._print(e)[0] for e in exprs]

    def _dispatch(self, e: Expr) -> tuple[str, int]:
        own = getattr(e, "_code_for", None)
        if own is not None:
            return own(self)
        found = _handler(type(e), self.target.name)
        if found is None:
            if not any(t in TARGET_CODE for t in type(e).__mro__):
                raise NotSupportedYetError(
                    Msg("code.no_node", node=type(e).__name__, text=to_text(e))
                )
            raise NotSupportedYetError(
                Msg("code.no_target", node=type(e).__name__, target=self.target.name)
            )
        return found(self, e)


def _handler(node: type, target: str) -> Handler | None:
    for cls in node.__mro__:
        table = TARGET_CODE.get(cls)
        if table is not None:
            return table.get(target) or table.get("*")
    return None


_TRIVIAL = (N.Var, N.Const, N.Identity, N.Zero, N.Ones, BroadcastOne)


def _repeated(exprs: Sequence[Expr]) -> set[Expr]:
    """Subexpressions worth a temporary: non-trivial ones met more than once in ``exprs``."""
    counts: dict[Expr, int] = {}
    stack = list(exprs)
    while stack:
        node = stack.pop()
        counts[node] = counts.get(node, 0) + 1
        if counts[node] == 1:
            stack.extend(node.args)
    return {
        node
        for node, k in counts.items()
        if k > 1
        and not isinstance(node, _TRIVIAL)
        and not (isinstance(node, N.Transpose) and isinstance(node.arg, _TRIVIAL))
    }


def function_source(
    exprs: Sequence[Expr],
    variables: Mapping[str, N.Var],
    target_name: str,
    name: str,
    *,
    zero_d: Sequence[bool],
    doc: Sequence[str] = (),
    helpers: Mapping[str, str] | None = None,
) -> str:
    """The source of ``name(*variables)`` returning ``exprs`` (a tuple when several)."""
    if not name.isidentifier() or keyword.iskeyword(name):
        raise NotSupportedYetError(Msg("code.function_name", name=name))
    tgt = target(target_name)
    names: dict[str, str] = {}
    for var_name in variables:
        names[var_name] = python_name(var_name, set(names.values()) | {name})
    used_vars = {n.name for e in exprs for n in e.walk() if isinstance(n, N.Var)}
    size_source: dict[sympy.Symbol, tuple[str, int]] = {}
    for var_name, var in sorted(variables.items(), key=lambda item: item[0] not in used_vars):
        for axis, d in enumerate(var.shape):
            if isinstance(d, sympy.Symbol) and d not in size_source:
                size_source[d] = (var_name, axis)
    size_names: dict[sympy.Symbol, str] = {}
    taken = set(names.values()) | {name}
    for sym in size_source:
        size_names[sym] = python_name(sym.name, taken)
        taken.add(size_names[sym])

    printer = TargetPrinter(tgt, names, size_names)
    bodies = printer.doprint_all(exprs)
    returns = []
    for e, body, flat in zip(exprs, bodies, zero_d, strict=True):
        constant = not any(isinstance(n, N.Var) for n in e.walk())
        if flat:
            body = _reshape(tgt, body, "()", constant)
        elif e.shape[0] == ONE and e.shape[1] == ONE:
            body = _reshape(tgt, body, "(1, 1)", constant)
        returns.append(body)

    code = "\n".join(v for _, v in printer.assignments) + "\n" + "\n".join(returns)
    used_sizes = [s for s in size_names if _mentions(code, size_names[s])]
    lines = [tgt.imports, "", ""]
    for helper in sorted(printer.helpers):
        lines += [(helpers or {})[helper], ""]
    lines.append(f"def {name}({', '.join(names[n] for n in variables)}):")
    if doc:
        lines.append('    """' + "\n\n    ".join(_docstring_safe(d) for d in doc))
        lines.append('    """')
    for var_name, var in variables.items():
        py = names[var_name]
        array = tgt.asarray.format(py)
        if var.shape[0] == ONE and var.shape[1] == ONE:
            lines.append(f"    {py} = {array}.reshape(1, 1)")
        elif var.shape[1] == ONE:
            lines.append(f"    {py} = {array}.reshape(-1, 1)")
        else:
            lines.append(f"    {py} = {array}")
    for sym in used_sizes:
        source, axis = size_source[sym]
        lines.append(f"    {size_names[sym]} = {names[source]}.shape[{axis}]")
    for temp, value in printer.assignments:
        # "t3 +" is an in-place update, "t3 += ..." (see codegen.nodes.Accumulate)
        lines.append(f"    {temp} = {value}" if temp.isidentifier() else f"    {temp}= {value}")
    lines.append("    return " + ", ".join(returns))
    return "\n".join(lines) + "\n"


def _reshape(tgt: Target, body: str, shape: str, constant: bool) -> str:
    if tgt.name == "torch" and constant:  # a plain number is not a tensor
        return f"torch.reshape(torch.as_tensor({body}, dtype=torch.float64), {shape})"
    return f"{tgt.fn('reshape')}({body}, {shape})"


def _mentions(code: str, identifier: str) -> bool:
    return re.search(r"(?<![\w.])" + re.escape(identifier) + r"(?!\w)", code) is not None


def _docstring_safe(s: str) -> str:
    return s.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
