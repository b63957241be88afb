"""NumPy source code for a derivative: :func:`numpy_code` writes a self-contained function of
the variables that computes an expression (``Result.numpy_code`` gives it a derivative, its
symbol and its layout).

    >>> print(md.derive("x' A x", "x").numpy_code())
    import numpy as np


    def derivative(x, A):
        ...
        return (A + A.T) @ x

The code is text for the user to read, copy and run: matdiff never executes it.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Mapping

import sympy

from matdiff_magic.dims import ONE, dim_text
from matdiff_magic.errors import Msg, NotSupportedYetError
from matdiff_magic.printing.numpy_printer import HELPERS, NumpyPrinter, python_name
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr


def _kind(var: N.Var) -> str:
    if var.rows == ONE and var.cols == ONE:
        return "scalar"
    if var.cols == ONE:
        return "vector"
    return "matrix"


def numpy_code(
    expr: Expr,
    variables: Mapping[str, N.Var],
    name: str = "derivative",
    *,
    summary: str = "",
    comment: str = "",
    unused_note: str = "",
    zero_d: bool = False,
) -> str:
    """The source of a NumPy function computing ``expr`` from ``variables``.

    The function takes every variable, in order, as a NumPy array (vectors may be 1-D, scalars
    plain numbers). ``summary`` is the docstring's first line, ``comment`` its second;
    ``unused_note`` (a template with ``{names}``) names the arguments ``expr`` does not use;
    ``zero_d`` returns a 1×1 value as a 0-d array (a scalar by a scalar).
    """
    if not name.isidentifier() or keyword.iskeyword(name):
        raise NotSupportedYetError(Msg("code.function_name", name=name))
    names: dict[str, str] = {}
    for var_name in variables:
        names[var_name] = python_name(var_name, set(names.values()) | {name})
    # The function takes the variables the expression uses; a size is read off the shape of a
    # variable it already takes where possible (otherwise that variable becomes an argument).
    used_vars = {n.name for n in expr.walk() if isinstance(n, N.Var)}
    size_source: dict[sympy.Symbol, tuple[str, int]] = {}
    by_preference = sorted(variables.items(), key=lambda item: item[0] not in used_vars)
    for var_name, var in by_preference:
        for axis, d in enumerate(var.shape):
            if isinstance(d, sympy.Symbol) and d not in size_source:
                size_source[d] = (var_name, axis)
    size_names: dict[sympy.Symbol, str] = {}
    taken = set(names.values()) | {name}
    for sym in size_source:
        size_names[sym] = python_name(sym.name, taken)
        taken.add(size_names[sym])

    printer = NumpyPrinter(names, size_names)
    body = printer.doprint(expr)
    if zero_d:
        body = "np.reshape(" + body + ", ())"
    elif expr.shape[0] == ONE and expr.shape[1] == ONE:
        body = "np.reshape(" + body + ", (1, 1))"

    code = "\n".join(line for _, line in printer.assignments) + "\n" + body
    used_sizes = [s for s in size_names if _mentions(code, size_names[s])]
    unused = [n for n in variables if n not in used_vars | {size_source[s][0] for s in used_sizes}]

    lines = ["import numpy as np", "", ""]
    for helper in sorted(printer.helpers):
        lines += [HELPERS[helper], ""]
    lines.append(f"def {name}({', '.join(names[n] for n in variables)}):")
    lines.append('    """' + _docstring_safe(summary))
    if comment:
        lines += ["", "    " + _docstring_safe(comment)]
    if unused and unused_note:
        listed = ", ".join(names[n] for n in unused)
        lines.append("    " + _docstring_safe(unused_note.format(names=listed)))
    lines.append('    """')
    for var_name, var in variables.items():
        py = names[var_name]
        kind = _kind(var)
        if kind == "scalar":
            lines.append(f"    {py} = np.asarray({py}, dtype=float).reshape(1, 1)")
        elif kind == "vector":
            lines.append(f"    {py} = np.asarray({py}, dtype=float).reshape(-1, 1)")
        else:
            lines.append(f"    {py} = np.asarray({py}, dtype=float)")
        if getattr(var, "fact", ""):  # the result used the fact: refuse a value without it
            lines += [f"    if not ({FACT_TESTS[var.fact].format(py)}):",
                      f'        raise ValueError("{py} must be {var.fact} as declared")']
    for sym in used_sizes:
        source, axis = size_source[sym]
        lines.append(f"    {size_names[sym]} = {names[source]}.shape[{axis}]")
    for temp, value in printer.assignments:
        lines.append(f"    {temp} = {value}")
    lines.append(f"    return {body}")
    return "\n".join(lines) + "\n"


# What a value declared with a fact must satisfy (numeric.has_fact, as NumPy source).
FACT_TESTS = {
    "onehot": "np.all(({0} == 0) | ({0} == 1)) and {0}.sum() == 1",
    "simplex": "np.all({0} >= 0) and abs({0}.sum() - 1) <= 1e-9",
    "pm1": "np.all(np.abs({0}) == 1)",
}


def dim_label(d: sympy.Expr) -> str:
    return dim_text(d)


def _mentions(code: str, identifier: str) -> bool:
    return re.search(r"(?<![\w.])" + re.escape(identifier) + r"(?!\w)", code) is not None


def _docstring_safe(s: str) -> str:
    return s.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')


__all__ = ["numpy_code", "NumpyPrinter", "python_name", "HELPERS", "dim_label"]
