"""The Daleckii–Krein form of the Fréchet derivative of a matrix function at a symmetric X:
with X = Q diag(λ) Qᵀ (Q orthogonal, its columns the unit eigenvectors),

    L_f(X, E) = Q (F ⊙ (Qᵀ E Q)) Qᵀ,   F_ij = (f(λ_i) − f(λ_j))/(λ_i − λ_j),  F_ii = f′(λ_i),

and in vec form K_f(X) = (Q ⊗ Q) diag(vec F) (Q ⊗ Q)ᵀ. Two nodes name the factors, computed
from the argument by eigh: Q_X (``EigenBasis``) and F_f(X) (``DividedDifferences``, symmetric).
``daleckii_krein`` rewrites every L_f and K_f whose X is symmetric (a symmetric or spd variable,
or an expression equal to its transpose by easy identities) into this form; a derivative with
respect to a symmetric variable ends with it (``structured.apply``), so its value is computed by
one eigendecomposition. Both sides hold for any orthonormal eigenbasis (F is constant on a block
of equal eigenvalues), so the sign or order eigh picks does not matter."""

from __future__ import annotations

import sympy

from matdiff_magic.language.functions import FunctionSpec, register_function
from matdiff_magic.messages import Msg
from matdiff_magic.operations import daleckii_krein_numeric as DK
from matdiff_magic.operations import matrix_function_targets as T
from matdiff_magic.operations.define import define
from matdiff_magic.operations.frechet import typed_power
from matdiff_magic.operations.matrix_function import latex_name
from matdiff_magic.operations.matrix_function_nodes import (
    FUNCS,
    Frechet,
    FrechetKron,
    power_of,
)
from matdiff_magic.operations.matrix_function_nodes import symmetric_argument as symmetric
from matdiff_magic.printing.latex import LatexPrinter
from matdiff_magic.rules.rule import table
from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.canonical import ckey
from matdiff_magic.tree.rewrite import transform
from matdiff_magic.tree.shapes import new_shape, require_square


class EigenBasis(Expr):
    """Q_X: the orthonormal eigenvectors of a symmetric X = Q diag(λ) Qᵀ (λ ascending); Q, not
    U, because U_X and V_X are the singular vectors of the nuclear norm's gradient, and both may
    appear in one result."""

    __slots__ = ()
    _fields = ("arg",)
    arg: Expr

    def __init__(self, arg: Expr):
        require_square("matrix_function_of", arg)
        self._setup((arg,), new_shape(arg.rows, arg.cols))

    def _canonical_key(self) -> str:
        return f"U({ckey(self.arg)})"


class DividedDifferences(Expr):
    """F_f(X): the divided differences of f at the eigenvalues of a symmetric X (symmetric)."""

    __slots__ = ()
    _fields = ("func", "arg", "p")
    transpose_commutes = True  # F_ij = F_ji: the node is symmetric where its argument is
    func: str
    arg: Expr
    p: sympy.Expr | None

    def __init__(self, func: str, arg: Expr, p: sympy.Expr | None = None):
        assert func in FUNCS, func
        require_square("matrix_function_of", arg)
        self._setup((func, arg, p), new_shape(arg.rows, arg.cols))

    def _canonical_key(self) -> str:
        return f"F{self.func}({ckey(self.arg)},{self.p})"


# In LaTeX the textbook's Q_X and F_f(X); in text the language's spellings eigvecs(X),
# F_exp(X), F_log(X), F_sqrt(X), F_pow(X, p), so that a printed result reads back.


def _print_basis(printer, e) -> str:
    inner = printer._print(e.arg)
    if isinstance(printer, LatexPrinter):
        return "Q_{" + inner + "}"
    return "eigvecs(" + inner + ")"


def _print_divided(printer, e) -> str:
    name = latex_name(printer, e.func, e.p)
    inner = printer._print(e.arg)
    if isinstance(printer, LatexPrinter):
        return "F_{" + name + r"}\left(" + inner + r"\right)"
    if e.func == "power":
        return "F_pow(" + inner + ", " + printer.number(e.p) + ")"
    return "F_" + name + "(" + inner + ")"


