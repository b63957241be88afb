"""Every error message and "not applicable" reason, in English and Chinese.

An error carries a key of :data:`CATALOGUE` and its parameters (see ``errors.MatDiffError``);
the text is made when it is shown, in the reader's language. Templates use ``str.format``
fields by name. A parameter may itself be translatable: a :class:`Msg` (a key and its
parameters), a :class:`Join` (a list read as "a, b and c" / "a、b 和 c"), a ``{"en": ..,
"zh": ..}`` dict, or an error (its message). Everything else is shown as it is: names,
shapes, code such as ``method="vectorization"`` stay the same in both languages.

The English templates reproduce the historical English messages exactly; the Chinese ones use
the textbook terms of the seeds (分子布局, 定义法, 矩阵微分法, 迹技巧, 链式法则, 向量化,
克罗内克积, ...).
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from typing import Any

from matdiff_magic.i18n import MESSAGES as UI_MESSAGES

CATALOGUE: dict[str, dict[str, str]] = {
    # -- how an error is shown --------------------------------------------------------------
    "error.position": {
        "en": " (line {line}, column {column})",
        "zh": "（第 {line} 行，第 {column} 列）",
    },
    # -- the lexer ----------------------------------------------------------------------------
    "lex.too_long": {
        "en": "the input is too long ({length} characters; the limit is {limit})",
        "zh": "输入过长（{length} 个字符，上限为 {limit}）",
    },
    "lex.unknown_command": {"en": "unknown command '\\{name}'", "zh": "未知命令 '\\{name}'"},
    "lex.unexpected_character": {
        "en": "unexpected character '{char}'",
        "zh": "无法识别的字符 '{char}'",
    },
    "lex.number_too_large": {
        "en": "this number is too large: numbers must be below about 1.8e308 (the range of "
        "floating point)",
        "zh": "这个数太大：数的绝对值必须小于约 1.8e308（浮点数的范围）",
    },
    "lex.number_too_small": {
        "en": "this number is too small: a nonzero number must be at least about 5e-324 "
        "(the range of floating point)",
        "zh": "这个数太小：非零数的绝对值至少应为约 5e-324（浮点数的范围）",
    },
    "lex.number_digits": {
        "en": "this number has too many digits ({digits}; the limit is {limit})",
        "zh": "这个数的位数过多（{digits} 位，上限为 {limit}）",
    },
    # -- what the parser found instead (see parse.found) --------------------------------------
    "token.end_of_input": {"en": "the end of the input", "zh": "输入结尾"},
    "token.end_of_line": {"en": "the end of the line", "zh": "行尾"},
    "found.end_of_input": {"en": "found the end of the input", "zh": "但输入已经结束"},
    "found.end_of_line": {"en": "found the end of the line", "zh": "但这一行已经结束"},
    "found.token": {"en": "found '{token}'", "zh": "但遇到的是 '{token}'"},
    # -- the parser -----------------------------------------------------------------------------
    "parse.found": {"en": "{expected}, {found}", "zh": "{expected}，{found}"},
    "parse.unexpected": {
        "en": "unexpected {token}: expected an operator or the end of the statement",
        "zh": "此处不应出现 {token}：应为运算符或语句结尾",
    },
    "parse.function_defined": {
        "en": "'{name}' is a function name and cannot be defined",
        "zh": "'{name}' 是函数名，不能被定义",
    },
    "parse.function_declared": {
        "en": "'{name}' is a function name and cannot be declared",
        "zh": "'{name}' 是函数名，不能被声明",
    },
    "parse.expected_variable": {"en": "expected a variable name", "zh": "此处应为变量名"},
    "parse.expected_type": {
        "en": "expected a type: scalar, vector(n), matrix(m, n), symmetric(n) or R^{{m×n}}",
        "zh": "此处应为类型：scalar、vector(n)、matrix(m, n)、symmetric(n) 或 R^{{m×n}}",
    },
    "parse.expected_scalar_close": {
        "en": "expected ')' after 'scalar('",
        "zh": "'scalar(' 之后应为 ')'",
    },
    "parse.expected_size": {
        "en": "expected '(' and the size after '{kind}'",
        "zh": "'{kind}' 之后应为 '(' 和尺寸",
    },
    "parse.expected_size_close": {
        "en": "expected ')' after the size of {kind}",
        "zh": "{kind} 的尺寸之后应为 ')'",
    },
    "parse.sizes.one": {
        "en": "{kind} takes {wanted} size, got {got}",
        "zh": "{kind} 需要 {wanted} 个尺寸，实际给了 {got} 个",
    },
    "parse.fact_one_size": {
        "en": "{kind}(k) declares a column vector and takes one size, its length; got {got}",
        "zh": "{kind}(k) 声明一个列向量，只需要一个尺寸（它的长度），实际给了 {got} 个",
    },
    "parse.sizes.many": {
        "en": "{kind} takes {wanted} sizes, got {got}",
        "zh": "{kind} 需要 {wanted} 个尺寸，实际给了 {got} 个",
    },
    "parse.expected_space": {
        "en": "expected R (the reals), as in x ∈ R^n or A ∈ R^{{m×n}}",
        "zh": "此处应为 R（实数集），如 x ∈ R^n 或 A ∈ R^{{m×n}}",
    },
    "parse.expected_symmetric_size": {
        "en": "expected ^n after S (symmetric n×n matrices: S ∈ S^n)",
        "zh": "S 之后应为 ^n（n×n 对称矩阵：S ∈ S^n）",
    },
    "parse.symmetric_square": {
        "en": "a symmetric matrix must be square",
        "zh": "对称矩阵必须是方阵",
    },
    "parse.expected_close": {"en": "expected '{closing}'", "zh": "此处应为 '{closing}'"},
    "parse.expected_close_dims": {
        "en": "expected '{closing}' after the dimensions",
        "zh": "维数之后应为 '{closing}'",
    },
    "parse.expected_dimension": {
        "en": "expected a dimension (a name like n or a positive integer)",
        "zh": "此处应为维数（n 这样的名字，或正整数）",
    },
    "parse.too_deep": {
        "en": "the expression is nested too deeply (more than {limit} levels)",
        "zh": "表达式嵌套过深（超过 {limit} 层）",
    },
    "parse.too_many_postfix": {
        "en": "too many postfix operators (more than {limit})",
        "zh": "后缀运算符过多（超过 {limit} 个）",
    },
    "parse.tree_too_deep": {
        "en": "the expression is too deep to differentiate (more than {limit} levels of "
        "operations; in a chain of ./ or ⊗ between vectors or matrices every operator adds a "
        "level, and a definition used in another adds its own levels)",
        "zh": "表达式层次过深，无法求导（运算超过 {limit} 层；向量或矩阵之间连写 ./ 或 ⊗ 时，"
        "每个运算符增加一层；在其他定义中使用的定义也计入它自身的层数）",
    },
    "parse.numbers_too_large": {
        "en": "the numbers in this expression would grow too large (more than {limit} digits)",
        "zh": "表达式中的数会变得过大（超过 {limit} 位）",
    },
    "parse.expected_exponent_close": {
        "en": "expected '{closing}' to close the exponent of {op}",
        "zh": "应有 '{closing}' 闭合 {op} 的指数",
    },
    "parse.exponent_sign": {
        "en": "expected a number after '{sign}' in the exponent",
        "zh": "指数中 '{sign}' 之后应为数",
    },
    "parse.expected_exponent": {
        "en": "expected an exponent after {op} (a number, T, -1, or {{...}})",
        "zh": "{op} 之后应为指数（数、T、-1 或 {{...}}）",
    },
    "parse.unclosed_paren": {
        "en": "expected ')' to close the '(' at column {column}",
        "zh": "应有 ')' 与第 {column} 列的 '(' 配对",
    },
    "parse.unclosed_det": {
        "en": "expected '|' to close the determinant opened at column {column}",
        "zh": "应有 '|' 闭合从第 {column} 列开始的行列式",
    },
    "parse.unclosed_norm": {
        "en": "expected '{bar}' to close the norm opened at column {column}",
        "zh": "应有 '{bar}' 闭合从第 {column} 列开始的范数",
    },
    "parse.unclosed_call": {
        "en": "expected ')' to close the call of {name} opened at column {column}",
        "zh": "应有 ')' 闭合从第 {column} 列开始的 {name} 调用",
    },
    "parse.matrix_literal": {
        "en": "matrix literals like [1, 2] are not supported; declare a variable instead, "
        "e.g. A: matrix(2, 2)",
        "zh": "不支持 [1, 2] 这样的矩阵字面量；请改为声明变量，例如 A: matrix(2, 2)",
    },
    "parse.expected_expression": {"en": "expected an expression", "zh": "此处应为表达式"},
    "parse.expected_call": {
        "en": "expected '(' after the function name '{name}', as in {name}(X)",
        "zh": "函数名 '{name}' 之后应为 '('，如 {name}(X)",
    },
    "parse.arguments.one": {
        "en": "{name} takes {arity} argument, got {got}",
        "zh": "{name} 需要 {arity} 个参数，实际给了 {got} 个",
    },
    "parse.arguments.many": {
        "en": "{name} takes {arity} arguments, got {got}",
        "zh": "{name} 需要 {arity} 个参数，实际给了 {got} 个",
    },
    "lex.unclosed_text": {
        "en": 'a quoted option has no closing " on its line',
        "zh": '引号中的选项在本行没有结束的 "',
    },
    "build.frechet_power": {
        "en": "the power p of {call} must be a number that is not whole, such as 1/3",
        "zh": "{call} 的幂 p 必须是非整数的数，例如 1/3",
    },
    "build.text_not_expression": {
        "en": 'a quoted word is only an option of a function, as in norm(X, "fro")',
        "zh": '带引号的词只能作为函数的选项，例如 norm(X, "fro")',
    },
    "build.size_argument": {
        "en": "expected a size: a name such as n or a positive whole number",
        "zh": "这里应为尺寸：如 n 这样的名字或正整数",
    },
    "build.norm_kind": {
        "en": 'norm(x, p) knows p = 2 and 1 for a vector and "fro" for a matrix, not {p}',
        "zh": 'norm(x, p) 支持向量的 p = 2 和 1，以及矩阵的 "fro"，不支持 {p}',
    },
    "parse.unknown_function": {"en": "unknown function '{name}'", "zh": "未知函数 '{name}'"},
    "hint.did_you_mean": {"en": "did you mean '{name}'?", "zh": "是否应为 '{name}'？"},
    "hint.known_functions": {"en": "known functions: {names}", "zh": "可用的函数：{names}"},
    # -- declarations, definitions and the typed tree (language/builder.py) -------------------
    "build.not_text": {"en": "the expression must be text", "zh": "表达式必须是文本"},
    "build.variable_name": {"en": "not a variable name: {name!r}", "zh": "不是变量名：{name!r}"},
    "build.type_not_text": {
        "en": "the type of {name} must be text such as 'matrix(m, n)', not {type}",
        "zh": "{name} 的类型必须是 'matrix(m, n)' 这样的文本，而不是 {type}",
    },
    "build.after_type": {
        "en": "unexpected {token} after the type",
        "zh": "类型之后不应出现 {token}",
    },
    "build.declared_twice": {
        "en": "{name} is declared twice: as {first} and as {second}",
        "zh": "{name} 被声明了两次：先是 {first}，又是 {second}",
    },
    "build.intermediate_declared": {
        "en": "{name} is already defined as an intermediate",
        "zh": "{name} 已被定义为中间变量",
    },
    "build.defined_twice": {"en": "{name} is defined twice", "zh": "{name} 被定义了两次"},
    "build.declared_and_defined": {
        "en": "{name} is declared and also defined",
        "zh": "{name} 既被声明又被定义",
    },
    "build.nothing_after_declarations": {
        "en": "expected an expression to differentiate after the declarations",
        "zh": "声明之后应有要求导的表达式",
    },
    "build.no_expression": {
        "en": "expected an expression to differentiate",
        "zh": "缺少要求导的表达式",
    },
    "build.only_last_line": {
        "en": "only the last line may be the expression to differentiate; earlier lines "
        "declare (x: vector(n)) or define (e = X θ - y)",
        "zh": "只有最后一行可以是要求导的表达式；前面各行用于声明（x: vector(n)）"
        "或定义（e = X θ - y）",
    },
    "build.exponent_scalar": {
        "en": "the exponent {exponent} must be a scalar",
        "zh": "指数 {exponent} 必须是标量",
    },
    "build.entrywise_exponent": {
        "en": "the exponent of .^ must be a number",
        "zh": ".^ 的指数必须是数",
    },
    "build.integer_power": {
        "en": "a matrix can only be raised to an integer power, not {exponent} "
        "(use .^ for entrywise powers)",
        "zh": "矩阵只能取整数次幂，不能取 {exponent} 次幂（逐元素求幂请用 .^）",
    },
    "build.power_limit": {
        "en": "matrix powers are limited to |k| <= {limit}",
        "zh": "矩阵幂的次数限于 |k| <= {limit}",
    },
    "hint.undeclared": {
        "en": "hint: {parts}; declare sizes, e.g. `{example}: scalar`",
        "zh": "提示：{parts}；请声明尺寸，例如 `{example}: scalar`",
    },
    "hint.undeclared_vector.one": {
        "en": "{names} was not declared, so it is taken to be a column vector",
        "zh": "{names} 未声明，因此被当作列向量",
    },
    "hint.undeclared_vector.many": {
        "en": "{names} were not declared, so they are taken to be column vectors",
        "zh": "{names} 未声明，因此被当作列向量",
    },
    "hint.undeclared_matrix.one": {
        "en": "{names} was not declared, so it is a matrix",
        "zh": "{names} 未声明，因此被当作矩阵",
    },
    "hint.undeclared_matrix.many": {
        "en": "{names} were not declared, so they are matrices",
        "zh": "{names} 未声明，因此被当作矩阵",
    },
    # -- shapes (tree/nodes.py, tree/build.py): "{a}" and "{b}" are shape.operand, which ends
    # in "（m×n）" in Chinese, so no space follows them there.
    "shape.operand": {"en": "{label} ({shape})", "zh": "{label}（{shape}）"},
    "shape.detail": {"en": "{what}: {detail}", "zh": "{what}：{detail}"},
    "shape.multiply": {"en": "cannot multiply {a} by {b}", "zh": "{a}与 {b}无法相乘"},
    "shape.add": {"en": "cannot add {a} and {b}", "zh": "{a}与 {b}无法相加"},
    "shape.subtract": {"en": "cannot subtract {b} from {a}", "zh": "无法从 {a}中减去 {b}"},
    "shape.frechet": {
        "en": "the Fréchet derivative L_f(X, E) needs a direction E of X's shape: "
        "X is {a}, E is {b}",
        "zh": "Fréchet 导数 L_f(X, E) 的方向 E 须与 X 同形：X 为 {a}，E 为 {b}",
    },
    "shape.hadamard": {
        "en": "cannot take the Hadamard product of {a} and {b}",
        "zh": "{a}与 {b}无法作哈达玛积（逐元素乘积）",
    },
    "shape.divide_entrywise": {
        "en": "cannot divide {a} entrywise by {b}",
        "zh": "{a}无法逐元素除以 {b}",
    },
    "shape.khatri_rao": {
        "en": "cannot take the Khatri–Rao product of {a} and {b}: their column counts differ",
        "zh": "{a}与 {b}无法作 Khatri–Rao 积（列数不同）",
    },
    "shape.divide": {"en": "cannot divide {a} by {b}", "zh": "{a}无法除以 {b}"},
    "shape.power": {"en": "cannot raise {a} to a power", "zh": "{a}无法取幂"},
    "shape.take": {"en": "cannot take the {what} of {a}", "zh": "无法求 {a}的{what}"},
    "shape.diag": {"en": "cannot take diag of {a}", "zh": "无法对 {a}取 diag"},
    "shape.reshape": {"en": "cannot reshape {a}", "zh": "无法改变 {a}的形状"},
    "shape.scalar": {"en": "{what}: {a} must be a scalar", "zh": "{what}：{a}必须是标量"},
    "shape.not_square": {"en": "it is not square ({differ})", "zh": "它不是方阵（{differ}）"},
    "shape.not_square_power": {
        "en": "it is not square (use .^ for entrywise powers)",
        "zh": "它不是方阵（逐元素求幂请用 .^）",
    },
    "shape.needs_column": {"en": "it needs a column vector", "zh": "它必须是列向量"},
    "shape.not_column_of_length": {
        "en": "it is not a column of length {length}",
        "zh": "它不是长度为 {length} 的列向量",
    },
    "shape.divisor_scalar": {
        "en": "the divisor must be a scalar (use ./ to divide entrywise, or inv(...) for a "
        "matrix inverse)",
        "zh": "除数必须是标量（逐元素相除请用 ./，求逆矩阵请用 inv(...)）",
    },
    "shape.diag_argument": {
        "en": "diag needs a column vector or a square matrix",
        "zh": "diag 的参数必须是列向量或方阵",
    },
    "shape.fact_vector": {
        "en": "{name} is declared {fact}: a column vector, not a matrix",
        "zh": "{name} 声明为 {fact}：它是列向量，不是矩阵",
    },
    "shape.symmetric_square": {
        "en": "symmetric matrix {name} must be square",
        "zh": "对称矩阵 {name} 必须是方阵",
    },
    # the {what} of shape.take and shape.scalar
    "op.inverse": {"en": "inverse", "zh": "逆矩阵"},
    "op.matrix_power": {"en": "matrix power", "zh": "矩阵幂"},
    "op.trace": {"en": "trace", "zh": "迹"},
    "op.determinant": {"en": "determinant", "zh": "行列式"},
    "op.log_determinant": {"en": "log-determinant", "zh": "对数行列式"},
    "op.diagonal_matrix": {"en": "diagonal matrix", "zh": "对角矩阵"},
    "op.diagonal": {"en": "diagonal", "zh": "对角线"},
    "op.softmax": {"en": "softmax", "zh": " softmax"},
    "op.scale": {"en": "cannot scale by a non-scalar", "zh": "不能用非标量作数乘"},
    "op.raise": {"en": "cannot raise to a power", "zh": "无法取幂"},
    "op.exponent": {"en": "the exponent must be a scalar", "zh": "指数必须是标量"},
    # the {what} of reason.no_index_form
    "op.det": {"en": "det", "zh": "行列式"},
    "op.logdet": {"en": "logdet", "zh": "对数行列式"},
    "op.the_inverse": {"en": "the inverse", "zh": "逆矩阵"},
    "op.the_kronecker_product": {"en": "the Kronecker product", "zh": "克罗内克积"},
    "op.the_khatri_rao_product": {
        "en": "the Khatri–Rao (column-wise Kronecker) product",
        "zh": "Khatri–Rao 积（按列克罗内克积）",
    },
    "op.vec": {"en": "vec", "zh": "向量化"},
    "op.unvec": {"en": "unvec", "zh": "逆向量化（unvec）"},
    "op.the_commutation_matrix": {"en": "the commutation matrix", "zh": "交换矩阵"},
    # -- the API (api.py, layout.py, compare.py, result.py, to_sympy.py, plots.py) -------------
    "api.unknown_method": {
        "en": "unknown method {method!r}: use one of {choices}",
        "zh": "未知的方法 {method!r}：请使用 {choices} 之一",
    },
    "api.unknown_names": {
        "en": "unknown names option {names!r}: use one of {choices}",
        "zh": "未知的 names 选项 {names!r}：请使用 {choices} 之一",
    },
    "api.unknown_layout": {
        "en": "unknown layout {layout!r}: use one of {choices}",
        "zh": "未知的布局 {layout!r}：请使用 {choices} 之一",
    },
    "api.order": {
        "en": "order must be 1 (derivative) or 2 (Hessian)",
        "zh": "order 必须是 1（导数）或 2（黑塞矩阵）",
    },
    "api.hessian_method": {
        "en": "Hessians are derived by the differential method, not {method}",
        "zh": "黑塞矩阵由矩阵微分法求得，不能用 {method}",
    },
    "api.gradient": {
        "en": "gradient() is for Hessians (order=2)",
        "zh": "gradient() 只用于黑塞矩阵（order=2）",
    },
    "api.no_method": {"en": "no method applies: {reasons}", "zh": "没有适用的方法：{reasons}"},
    "verify.step": {
        "en": "matdiff made a mistake: step {index} of the {method} derivation ({rule}) does "
        "not hold numerically (relative error {error} at two random points), so no result "
        "is shown. Please report this as a bug, with the input.",
        "zh": "matdiff 出错了：{method}的第 {index} 步（{rule}）数值上不成立（在两个随机点上的"
        "相对误差为 {error}），因此不给出结果。请把输入作为 bug 报告给我们。",
    },
    "verify.unchecked": {
        "en": "matdiff could not check step {index} of the {method} derivation ({rule}), so no "
        "result is shown. Please report this as a bug, with the input.",
        "zh": "matdiff 无法检验{method}的第 {index} 步（{rule}），因此不给出结果。请把输入作为 "
        "bug 报告给我们。",
    },
    "verify.result": {
        "en": "matdiff made a mistake: the {method} result does not match finite differences "
        "(relative error {error} at two random points), so it is not shown. Please report "
        "this as a bug, with the input.",
        "zh": "matdiff 出错了：{method}的结果与有限差分不一致（在两个随机点上的相对误差为 "
        "{error}），因此不给出结果。请把输入作为 bug 报告给我们。",
    },
    "verify.no_point": {
        "en": "the result could not be checked: {cause}",
        "zh": "无法检验结果：{cause}",
    },
    "verify.rule_none": {"en": "no rule", "zh": "无规则"},
    "eval.result_not_finite": {
        "en": "the derivative is not finite at these values (a part of it overflows there, "
        "such as exp of a large number)",
        "zh": "在这些取值处导数不是有限数（其中某一部分溢出，例如大数的 exp）",
    },
    "verify.too_large": {
        "en": "checking this derivation numerically needs an array of {entries} entries (the "
        "limit is {limit}); declare sizes as names (vector(n)) rather than large numbers, or "
        "pass verify=False to get the result unchecked",
        "zh": "数值检验这个推导需要一个有 {entries} 个元素的数组（上限为 {limit}）；请用名字声明"
        "尺寸（vector(n)）而不是很大的数，或传入 verify=False 以获得未经检验的结果",
    },
    "api.unknown_variable": {
        "en": "there is no variable {name} in the expression (its variables: {names})",
        "zh": "表达式中没有变量 {name}（它的变量有：{names}）",
    },
    "api.no_variables": {"en": "none", "zh": "无"},
    "reason.too_many_terms": {
        "en": "the differential has {count} terms written out (the limit is {limit}); name "
        "repeated parts as definitions (e = ...) and use method=\"chain\"",
        "zh": "展开后的微分有 {count} 项（上限为 {limit}）；请把重复的部分定义为中间变量"
        "（e = ...）并使用 method=\"chain\"",
    },
    "reason.too_long": {
        "en": "a line of this derivation would have {size} operations written out (the limit is "
        "{limit}); name repeated parts as definitions (e = ...) and use method=\"chain\"",
        "zh": "这个推导的某一行展开后会有 {size} 个运算（上限为 {limit}）；请把重复的部分定义为"
        "中间变量（e = ...）并使用 method=\"chain\"",
    },
    "reason.too_large": {
        "en": "written out, {f} has {size} operations (its definitions repeat subexpressions; "
        "the limit is {limit}): only the chain rule through the definitions keeps it short, so "
        "use method=\"chain\"",
        "zh": "完全展开后 {f} 有 {size} 个运算（定义中重复使用了子表达式；上限为 {limit}）："
        "只有通过定义的链式法则能保持简短，请使用 method=\"chain\"",
    },
    "api.no_sympy": {
        "en": "SymPy has no matrix expression for {node}",
        "zh": "SymPy 没有与 {node} 对应的矩阵表达式",
    },
    "api.no_result": {
        "en": "the comparison has no {method} result",
        "zh": "比较结果中没有 {method} 方法的结果",
    },
    # -- "not applicable": why a method cannot derive this (methods/, rules/, index/) ---------
    "reason.differential_needs_scalar": {
        "en": "the matrix-differential method (trace trick) needs a scalar function (or a "
        "scalar variable); {f} is a {kind}, so use method=\"vectorization\"",
        "zh": "矩阵微分法（迹技巧）要求函数是标量（或自变量是标量）；{f} 是{kind}，"
        "请改用 method=\"vectorization\"",
    },
    "reason.hessian_needs_scalar": {
        "en": "a Hessian needs a scalar function; {f} is a {kind}",
        "zh": "黑塞矩阵要求函数是标量；{f} 是{kind}",
    },
    "reason.no_differential_rule": {
        "en": "no differential rule for {node}",
        "zh": "没有适用于 {node} 的微分法则",
    },
    "reason.trace_khatri_rao": {
        "en": "the trace trick cannot move dX out of a Khatri–Rao (column-wise Kronecker) "
        "product; use method=\"vectorization\"",
        "zh": "迹技巧无法把 dX 从 Khatri–Rao 积（按列克罗内克积）中移出；请改用 "
        "method=\"vectorization\"",
    },
    "reason.no_second_frechet": {
        "en": "no differential rule for L_f(X, E) or K_f(X) as a function of X: that is the "
        "second Fréchet derivative (also what a Hessian through a matrix function needs), "
        "which is not supported yet",
        "zh": "L_f(X, E) 或 K_f(X) 作为 X 的函数没有微分法则：这需要二阶 Fréchet 导数"
        "（经过矩阵函数的黑塞矩阵也需要它），暂不支持",
    },
    "reason.no_spectral_factor_rule": {  # {node}: the factor as printed, v_max(S)
        "en": "no differential rule for {node}: the derivatives of eigenvectors, singular "
        "vectors and the other spectral factors (v_max, v_min, u₁, v₁, polar, eigvecs, F_f) "
        "with respect to their matrix are not supported yet",
        "zh": "{node} 没有微分法则：特征向量、奇异向量及其他谱因子（v_max、v_min、u₁、v₁、"
        "polar、eigvecs、F_f）对其矩阵的导数暂不支持",
    },
    "reason.trace_kronecker": {
        "en": "the trace trick cannot move dX out of a Kronecker product; "
        "use method=\"vectorization\"",
        "zh": "迹技巧无法把 dX 从克罗内克积中移出；请改用 method=\"vectorization\"",
    },
    "reason.chain_not_a_chain": {
        "en": "the intermediates do not form a chain (one step depends on {names} at once); "
        "use method=\"differential\"",
        "zh": "中间变量不构成一条链（有一步同时依赖 {names}）；请改用 method=\"differential\"",
    },
    "reason.chain_no_inner": {
        "en": "the chain rule needs an inner function, but {x} appears directly in {f} "
        "(there is no intermediate variable); use method=\"differential\"",
        "zh": "链式法则需要内层函数，但 {x} 直接出现在 {f} 中（没有中间变量）；"
        "请改用 method=\"differential\"",
    },
    "reason.chain_no_inner.nonscalar": {
        "en": "the chain rule needs an inner function, but {x} appears directly in {f} "
        "(there is no intermediate variable); use method=\"differential\" or "
        "method=\"vectorization\"",
        "zh": "链式法则需要内层函数，但 {x} 直接出现在 {f} 中（没有中间变量）；"
        "请改用 method=\"differential\" 或 method=\"vectorization\"",
    },
    "reason.no_index_form": {
        "en": "the definition method needs an entrywise (index) form, and {what} of {arg} "
        "has none: use method=\"{method}\"",
        "zh": "定义法需要逐元素（指标）形式，而 {arg} 的{what}没有这种形式："
        "请改用 method=\"{method}\"",
    },
    "reason.no_entrywise_form": {
        "en": "the definition method has no entrywise form of {func}",
        "zh": "定义法没有 {func} 的逐元素形式",
    },
    # -- numbers (numeric.py, check.py, index/) ------------------------------------------------
    "eval.unknown_size": {
        "en": "the size {size} is not known: give values for the variables that have it",
        "zh": "尺寸 {size} 未知：请给出具有这一尺寸的变量的值",
    },
    "eval.not_real": {
        "en": "the value of {name} is not a real number array: {detail}",
        "zh": "{name} 的值不是实数数组：{detail}",
    },
    "eval.too_many_axes": {
        "en": "the value of {name} has {ndim} dimensions; matdiff handles scalars, vectors "
        "and matrices",
        "zh": "{name} 的值有 {ndim} 个维度；matdiff 只处理标量、向量和矩阵",
    },
    "eval.linalg_failed": {
        "en": "a matrix decomposition failed at these values ({cause})",
        "zh": "在这些取值处矩阵分解失败（{cause}）",
    },
    "eval.not_finite": {
        "en": "the value of {name} contains NaN or infinity",
        "zh": "{name} 的值含有 NaN 或无穷大",
    },
    "eval.no_value_declared": {
        "en": "no value was given for {name} ({declared})",
        "zh": "没有给出 {name}（{declared}）的值",
    },
    "eval.declared_shape": {
        "en": "{name} is declared {declared} but its value has shape {rows}×{cols}",
        "zh": "{name} 声明为 {declared}，但它的值的尺寸是 {rows}×{cols}",
    },
    "eval.size_conflict": {
        "en": "the size {size} is {first} from the value of {first_name} but {second} from "
        "the value of {name}",
        "zh": "尺寸 {size} 由 {first_name} 的值得出为 {first}，由 {name} 的值得出却为 {second}",
    },
    "eval.not_symmetric": {
        "en": "{name} is declared symmetric but its value is not symmetric",
        "zh": "{name} 声明为对称矩阵，但它的值不对称",
    },
    "eval.no_value": {"en": "no value was given for {name}", "zh": "没有给出 {name} 的值"},
    "eval.no_direction": {
        "en": "no direction was given for d{name}",
        "zh": "没有给出 d{name} 的方向",
    },
    "eval.singular": {
        "en": "a matrix to be inverted is singular",
        "zh": "要求逆的矩阵是奇异矩阵",
    },
    "eval.no_finite_inputs": {
        "en": "could not find random inputs where the function is finite",
        "zh": "找不到使函数取有限值的随机输入",
    },
    "eval.no_finite_inputs.because": {
        "en": "could not find random inputs where the function is finite: {cause}",
        "zh": "找不到使函数取有限值的随机输入：{cause}",
    },
    "eval.shapes_differ": {
        "en": "shape {a} does not match {b}",
        "zh": "尺寸 {a} 与 {b} 不一致",
    },
    "eval.unknown_quantity": {
        "en": "unknown quantity {name} in an index formula",
        "zh": "指标公式中有未知的量 {name}",
    },
    "eval.index_as_value": {
        "en": "index {index} used as a value",
        "zh": "指标 {index} 被当作数值使用",
    },
    "eval.index_formula": {
        "en": "cannot evaluate {what} in an index formula",
        "zh": "无法计算指标公式中的 {what}",
    },
    "eval.sum_start": {"en": "sums must start at 1", "zh": "求和必须从 1 开始"},
    "eval.stray_index": {
        "en": "index {index} is neither summed nor free",
        "zh": "指标 {index} 既不是求和指标，也不是自由指标",
    },
    # -- NumPy code (printing/numpy_code.py) ---------------------------------------------------
    "code.no_node": {
        "en": "cannot write NumPy code for {node} nodes ({text})",
        "zh": "无法为 {node} 节点（{text}）生成 NumPy 代码",
    },
    "code.no_target": {
        "en": "{node} has no code for the target {target} (only for the targets its operation "
        "gives code for)",
        "zh": "{node} 没有目标 {target} 的代码（只能生成其运算给出代码的目标）",
    },
    "code.no_matfun_target": {
        "en": "{func} has no {target} code: {target} has no {func} of a general matrix (generate "
        "NumPy code, which calls SciPy, instead)",
        "zh": "{func} 没有 {target} 代码：{target} 没有一般矩阵的 {func}"
        "（请改为生成调用 SciPy 的 NumPy 代码）",
    },
    "code.unknown_target": {
        "en": "unknown code target {target!r}: choose one of {choices}",
        "zh": "未知的代码目标 {target!r}：请从 {choices} 中选择",
    },
    "code.no_size": {
        "en": "the size {size} is not the size of any variable",
        "zh": "尺寸 {size} 不是任何变量的尺寸",
    },
    "code.no_number": {
        "en": "cannot write the number {number} as NumPy code",
        "zh": "无法把数 {number} 写成 NumPy 代码",
    },
    "code.no_symbol": {
        "en": "cannot write NumPy code for the symbol {symbol}",
        "zh": "无法为符号 {symbol} 生成 NumPy 代码",
    },
    "api.no_printer": {
        "en": "no printer {name!r} is installed (import matdiff_magic first)",
        "zh": "未安装打印器 {name!r}（请先导入 matdiff_magic）",
    },
    "api.no_view": {
        "en": "no view {name!r} is installed (import matdiff_magic first)",
        "zh": "未安装视图 {name!r}（请先导入 matdiff_magic）",
    },
    # -- checking a student's answer (answers.py) --------------------------------------------
    "answer.layout.numerator": {"en": "numerator layout", "zh": "分子布局"},
    "answer.layout.denominator": {"en": "denominator layout", "zh": "分母布局"},
    "answer.layout.mixed": {"en": "mixed layout", "zh": "混合布局"},
    "answer.correct": {
        "en": "Correct: this is {symbol} in the {layout}.",
        "zh": "正确：这就是{layout}下的 {symbol}。",
    },
    "answer.other_layout": {
        "en": "Right derivative, other layout: your answer is {symbol} in the {which}, the "
        "transpose of the {layout} asked for, where it is {expected}.",
        "zh": "导数正确，但布局不同：你的答案是{which}下的 {symbol}，是所要求的{layout}的转置；"
        "在{layout}下它是 {expected}。",
    },
    "answer.invalid": {
        "en": "The answer cannot be checked: {reason}",
        "zh": "无法检查这个答案：{reason}",
    },
    "answer.empty": {"en": "the answer is empty", "zh": "答案为空"},
    "answer.unknown_names": {
        "en": "the answer uses {names}, which the problem does not have (it has {known})",
        "zh": "答案用到了题目中没有的 {names}（题目中有 {known}）",
    },
    "answer.shape": {
        "en": "the answer is {got}, but the derivative of the function ({f}) by the variable "
        "({x}) in the {layout} is {want}",
        "zh": "答案的形状是 {got}，但{layout}下函数（{f}）对变量（{x}）的导数的形状是 {want}",
    },
    "answer.wrong": {
        "en": "Not the derivative: at random values your answer differs from {symbol} = "
        "{expected} (relative error up to {error}).",
        "zh": "不是这个导数：在随机取值下，你的答案与 {symbol} = {expected} 不同"
        "（相对误差最大 {error}）。",
    },
    "answer.difference": {
        "en": "Your answer minus the derivative is {diff}.",
        "zh": "你的答案减去导数等于 {diff}。",
    },
    "answer.hint.sign": {
        "en": "The sign is wrong: your answer is minus the derivative.",
        "zh": "符号错了：你的答案是导数的相反数。",
    },
    "answer.hint.factor": {
        "en": "A factor is off: your answer is {factor} times the derivative.",
        "zh": "差一个系数：你的答案是导数的 {factor} 倍。",
    },
    "answer.hint.convention": {
        "en": "Your answer is the gradient under the \"{found}\" convention for a symmetric "
        "variable (\"sym\": (G + Gᵀ)/2, \"entries\": G + Gᵀ − diag(G), \"free\": G); the "
        "question asks for the \"{asked}\" convention.",
        "zh": "你的答案是对称变量在“{found}”约定下的梯度（“sym”：(G + Gᵀ)/2，"
        "“entries”：G + Gᵀ − diag(G)，“free”：G）；题目要求的是“{asked}”约定。",
    },
    "answer.hint.symmetric": {
        "en": "Your answer is right only when {names} is symmetric; it is not declared "
        "symmetric, so keep both the matrix and its transpose (e.g. (A + Aᵀ) x, not 2 A x).",
        "zh": "只有当 {names} 对称时你的答案才正确；它没有被声明为对称矩阵，"
        "所以矩阵与它的转置都要保留（例如 (A + Aᵀ) x，而不是 2 A x）。",
    },
    "answer.hint.transpose": {
        "en": "A transpose is missing or extra on {name}: with {name} transposed your "
        "answer is right.",
        "zh": "{name} 上少了或多了一个转置：把 {name} 转置后你的答案就对了。",
    },
    "answer.hint.order": {
        "en": "The factors are right but in the wrong order: {expected}.",
        "zh": "因子都对，但顺序错了：应为 {expected}。",
    },
    "code.function_name": {
        "en": "not a Python function name: {name!r}",
        "zh": "不是合法的 Python 函数名：{name!r}",
    },
    # -- the magic and the command line (frontend/, cli.py) -----------------------------------
    "error.which_wrt": {
        "en": "which variable? {f} has {names}: add --wrt NAME, e.g. --wrt {first}",
        "zh": "对哪个变量求导？{f} 含有 {names}：请加上 --wrt 变量名，例如 --wrt {first}",
    },
    "error.no_variable": {
        "en": "{f} has no variable to differentiate with respect to",
        "zh": "{f} 中没有可以求导的变量",
    },
    "error.empty_cell": {
        "en": "the cell is empty: write declarations, then the expression to differentiate "
        "on the last line",
        "zh": "单元格为空：先写声明，最后一行写要求导的表达式",
    },
    "error.empty_line": {
        "en": "%matdiff needs an expression, as in: %matdiff x' A x --wrt x",
        "zh": "%matdiff 需要一个表达式，例如：%matdiff x' A x --wrt x",
    },
    "error.output_name": {
        "en": "-o needs a Python name to store the result in, not {name!r}",
        "zh": "-o 需要一个 Python 变量名来保存结果，而不是 {name!r}",
    },
    "error.output_reserved": {
        "en": "-o cannot store the result as {name!r}: Python or IPython needs that name "
        "(refused: names starting with _, Python's built-in names such as print, len or sum, "
        "and IPython's In, Out, get_ipython, exit, quit); choose another name",
        "zh": "-o 不能把结果保存为 {name!r}：Python 或 IPython 需要这个名字（不可使用：以 _ "
        "开头的名字，Python 的内置名如 print、len、sum，以及 IPython 的 In、Out、get_ipython、"
        "exit、quit）；请换一个名字",
    },
    "error.method_failed": {"en": "{method} failed: {reason}", "zh": "{method}出错：{reason}"},
    "error.methods_failed": {"en": "✗ failed: {methods}", "zh": "✗ 出错的方法：{methods}"},
    "eval.smaller_sizes": {
        "en": "numbers computed at smaller sizes than the namespace's: {sizes}",
        "zh": "数值计算使用了比命名空间中更小的尺寸：{sizes}",
    },
    "eval.smaller_size": {
        "en": "{name} {small} instead of {real}",
        "zh": "{name} 为 {small}（原为 {real}）",
    },
    "eval.sampled_values": {
        "en": "numeric values of {names} are the leading blocks (first rows and columns) of the "
        "namespace arrays; the others are random",
        "zh": "{names} 的数值取自命名空间数组的开头部分（前若干行和列），其余为随机值",
    },
    "error.option": {"en": "bad option: {detail}", "zh": "选项有误：{detail}"},
    # -- exercises (matdiff_magic/exercises.py) ---------------------------------------------
    "exercise.statement": {
        "en": "Let {declarations}. Find the derivative of f = {function} with respect to "
        "{wrt}, in the {layout}.",
        "zh": "设 {declarations}。求 f = {function} 对 {wrt} 的导数（{layout}）。",
    },
    "exercise.statement_hessian": {
        "en": "Let {declarations}. Find the Hessian of f = {function} with respect to {wrt}.",
        "zh": "设 {declarations}。求 f = {function} 对 {wrt} 的黑塞矩阵。",
    },
    "exercise.hint.method": {
        "en": "Use the method: {method}.",
        "zh": "使用{method}。",
    },
    "exercise.hint.hessian": {
        "en": "Find the gradient first, then differentiate it again with respect to {wrt} "
        "({method}).",
        "zh": "先求梯度，再对 {wrt} 求一次导数（{method}）。",
    },
    "exercise.hint.step": {
        "en": "The first step of the derivation: {step}",
        "zh": "推导的第一步：{step}",
    },
    "exercise.hint.shape": {
        "en": "The answer is a {kind} of shape {shape} in the {layout}.",
        "zh": "答案是{layout}下尺寸为 {shape} 的{kind}。",
    },
    "exercise.button.check": {"en": "Check", "zh": "检查"},
    "exercise.button.hint": {"en": "Hint", "zh": "提示"},
    "exercise.button.solution": {"en": "Show solution", "zh": "显示解答"},
    "exercise.answer_placeholder": {
        "en": "your answer, e.g. (A + A') x",
        "zh": "你的答案，例如 (A + A') x",
    },
    "exercise.no_more_hints": {"en": "No more hints.", "zh": "没有更多提示了。"},
    "exercise.unknown_topic": {
        "en": "unknown exercise topic {topic!r}; the topics are {choices}",
        "zh": "未知的练习主题 {topic!r}；可选主题为 {choices}",
    },
    "exercise.level": {
        "en": "the exercise level must be 1, 2 or 3, not {level!r}",
        "zh": "练习难度必须是 1、2 或 3，而不是 {level!r}",
    },
    "exercise.hint_number": {
        "en": "hints are numbered 1, 2 and 3, not {k!r}",
        "zh": "提示的编号为 1、2、3，而不是 {k!r}",
    },
    "error.wrt_needed": {
        "en": "the expression has several variables ({names}): say which with --wrt",
        "zh": "表达式有多个变量（{names}）：请用 --wrt 指定对哪个变量求导",
    },
    "error.var_option": {
        "en": '--var expects NAME: TYPE, as in "A: matrix(m, n)"; got {decl!r}',
        "zh": '--var 的格式应为 NAME: TYPE，如 "A: matrix(m, n)"；这里是 {decl!r}',
    },
    "error.internal": {
        "en": "internal error ({kind}): {detail}; please report it with the command that "
        "caused it",
        "zh": "内部错误（{kind}）：{detail}；请连同引起它的命令一起报告",
    },
    # -- frontend-api: comparisons used as results, namespace arrays, completion --------------
    "compare.disagree": {
        "en": "the methods disagree ({methods} differ by up to {diff} relative): there is no "
        "one answer, which is a bug in matdiff (please report it); each method's own result "
        "is in .results, e.g. .results['{first}']",
        "zh": "各方法结果不一致（{methods} 的相对差最大为 {diff}）：没有唯一的答案，这是 matdiff "
        "的缺陷（请报告）；各方法各自的结果在 .results 中，例如 .results['{first}']",
    },
    "api.unknown_lang": {
        "en": "unknown language {lang!r}; choose en or zh",
        "zh": "未知的语言 {lang!r}；可选 en 或 zh",
    },
    "ui.namespace_header": {
        "en": "Taken from the notebook's namespace (NumPy arrays of the same name): {names}; "
        "their sizes are used in the derivation and their values in the numbers "
        "(--no-namespace ignores them)",
        "zh": "取自笔记本命名空间（同名 NumPy 数组）：{names}；推导使用它们的尺寸，数值计算使用"
        "它们的值（--no-namespace 可忽略它们）",
    },
    "ui.namespace_kinds_header": {
        "en": "Taken from the notebook's namespace (NumPy arrays of the same name): {names}; "
        "their kinds are used in the derivation (sizes follow the cell's declarations) and "
        "their values in the numbers (--no-namespace ignores them)",
        "zh": "取自笔记本命名空间（同名 NumPy 数组）：{names}；推导使用它们的类型（尺寸服从"
        "单元格中的声明），数值计算使用它们的值（--no-namespace 可忽略它们）",
    },
    # -- structured variables (structured.py): the convention step's sentence ---------------
    "api.discrete_wrt": {
        "en": "cannot differentiate with respect to {name}: it is declared {fact}, a discrete "
        "variable (its entries take isolated values), so there is no derivative; differentiate "
        "with respect to another variable, or declare {name} as a plain vector",
        "zh": "不能对 {name} 求导：它声明为 {fact}，是离散变量（元素只取孤立的值），没有导数；"
        "请对其他变量求导，或把 {name} 声明为普通向量",
    },
    "api.unknown_symmetric": {
        "en": "unknown symmetric convention {convention!r}: use one of {choices}",
        "zh": "未知的对称约定 {convention!r}：请使用 {choices} 之一",
    },
    "structure.sym": {
        "en": "Convention sym: {x} is symmetric, so only symmetric directions d{x} count and the "
        "gradient is sym(G) = (G + Gᵀ)/2, G being the gradient with every entry free (as "
        "written above); it is the gradient for the trace inner product on symmetric matrices, "
        "the one to use in gradient descent. The entries form G + Gᵀ - diag(G) differs off the "
        "diagonal by a factor 2 (each off-diagonal entry appears twice in {x}), and G itself "
        "depends on how the expression is written (xᵀ Sᵀ y and xᵀ S y have the same sym(G)).",
        "zh": "约定 sym：{x} 是对称矩阵，只有对称的方向 d{x} 有意义，梯度是 sym(G) = (G + Gᵀ)/2，"
        "其中 G 是把每个元素都看作自由变量时的梯度（即上面按原式求得的）；它是对称矩阵空间上"
        "迹内积下的梯度，梯度下降应当用它。按独立元素求导的 G + Gᵀ - diag(G) 在非对角线上"
        "差一个因子 2（每个非对角元素在 {x} 中出现两次），而 G 本身取决于表达式的写法"
        "（xᵀ Sᵀ y 与 xᵀ S y 的 sym(G) 相同）。",
    },
    "structure.entries": {
        "en": "Convention entries: the derivative with respect to each of the n(n+1)/2 distinct "
        "entries of {x} (S_ij and S_ji move together), arranged as a matrix: G + Gᵀ - diag(G), "
        "G being the gradient with every entry free. Used as a gradient it double-counts the "
        "off-diagonal entries: the gradient for the trace inner product on symmetric matrices "
        "is sym(G) = (G + Gᵀ)/2 (convention sym).",
        "zh": "约定 entries：对 {x} 的 n(n+1)/2 个独立元素分别求导（S_ij 与 S_ji 一起变），"
        "排成矩阵：G + Gᵀ - diag(G)，其中 G 是把每个元素都看作自由变量时的梯度。把它当作梯度"
        "使用会把非对角元素算两次：对称矩阵空间上迹内积下的梯度是 sym(G) = (G + Gᵀ)/2"
        "（约定 sym）。",
    },
    "structure.free": {
        "en": "Convention free: G, the gradient with every entry of {x} free, at a symmetric "
        "point. It depends on how the expression is written (xᵀ Sᵀ y gives y xᵀ, xᵀ S y gives "
        "x yᵀ); along symmetric directions only sym(G) = (G + Gᵀ)/2 matters (convention sym, "
        "the gradient for gradient descent), and the derivative with respect to the distinct "
        "entries is G + Gᵀ - diag(G) (convention entries).",
        "zh": "约定 free：G，即把 {x} 的每个元素都看作自由变量、在对称点处求得的梯度。它取决于"
        "表达式的写法（xᵀ Sᵀ y 得 y xᵀ，xᵀ S y 得 x yᵀ）；沿对称方向只有 sym(G) = (G + Gᵀ)/2 "
        "起作用（约定 sym，梯度下降用它），对独立元素的导数是 G + Gᵀ - diag(G)（约定 entries）。",
    },
    "structure.diagonal": {
        "en": "{x} is diagonal: only its diagonal entries vary, so the derivative is the "
        "diagonal of G (the gradient with every entry free) as a diagonal matrix, diag(G); the "
        "off-diagonal entries of G would move entries that are fixed at 0.",
        "zh": "{x} 是对角矩阵：只有对角元素可变，所以导数是 G（把每个元素都看作自由变量时的"
        "梯度）的对角部分构成的对角矩阵 diag(G)；G 的非对角元素对应恒为 0 的元素。",
    },
    "fact.onehot.name": {
        "en": "{y} is one-hot (declared onehot({k}))",
        "zh": "{y} 是独热向量（声明为 onehot({k})）",
    },
    "fact.onehot.explain": {
        "en": "𝟏ᵀ {y} = 1 because {y} is one-hot (declared onehot({k})): one entry is 1, the "
        "others 0, so also {y}ᵀ {y} = 1 and {y} ⊙ {y} = {y}.",
        "zh": "𝟏ᵀ {y} = 1，因为 {y} 是独热向量（声明为 onehot({k})）：一个元素为 1，其余为 0，"
        "所以也有 {y}ᵀ {y} = 1 与 {y} ⊙ {y} = {y}。",
    },
    "fact.simplex.name": {
        "en": "{y} is a probability vector (declared simplex({k}))",
        "zh": "{y} 是概率向量（声明为 simplex({k})）",
    },
    "fact.simplex.explain": {
        "en": "𝟏ᵀ {y} = 1 because {y} is a probability vector (declared simplex({k})): its "
        "entries are ≥ 0 and sum to 1.",
        "zh": "𝟏ᵀ {y} = 1，因为 {y} 是概率向量（声明为 simplex({k})）：元素非负且和为 1。",
    },
    "fact.pm1.name": {
        "en": "{y} has entries ±1 (declared pm1({k}))",
        "zh": "{y} 的元素为 ±1（声明为 pm1({k})）",
    },
    "fact.pm1.explain": {
        "en": "{y} ⊙ {y} = 𝟏 because the entries of {y} are ±1 (declared pm1({k})), so also "
        "{y}ᵀ {y} = {k}.",
        "zh": "{y} ⊙ {y} = 𝟏，因为 {y} 的元素为 ±1（声明为 pm1({k})），所以也有 {y}ᵀ {y} = {k}。",
    },
    "eval.not_onehot": {
        "en": "{name} is declared onehot but its value is not one-hot (one entry 1, the others 0)",
        "zh": "{name} 声明为 onehot，但它的值不是独热向量（一个元素为 1，其余为 0）",
    },
    "eval.not_simplex": {
        "en": "{name} is declared simplex (prob) but its entries are not ≥ 0 summing to 1",
        "zh": "{name} 声明为 simplex（prob），但它的元素不是非负且和为 1",
    },
    "eval.not_pm1": {
        "en": "{name} is declared pm1 but its entries are not all ±1",
        "zh": "{name} 声明为 pm1，但它的元素不全是 ±1",
    },
    "eval.not_spd": {
        "en": "{name} is declared symmetric positive definite (spd) but its value is not",
        "zh": "{name} 声明为对称正定矩阵（spd），但它的值不是",
    },
    "eval.not_diagonal": {
        "en": "{name} is declared diagonal but its value has nonzero entries off the diagonal",
        "zh": "{name} 声明为对角矩阵，但它的值在对角线外有非零元素",
    },
    # -- matrix functions and spectral functions (operations/matrix_function.py, frechet.py,
    # spectral.py)
    "op.matrix_function": {
        "en": "a matrix function (expm, logm, sqrtm, X^p)",
        "zh": "矩阵函数（expm、logm、sqrtm、X^p）",
    },
    "op.matrix_function_of": {  # "cannot take the {what} of x"
        "en": "matrix function (expm, logm, sqrtm, X^p)",
        "zh": "矩阵函数（expm、logm、sqrtm、X^p）",
    },
    "op.frechet": {"en": "a Fréchet derivative", "zh": "Fréchet 导数"},
    "op.spectral_of": {  # "cannot take the {what} of x"
        "en": "eigenvalue or singular value function",
        "zh": "特征值或奇异值函数",
    },
    "op.spectral": {
        "en": "an eigenvalue or singular value function",
        "zh": "特征值或奇异值函数",
    },
    "op.spectral_factor": {
        "en": "an eigenvector or singular vector",
        "zh": "特征向量或奇异向量",
    },
    "eval.repeated_eigenvalue": {
        "en": "{func} has no derivative here: the eigenvalue is repeated (its gap to the next "
        "is {gap}), so the eigenvector v in v vᵀ is not determined; the formula needs a "
        "simple eigenvalue",
        "zh": "{func} 在此处不可导：该特征值是重特征值（与相邻特征值之差为 {gap}），"
        "v vᵀ 中的特征向量 v 不唯一；公式要求单特征值",
    },
    "eval.repeated_singular_value": {
        "en": "sigma_max has no derivative here: the largest singular value is repeated or 0 "
        "(its gap to the next is {gap}), so u₁ v₁ᵀ is not determined; the formula needs a "
        "simple positive largest singular value",
        "zh": "sigma_max 在此处不可导：最大奇异值是重奇异值或为 0（与下一个之差为 {gap}），"
        "u₁ v₁ᵀ 不唯一；公式要求最大奇异值为正且是单奇异值",
    },
    "eval.rank_deficient": {
        "en": "the nuclear norm has no derivative here: the matrix does not have full rank (its "
        "smallest singular value is {smallest}), so U Vᵀ is not determined; the formula "
        "needs every singular value positive (repeated positive ones are fine)",
        "zh": "核范数在此处不可导：矩阵不满秩（最小奇异值为 {smallest}），U Vᵀ 不唯一；"
        "公式要求所有奇异值为正（正的重奇异值没有问题）",
    },
    "eval.matfun_branch": {
        "en": "the matrix has an eigenvalue on the closed negative real axis: logm, sqrtm and "
        "X^p have no real principal value there",
        "zh": "矩阵有位于闭负实轴上的特征值：logm、sqrtm 与 X^p 在此没有实的主值",
    },
}

# How a Join reads in each language.
_JOINS = {
    "and": {"en": (", ", " and "), "zh": ("、", " 和 ")},
    "comma": {"en": (", ", ", "), "zh": ("、", "、")},
    "semicolon": {"en": ("; ", "; "), "zh": ("；", "；")},
}


def template(key: str, lang: str = "en") -> str:
    """The template of ``key`` in ``lang`` (error catalogue first, then the UI words)."""
    entry = CATALOGUE.get(key) or UI_MESSAGES.get(key)
    if entry is None:
        raise KeyError(f"no message {key!r}")
    return entry.get(lang) or entry["en"]


def fields(text: str) -> set[str]:
    """The names of the ``str.format`` fields of a template."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


