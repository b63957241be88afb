"""The steps of the definition method (定义法), one row each: write the function entrywise,
pick out the terms with x_k, differentiate, read the result, assemble it into a matrix.
"""

from __future__ import annotations

from matdiff_magic.rules.rule import table

_row = table("definition")


FUNCTION = _row(
    "def.function",
    "the function",
    "函数",
    r"y = f(x)",
    "Start from the function itself; the definition method works entry by entry.",
    "从函数本身出发；定义法逐个元素地求导。",
)
INDEX = _row(
    "def.index",
    "write entrywise",
    "写成分量形式",
    r"x^{T} A x = \sum_{i=1}^{n} \sum_{j=1}^{n} x_{i} A_{ij} x_{j}",
    "Write the function entry by entry: a matrix product sums over the shared index.",
    "把函数逐个元素写出：矩阵乘积对相邻的下标求和。",
)
SELECT = _row(
    "def.select",
    "terms containing the entry",
    "取出含该元素的项",
    r"\sum_{i} x_{i} a_{i} \to x_{k} a_{k}",
    "Only the terms that contain x_k depend on it; in a sum over i they are the terms with i = k. "
    "Each occurrence of x is kept apart: differentiating the x_k written out (the others held "
    "fixed) gives the partial derivative of the whole function.",
    "只有含 x_k 的项与它有关；在对 i 的求和中，就是 i = k 的那些项。x 的每一次出现分开保留："
    "对写出来的 x_k 求导（其余的看作常数），就得到整个函数的偏导数。",
)
PARTIAL = _row(
    "def.partial",
    "partial derivative of the entries",
    "对分量求偏导",
    r"\frac{\partial x_{i}}{\partial x_{k}} = \delta_{ik},\ \sum_{i} \delta_{ik} a_{i} = a_{k}",
    "Differentiate with respect to the single entry x_k like a scalar; a Kronecker delta "
    "collapses the sum it sits in.",
    "把 x_k 当作普通标量求偏导；克罗内克 δ 使所在的求和只剩一项。",
)
COLLECT = _row(
    "def.collect",
    "collect like terms",
    "合并同类项",
    r"a_{k} + a_{k} = 2 a_{k}",
    "The occurrences of the same quantity are the same entries: add up equal terms.",
    "同一个量的各次出现是相同的元素：把相同的项相加。",
)
READ = _row(
    "def.read",
    "read the entries",
    "读出分量的含义",
    r"\sum_{j} A_{kj} x_{j} = (A x)_{k},\ \sum_{i} A_{ik} x_{i} = (A^{T} x)_{k}",
    "Say what each sum is: a row of A times x is an entry of A x, a column of A times x an "
    "entry of A^T x.",
    "用语言说出每个求和：A 的一行乘以 x 是 A x 的一个元素，A 的一列乘以 x 是 A^T x 的一个元素。",
)
ASSEMBLE = _row(
    "def.assemble",
    "arrange the entries into a matrix",
    "把分量排成矩阵",
    r"\left[\frac{\partial y}{\partial x_{k}}\right]_{k} = \frac{\partial y}{\partial x}",
    "Every entry of the derivative has the same form, so the derivative is that matrix "
    "(scalar by vector or matrix: as the variable is arranged; otherwise d vec(F) / d vec(X)^T).",
    "导数的每个元素都是同一形式，于是导数就是这个矩阵（标量对向量或矩阵：按变量的排列；"
    "否则按 d vec(F) / d vec(X)^T 排列）。",
)
ENTRYWISE = _row(
    "def.entrywise",
    "entrywise result",
    "只能写成分量形式",
    r"\frac{\partial F}{\partial X} = \left[\frac{\partial F_{ij}}{\partial X_{kl}}\right]",
    "These entries do not combine into an ordinary matrix expression; the derivative is the "
    "array of them.",
    "这些分量无法组合成普通的矩阵表达式；导数就是由它们排成的数组。",
)
