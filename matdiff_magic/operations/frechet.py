"""L_f(X, E), the Fréchet derivative of a matrix function (linear in E), and K_f(X), its n²×n²
matrix (vec L_f(X, E) = K_f(X) vec E); with the linear pair of L_f (``rules.adjoint``):

- trace: for a primary matrix function, tr(M L_f(X, E)) = tr(L_f(X, M) E) (L_f(X, ·) is
  self-adjoint for the pairing tr(A B); for ⟨A, B⟩ = tr(Aᵀ B) its adjoint is L_f(Xᵀ, ·)), and
  tr(L_f(X, E)) = tr(f′(X) E), since L_f(X, I) = f′(X);
- vectorization: vec L_f(X, E) = K_f(X) vec E, with K printed in closed form (an integral of
  Kronecker products for expm and logm, (I ⊗ S + Sᵀ ⊗ I)⁻¹ for sqrtm) and evaluated column by
  column from L_f (SciPy's expm_frechet, a Sylvester solve, the block-triangular formula).
"""

from __future__ import annotations

from matdiff_magic import dims
from matdiff_magic.errors import NotSupportedYetError, ShapeError
from matdiff_magic.language.functions import FunctionSpec, register_function
from matdiff_magic.messages import Msg
from matdiff_magic.operations import daleckii_krein_numeric as DK
from matdiff_magic.operations import matrix_function_numeric as F
from matdiff_magic.operations import matrix_function_targets as T
from matdiff_magic.operations.define import define
from matdiff_magic.operations.matrix_function import latex_name
from matdiff_magic.operations.matrix_function_nodes import (
    Frechet,
    FrechetKron,
    MatrixFunction,
    derivative_of,
    function_of,
    power_of,
    symmetric_argument,
)
from matdiff_magic.printing import base as P
from matdiff_magic.printing.latex import LatexPrinter
from matdiff_magic.rules.adjoint import deflinear, times
from matdiff_magic.rules.diffrule import row
from matdiff_magic.rules.rule import table
from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr


def _latex_frechet(p, e):
    inner = p._print(e.x) + ", " + p._print(e.e)
    return "L_{" + latex_name(p, e.func, e.p) + r"}\left(" + inner + r"\right)"


def _text_frechet(p, e):
    # the text form is also the language's spelling, so that a printed result reads back
    inner = p._print(e.x) + ", " + p._print(e.e)
    if e.func == "power":
        return "L_pow(" + inner + ", " + p.number(e.p) + ")"
    return "L_" + latex_name(p, e.func, e.p) + "(" + inner + ")"


def _frechet_code(p, e) -> str:
    """The code of the function E ↦ L_f(X, E) (its helpers recorded)."""
    if e.func == "expm":
        p.helpers.add("_frechet_expm")
        return "_frechet_expm"
    p.helpers.add("_frechet")
    f = "_" + e.func if e.func != "power" else "_powm"
    p.helpers.add(f)
    inner = f if e.func != "power" else f"(lambda b: _powm(b, {float(e.p)!r}))"
    return f"(lambda a, d: _frechet({inner}, a, d))"


def _target_frechet(p, e, target: str) -> str:
    """torch / JAX: L_exp by the block formula with the target's expm; L_f of a symmetric X
    in the Daleckii–Krein form by the target's eigh; the others have no code there (the
    target has no logm, sqrtm or X^p of a general matrix)."""
    if e.func != "expm" and symmetric_argument(e.x):
        for helper in ("_frechet_sym", *DK.NEEDS["_frechet_sym"]):
            p.helpers.add(T.name(helper, target))
        func, power = repr(e.func), repr(power_of(e))
        return f"(lambda a, d: {T.name('_frechet_sym', target)}({func}, a, d, {power}))"
    if e.func != "expm":
        func = {"logm": "logm", "sqrtm": "sqrtm", "power": "X^p"}[e.func]
        raise NotSupportedYetError(Msg("code.no_matfun_target", func=func, target=target))
    helper = T.name("_frechet_expm", target)
    p.helpers.add(helper)
    return helper


