"""The identities a "simplify" step uses: one rule per rewrite of the final polish.

The rewrites themselves live in the tree (tree/tidy.py REWRITES, tree/textbook.py ...), below
the rules; this catalogue gives each its name in English and Chinese, the identity in LaTeX and
a sentence, so that a simplify step cites what it did (tests/test_rewrites.py checks that every
rewrite but the uncited order of terms has a row here). A data catalogue: rows only.
"""

from __future__ import annotations

from matdiff_magic.rules import conclusions as C
from matdiff_magic.rules.facts import fact_rules
from matdiff_magic.rules.rule import Rule, table
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.nodes import Var
from matdiff_magic.tree.rewrite import also_observing
from matdiff_magic.tree.textbook_facts import facts_used
from matdiff_magic.tree.tidy import tidy_naming

_row = table("simplify")

BY_REWRITE: dict[str, Rule] = {
    "expand square inverses": _row(
        "simplify.inverse_of_product", "inverse of a product", "乘积的逆",
        r"(A B)^{-1} = B^{-1} A^{-1}",
        "The inverse of a product of square matrices is the product of the inverses, reversed.",
        "方阵乘积的逆等于各因子的逆按相反次序相乘。",
    ),
    "declared facts": _row(
        "simplify.declared_facts", "a declared fact", "声明的事实",
        r"\mathbf{1}^{T} y = 1 \ (y \text{ one-hot or a probability vector}),\ "
        r"y \odot y = \mathbf{1} \ (y \in \{\pm 1\}^{k})",
        "A vector declared onehot(k), simplex(k) (prob(k)) or pm1(k) has entries summing to 1, "
        "or entries ±1; the result uses it (the step names the variable).",
        "声明为 onehot(k)、simplex(k)（prob(k)）或 pm1(k) 的向量，元素之和为 1，或元素为 ±1；"
        "结果用到了这一点（该步写明是哪个变量）。",
    ),
    "contract vec": _row(
        "simplify.vec_backwards", "vec identity read backwards", "反用向量化恒等式",
        r"(P \otimes Q) \operatorname{vec}(C) = \operatorname{vec}(Q C P^{T}),\ "
        r"K \operatorname{vec}(C) = \operatorname{vec}(C^{T}),\ "
        r"(A \otimes B) K = K (B \otimes A)",
        "A Kronecker product or commutation matrix applied to a vec is a plain matrix product.",
        "克罗内克积或交换矩阵作用在 vec 上，等于普通的矩阵乘积。",
    ),
    "selection matrices": _row(
        "simplify.selection_matrices", "Hadamard and Khatri–Rao products from selection matrices",
        "由选择矩阵读出哈达玛积与 Khatri–Rao 积",
        r"S = \operatorname{diag}(\operatorname{vec}(I_k)) (\mathbf{1}_k \otimes I_k):\ "
        r"S^{T} (P \otimes Q) S = P \odot Q,\ (P \otimes Q) S = P \ast Q,\ "
        r"S^{T} (P \otimes Q) = (P^{T} \ast Q^{T})^{T},\ "
        r"S^{T} \operatorname{vec}(M) = \operatorname{diag}(M)",
        "Column l of the selection matrix S is e_l ⊗ e_l, so a Kronecker product between S and "
        "Sᵀ keeps the entries P_ll' Q_ll' (a Hadamard product), and one beside S keeps the "
        "columns p_l ⊗ q_l (the column-wise Kronecker, Khatri–Rao, product ∗).",
        "选择矩阵 S 的第 l 列是 e_l ⊗ e_l，所以夹在 Sᵀ 与 S 之间的克罗内克积只留下 P_ll' Q_ll'"
        "（哈达玛积），只右乘 S 则留下各列 p_l ⊗ q_l（按列克罗内克积，即 Khatri–Rao 积 ∗）。",
    ),
    "diagonal of an outer product": _row(
        "simplify.diagonal_of_outer", "diagonal of an outer product", "外积的对角元",
        r"\operatorname{diag}(b a^{T}) = a \odot b",
        "Entry i of the diagonal of b aᵀ is b_i a_i.",
        "b aᵀ 对角线上的第 i 个元素是 b_i a_i。",
    ),
    "transpose of a Hadamard product": _row(
        "simplify.hadamard_transpose", "transpose of a Hadamard product", "哈达玛积的转置",
        r"(P \odot Q)^{T} = P^{T} \odot Q^{T}",
        "Transposing moves every entry alike, so it can be taken factor by factor.",
        "转置对每个元素的位置作同样的变换，所以可以逐个因子转置。",
    ),
    "diagonal through a diagonal matrix": _row(
        "simplify.diagonal_through_diagonal", "diagonal of a product through a diagonal matrix",
        "夹着对角矩阵的乘积的对角元",
        r"\operatorname{diag}(P \operatorname{diag}(y) Q) = (P \odot Q^{T}) y",
        "Entry i of the diagonal is the sum over j of P_ij y_j Q_ji.",
        "对角线上第 i 个元素是对 j 求和 P_ij y_j Q_ji。",
    ),
    "Khatri–Rao products of rows": _row(
        "simplify.khatri_rao_rows", "Khatri–Rao product of a row", "行向量的 Khatri–Rao 积",
        r"a^{T} \ast b^{T} = (a \odot b)^{T},\ "
        r"a^{T} \ast I = I \ast a^{T} = \operatorname{diag}(a)",
        "Column l of aᵀ ∗ B is a_l b_l: with rows it is a Hadamard product, with the identity "
        "a diagonal matrix.",
        "aᵀ ∗ B 的第 l 列是 a_l b_l：与行向量相乘即哈达玛积，与单位矩阵相乘即对角矩阵。",
    ),
    "sums and traces by name": _row(
        "simplify.sum_trace_names", "entry sums by name", "元素和的名字",
        r"\mathbf{1}^{T} X \mathbf{1} = \operatorname{sum}(X),\ "
        r"\mathbf{1}^{T} \operatorname{diag}(A) = \operatorname{tr}(A)",
        "Sums of entries written with ones are named as the sum and the trace.",
        "用全一向量写出的元素和，写成 sum 与迹。",
    ),
    "diagonals by name": _row(
        "simplify.diagonal_names", "row sums of an entrywise product", "逐元素乘积的行和",
        r"(P \odot Q) \mathbf{1} = \operatorname{diag}(P Q^{T}),\ "
        r"(P \odot Q)^{T} \mathbf{1} = \operatorname{diag}(P^{T} Q)",
        "Row or column sums of an entrywise product are the diagonal of a matrix product.",
        "逐元素乘积的行和或列和，是一个矩阵乘积的对角线。",
    ),
    "ones first": _row(
        "simplify.ones_first", "sum of a vector's entries", "向量元素之和",
        r"y^{T} \mathbf{1} = \mathbf{1}^{T} y",
        "A scalar equals its transpose, so the sum of entries is written one way.",
        "标量等于它的转置，元素之和统一写成 1ᵀy。",
    ),
    "inner products": _row(
        "simplify.inner_product", "sum of an entrywise product", "逐元素乘积之和",
        r"\operatorname{sum}(a \odot b) = \mathbf{1}^{T} (a \odot b) = a^{T} b,\ "
        r"\operatorname{sum}(v) = \mathbf{1}^{T} v",
        "The sum of the entries of an entrywise product of vectors is the inner product of two "
        "of them, whichever factor is transposed; it is written one way.",
        "向量逐元素乘积的元素之和，就是其中两个向量的内积，无论转置哪一个因子；统一写成一种形式。",
    ),
    "exponentials as softmax": _row(
        "simplify.exp_as_softmax", "exponentials through softmax", "用 softmax 表示指数",
        r"\exp(z) = (\mathbf{1}^{T} \exp(z)) \operatorname{softmax}(z)",
        "Each exponential is its softmax times the normaliser, which then cancels.",
        "每个指数等于它的 softmax 乘以归一化因子，归一化因子随后约去。",
    ),
    "traces gathered": _row(
        "simplify.traces_gathered", "a sum of traces as one trace", "迹的和写成一个迹",
        r"a \operatorname{tr}(A) + b \operatorname{tr}(B) = \operatorname{tr}(a A + b B)",
        "The trace is linear, so a sum of traces is the trace of the sum.",
        "迹是线性的，所以迹的和等于和的迹。",
    ),
    "norms as written": _row(
        "simplify.norm_as_written", "a squared norm as written", "按原式写出范数的平方",
        r"u^{T} u = \lVert u \rVert^{2}",
        "The sum of squares of a vector's entries is its squared norm, written so where the "
        "function has that norm.",
        "向量各元素的平方和就是它范数的平方；函数里写了这个范数时，结果也这样写。",
    ),
    "traces in one rotation": _row(
        "simplify.trace_rotation", "one rotation of a trace", "迹的一种轮换",
        r"\operatorname{tr}(A B C) = \operatorname{tr}(C A B) = "
        r"\operatorname{tr}(C^{T} B^{T} A^{T})",
        "A trace is the same for every cyclic rotation of its factors and for the transposed "
        "product, so it is written one way.",
        "迹在因子的循环轮换下不变，在整个乘积转置后也不变，所以统一写成一种形式。",
    ),
    "reciprocals as quotients": _row(
        "simplify.reciprocal", "a reciprocal as a quotient", "倒数写成商",
        r"x^{\circ -1} = \mathbf{1} \oslash x",
        "An entrywise negative power is written as a division, as books write it.",
        "逐元素的负幂写成逐元素相除，与书上的写法一致。",
    ),
    "numbers out of brackets": _row(
        "simplify.number_out", "a common number out of a bracket", "提出公共数因子",
        r"(2 a - 2 b) \odot c = 2 (a - b) \odot c",
        "A number every term of a bracketed sum shares is taken out of the product.",
        "括号内各项共有的数因子提到乘积之外。",
    ),
    "absorb a sign": _row(
        "simplify.absorb_sign", "a sign into a difference", "负号并入差",
        r"-P (a - b) Q = P (b - a) Q",
        "A negated product takes its sign into a difference, turning it round.",
        "带负号的乘积把负号并入其中的差，差的两项交换次序。",
    ),
    "signs out of differences": _row(
        "simplify.difference_sign", "one way round for a difference", "差的统一写法",
        r"(b - a) c^{T} = -(a - b) c^{T},\ a^{T} - b^{T} = (a - b)^{T}",
        "A difference inside a product is written one way round, its transpose outside.",
        "乘积中的差统一写法，转置写在括号外。",
    ),
    "traces of scalars": _row(
        "simplify.trace_of_scalar", "trace of a scalar product", "标量乘积的迹",
        r"\operatorname{tr}(P a b^{T} Q) = b^{T} Q P a",
        "Cycling the trace to start after a column leaves a 1×1 product, its own trace.",
        "把迹循环到列向量之后，得到 1×1 的乘积，它的迹就是它自己。",
    ),
    "scalars with fewer transposes": _row(
        "simplify.scalar_transpose", "a scalar is its own transpose", "标量等于其转置",
        r"y^{T} M^{T} x = x^{T} M y",
        "A 1×1 product equals its transpose; it is written the way with fewer transposes.",
        "1×1 的乘积等于它的转置，写成转置较少的那一种。",
    ),
    "transposes inward": _row(
        "simplify.transpose_inward", "transpose of an inverse power", "逆幂的转置",
        r"((B^{T} A^{T})^{-k})^{T} = (A B)^{-k}",
        "A transpose goes inside an inverse or a power when that leaves fewer transposes.",
        "当转置移入逆或幂之后转置更少时，就把它移进去。",
    ),
    "transposes through matrix functions": _row(
        "simplify.frechet_transpose", "transpose of a matrix function", "矩阵函数的转置",
        r"L_f(X, E)^{T} = L_f(X^{T}, E^{T}),\ f(X)^{T} = f(X^{T})",
        "A matrix function with a real power series (e^X, log X, X^{1/2}, X^p) and its Fréchet "
        "derivative commute with the transpose: it goes inside or outside, whichever leaves "
        "fewer transposes.",
        "具有实幂级数的矩阵函数（e^X、log X、X^{1/2}、X^p）及其 Fréchet 导数与转置可交换："
        "转置移到里面或外面，取转置更少的一种。",
    ),
    "powers of norms": _row(
        "simplify.norm_powers", "powers of a nonnegative scalar", "非负标量的幂",
        r"(\lVert x \rVert^{4})^{1/2} = \lVert x \rVert^{2},\ \lVert x^{T} x \rVert = x^{T} x",
        "Powers of a nonnegative scalar multiply; a nonnegative scalar is its own norm.",
        "非负标量的幂指数相乘；非负标量的范数是它本身。",
    ),
    "entrywise algebra": _row(
        "simplify.entrywise", "entrywise algebra", "逐元素代数",
        r"x \odot (\mathbf{1} \oslash x) = \mathbf{1},\ "
        r"\frac{e^{t}}{1 + e^{t}} = \sigma(t),\ "
        r"\frac{a}{c} - \frac{b}{c^{2}} = \frac{c a - b}{c^{2}}",
        "Entrywise operations are ordinary algebra entry by entry: cancel, use σ, "
        "bring quotients over a common denominator.",
        "逐元素运算就是每个元素上的普通代数：约分、写成 σ、通分。",
    ),
    "recognise softmax": _row(
        "simplify.softmax", "softmax by name", "softmax 的名字",
        r"\frac{\exp(z)}{\mathbf{1}^{T} \exp(z)} = \operatorname{softmax}(z)",
        "An exponential over the sum of exponentials is the softmax.",
        "指数除以指数之和就是 softmax。",
    ),
    "merge linear wrappers": _row(
        "simplify.linear_wrappers", "linearity of vec, diag and ⊗", "vec、diag 与 ⊗ 的线性",
        r"\operatorname{vec}(A) + \operatorname{vec}(B) = \operatorname{vec}(A + B),\ "
        r"A \otimes B + A \otimes C = A \otimes (B + C)",
        "vec and diag are linear and ⊗ is bilinear: sums move inside.",
        "vec 与 diag 是线性的，⊗ 是双线性的：和可以移到里面。",
    ),
    "distribute a transpose": _row(
        "simplify.transpose_of_sum", "transpose of a sum", "和的转置",
        r"(A + B)^{T} = A^{T} + B^{T}",
        "The transpose of a sum is the sum of the transposes.",
        "和的转置等于转置的和。",
    ),
    "diagonal of an entrywise product": _row(
        "simplify.diagonal_entrywise", "diagonal of an entrywise product", "逐元素运算的对角元",
        r"\operatorname{diag}(A \odot B) = \operatorname{diag}(A) \odot \operatorname{diag}(B),\ "
        r"\operatorname{diag}(f(A)) = f(\operatorname{diag}(A)),\ "
        r"(I \odot A) \mathbf{1} = \operatorname{diag}(A)",
        "Entry (i, i) of an entrywise product or function uses entries (i, i) alone, so the "
        "diagonal can be taken first; masking with I keeps the diagonal, and 𝟏 sums each row.",
        "逐元素乘积或逐元素函数的 (i, i) 元只用到 (i, i) 元，所以可以先取对角元；"
        "与 I 逐元素相乘只留下对角元，再右乘 𝟏 即按行求和。",
    ),
    "vec of an entrywise product": _row(
        "simplify.vec_hadamard", "vec of an entrywise product", "逐元素乘积的向量化",
        r"\operatorname{vec}(A) \odot \operatorname{vec}(B) = \operatorname{vec}(A \odot B),\ "
        r"u \otimes v = \operatorname{vec}(v u^{T})",
        "vec lists the entries in one order, so entrywise products can be taken before it; "
        "the Kronecker product of two columns is the vec of their outer product.",
        "vec 按同一次序排列元素，所以逐元素乘积可以在向量化之前做；"
        "两个列向量的克罗内克积是它们外积的 vec。",
    ),
    "entrywise products as diagonal matrices": _row(
        "simplify.hadamard_as_diagonal", "an entrywise product as a diagonal matrix",
        "逐元素乘积写成对角矩阵",
        r"a \odot u = \operatorname{diag}(a) u,\ (v^{T} t) w = w v^{T} t",
        "Multiplying by a entry by entry is multiplying by the diagonal matrix diag(a), and an "
        "inner product times a vector is an outer product applied to the vector; so a diagonal "
        "matrix or a vector every term has can be pulled out of the sum.",
        "逐元素乘以 a 等于左乘对角矩阵 diag(a)，内积乘向量等于外积作用在向量上；"
        "所以每一项都有的对角矩阵或向量可以提到和的外面。",
    ),
    "shared entrywise factors": _row(
        "simplify.hadamard_distributive", "a shared entrywise factor", "提取公共的逐元素因子",
        r"a \odot b + a \odot c = a \odot (b + c)",
        "The entrywise product distributes over a sum, so a factor several of its terms share "
        "entrywise is pulled out of them.",
        "逐元素乘积对加法满足分配律，所以和中几项共有的逐元素因子可以提到外面。",
    ),
    "factor": _row(
        "simplify.factor", "common factors", "提取公因子",
        r"A B + A C = A (B + C),\ B A + C A = (B + C) A",
        "Factors common to every term of a sum are pulled out, from the left or the right.",
        "和中每一项共有的因子（左边或右边）提到外面。",
    ),
    "scalars turned to share factors": _row(
        "simplify.scalar_transposed_to_factor", "scalars turned to share factors",
        "标量转置后提取公因子",
        r"p^{T} A q + q^{T} B p = p^{T} (A + B^{T}) q",
        "A 1×1 product equals its transpose, so terms of a scalar sum are turned round until "
        "they share their end factors, which are then pulled out.",
        "1×1 的乘积等于它的转置，所以把标量和中的项转过来，使它们有相同的两端因子，再提到外面。",
    ),
    "shared scalar factors": _row(
        "simplify.shared_scalar", "a scalar some terms share", "部分项共有的标量因子",
        r"s A + s B + C = s (A + B) + C",
        "A scalar factor several terms of a sum share is pulled out of them, and what is left "
        "of them factored.",
        "和中几项共有的标量因子提到这几项外面，剩下的部分再提取公因子。",
    ),
    "traces of entrywise products": _row(
        "simplify.trace_hadamard", "trace of an entrywise product", "含逐元素乘积的迹",
        r"\operatorname{tr}(P^{T} (Q \odot R)) = \sum_{ij} P_{ij} Q_{ij} R_{ij} "
        r"= \operatorname{tr}(Q^{T} (P \odot R)),\ f(X^{T}) = f(X)^{T}",
        "The trace of Pᵀ (Q ⊙ R) multiplies the three matrices entry by entry and adds up, so "
        "any of them can stand outside the entrywise product; it is written one way.",
        "Pᵀ (Q ⊙ R) 的迹是三个矩阵对应元素相乘再求和，所以任一个都可以放在逐元素乘积外面；"
        "统一写成一种形式。",
    ),
    "Khatri–Rao products with the identity": _row(
        "simplify.khatri_rao_identity", "a Khatri–Rao product with I", "与单位阵的 Khatri–Rao 积",
        r"(\operatorname{diag}(x) M) \ast I = \operatorname{diag}(\operatorname{vec}(M^{T})) "
        r"(x \otimes I),\ I \ast (\operatorname{diag}(x) M) = "
        r"\operatorname{diag}(\operatorname{vec}(M)) (I \otimes x)",
        "Column j of (diag(x) M) ∗ I is (x ⊙ m_j) ⊗ e_j, the Kronecker product x ⊗ e_j with "
        "its entries scaled by vec(Mᵀ); so a sum of such products can share the diagonal "
        "matrix.",
        "(diag(x) M) ∗ I 的第 j 列是 (x ⊙ m_j) ⊗ e_j，即 x ⊗ e_j 的各元素乘以 vec(Mᵀ)；"
        "所以这类乘积之和可以提出共同的对角矩阵。",
    ),
    "multiply out": _row(
        "simplify.distribute", "multiply out", "展开",
        r"A (B + C) = A B + A C",
        "Products are multiplied out, to be collected again in the shortest form.",
        "把乘积展开，再以最短的形式重新合并。",
    ),
    "diagonal inverses": _row(
        "simplify.diagonal_inverse", "inverse of a diagonal matrix", "对角矩阵的逆",
        r"\operatorname{diag}(\mathbf{1} \oslash v) = \operatorname{diag}(v)^{-1}",
        "A diagonal matrix is inverted entry by entry on its diagonal.",
        "对角矩阵的逆就是对角线元素逐个取倒数。",
    ),
    "spread a number": _row(
        "simplify.spread_number", "a number over a sum", "数乘分配到各项",
        r"2 (a + b) = 2 a + 2 b",
        "A number multiplies every term of a sum (shorter written out for two terms).",
        "数乘和等于数乘每一项（两项时展开更短）。",
    ),
    "split a fraction": _row(
        "simplify.split_fraction", "a fraction of a sum", "和的分式拆开",
        r"\frac{a + b}{c} = \frac{a}{c} + \frac{b}{c}",
        "A quotient of a sum is the sum of the quotients, each reduced.",
        "和的商等于各项的商之和，每项各自约分。",
    ),
    "gather a transpose": _row(
        "simplify.gather_transpose", "one transpose outside", "转置提到外面",
        r"B^{T} A^{T} + D^{T} C^{T} = (A B + C D)^{T}",
        "One transpose of the whole instead of one on every factor, where that is shorter.",
        "整体转置一次，而不是每个因子都转置（在更短时）。",
    ),
}


def simplified(e: Expr) -> tuple[Expr, tuple[Rule, ...]]:
    """``e`` in textbook form, and the rules a simplify step that shows it cites: "simplify"
    followed by the identity of each rewrite that shaped the result."""
    used: list[Var] = []

    def record(name: str, before: Expr, after: Expr) -> None:
        if name == "declared facts":
            used.extend(v for v in facts_used(before) if v not in used)

    with also_observing(record):
        out, names = tidy_naming(e)
    rules: list[Rule] = [C.SIMPLIFY]
    for name in names:
        # a declared fact is cited by the variable and the fact it used (𝟏ᵀ y = 1: y one-hot)
        rules.extend(fact_rules(used) if name == "declared facts" else [BY_REWRITE[name]])
    return out, tuple(rules)
