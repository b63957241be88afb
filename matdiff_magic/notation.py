"""Symbols on the left of derivation lines: df, vec(dF), ∂f/∂X, ∂f/∂X^T, ∂²f/∂x∂x^T.

The notation follows the layout rule of the seed article: ∂y/∂x^T is numerator layout, ∂y^T/∂x
denominator layout (a transposed numerator means denominator layout, and vice versa).
"""

from __future__ import annotations

import sympy

from matdiff_magic.dims import ONE, Shape
from matdiff_magic.name_forms import latex_name, text_name
from matdiff_magic.tree import nodes as N

NUMERATOR, DENOMINATOR = "numerator", "denominator"


def kind_of(shape: Shape) -> str:
    if shape[0] == ONE and shape[1] == ONE:
        return "scalar"
    if shape[1] == ONE:
        return "vector"
    return "matrix"


def default_name(shape: Shape, taken: set[str] | frozenset[str] = frozenset()) -> str:
    """f for a scalar, y for a vector, F for a matrix — or the next free name if that one is
    already a variable of the problem."""
    options = {"scalar": "fgh", "vector": "yzuv", "matrix": "FGH"}[kind_of(shape)]
    for name in options:
        if name not in taken:
            return name
    i = 1
    while f"f{i}" in taken:
        i += 1
    return f"f{i}"


def numerator_shape(f_shape: Shape, x_shape: Shape) -> Shape:
    """The shape of the derivative in numerator layout (denominator is its transpose)."""
    fk, xk = kind_of(f_shape), kind_of(x_shape)
    p, q = f_shape
    m, n = x_shape
    if xk == "scalar":
        return (p, q)
    if fk == "scalar":
        return (n, m)
    if fk == "vector" and xk == "vector":
        return (p, m)
    return (p * q, m * n)


def _is_column(shape: Shape) -> bool:
    return shape[1] == ONE


def _vec_latex(name: str, shape: Shape) -> str:
    return name if _is_column(shape) else r"\operatorname{vec}(" + name + ")"


def _vec_text(name: str, shape: Shape) -> str:
    return name if _is_column(shape) else "vec(" + name + ")"


def differential(fname: str, f_shape: Shape) -> N.Opaque:
    return N.Opaque(
        f"d:{fname}", r"\mathrm{d}" + latex_name(fname), "d" + text_name(fname), *f_shape
    )


def vec_differential(fname: str, f_shape: Shape) -> N.Opaque:
    if _is_column(f_shape):
        return differential(fname, f_shape)
    size = f_shape[0] * f_shape[1]
    return N.Opaque(
        f"vecd:{fname}",
        r"\operatorname{vec}(\mathrm{d}" + latex_name(fname) + ")",
        "vec(d" + text_name(fname) + ")",
        size,
        ONE,
    )


def derivative(fname: str, f_shape: Shape, wrt: N.Var, orientation: str) -> N.Opaque:
    """∂f/∂x in the notation of ``orientation`` (numerator or denominator layout)."""
    fl, ft = latex_name(fname), text_name(fname)
    xl, xt = latex_name(wrt.name), text_name(wrt.name)
    fk, xk = kind_of(f_shape), kind_of(wrt.shape)
    shape = numerator_shape(f_shape, wrt.shape)
    if orientation == DENOMINATOR:
        shape = (shape[1], shape[0])
    if xk == "scalar":
        if fk == "scalar" or orientation == NUMERATOR:
            top_l, top_t = fl, ft
        else:
            top_l, top_t = fl + "^{T}", ft + "ᵀ"
        bottom_l, bottom_t = xl, xt
    elif fk == "scalar":
        top_l, top_t = fl, ft
        if orientation == NUMERATOR:
            bottom_l, bottom_t = xl + "^{T}", xt + "ᵀ"
        else:
            bottom_l, bottom_t = xl, xt
    else:
        top_l, top_t = _vec_latex(fl, f_shape), _vec_text(ft, f_shape)
        bottom_l, bottom_t = _vec_latex(xl, wrt.shape), _vec_text(xt, wrt.shape)
        if orientation == NUMERATOR:
            bottom_l, bottom_t = bottom_l + "^{T}", bottom_t + "ᵀ"
        else:
            top_l, top_t = top_l + "^{T}", top_t + "ᵀ"
    latex = r"\frac{\partial " + top_l + r"}{\partial " + bottom_l + "}"
    text = "∂" + top_t + "/∂" + bottom_t
    return N.Opaque(f"D:{fname}:{wrt.name}:{orientation}", latex, text, *shape)


def vec_derivative(fname: str, f_shape: Shape, wrt: N.Var) -> N.Opaque:
    """∂vec(F)/∂vec(X)^T, vec dropped for columns and scalars: the numerator Jacobian of the
    vectorization method, whatever the kinds (for a scalar f and a matrix X it is one row)."""
    fl, ft = _vec_latex(latex_name(fname), f_shape), _vec_text(text_name(fname), f_shape)
    xl, xt = _vec_latex(latex_name(wrt.name), wrt.shape), _vec_text(text_name(wrt.name), wrt.shape)
    if not wrt.is_scalar:
        xl, xt = xl + "^{T}", xt + "ᵀ"
    rows, cols = f_shape[0] * f_shape[1], wrt.shape[0] * wrt.shape[1]
    return N.Opaque(
        f"V:{fname}:{wrt.name}",
        r"\frac{\partial " + fl + r"}{\partial " + xl + "}",
        "∂" + ft + "/∂" + xt,
        rows,
        cols,
    )


def hessian(fname: str, wrt: N.Var) -> N.Opaque:
    fl, ft = latex_name(fname), text_name(fname)
    xl, xt = _vec_latex(latex_name(wrt.name), wrt.shape), _vec_text(text_name(wrt.name), wrt.shape)
    size = wrt.shape[0] * wrt.shape[1]
    latex = r"\frac{\partial^{2} " + fl + r"}{\partial " + xl + r"\, \partial " + xl + "^{T}}"
    text = "∂²" + ft + "/∂" + xt + "∂" + xt + "ᵀ"
    return N.Opaque(f"H:{fname}:{wrt.name}", latex, text, size, size)


def shape_latex(shape: Shape) -> str:
    from matdiff_magic.printing.latex import latex_dim

    return latex_dim(shape[0]) + r" \times " + latex_dim(shape[1])


def size_text(d: sympy.Expr) -> str:
    from matdiff_magic.dims import dim_text

    return dim_text(d)