def _codes(kron: bool) -> dict:
    def make(target: str):
        def code(p, e):
            f = _target_frechet(p, e, target)
            if not kron:
                return p.call(f, e.x, e.e)
            p.helpers.add(T.name("_kron_form", target))
            return p.call(T.name("_kron_form", target), f, e.x)

        return code

    return {"numpy": _code_kron if kron else _code_frechet, "torch": make("torch"),
            "jax": make("jax")}  # fmt: skip


def _code_frechet(p, e):
    return p.call(_frechet_code(p, e), e.x, e.e)


def _code_kron(p, e):
    p.helpers.add("_kron_form")
    return p.call("_kron_form", _frechet_code(p, e), e.x)


def _kron_text(p, e) -> str:
    """K_exp(X), K_log(X), K_pow(X, p): the language's spelling (the integral does not read
    back); K_sqrt(X)'s closed form (I ⊗ S + Sᵀ ⊗ I)⁻¹ is an expression of the language."""
    if e.func == "sqrtm":
        return _kron_shown(p, e)
    if e.func == "power":
        return "K_pow(" + p._print(e.x) + ", " + p.number(e.p) + ")"
    return "K_" + latex_name(p, e.func, e.p) + "(" + p._print(e.x) + ")"


def _kron_shown(p, e) -> str:
    """K_f(X) in closed form (see the module's docstring)."""
    x, xt = e.x, B.transpose(e.x)
    latex = isinstance(p, LatexPrinter)
    s = r"\, \mathrm{d}s" if latex else " ds"
    integral = r"\int_{0}^{1} " if latex else "∫₀¹ "
    kron = r" \otimes " if latex else " ⊗ "
    if e.func == "expm":
        left = "e^{(1-s) " + p._print(xt) + "}" if latex else "e^((1−s) " + p._print(xt) + ")"
        right = "e^{s " + p._print(x) + "}" if latex else "e^(s " + p._print(x) + ")"
        return integral + left + kron + right + s
    if e.func == "logm":
        n = B.identity(x.rows)
        left = p._print(B.inverse(B.add(B.mul(N_S, B.sub(xt, n)), n)))
        right = p._print(B.inverse(B.add(B.mul(N_S, B.sub(x, n)), n)))
        return integral + left + kron + right + s
    if e.func == "sqrtm":
        root = MatrixFunction("sqrtm", x)
        n = B.identity(x.rows)
        return p._print(B.inverse(B.add(B.kron(n, root), B.kron(B.transpose(root), n))))
    sub = "J_{" + latex_name(p, e.func, e.p) + "}" if latex else "J_" + latex_name(p, e.func, e.p)
    return sub + (r"\left(" if latex else "(") + p._print(x) + (r"\right)" if latex else ")")


N_S = N.Var("s", dims.ONE, dims.ONE)  # the variable of integration


define(
    Frechet,
    evaluate=lambda ev, e: F.frechet(e.func, ev(e.x), ev(e.e), power_of(e)),
    latex=_latex_frechet,
    text=_text_frechet,
    code=_codes(kron=False),
    helpers={k: F.CODE[k] for k in ("_frechet", "_frechet_expm")} | T.CODE,
    no_entry=Msg("op.frechet"),
)
define(
    FrechetKron,
    evaluate=lambda ev, e: F.kron_form(e.func, ev(e.x), power_of(e)),
    latex=_kron_shown,
    text=_kron_text,
    code=_codes(kron=True),
    helpers={"_kron_form": F.CODE["_kron_form"]},
    no_entry=Msg("op.frechet"),
    precedence=lambda e: P.POW if e.func == "sqrtm" else (P.ATOM if e.func == "power" else P.ADD),
    text_precedence=lambda e: P.POW if e.func == "sqrtm" else P.ATOM,
)