def _coder(helper: str, with_func: bool) -> dict:
    def make(target: str):
        def code(p, e):
            name = T.name(helper, target)
            p.helpers.add(name)
            if not with_func:
                return p.call(name, e.arg)
            return p.call(name, repr(e.func), e.arg, repr(power_of(e)))

        return code

    return {target: make(target) for target in T.MODULE}


define(
    EigenBasis,
    evaluate=lambda ev, e: DK.eigen(ev(e.arg))[1],
    latex=_print_basis,
    text=_print_basis,
    code=_coder("_eigh_basis", False),
    helpers=DK.CODE,
    no_entry=Msg("op.spectral_factor"),
)
define(
    DividedDifferences,
    evaluate=lambda ev, e: DK.divided_differences(e.func, DK.eigen(ev(e.arg))[0], power_of(e)),
    latex=_print_divided,
    text=_print_divided,
    code=_coder("_divided_differences", True),
    no_entry=Msg("op.spectral_factor"),
)


def _typed_basis(x: Expr) -> Expr:
    """eigvecs(X) as typed: of a square X (the shape check λ_max(X) makes)."""
    require_square("spectral_of", x)
    return EigenBasis(x)


def _typed_divided_power(x: Expr, power: Expr) -> Expr:
    """F_pow(X, p) as typed: p a number, not whole (F_pow(X, 1/2) is F_sqrt(X))."""
    func, p = typed_power(x, power, "F_pow(X, p)")
    return DividedDifferences(func, x, p)


for _name, _func in (("exp", "expm"), ("log", "logm"), ("sqrt", "sqrtm")):
    register_function(
        FunctionSpec(
            "F_" + _name,
            1,
            (lambda func: lambda x: DividedDifferences(func, x))(_func),
            f"F_{_name}(X): the divided differences of {_name} at the eigenvalues of a "
            "symmetric X (Daleckii–Krein)",
        )
    )
register_function(
    FunctionSpec(
        "F_pow",
        2,
        _typed_divided_power,
        "F_pow(X, p): the divided differences of x^p at the eigenvalues of a symmetric X",
    )
)
register_function(
    FunctionSpec(
        "eigvecs",
        1,
        _typed_basis,
        "eigvecs(X): Q, the orthonormal eigenvectors of a symmetric X = Q diag(λ) Qᵀ "
        "(λ ascending; of (X + Xᵀ)/2 for another square X)",
    )
)

RULE = table("structure")(
    "matfun.daleckii_krein",
    "Daleckii–Krein form",
    "Daleckii–Krein 公式",
    r"L_f(X, E) = Q \left(F \odot (Q^{T} E Q)\right) Q^{T},\ "
    r"F_{ij} = \frac{f(\lambda_i) - f(\lambda_j)}{\lambda_i - \lambda_j},\ F_{ii} = f'(\lambda_i)",
    "X is symmetric: X = Q diag(λ) Qᵀ with Q orthogonal (its columns the unit eigenvectors of "
    "X, Q_X; eigvecs(X) in text) and λ the eigenvalues. Then f(X) = Q diag(f(λ)) Qᵀ, and the "
    "Fréchet derivative is Q (F ⊙ (Qᵀ E Q)) Qᵀ, where F_f(X) (F_exp(X), F_log(X), F_sqrt(X), "
    "F_pow(X, p) in text) holds the divided differences F_ij = (f(λ_i) − f(λ_j))/(λ_i − λ_j), "
    "F_ii = f′(λ_i) (f′ also where two eigenvalues nearly coincide); in vec form "
    "(Q ⊗ Q) diag(vec F) (Q ⊗ Q)ᵀ. L_f is linear in E and L_f(X, E)ᵀ = L_f(X, Eᵀ), so its "
    "terms are gathered first. Computed by one symmetric eigendecomposition (eigh).",
    "X 是对称矩阵：X = Q diag(λ) Qᵀ，Q 为正交矩阵（各列是 X 的单位特征向量，记作 Q_X，"
    "文本中写作 eigvecs(X)），λ 为特征值。于是 f(X) = Q diag(f(λ)) Qᵀ，"
    "Fréchet 导数为 Q (F ⊙ (Qᵀ E Q)) Qᵀ，其中 F_f(X)（文本中写作 F_exp(X)、F_log(X)、"
    "F_sqrt(X)、F_pow(X, p)）由差商组成：F_ij = (f(λ_i) − f(λ_j))/(λ_i − λ_j)，F_ii = f′(λ_i)"
    "（两个特征值几乎相等时也取 f′）；向量化形式为 (Q ⊗ Q) diag(vec F) (Q ⊗ Q)ᵀ。"
    "L_f 关于 E 线性，且 L_f(X, E)ᵀ = L_f(X, Eᵀ)，所以先合并各项。"
    "数值由一次对称特征分解（eigh）求出。",
)


