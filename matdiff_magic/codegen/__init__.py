"""Code generation for speed: a derivative (and optionally its function) as the source of a
self-contained NumPy, PyTorch or JAX function, from a lowering of the tree into fast forms
(:mod:`.lower`) printed per target (:mod:`.emit`). ``Result.code`` is the way in.

The display form (``Result.numpy_code``, ``printing/numpy_code.py``) stays as the derivation
writes it; this package writes what computes it fastest.
"""

from __future__ import annotations

from collections.abc import Mapping

from matdiff_magic.codegen.emit import function_source, target
from matdiff_magic.codegen.lower import lower
from matdiff_magic.codegen.nodes import KRON_SUM_CODE
from matdiff_magic.printing.numpy_printer import HELPERS, TARGETS
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr


def generate(
    derivative: Expr,
    variables: Mapping[str, N.Var],
    target_name: str = "numpy",
    name: str = "derivative",
    *,
    value: Expr | None = None,
    zero_d: bool = False,
    scalar_value: bool = False,
    doc: tuple[str, ...] = (),
) -> str:
    """The source of ``name(*variables)`` computing ``derivative`` for the target; with
    ``value`` (the function), it returns ``(value, derivative)`` sharing subexpressions."""
    target(target_name)  # a clear error for an unknown target before anything else
    exprs = [lower(derivative)] if value is None else [lower(value), lower(derivative)]
    flat = [zero_d] if value is None else [scalar_value, zero_d]
    return function_source(exprs, variables, target_name, name, zero_d=flat, doc=doc,
                           helpers=HELPERS)  # fmt: skip


HELPERS.setdefault("_kron_sum", KRON_SUM_CODE)

__all__ = ["generate", "lower", "TARGETS"]
