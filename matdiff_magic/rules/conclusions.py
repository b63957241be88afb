"""Rules that end a derivation: reading the derivative off, switching layout, simplifying."""

from __future__ import annotations

from matdiff_magic.rules.rule import table

_row = table("conclusion")


DIFFERENTIAL = _row(
    "d.start",
    "take the differential",
    "求微分",
    r"\mathrm{d}f",
    "Take the differential of both sides; every name except the variable is a constant.",
    "两边同时求微分；除自变量外的量都是常量。",
)
READ_GRADIENT = _row(
    "read.gradient",
    "read off the gradient",
    "由微分读出导数",
    r"\mathrm{d}f = \operatorname{tr}(G^{T} \mathrm{d}X) \iff \frac{\partial f}{\partial X} = G",
    "df = tr(G^T dX) says that G is the derivative (denominator layout: the shape of X).",
    "df = tr(G^T dX) 说明 G 就是导数（分母布局：与 X 同形）。",
)
READ_NUMERATOR = _row(
    "read.numerator",
    "read off the derivative (numerator layout)",
    "由微分读出导数（分子布局）",
    r"\mathrm{d}f = \operatorname{tr}(M \mathrm{d}X) \iff \frac{\partial f}{\partial X^{T}} = M",
    "df = tr(M dX) says that M is the derivative in numerator layout (the shape of X^T).",
    "df = tr(M dX) 说明 M 就是分子布局的导数（与 X^T 同形）。",
)
READ_JACOBIAN = _row(
    "read.jacobian",
    "read off the Jacobian",
    "由微分读出雅可比矩阵",
    r"\operatorname{vec}(\mathrm{d}F) = J \operatorname{vec}(\mathrm{d}X) \iff "
    r"\frac{\partial \operatorname{vec}(F)}{\partial \operatorname{vec}(X)^{T}} = J",
    "vec(dF) = J vec(dX) says that J is the derivative (numerator layout).",
    "vec(dF) = J vec(dX) 说明 J 就是导数（分子布局）。",
)
READ_SCALAR = _row(
    "read.scalar",
    "read off the derivative",
    "由微分读出导数",
    r"\mathrm{d}F = G\, \mathrm{d}t \iff \frac{\partial F}{\partial t} = G",
    "With a scalar variable, dF = G dt says that G is the derivative.",
    "自变量是标量时，dF = G dt 说明 G 就是导数。",
)
FACTOR_SCALAR = _row(
    "read.collect",
    "collect the scalar differential",
    "提出标量微分",
    r"A\, \mathrm{d}t + B\, \mathrm{d}t = (A + B)\, \mathrm{d}t",
    "dt is a scalar: factor it out of every term.",
    "dt 是标量：把它从每一项中提出来。",
)
UNVEC = _row(
    "read.unvec",
    "reshape the gradient",
    "把梯度重排成矩阵",
    r"\frac{\partial f}{\partial \operatorname{vec}(X)^{T}} = \operatorname{vec}(G)^{T} "
    r"\iff \frac{\partial f}{\partial X} = G",
    "For a scalar function the Jacobian is one row, vec(G)^T; reshape it into G.",
    "标量函数的雅可比矩阵只有一行 vec(G)^T，把它重排成 G。",
)
LAYOUT = _row(
    "layout.transpose",
    "switch layout",
    "布局转换",
    r"\frac{\partial y}{\partial x^{T}} = \left(\frac{\partial y^{T}}{\partial x}\right)^{T}",
    "Numerator and denominator layout are transposes of each other.",
    "分子布局与分母布局互为转置。",
)
COLLECT = _row(
    "collect",
    "collect the terms",
    "合并同类项",
    r"A\, \operatorname{vec}(\mathrm{d}X) + B\, \operatorname{vec}(\mathrm{d}X) = "
    r"(A + B) \operatorname{vec}(\mathrm{d}X)",
    "Every term ends with the same differential: factor it out.",
    "每一项都以同一个微分结尾：把它提出来。",
)
DEFINITION = _row(
    "definition",
    "definition",
    "定义",
    r"e = g(x)",
    "A definition used more than once is kept by its name in the derivation.",
    "多次用到的定义在推导中保留它的名字。",
)
WRITE_OUT = _row(
    "write_out",
    "write out the definitions used once",
    "代入只用到一次的定义",
    r"e = g(x)",
    "A name the result uses only once is replaced by its definition.",
    "结果中只出现一次的名字换成它的定义。",
)
SIMPLIFY = _row(
    "simplify",
    "simplify",
    "化简",
    r"(AB)^{T} = B^{T} A^{T},\ (A^{T})^{T} = A,\ I A = A,\ "
    r"\mathbf{1}^{T} \operatorname{diag}(v) = v^{T},\ \operatorname{diag}(v) \mathbf{1} = v",
    "Tidy up: push transposes through products, drop identities, collect like terms; "
    "a row of ones times diag(v) is vᵀ.",
    "整理：转置穿过乘积、去掉单位矩阵、合并同类项；全一行向量乘 diag(v) 等于 vᵀ。",
)
HESSIAN = _row(
    "hessian",
    "differentiate the gradient",
    "对梯度再求导",
    r"\frac{\partial^{2} f}{\partial x\, \partial x^{T}} = "
    r"\frac{\partial}{\partial x^{T}} \left(\frac{\partial f}{\partial x}\right)",
    "The Hessian is the Jacobian of the gradient.",
    "黑塞矩阵是梯度的雅可比矩阵。",
)
