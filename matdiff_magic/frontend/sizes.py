"""Numbers at small sizes: a cell's numeric checks never run at a large namespace size.

Derivations are shown at the sizes of the arrays in the namespace, but every number the magic
computes (the methods' agreement, --check, --plot, verification) comes from a twin of the problem
whose sizes above :data:`CHECK_SIZE_LIMIT` are replaced by small distinct ones, with the leading
blocks of the arrays as values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from numbers import Real

import numpy as np

from matdiff_magic.language.problem import Problem

# Numeric checks never run at a namespace size above this: such sizes are replaced by small
# distinct ones (CHECK_SIZES first) and the arrays by their leading blocks, so that a cell naming
# a 3000×3000 array costs what a cell naming a 4×4 one does.
CHECK_SIZE_LIMIT = 10
CHECK_SIZES = (4, 5, 6, 7, 3, 8, 9, 2)


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
