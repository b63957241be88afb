"""Canonicalizing constructors: the way the rest of matdiff builds expressions.

They keep trees in a canonical form without changing values: numbers and scalar factors
gathered in front (``Mul``), matrix chains flattened with identities dropped and X X^{-1}
cancelled, transposes pushed through products (but not into a sum unless that removes
transposes, so (Xθ - y)^T stays as a student writes it), like terms collected.

The families live in ``build_constants``, ``build_products``, ``build_sums``, ``build_unary``
and ``build_entrywise``; they call each other through ``smart.S`` (transpose calls matmul and
matmul calls transpose), so none imports another. This module gathers them: every module
builds through ``from matdiff_magic.tree import build as B``.
"""

from __future__ import annotations

from collections.abc import Callable

from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.build_constants import (  # noqa: F401 - the constructors, as B.<name>
    commutation,
    const,
    count_transposes,
    identity,
    is_one,
    is_zero,
    number,
    ones,
    ones_like,
    zero,
    zero_like,
)
from matdiff_magic.tree.build_entrywise import (  # noqa: F401 - the constructors, as B.<name>
    _collect_powers,
    broadcast,
    elementwise,
    hadamard,
    hadamard_div,
    hadamard_pow,
)
from matdiff_magic.tree.build_products import (  # noqa: F401 - the constructors, as B.<name>
    _base_exp,
    _cancels,
    _extract_scalar_runs,
    _from_base_exp,
    _from_chain,
    _push,
    make_mul,
    matmul,
    mul,
    neg,
    scale,
    split,
)
from matdiff_magic.tree.build_sums import (  # noqa: F401 - the constructors, as B.<name>
    add,
    keeping_terms,
    sub,
)
from matdiff_magic.tree.build_unary import (  # noqa: F401 - the constructors, as B.<name>
    _square,
    det,
    diag_mat,
    diag_vec,
    inverse,
    khatri_rao,
    kron,
    logdet,
    logsumexp,
    matpow,
    norm,
    power,
    softmax,
    total,
    trace,
    transpose,
    unvec,
    vec,
)

# -- generic rebuilding ----

_SMART = {
    N.Add: lambda terms: add(*terms),
    N.Mul: lambda coeff, scalars, body: make_mul(coeff, scalars, body),
    N.MatMul: lambda factors: matmul(*factors),
    N.Transpose: transpose,
    N.Inverse: inverse,
    N.MatPow: matpow,
    N.Power: power,
    N.Trace: trace,
    N.Det: det,
    N.LogDet: logdet,
    N.Norm: norm,
    N.Sum: total,
    N.Vec: vec,
    N.Unvec: unvec,
    N.DiagMat: diag_mat,
    N.DiagVec: diag_vec,
    N.Kron: kron,
    N.KhatriRao: khatri_rao,
    N.Softmax: softmax,
    N.LogSumExp: logsumexp,
    N.Elementwise: elementwise,
    N.Hadamard: lambda factors: hadamard(*factors),
    N.HadamardDiv: hadamard_div,
    N.HadamardPow: hadamard_pow,
    N.D: N.D,
}


def rebuild(node: Expr, args: tuple[Expr, ...]) -> Expr:
    """``node`` with new children, through the canonicalizing constructor of its type."""
    if not args and not node.args:
        return node
    it = iter(args)
    init = node.map_init(lambda _: next(it))
    smart = _SMART.get(type(node))
    if smart is None:
        return type(node)(*init)
    return smart(*init)


def register_smart(node_type: type, constructor: Callable[..., Expr]) -> None:
    """The canonicalizing constructor :func:`rebuild` calls (with the node's fields) for a node
    type defined outside ``tree/``."""
    _SMART[node_type] = constructor
