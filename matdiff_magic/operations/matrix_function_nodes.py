"""The node types of the matrix functions (principal branches of a square X): f(X) itself, its
Fréchet derivative L_f(X, E) (linear in E) and the n²×n² matrix of E ↦ L_f(X, E).

``func`` is ``"expm"``, ``"logm"``, ``"sqrtm"`` or ``"power"`` (X^p for a real p, with ``p`` a
SymPy number; the others carry p = None). They live here, not in ``tree/``, because only the
operation modules (``matrix_function.py``, ``frechet.py``) build them."""

from __future__ import annotations

import sympy

from matdiff_magic import dims
from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.canonical import ckey
from matdiff_magic.tree.expand import TooLarge, expand
from matdiff_magic.tree.rewrite import canonical
from matdiff_magic.tree.shapes import new_shape, require_same_shape, require_square

FUNCS = ("expm", "logm", "sqrtm", "power")


class MatrixFunction(Expr):
    """f(X) of a square X: expm, logm, sqrtm (X^{1/2}) or X^p (principal branches)."""

    __slots__ = ()
    _fields = ("func", "arg", "p")
    transpose_commutes = True  # f(Xᵀ) = f(X)ᵀ for a primary matrix function
    func: str
    arg: Expr
    p: sympy.Expr | None

    def __init__(self, func: str, arg: Expr, p: sympy.Expr | None = None):
        assert func in FUNCS, func
        require_square("matrix_function_of", arg)
        self._setup((func, arg, p), new_shape(arg.rows, arg.cols))

    def _canonical_key(self) -> str:
        return f"{self.func}({ckey(self.arg)},{self.p})"


class Frechet(Expr):
    """L_f(X, E): the Fréchet derivative of f at X in the direction E (linear in E), so that
    d f(X) = L_f(X, dX)."""

    __slots__ = ()
    _fields = ("func", "x", "e", "p")
    transpose_commutes = True  # L_f(X, E)ᵀ = L_f(Xᵀ, Eᵀ) for a primary matrix function
    func: str
    x: Expr
    e: Expr
    p: sympy.Expr | None

    def __init__(self, func: str, x: Expr, e: Expr, p: sympy.Expr | None = None):
        assert func in FUNCS, func
        require_square("matrix_function_of", x)
        require_square("matrix_function_of", e)
        require_same_shape("shape.frechet", (x, e))
        self._setup((func, x, e, p), new_shape(x.rows, x.cols))

    def _canonical_key(self) -> str:
        return f"L{self.func}({ckey(self.x)},{ckey(self.e)},{self.p})"


class FrechetKron(Expr):
    """The n²×n² matrix K_f(X) of E ↦ L_f(X, E): vec L_f(X, E) = K_f(X) vec E."""

    __slots__ = ()
    _fields = ("func", "x", "p")
    func: str
    x: Expr
    p: sympy.Expr | None

    def __init__(self, func: str, x: Expr, p: sympy.Expr | None = None):
        assert func in FUNCS, func
        require_square("matrix_function_of", x)
        n = dims.resolve(x.rows)
        self._setup((func, x, p), new_shape(n * n, n * n))

    def _canonical_key(self) -> str:
        return f"K{self.func}({ckey(self.x)},{self.p})"

    def applied_to(self, e: Expr, transposed: bool) -> Expr:
        """vec⁻¹(K vec(E)) = L_f(X, E); vec⁻¹(Kᵀ vec(E)) = L_f(Xᵀ, E), the adjoint for
        ⟨A, B⟩ = tr(Aᵀ B) (``tree.matfun_transpose``)."""
        return B.rebuild(
            Frechet(self.func, self.x, e, self.p),
            (B.transpose(self.x) if transposed else self.x, e),
        )


HALF = sympy.Rational(1, 2)


def matrix_power(x: Expr, p: sympy.Expr) -> Expr:
    """X^p for a real p: an integer power is a matrix power, p = 1/2 is sqrtm, others X^p."""
    p = sympy.nsimplify(p) if isinstance(p, sympy.Float) and p == sympy.nsimplify(p) else p
    if p.is_integer:
        return B.matpow(x, int(p))
    if p == HALF:
        return MatrixFunction("sqrtm", x)
    return MatrixFunction("power", x, p)


def derivative_of(node: MatrixFunction) -> Expr:
    """f′(X), as tr(L_f(X, E)) = tr(f′(X) E): e^X, X⁻¹, ½ X^{-1/2}, p X^{p-1}."""
    x = node.arg
    if node.func == "expm":
        return node
    if node.func == "logm":
        return B.inverse(x)
    if node.func == "sqrtm":
        return B.mul(B.const(HALF), matrix_power(x, -HALF))
    return B.mul(B.const(node.p), matrix_power(x, node.p - 1))


def power_of(node: Expr) -> float | None:
    """The real power p of a node of X^p (MatrixFunction, Frechet, ...) as a float, else None."""
    return None if node.p is None else float(node.p)


def function_of(func: str, x: Expr, p: sympy.Expr | None) -> Expr:
    """f(X) for the function a Fréchet node names."""
    return matrix_power(x, p) if func == "power" else MatrixFunction(func, x)


def symmetric_argument(x: Expr) -> bool:
    """Whether ``x`` equals its transpose by easy identities (its symmetric and spd variables
    symmetric), once expanded: then f(X) and L_f(X, E) have their eigendecomposition forms."""
    if isinstance(x, N.Var):
        return x.symmetric
    try:
        return ckey(canonical(expand(x))) == ckey(canonical(expand(B.transpose(x))))
    except TooLarge:
        return False