ADJOINT = table("trace")(
    "tr.frechet",
    "adjoint of the Fréchet derivative",
    "Fréchet 导数的伴随",
    r"\operatorname{tr}(M\, L_f(X, E)) = \operatorname{tr}(L_f(X, M)\, E)",
    "For a primary matrix function (a power series in X, as e^X, log X, X^{1/2}, X^p) "
    "tr(M L_f(X, E)) = tr(L_f(X, M) E): for e^X both are ∫₀¹ tr(M e^{sX} E e^{(1−s)X}) ds, "
    "rotated under the trace. In the inner product ⟨A, B⟩ = tr(Aᵀ B) the adjoint of "
    "L_f(X, ·) is L_f(Xᵀ, ·), so tr(Aᵀ f(X)) has the gradient L_f(Xᵀ, A).",
    "对初等矩阵函数（X 的幂级数，如 e^X、log X、X^{1/2}、X^p）有 "
    "tr(M L_f(X, E)) = tr(L_f(X, M) E)：对 e^X，两边都等于 ∫₀¹ tr(M e^{sX} E e^{(1−s)X}) ds，"
    "在迹中轮换即得。按内积 ⟨A, B⟩ = tr(Aᵀ B)，L_f(X, ·) 的伴随是 L_f(Xᵀ, ·)，"
    "所以 tr(Aᵀ f(X)) 的梯度是 L_f(Xᵀ, A)。",
)
DERIVATIVE = table("trace")(
    "tr.frechet_identity",
    "trace of a Fréchet derivative",
    "Fréchet 导数的迹",
    r"\operatorname{tr}(L_f(X, E)) = \operatorname{tr}(f'(X)\, E)",
    "By the adjoint rule with M = I, and L_f(X, I) = f′(X) since I commutes with X: "
    "f′ is e^X for expm, X⁻¹ for logm, ½ X^{-1/2} for sqrtm, p X^{p−1} for X^p.",
    "由伴随规则取 M = I，且 I 与 X 可交换，所以 L_f(X, I) = f′(X)："
    "expm 为 e^X，logm 为 X⁻¹，sqrtm 为 ½ X^{-1/2}，X^p 为 p X^{p−1}。",
)
VEC = table("vectorization")(
    "vec.frechet",
    "matrix of the Fréchet derivative",
    "Fréchet 导数的矩阵",
    r"\operatorname{vec} L_f(X, E) = K_f(X) \operatorname{vec} E",
    "K_exp(X) = ∫₀¹ e^{(1−s)Xᵀ} ⊗ e^{sX} ds (vec(A E B) = (Bᵀ ⊗ A) vec E under the integral); "
    "K_log(X) = ∫₀¹ (s(Xᵀ−I)+I)⁻¹ ⊗ (s(X−I)+I)⁻¹ ds; K_sqrt(X) = (I ⊗ S + Sᵀ ⊗ I)⁻¹ with "
    "S = X^{1/2}, from S dS + dS S = dX; J_{x^p}(X) for X^p. Its numbers come from L_f "
    "column by column (vec L_f(X, E_k)). In text K_exp(X), K_log(X), K_pow(X, p).",
    "K_exp(X) = ∫₀¹ e^{(1−s)Xᵀ} ⊗ e^{sX} ds（在积分内用 vec(A E B) = (Bᵀ ⊗ A) vec E）；"
    "K_log(X) = ∫₀¹ (s(Xᵀ−I)+I)⁻¹ ⊗ (s(X−I)+I)⁻¹ ds；K_sqrt(X) = (I ⊗ S + Sᵀ ⊗ I)⁻¹，"
    "S = X^{1/2}，由 S dS + dS S = dX 得到；X^p 记为 J_{x^p}(X)。数值由 L_f 逐列求出。"
    "文本中写作 K_exp(X)、K_log(X)、K_pow(X, p)。",
)


def _trace(m, e, has):
    if m is None or m.is_scalar:
        fprime = derivative_of(function_of(e.func, e.x, e.p))
        return DERIVATIVE, (fprime if m is None else B.mul(m, fprime)), e.e
    return ADJOINT, Frechet(e.func, e.x, m, e.p), e.e


