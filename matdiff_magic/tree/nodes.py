"""Node classes of the typed expression tree, gathered from their families: ``nodes_leaves``,
``nodes_algebra``, ``nodes_functions``, ``nodes_entrywise`` (and the shape checks in ``shapes``).

Constructors only validate shapes and store their inputs; they never rewrite. The
canonicalizing constructors that callers normally use are in :mod:`matdiff_magic.tree.build`.
Everything is used as ``from matdiff_magic.tree import nodes as N; N.Kron``.
"""

from __future__ import annotations

from matdiff_magic.tree.nodes_algebra import (  # noqa: F401 - used as N.<name>
    Add,
    Inverse,
    MatMul,
    MatPow,
    Mul,
    Power,
    Transpose,
)
from matdiff_magic.tree.nodes_entrywise import (  # noqa: F401 - used as N.<name>
    Elementwise,
    Hadamard,
    HadamardDiv,
    HadamardPow,
)
from matdiff_magic.tree.nodes_functions import (  # noqa: F401 - used as N.<name>
    D,
    Det,
    DiagMat,
    DiagVec,
    KhatriRao,
    Kron,
    LogDet,
    LogSumExp,
    Norm,
    Softmax,
    Sum,
    Trace,
    Unvec,
    Vec,
    _Unary,
    batched,
)
from matdiff_magic.tree.nodes_leaves import (
    Commutation,
    Const,
    Differential,
    Identity,
    Named,
    Ones,
    Opaque,
    Var,
    Zero,
)
from matdiff_magic.tree.shapes import (  # noqa: F401 - used as N.<name>
    differ,
    dims_resolved,
    new_shape,
    relabel,
    require_column,
    require_scalar,
    require_square,
    shape_mismatch,
)

LEAVES = (Var, Const, Identity, Zero, Ones, Commutation, Differential, Opaque, Named)
