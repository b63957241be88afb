"""The node types each of the simplifier's rewrites acts on, where that is a short list: an
expression with no node of those types is left as it is by the rewrite (its pass would visit
every node and change none), so ``tidy`` does not run it there, unless the expression holds
two equal copies of a subexpression (the pass would merge them, rebuilding what is above: see
``Expr.has_equal_copies``). A rewrite not listed always runs.

Each entry is read off the rewrite's ``post``: it returns its node unchanged unless the node (or
a factor of it) is of one of these types. tests/test_tidy_triggers.py checks every entry on a
catalogue of expressions: where the types are absent, the rewrite changes nothing.
"""

from __future__ import annotations

from matdiff_magic.tree import nodes as N

TRIGGERS: dict[str, tuple[type, ...]] = {
    # 𝟏 ⊗ I and 𝟏ᵀ ⊗ I around diag(vec(I)): every selection matrix is read from a Kronecker
    "selection matrices": (N.Kron,),
    "diagonal of an outer product": (N.DiagVec,),
    "diagonal through a diagonal matrix": (N.DiagVec,),
    "Khatri–Rao products of rows": (N.KhatriRao,),
    "sums and traces by name": (N.Ones,),
    "diagonals by name": (N.DiagVec, N.Ones),
    "ones first": (N.Ones,),
    "traces of scalars": (N.Trace,),
    "transposes inward": (N.Inverse, N.MatPow),
    "powers of norms": (N.Power, N.Elementwise, N.Norm),
    # (𝟏ᵀ exp(z))⁻¹, a scalar power, turns exp(z) into softmax(z)
    "recognise softmax": (N.Power,),
    "diagonal inverses": (N.DiagMat, N.Inverse),
    "reciprocals as quotients": (N.HadamardPow,),
    "transpose of a Hadamard product": (N.Hadamard,),
    "expand square inverses": (N.Inverse,),
    # a block is simplified only with two entrywise operations in it (entrywise._entrywise_ops)
    "entrywise algebra": (N.Hadamard, N.HadamardDiv, N.HadamardPow, N.Elementwise, N.Power),
    "traces in one rotation": (N.Trace,),
    "traces gathered": (N.Trace,),
    "merge linear wrappers": (N.DiagMat, N.Vec, N.Kron),
    "shared entrywise factors": (N.Hadamard,),
    "diagonal of an entrywise product": (N.DiagVec, N.Ones),
    "vec of an entrywise product": (N.Vec,),
    "traces of entrywise products": (N.Trace,),
    "Khatri–Rao products with the identity": (N.KhatriRao,),
}
