"""Spectral functions: λ_max(S), λ_min(S) (the extreme eigenvalues of a symmetric S; of another
square matrix, of its symmetric part (S + Sᵀ)/2), σ_max(X) (the spectral norm, ``norm(X, 2)``)
and ‖X‖_* (the nuclear norm, ``norm(X, "nuc")``). Their gradients are products of named factors,
nodes of their own computed from the argument: v (the unit eigenvector of λ), u₁ and v₁ (the top
singular vectors), U Vᵀ (the thin SVD's, as one factor: its size min(m, n) is not a dimension
the shapes can name). Signs are fixed (the largest entry of v positive, u₁ = X v₁ / σ₁), and
the gradients v vᵀ, u₁ v₁ᵀ, U Vᵀ do not depend on them. Differentiable where the eigenvalue or
singular value is simple (and ‖X‖_* where X has full rank): the steps say so, and random test
points keep a gap (``domain_edges.EDGES``)."""

from __future__ import annotations

import inspect

import numpy as np

from matdiff_magic import dims
from matdiff_magic.errors import NotDifferentiableError
from matdiff_magic.language.functions import FunctionSpec, register_function
from matdiff_magic.messages import Msg
from matdiff_magic.operations import matrix_function_targets as T
from matdiff_magic.operations.define import define
from matdiff_magic.printing import base as P
from matdiff_magic.printing.latex import LatexPrinter
from matdiff_magic.rules.diffrule import CHOOSERS, DiffRule, row
from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.canonical import ckey
from matdiff_magic.tree.shapes import new_shape, require_square

VALUES = ("lambda_max", "lambda_min", "sigma_max", "norm_nuc")
FACTORS = ("v_max", "v_min", "u1", "v1", "polar", "polar_t")


class Spectral(Expr):
    """A scalar function of the spectrum: λ_max, λ_min, σ_max or the nuclear norm."""

    __slots__ = ()
    _fields = ("func", "arg")
    func: str
    arg: Expr

    def __init__(self, func: str, arg: Expr):
        assert func in VALUES, func
        if func.startswith("lambda"):
            require_square("spectral_of", arg)
        self._setup((func, arg), dims.SCALAR_SHAPE)

    def _canonical_key(self) -> str:
        return f"{self.func}({ckey(self.arg)})"


class SpectralFactor(Expr):
    """v of λ_max or λ_min (n×1), u₁ (m×1) and v₁ (n×1) of σ_max, U Vᵀ of the thin SVD (m×n)
    and its transpose V Uᵀ (n×m): the transpose of one is the other (``transposed``), so the
    nuclear norm's steps read tr(V Uᵀ dX) and U Vᵀ, never ((U Vᵀ)ᵀ)ᵀ."""

    __slots__ = ()
    _fields = ("kind", "arg")
    kind: str
    arg: Expr

    def __init__(self, kind: str, arg: Expr):
        assert kind in FACTORS, kind
        shape = {
            "v_max": (arg.rows, dims.ONE),
            "v_min": (arg.rows, dims.ONE),
            "u1": (arg.rows, dims.ONE),
            "v1": (arg.cols, dims.ONE),
            "polar": (arg.rows, arg.cols),
            "polar_t": (arg.cols, arg.rows),
        }[kind]
        self._setup((kind, arg), new_shape(*shape))

    def _canonical_key(self) -> str:
        return f"{self.kind}({ckey(self.arg)})"

    def transposed(self) -> Expr | None:
        """(U Vᵀ)ᵀ = V Uᵀ and back (``build.transpose`` asks); None for the vectors."""
        other = {"polar": "polar_t", "polar_t": "polar"}.get(self.kind)
        return None if other is None else SpectralFactor(other, self.arg)


# -- numbers ------------------------------------------------------------------------------------


def _sym(x: np.ndarray) -> np.ndarray:
    return (x + x.T) / 2


def _signed(v: np.ndarray) -> np.ndarray:
    """v with its largest entry (in size) positive: one sign, whichever routine found it."""
    k = int(np.argmax(np.abs(v)))
    return v if v[k] >= 0 else -v