def _frechet_factor(t: Expr) -> tuple[Frechet, bool] | None:
    """(L, transposed) for a factor L_f(X, E) or L_f(X, E)ᵀ of a symmetric X."""
    transposed = isinstance(t, N.Transpose)
    t = t.arg if transposed else t
    return (t, transposed) if isinstance(t, Frechet) and symmetric(t.x) else None


def _as_frechet(t: Expr) -> tuple[tuple, tuple, Expr] | None:
    """For a term c P L_f(X, E)(ᵀ) Q of a symmetric X (P, Q products, maybe empty): its key (f,
    X, p and P, Q by their keys), (P, Q) and c E(ᵀ)."""
    scale: tuple = (sympy.Integer(1), ())
    if isinstance(t, N.Mul) and t.body is not None:
        scale, t = (t.coeff, t.scalars), t.body
    factors = t.factors if isinstance(t, N.MatMul) else (t,)
    at = next((k for k, f in enumerate(factors) if _frechet_factor(f)), None)
    if at is None:
        return None
    node, transposed = _frechet_factor(factors[at])
    left, right = factors[:at], factors[at + 1 :]
    e = B.transpose(node.e) if transposed else node.e
    key = (node.func, node.x, node.p, tuple(ckey(f) for f in left), tuple(ckey(f) for f in right))
    return key, (left, right), B.make_mul(scale[0], scale[1], e)


def _gathered(e: Expr) -> Expr:
    """Σ c_k P L_f(X, E_k)(ᵀ) Q -> P L_f(X, Σ c_k E_k(ᵀ)) Q for a symmetric X (L_f is linear in
    E, and L_f(X, E)ᵀ = L_f(X, Eᵀ))."""

    def post(out: Expr) -> Expr:
        if not isinstance(out, N.Add | N.Mul | N.Transpose | N.MatMul):
            return out
        terms = out.terms if isinstance(out, N.Add) else (out,)
        groups: dict[tuple, tuple[tuple, list[Expr]]] = {}
        rest: list[Expr] = []
        for t in terms:
            found = _as_frechet(t)
            if found is None:
                rest.append(t)
            else:
                groups.setdefault(found[0], (found[1], []))[1].append(found[2])
        if not groups:
            return out
        merged = [
            B.matmul(*left, Frechet(f, x, B.add(*es), p), *right)
            for (f, x, p, _, _), ((left, right), es) in groups.items()
        ]
        return B.add(*rest, *merged)

    return transform(e, post=post)


def _form(node: Expr) -> Expr | None:
    if isinstance(node, Frechet) and symmetric(node.x):
        u, f = EigenBasis(node.x), DividedDifferences(node.func, node.x, node.p)
        inner = B.hadamard(f, B.matmul(B.transpose(u), node.e, u))
        return B.matmul(u, inner, B.transpose(u))
    if isinstance(node, FrechetKron) and symmetric(node.x):
        u = EigenBasis(node.x)
        uu = B.kron(u, u)
        f = DividedDifferences(node.func, node.x, node.p)
        return B.matmul(uu, B.diag_mat(B.vec(f)), B.transpose(uu))
    return None


def daleckii_krein(e: Expr) -> Expr:
    """``e`` with every L_f(X, ·) and K_f(X) of a symmetric X in the Daleckii–Krein form (``e``
    itself when it has none)."""
    if not any(isinstance(n, Frechet | FrechetKron) and symmetric(n.x) for n in e.walk()):
        return e
    return transform(_gathered(e), post=lambda n: _form(n) or n)