def _vec(j, e, has):
    return VEC, times(j, FrechetKron(e.func, e.x, e.p)), e.e


deflinear(Frechet, trace=_trace, vec=_vec)


def _frechet(func: str, x: Expr, e: Expr, p) -> Expr:
    """L_f(X, E), with L_f(X, I) = f′(X) (I commutes with X): the chain rule substitutes
    ∂f/∂Y = I into L_f(X, (∂f/∂Y)ᵀ) for tr(f(X))."""
    if isinstance(e, N.Identity):
        return derivative_of(function_of(func, x, p))
    return Frechet(func, x, e, p)


B.register_smart(Frechet, _frechet)


def _d_frechet(node: Frechet, d) -> Expr:
    """d L_f(X, E) = L_f(X, dE) while X is constant; a moving X needs the second Fréchet
    derivative, which is not supported yet (the same error as before this rule existed)."""
    if not isinstance(d(node.x), N.Zero):
        raise NotSupportedYetError(Msg("reason.no_second_frechet", node="Frechet"))
    return Frechet(node.func, node.x, d(node.e), node.p)


D_FRECHET = row(
    "d.frechet",
    Frechet,
    "linearity of the Fréchet derivative",
    "Fréchet 导数的线性",
    r"\mathrm{d}\,L_f(X, E) = L_f(X, \mathrm{d}E) \quad (X \text{ constant})",
    "L_f(X, E) is linear in its direction E, so with X held constant its differential is "
    "L_f(X, dE).",
    "L_f(X, E) 关于方向 E 是线性的，X 为常数时其微分为 L_f(X, dE)。",
    _d_frechet,
)


def typed_power(x: Expr, power: Expr, call: str) -> tuple[str, object]:
    """(f, p) of the power p typed in ``call`` (L_pow(X, E, p), K_pow(X, p), F_pow(X, p)): p a
    number, not whole (1/2 gives sqrtm's, as X^(1/2) gives sqrtm(X))."""
    if not isinstance(power, N.Const):
        raise ShapeError(Msg("build.frechet_power", call=call))
    node = function_of("power", x, power.value)
    if not isinstance(node, MatrixFunction):  # a whole power: d(X^k) is a sum of products
        raise ShapeError(Msg("build.frechet_power", call=call))
    return node.func, node.p


def _typed_power(x: Expr, e: Expr, power: Expr) -> Expr:
    """L_pow(X, E, p) as typed."""
    func, p = typed_power(x, power, "L_pow(X, E, p)")
    return _frechet(func, x, e, p)


def _typed_kron(func: str):
    """K_exp(X), K_log(X), K_sqrt(X) as typed (K_f(X) is how the vectorization method's
    Kronecker form of L_f prints in text)."""
    return lambda x: FrechetKron(func, x)


def _typed_kron_power(x: Expr, power: Expr) -> Expr:
    func, p = typed_power(x, power, "K_pow(X, p)")
    return FrechetKron(func, x, p)


for _name, _func in (("exp", "expm"), ("log", "logm"), ("sqrt", "sqrtm")):
    register_function(
        FunctionSpec(
            "L_" + _name,
            2,
            (lambda func: lambda x, e: _frechet(func, x, e, None))(_func),
            f"L_{_name}(X, E): the Fréchet derivative of {_func} at X in the direction E",
        )
    )
register_function(
    FunctionSpec(
        "L_pow", 3, _typed_power, "L_pow(X, E, p): the Fréchet derivative of X^p in the direction E"
    )
)
for _name, _func in (("exp", "expm"), ("log", "logm"), ("sqrt", "sqrtm")):
    register_function(
        FunctionSpec(
            "K_" + _name,
            1,
            _typed_kron(_func),
            f"K_{_name}(X): the n²×n² matrix of E ↦ L_{_name}(X, E), vec L = K vec E",
        )
    )
register_function(
    FunctionSpec(
        "K_pow", 2, _typed_kron_power, "K_pow(X, p): the n²×n² matrix of E ↦ L_pow(X, E, p)"
    )
)