def _top_singular(x: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    _, s, vt = np.linalg.svd(x)
    v = _signed(vt[0])
    return float(s[0]), x @ v / s[0], v


def _spectral_value(func: str, x: np.ndarray) -> float:
    if func == "lambda_max":
        return float(np.linalg.eigvalsh(_sym(x))[-1])
    if func == "lambda_min":
        return float(np.linalg.eigvalsh(_sym(x))[0])
    s = np.linalg.svd(x, compute_uv=False)
    return float(s[0] if func == "sigma_max" else np.sum(s))


# A gap below this (relative to the largest eigenvalue or singular value) is a tie: there the
# derivative does not exist, and an eigenvector computed anyway would be an arbitrary one.
TIE = 1e-8
EIGEN_FACTORS = ("v_max", "v_min")  # of eigenvalues (ascending); the others of singular values


# The tie test, one definition: ``evaluate`` calls these two, and the generated helpers carry
# their source verbatim (``TIE_CODE``). Indexing, abs, max and arithmetic only, so that NumPy,
# torch and JAX arrays (traced ones too) all run them.
def _spectral_gap(kind, spectrum):
    # (gap, scale) for the factor `kind`: the eigenvalues of (x + xᵀ)/2 ascending for v_max and
    # v_min (the gap to the next), the singular values descending for u₁, v₁ (σ₁ − σ₂, or σ₁
    # alone) and U Vᵀ (the smallest: full rank)
    if kind in ("v_max", "v_min"):
        if spectrum.shape[0] < 2:
            return 1.0, 0.0
        gap = spectrum[-1] - spectrum[-2] if kind == "v_max" else spectrum[1] - spectrum[0]
        return gap, abs(spectrum).max()
    if kind in ("polar", "polar_t"):
        return spectrum[-1], spectrum[0]
    return (spectrum[0] - spectrum[1] if spectrum.shape[0] > 1 else spectrum[0]), spectrum[0]


def _is_tie(gap, scale, eps):
    # relative to the largest: TIE in float64 (eps ~ 2e-16); in a lower precision (float32,
    # eps ~ 1e-7) rounding alone splits a repeated eigenvalue by more, so 100 eps there
    return gap <= max(TIE, 100 * eps) * scale


def _tie_message(kind: str, gap: object) -> Msg:
    if kind in EIGEN_FACTORS:
        func = "lambda_max" if kind == "v_max" else "lambda_min"
        return Msg("eval.repeated_eigenvalue", func=func, gap=gap)
    if kind in ("polar", "polar_t"):
        return Msg("eval.rank_deficient", smallest=gap)
    return Msg("eval.repeated_singular_value", gap=gap)


def _spectrum(kind: str, x: np.ndarray) -> np.ndarray:
    if kind in EIGEN_FACTORS:
        return np.linalg.eigvalsh(_sym(x))
    return np.linalg.svd(x, compute_uv=False)


def _differentiable(kind: str, x: np.ndarray) -> None:
    """Raise NotDifferentiableError where the gradient's factor is not determined: a repeated
    extreme eigenvalue, a repeated (or zero) largest singular value, a rank-deficient X under
    the nuclear norm (repeated positive singular values leave U Vᵀ determined)."""
    gap, scale = _spectral_gap(kind, _spectrum(kind, x))
    if _is_tie(gap, scale, float(np.finfo(float).eps)):
        raise NotDifferentiableError(_tie_message(kind, f"{gap:.2g}"))


def _tie_code() -> dict[str, str]:
    """The generated helpers that check for a tie: the test's own source, verbatim."""
    messages = {k: _tie_message(k, "{gap}").render("en") for k in FACTORS}
    test = "\n\n".join(inspect.getsource(f) for f in (_spectral_gap, _is_tie))
    return T.tie_code(test, TIE, messages)


def _factor(kind: str, x: np.ndarray) -> np.ndarray:
    _differentiable(kind, x)
    if kind in ("v_max", "v_min"):
        _, vecs = np.linalg.eigh(_sym(x))
        return _signed(vecs[:, -1 if kind == "v_max" else 0]).reshape(-1, 1)
    if kind in ("polar", "polar_t"):
        u, _, vt = np.linalg.svd(x, full_matrices=False)
        return u @ vt if kind == "polar" else (u @ vt).T
    _, u, v = _top_singular(x)
    return (u if kind == "u1" else v).reshape(-1, 1)


def _edge(node, ev, margin) -> bool:
    """A simple extreme eigenvalue or top singular value (a gap to the next), a nonzero σ_max,
    and for the nuclear norm every singular value clear of 0."""
    x, gap = ev(node.arg), max(margin(node.arg), 1e-2)
    if node.func.startswith("lambda"):
        lam = np.linalg.eigvalsh(_sym(x))
        return bool(len(lam) < 2 or (lam[-1] - lam[-2] > gap and lam[1] - lam[0] > gap))
    s = np.linalg.svd(x, compute_uv=False)
    if node.func == "norm_nuc":
        return bool(np.min(s) > gap)
    return bool(s[0] > gap and (len(s) < 2 or s[0] - s[1] > gap))


# -- printing and code -------------------------------------------------------------------------

_VALUE_NAMES = {  # (LaTeX, text, ASCII)
    "lambda_max": (r"\lambda_{\max}", "λ_max", "lambda_max"),
    "lambda_min": (r"\lambda_{\min}", "λ_min", "lambda_min"),
    "sigma_max": (r"\sigma_{\max}", "σ_max", "sigma_max"),
}
_FACTOR_NAMES = {
    "v_max": (r"v_{\max}", "v_max"),
    "v_min": (r"v_{\min}", "v_min"),
    "u1": ("u_{1}", "u₁"),
    "v1": ("v_{1}", "v₁"),
}


def _print_value(printer, e, ascii_only: bool = False) -> str:
    inner = printer._print(e.arg)
    latex = isinstance(printer, LatexPrinter)
    if e.func == "norm_nuc":
        if latex:
            return r"\left\lVert " + inner + r" \right\rVert_{*}"
        return "norm_nuc(" + inner + ")"
    name = _VALUE_NAMES[e.func][0 if latex else (2 if ascii_only else 1)]
    return (name + r"\left(" + inner + r"\right)") if latex else name + "(" + inner + ")"


def _print_factor(printer, e) -> str:
    latex = isinstance(printer, LatexPrinter)
    inner = printer._print(e.arg)
    if e.kind in ("polar", "polar_t") and latex:
        first, second = ("U", "V") if e.kind == "polar" else ("V", "U")
        return first + "_{" + inner + "} " + second + "_{" + inner + "}^{T}"
    if e.kind in ("polar", "polar_t"):
        # U_X V_Xᵀ is one node, not a product of two names: its text is the language's
        # spelling polar(X) (and polar(X)ᵀ = V_X U_Xᵀ), so that a printed gradient reads back
        mark = printer._print(N.Transpose(N.Var("", dims.ONE, dims.ONE)))
        return "polar(" + inner + ")" + (mark if e.kind == "polar_t" else "")
    name = _FACTOR_NAMES[e.kind][0 if latex else 1]
    return name + (r"\left(" + inner + r"\right)" if latex else "(" + inner + ")")


def _coder(helper: str, field: str) -> dict:
    """Per target: the call of its helper (the templates in ``matrix_function_targets``)."""

    def make(target: str):
        def code(p, e):
            name = T.name(helper, target)
            p.helpers.add(name)
            if helper == "_spectral_factor":  # checks for a tie (``_tie_code``)
                p.helpers.update({"_spectral_tie", T.name("_spectral_tie", target)})
            return p.call(name, repr(getattr(e, field)), e.arg)

        return code

    return {target: make(target) for target in ("numpy", "torch", "jax")}


define(
    Spectral,
    evaluate=lambda ev, e: np.array([[_spectral_value(e.func, ev(e.arg))]]),
    latex=_print_value,
    text=_print_value,
    ascii=lambda p, e: _print_value(p, e, ascii_only=True),
    code=_coder("_spectral", "func"),
    helpers=T.SPECTRAL_CODE,
    no_entry=Msg("op.spectral"),
    edge=_edge,
)
define(
    SpectralFactor,
    evaluate=lambda ev, e: _factor(e.kind, ev(e.arg)),
    latex=_print_factor,
    text=_print_factor,
    code=_coder("_spectral_factor", "kind"),
    helpers=_tie_code(),
    no_entry=Msg("op.spectral_factor"),
    precedence=lambda e: P.MUL if e.kind.startswith("polar") else P.ATOM,
    text_precedence=lambda e: P.POW if e.kind == "polar_t" else P.ATOM,
)
for _name, _summary, _aliases in (
    ("lambda_max", "largest eigenvalue of a symmetric matrix", ("λ_max",)),
    ("lambda_min", "smallest eigenvalue of a symmetric matrix", ("λ_min",)),
    ("sigma_max", "largest singular value (spectral norm, norm(X, 2))", ("σ_max",)),
    ("norm_nuc", 'nuclear norm, the sum of the singular values (norm(X, "nuc"))', ()),
):
    register_function(
        FunctionSpec(
            _name, 1, (lambda f: lambda x: Spectral(f, x))(_name), _summary, _aliases, scalar=True
        )
    )


def _typed_factor(kind: str):
    """v_max(S), u₁(X), ... as typed (the factors a printed gradient names, so that it reads
    back as an answer); v_max and v_min of a square matrix, as λ_max and λ_min take."""

    def build(x: Expr) -> Expr:
        if kind in ("v_max", "v_min"):
            Spectral("lambda_max", x)  # the same shape check as λ_max(x)
        return SpectralFactor(kind, x)

    return build


for _kind, _summary, _aliases in (
    ("v_max", "the unit eigenvector of λ_max of a symmetric matrix", ()),
    ("v_min", "the unit eigenvector of λ_min of a symmetric matrix", ()),
    ("u1", "the top left singular vector (of σ_max)", ("u₁",)),
    ("v1", "the top right singular vector (of σ_max)", ("v₁",)),
    ("polar", "U Vᵀ of the thin SVD X = U Σ Vᵀ (the gradient of norm_nuc(X))", ()),
):
    register_function(FunctionSpec(_kind, 1, _typed_factor(_kind), _summary, _aliases))


# -- differentials -------------------------------------------------------------------------------


def _d_eigenvalue(node: Expr, d) -> Expr:
    v = SpectralFactor("v_max" if node.func == "lambda_max" else "v_min", node.arg)
    return B.matmul(B.transpose(v), d(node.arg), v)


def _d_sigma(node: Expr, d) -> Expr:
    u, v = SpectralFactor("u1", node.arg), SpectralFactor("v1", node.arg)
    return B.matmul(B.transpose(u), d(node.arg), v)


def _d_nuclear(node: Expr, d) -> Expr:
    return B.trace(B.matmul(SpectralFactor("polar_t", node.arg), d(node.arg)))


ROWS = {
    "lambda_max": row(
        "d.lambda_max",
        None,
        "largest eigenvalue rule",
        "最大特征值的微分",
        r"\mathrm{d}\lambda_{\max}(S) = v^{T} \mathrm{d}S\, v",
        "Assuming λ_max is a simple eigenvalue of the symmetric S: v is its unit eigenvector "
        "(S v = λ v, vᵀ v = 1; its sign does not matter in vᵀ dS v); from d(S v) = d(λ v), "
        "multiplied by vᵀ. (For a non-symmetric argument, λ of its symmetric part.)",
        "设 λ_max 是对称矩阵 S 的单特征值：v 是对应的单位特征向量（S v = λ v，vᵀ v = 1，"
        "其符号不影响 vᵀ dS v）；对 S v = λ v 求微分后左乘 vᵀ 即得。"
        "（非对称的自变量取其对称部分的 λ。）",
        _d_eigenvalue,
    ),
    "lambda_min": row(
        "d.lambda_min",
        None,
        "smallest eigenvalue rule",
        "最小特征值的微分",
        r"\mathrm{d}\lambda_{\min}(S) = v^{T} \mathrm{d}S\, v",
        "Assuming λ_min is a simple eigenvalue of the symmetric S: v is its unit eigenvector "
        "(its sign does not matter in vᵀ dS v).",
        "设 λ_min 是对称矩阵 S 的单特征值：v 是对应的单位特征向量（其符号不影响 vᵀ dS v）。",
        _d_eigenvalue,
    ),
    "sigma_max": row(
        "d.sigma_max",
        None,
        "largest singular value rule",
        "最大奇异值的微分",
        r"\mathrm{d}\sigma_{\max}(X) = u_{1}^{T} \mathrm{d}X\, v_{1}",
        "Assuming σ_max = ‖X‖₂ is a simple singular value (and positive): u₁ and v₁ are its "
        "unit left and right singular vectors (X v₁ = σ u₁, Xᵀ u₁ = σ v₁; flipping both signs "
        "changes nothing).",
        "设 σ_max = ‖X‖₂ 是单奇异值（且为正）：u₁、v₁ 是对应的单位左、右奇异向量"
        "（X v₁ = σ u₁，Xᵀ u₁ = σ v₁；两者同时变号不影响结果）。",
        _d_sigma,
    ),
    "norm_nuc": row(
        "d.norm_nuc",
        None,
        "nuclear norm rule",
        "核范数的微分",
        r"\mathrm{d}\lVert X \rVert_{*} = \operatorname{tr}(V U^{T} \mathrm{d}X)",
        "X = U Σ Vᵀ is the thin SVD (U, V with orthonormal columns); assuming X has full rank "
        "(every singular value positive), d Σᵢ σᵢ = Σᵢ uᵢᵀ dX vᵢ = tr(V Uᵀ dX). In text U Vᵀ "
        "is polar(X) (the orthogonal factor of the polar decomposition).",
        "X = U Σ Vᵀ 是紧凑奇异值分解（U、V 的列正交归一）；设 X 满秩（奇异值都为正），"
        "d Σᵢ σᵢ = Σᵢ uᵢᵀ dX vᵢ = tr(V Uᵀ dX)。文本中 U Vᵀ 写作 polar(X)（极分解的正交因子）。",
        _d_nuclear,
    ),
}


def _choose(node: Expr) -> DiffRule | None:
    return ROWS[node.func] if isinstance(node, Spectral) else None


CHOOSERS.append(_choose)