class Msg:
    """A translatable piece of text: a catalogue key and its parameters."""

    __slots__ = ("key", "params")

    def __init__(self, key: str, **params: Any) -> None:
        self.key = key
        self.params = params

    def render(self, lang: str = "en") -> str:
        return format_message(self.key, self.params, lang)

    def __str__(self) -> str:
        return self.render("en")

    def __repr__(self) -> str:
        params = "".join(f", {k}={v!r}" for k, v in self.params.items())
        return f"Msg({self.key!r}{params})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Msg) and (self.key, self.params) == (other.key, other.params)

    __hash__ = None  # type: ignore[assignment]


class Join:
    """Items read as a list: ``style`` "and" (a, b and c / a、b 和 c), "comma" or "semicolon"."""

    __slots__ = ("items", "style")

    def __init__(self, items: Iterable[Any], style: str = "and") -> None:
        self.items = tuple(items)
        self.style = style

    def render(self, lang: str = "en") -> str:
        seps = _JOINS[self.style]
        sep, last = seps.get(lang, seps["en"])
        words = [str(render_value(item, lang)) for item in self.items]
        if len(words) <= 1:
            return "".join(words)
        return sep.join(words[:-1]) + last + words[-1]

    def __str__(self) -> str:
        return self.render("en")

    def __repr__(self) -> str:
        return f"Join({list(self.items)!r}, {self.style!r})"


def render_value(value: Any, lang: str = "en") -> Any:
    """A parameter as it reads in ``lang``; plain values are returned unchanged."""
    if isinstance(value, Msg | Join):
        return value.render(lang)
    message_in = getattr(value, "message_in", None)  # an error: its message (no caret)
    if callable(message_in):
        return message_in(lang)
    if isinstance(value, Mapping) and "en" in value:
        return value.get(lang) or value["en"]
    return value


def format_message(key: str, params: Mapping[str, Any] | None = None, lang: str = "en") -> str:
    """The message ``key`` in ``lang`` with its parameters filled in."""
    values = {name: render_value(v, lang) for name, v in (params or {}).items()}
    return template(key, lang).format(**values)


__all__ = ["CATALOGUE", "Msg", "Join", "format_message", "render_value", "template", "fields"]
