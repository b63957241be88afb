"""The chain-rule identities (链式法则), one row each."""

from __future__ import annotations

from matdiff_magic.rules.rule import table

_row = table("chain")


INTERMEDIATE = _row(
    "chain.intermediate",
    "introduce intermediate variables",
    "引入中间变量",
    r"z = f(y),\ y = g(x)",
    "Name the inner expression so the function becomes a composition.",
    "给内层表达式命名，把函数写成复合函数。",
)
LOCAL = _row(
    "chain.local",
    "local derivative",
    "局部导数",
    r"\frac{\partial y}{\partial x^{T}}",
    "Differentiate one link of the chain on its own (shape shown).",
    "单独对链条中的一环求导（并标出尺寸）。",
)
VECTOR = _row(
    "chain.vector",
    "chain rule (vector to vector)",
    "向量对向量的链式法则",
    r"\frac{\partial z}{\partial x^{T}} = \frac{\partial z}{\partial y^{T}} "
    r"\frac{\partial y}{\partial x^{T}}",
    "Jacobians (numerator layout) multiply in the order of the chain.",
    "雅可比矩阵（分子布局）按链条顺序相乘。",
)
NUMERATOR = _row(
    "chain.numerator",
    "chain rule in numerator layout",
    "分子布局的链式法则",
    r"\frac{\partial z}{\partial x^{T}} = \frac{\partial z}{\partial y^{T}} "
    r"\frac{\partial y}{\partial x^{T}}",
    "In numerator layout every derivative has the rows of what is differentiated, so the "
    "scalar's derivatives are rows and the chain multiplies in its own order, as for scalars.",
    "分子布局下导数的行跟随被求导的量，标量的导数是行向量，链条按原来的顺序相乘，和标量的链式法则一样。",
)
FORM1 = _row(
    "chain.scalar_form1",
    "chain rule for a scalar (first form)",
    "标量对向量的链式法则（第一种形式）",
    r"\left(\frac{\partial z}{\partial x}\right)^{T} = "
    r"\left(\frac{\partial z}{\partial y}\right)^{T} \frac{\partial y}{\partial x^{T}}",
    "Transpose the scalar's gradients and the vector chain rule works.",
    "把标量求导的部分转置，向量的链式法则就成立了。",
)
FORM2 = _row(
    "chain.scalar_form2",
    "chain rule for a scalar (second form)",
    "标量对向量的链式法则（第二种形式）",
    r"\frac{\partial z}{\partial x} = \left(\frac{\partial y}{\partial x^{T}}\right)^{T} "
    r"\frac{\partial z}{\partial y}",
    "The same rule written for the gradient itself.",
    "直接写成导数（梯度）本身的形式。",
)
MULTIPLY = _row(
    "chain.multiply",
    "multiply the local derivatives",
    "代入局部导数并相乘",
    r"\frac{\partial z}{\partial x^{T}} = \frac{\partial z}{\partial y^{T}} "
    r"\frac{\partial y}{\partial x^{T}}",
    "Put each local derivative found above into the chain rule and multiply them.",
    "把上面求出的各个局部导数代入链式法则并相乘。",
)
SUBSTITUTE = _row(
    "chain.substitute",
    "substitute the intermediates",
    "代回中间变量",
    r"y = g(x)",
    "Put the intermediates back in, in terms of the variable.",
    "把中间变量用自变量表示后代回去。",
)
SUBSTITUTE_GRADIENT = _row(
    "chain.substitute_gradient",
    "substitute the outer derivative",
    "代入外层的导数",
    r"\frac{\partial z}{\partial Y} = G",
    "Put in the derivative with respect to the next intermediate, found above.",
    "代入上面求出的、对下一个中间变量的导数。",
)
SUBSTITUTE_DIFFERENTIAL = _row(
    "chain.substitute_differential",
    "express dY through dX",
    "用 dX 表示 dY",
    r"\mathrm{d}Y = \mathrm{d}g(X)",
    "Replace the differential of the intermediate by its expression in the differential of "
    "the variable, found above.",
    "把中间变量的微分换成上面求出的、用自变量的微分表示的式子。",
)
LINEAR_LEFT = _row(
    "chain.linear_left",
    "affine map Y = AX + B",
    "仿射变换 Y = AX + B",
    r"Y = AX + B \Rightarrow \frac{\partial z}{\partial X} = A^{T} \frac{\partial z}{\partial Y}",
    "A matrix multiplying from the left comes back transposed, on the left.",
    "左乘的矩阵转置后仍在左边。",
)
LINEAR_RIGHT = _row(
    "chain.linear_right",
    "affine map Y = XA + B",
    "仿射变换 Y = XA + B",
    r"Y = XA + B \Rightarrow \frac{\partial z}{\partial X} = \frac{\partial z}{\partial Y} A^{T}",
    "A matrix multiplying from the right comes back transposed, on the right.",
    "右乘的矩阵转置后仍在右边。",
)
LINEAR_VECTOR = _row(
    "chain.linear_vector",
    "affine map y = Ax + b",
    "仿射变换 y = Ax + b",
    r"y = Ax + b \Rightarrow \frac{\partial z}{\partial x} = A^{T} \frac{\partial z}{\partial y}",
    "The gradient passes back through A^T.",
    "梯度经过 A^T 传回。",
)
LINEAR_OUTER = _row(
    "chain.linear_outer",
    "affine map y = Xa + b",
    "仿射变换 y = Xa + b",
    r"y = Xa + b \Rightarrow \frac{\partial z}{\partial X} = \frac{\partial z}{\partial y} a^{T}",
    "The gradient with respect to X is an outer product.",
    "对 X 的导数是一个外积。",
)
SANDWICH = _row(
    "chain.sandwich",
    "composite Y = AXB",
    "复合 Y = AXB",
    r"Y = AXB \Rightarrow \frac{\partial z}{\partial X} = "
    r"A^{T} \frac{\partial z}{\partial Y} B^{T}",
    "df = tr((∂f/∂Y)^T A dX B) = tr(B (∂f/∂Y)^T A dX).",
    "df = tr((∂f/∂Y)^T A dX B) = tr(B (∂f/∂Y)^T A dX)。",
)
THROUGH_DIFFERENTIALS = _row(
    "chain.differential",
    "chain rule through differentials",
    "通过微分的复合求导",
    r"\mathrm{d}z = \operatorname{tr}\left(\left(\frac{\partial z}{\partial Y}\right)^{T} "
    r"\mathrm{d}Y\right)",
    "No closed rule applies: write dz with ∂z/∂Y, express dY by dX, and use the trace trick.",
    "没有现成的法则：先写出 dz = tr((∂z/∂Y)^T dY)，再用 dX 表示 dY，最后用迹技巧。",
)
VEC = _row(
    "chain.vec",
    "chain rule on vec",
    "向量化后的链式法则",
    r"\frac{\partial \operatorname{vec}(Z)}{\partial \operatorname{vec}(X)^{T}} = "
    r"\frac{\partial \operatorname{vec}(Z)}{\partial \operatorname{vec}(Y)^{T}} "
    r"\frac{\partial \operatorname{vec}(Y)}{\partial \operatorname{vec}(X)^{T}}",
    "After vectorizing, matrices are vectors and the vector chain rule applies.",
    "向量化以后矩阵都变成向量，向量的链式法则就适用了。",
)
TERMS = _row(
    "chain.terms",
    "differentiate term by term",
    "逐项求导",
    r"f = f_1 + f_2 \Rightarrow \frac{\partial f}{\partial x} = \frac{\partial f_1}{\partial x}"
    r" + \frac{\partial f_2}{\partial x}",
    "The derivative of a sum is the sum of the derivatives: each term is differentiated on "
    "its own, by the chain rule where it is a composition and directly where the variable "
    "appears bare.",
    "和的导数等于导数的和：每一项单独求导，是复合函数的项用链式法则，变量直接出现的项直接求导。",
)
TERMS_ADD = _row(
    "chain.terms_add",
    "add the derivatives of the terms",
    "把各项的导数代入并相加",
    r"\frac{\partial f}{\partial x} = \frac{\partial f_1}{\partial x}"
    r" + \frac{\partial f_2}{\partial x}",
    "Put in the derivative found above for each term and add them.",
    "代入上面求出的每一项的导数，再相加。",
)


# -- the same rules in numerator layout: ∂z/∂X^T = ∂z/∂Y^T ∂Y/∂X^T, factors in the chain's order --

NUMERATOR_DIFFERENTIAL = _row(
    "chain.differential_numerator",
    "chain rule through differentials (numerator layout)",
    "通过微分的复合求导（分子布局）",
    r"\mathrm{d}z = \operatorname{tr}\left(\frac{\partial z}{\partial Y^{T}} \mathrm{d}Y\right)",
    "In numerator layout dz = tr(∂z/∂Y^T dY) with no transpose: express dY by dX and use the "
    "trace trick.",
    "分子布局下 dz = tr(∂z/∂Y^T dY)，不需要转置：再用 dX 表示 dY，最后用迹技巧。",
)
NUMERATOR_LEFT = _row(
    "chain.linear_left_numerator",
    "affine map Y = AX + B (numerator layout)",
    "仿射变换 Y = AX + B（分子布局）",
    r"Y = AX + B \Rightarrow \frac{\partial z}{\partial X^{T}} = "
    r"\frac{\partial z}{\partial Y^{T}} A",
    "dz = tr(∂z/∂Y^T A dX): A follows the outer derivative, in the order of the chain.",
    "dz = tr(∂z/∂Y^T A dX)：A 跟在外层导数后面，按链条的顺序。",
)
NUMERATOR_RIGHT = _row(
    "chain.linear_right_numerator",
    "affine map Y = XA + B (numerator layout)",
    "仿射变换 Y = XA + B（分子布局）",
    r"Y = XA + B \Rightarrow \frac{\partial z}{\partial X^{T}} = "
    r"A \frac{\partial z}{\partial Y^{T}}",
    "dz = tr(∂z/∂Y^T dX A) = tr(A ∂z/∂Y^T dX): A moves round to the front.",
    "dz = tr(∂z/∂Y^T dX A) = tr(A ∂z/∂Y^T dX)：A 循环移到前面。",
)
NUMERATOR_VECTOR = _row(
    "chain.linear_vector_numerator",
    "affine map y = Ax + b (numerator layout)",
    "仿射变换 y = Ax + b（分子布局）",
    r"y = Ax + b \Rightarrow \frac{\partial z}{\partial x^{T}} = "
    r"\frac{\partial z}{\partial y^{T}} A",
    "The row ∂z/∂y^T times the Jacobian A.",
    "行向量 ∂z/∂y^T 乘以雅可比矩阵 A。",
)
NUMERATOR_OUTER = _row(
    "chain.linear_outer_numerator",
    "affine map y = Xa + b (numerator layout)",
    "仿射变换 y = Xa + b（分子布局）",
    r"y = Xa + b \Rightarrow \frac{\partial z}{\partial X^{T}} = "
    r"a \frac{\partial z}{\partial y^{T}}",
    "dz = tr(∂z/∂y^T dX a) = tr(a ∂z/∂y^T dX): an outer product.",
    "dz = tr(∂z/∂y^T dX a) = tr(a ∂z/∂y^T dX)：一个外积。",
)
NUMERATOR_SANDWICH = _row(
    "chain.sandwich_numerator",
    "composite Y = AXB (numerator layout)",
    "复合 Y = AXB（分子布局）",
    r"Y = AXB \Rightarrow \frac{\partial z}{\partial X^{T}} = "
    r"B \frac{\partial z}{\partial Y^{T}} A",
    "dz = tr(∂z/∂Y^T A dX B) = tr(B ∂z/∂Y^T A dX).",
    "dz = tr(∂z/∂Y^T A dX B) = tr(B ∂z/∂Y^T A dX)。",
)
# each rule's numerator-layout form
IN_NUMERATOR = {
    THROUGH_DIFFERENTIALS: NUMERATOR_DIFFERENTIAL,
    LINEAR_LEFT: NUMERATOR_LEFT,
    LINEAR_RIGHT: NUMERATOR_RIGHT,
    LINEAR_VECTOR: NUMERATOR_VECTOR,
    LINEAR_OUTER: NUMERATOR_OUTER,
    SANDWICH: NUMERATOR_SANDWICH,
}
