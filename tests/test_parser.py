"""The language: every syntax form, inferred sizes, and the error messages."""

from __future__ import annotations

import pytest

import matdiff_magic as md
from matdiff_magic.language.problem import parse_problem


def shapes(source: str, variables=None) -> dict[str, str]:
    p = parse_problem(source, variables)
    return {name: f"{v.rows}x{v.cols}" for name, v in p.variables.items()}


def text(source: str, variables=None) -> str:
    return str(parse_problem(source, variables).expr)


@pytest.mark.parametrize(
    "decl",
    [
        "A: matrix(m, n)",
        "A ∈ R^{m×n}",
        "A in R^(m x n)",
        "A ∈ ℝ^{m \\times n}",
        "A ∈ R^{mxn}",
        "A: R^{m×n}",
        "A ∈ R^(m, n)",
    ],
)
def test_matrix_declarations(decl):
    assert shapes(decl + "\nA")["A"] == "mxn"


@pytest.mark.parametrize("decl", ["x: vector(n)", "x ∈ R^n", "x in R^n", "x ∈ R^{n}"])
def test_vector_declarations(decl):
    assert shapes(decl + "\nx")["x"] == "nx1"


@pytest.mark.parametrize("decl", ["c: scalar", "c ∈ R", "c in R", "c: real"])
def test_scalar_declarations(decl):
    assert shapes(decl + "\nc x")["c"] == "1x1"


def test_symmetric_declarations():
    for decl in ["S: symmetric(n)", "S ∈ S^n"]:
        p = parse_problem(decl + "\nS")
        assert p.variables["S"].symmetric
    assert text("S: symmetric(n)\nS'") == "S"


def test_declarations_separated_by_semicolons_commas_and_lines():
    s = shapes("A: matrix(m, n), x: vector(n); c: scalar\nb: vector(m)\nc A x + b")
    assert s == {"A": "mxn", "x": "nx1", "c": "1x1", "b": "mx1"}
    assert shapes("A, B: matrix(n, n)\nA B")["B"] == "nxn"


def test_integer_dimensions():
    assert shapes("A: matrix(2, 3); x: vector(3)\nA x") == {"A": "2x3", "x": "3x1"}


def test_undeclared_names_are_inferred():
    assert shapes("x' A x") == {"x": "nx1", "A": "nxn"}
    assert shapes("(X θ - y)' (X θ - y)") == {"X": "mxn", "θ": "nx1", "y": "mx1"}
    assert shapes("tr(X' A X)")["A"] == "mxm"


def test_variables_argument_declares():
    assert shapes("A x", {"A": "matrix(m, k)"}) == {"A": "mxk", "x": "kx1"}
    assert shapes("x", {"x": "R^5"})["x"] == "5x1"


@pytest.mark.parametrize("src", ["x'", "x^T", "x^\\top", "x.T", "xᵀ", "x^{T}", "x^⊤"])
def test_transpose_spellings(src):
    assert text(src) == "xᵀ"


@pytest.mark.parametrize("src", ["X^-1", "X^{-1}", "inv(X)", "X⁻¹", "X^(-1)"])
def test_inverse_spellings(src):
    assert text(src) == "X⁻¹"


def test_inverse_transpose():
    assert text("X^{-T}") == text("X⁻ᵀ") == "X⁻ᵀ"


@pytest.mark.parametrize("src", ["x' A x", "x' * A * x", "x' @ A @ x", "x'*A*x"])
def test_product_spellings(src):
    assert text(src) == "xᵀ A x"


@pytest.mark.parametrize("src", ["A .* B", "A ∘ B", "A ⊙ B", "A \\odot B"])
def test_hadamard_spellings(src):
    assert text(src) == "A ⊙ B"


def test_entrywise_division_and_power():
    assert text("A ./ B") == "A ⊘ B"
    assert text("A .^ 2") == "A∘²"
    assert text("1 ./ x") == "𝟏 ⊘ x"


def test_kronecker_spellings():
    assert text("kron(A, B)") == text("A ⊗ B") == text("A \\otimes B") == "A ⊗ B"


def test_scalar_times_anything_is_scaling():
    assert text("2 X") == "2 X"
    assert text("c: scalar\nc X") == "c X"
    assert text("(a' x) x") == "(aᵀ x) x"
    assert text("t: scalar\nexp(t) a") == "exp(t) a"


def test_scalars_broadcast():
    assert text("1 + exp(-y .* (X w))") == "𝟏 + exp(-y ⊙ (X w))"
    assert text("1 - y") == "𝟏 - y"
    assert text("c: scalar\nX + c") == "X + c 𝟏_(m×n)"


def test_powers():
    assert text("X^2") == "X²"
    assert text("c: scalar\nc^2") == "c²"
    assert text("(x' x)^2") == "(xᵀ x)²"
    assert text("(x' x)^(1/2)") == "√(xᵀ x)"
    assert text("norm(x)^2") == "‖x‖²"


def test_division_by_a_scalar():
    assert text("x / norm(x)") == "x/‖x‖"
    assert text("c: scalar\nX / c") == "X/c"


def test_precedence():
    # postfix binds tightest, then unary minus, then products left to right, then + and -
    assert text("-x' A x") == "-xᵀ A x"
    assert text("A B' + C") == "A Bᵀ + C"
    assert text("c: scalar\n-c^2") == "-c²"
    p = parse_problem("A + B C")
    assert type(p.expr).__name__ == "Add"


@pytest.mark.parametrize(
    "name,call",
    [
        ("tr", "tr(X)"),
        ("det", "det(X)"),
        ("logdet", "logdet(X)"),
        ("inv", "inv(X)"),
        ("log", "log(X)"),
        ("exp", "exp(X)"),
        ("sin", "sin(X)"),
        ("cos", "cos(X)"),
        ("tanh", "tanh(X)"),
        ("sigmoid", "sigmoid(X)"),
        ("sqrt", "sqrt(X)"),
        ("sum", "sum(X)"),
        ("norm", "norm(X)"),
        ("vec", "vec(X)"),
        ("diag", "diag(X)"),
        ("kron", "kron(X, X)"),
        ("softmax", "softmax(x)"),
        ("logsumexp", "logsumexp(x)"),
    ],
)
def test_every_function_parses(name, call):
    p = parse_problem(call)
    assert p.expr is not None


def test_bars_and_greek():
    assert text("|X|") == "|X|"
    assert text("‖x‖") == "‖x‖"
    assert text("||x||") == "‖x‖"
    assert text("theta' x") == "θᵀ x"
    assert text("\\theta' x") == "θᵀ x"
    assert md.derive("theta' x", "theta").latex == "x"
    assert "\\theta" in md.derive("theta' theta", "theta").latex


def test_comments_and_definitions():
    p = parse_problem("# least squares\ne = X θ - y  # residual\nl = e' e")
    assert p.name == "l"
    assert [d.name for d in p.definitions] == ["e"]
    # e is used twice: it stays one shared node, printed by its name (its definition is e)
    assert str(p.expr) == "eᵀ e"
    assert str(p.definitions[0].inlined) == "X θ - y"
    # a definition used once is written out
    assert str(parse_problem("e = X θ - y\nsum(e)").expr) == "sum(X θ - y)"


def test_identity_sized_by_inference():
    p = parse_problem("A: matrix(n, n)\nA + I")
    assert str(p.expr) == "A + I"


# -- errors ------------------------------------------------------------------------------------


def error(source: str, kind=md.MatDiffError, variables=None) -> md.MatDiffError:
    with pytest.raises(kind) as info:
        parse_problem(source, variables)
    return info.value


def test_parse_error_has_line_column_and_caret():
    err = error("x' A +", md.ParseError)
    assert "expected an expression" in str(err)
    assert (err.line, err.column) == (1, 7)
    assert str(err).splitlines()[-1] == "        ^"


def test_parse_error_on_a_later_line():
    err = error("A: matrix(m, n)\nA )", md.ParseError)
    assert err.line == 2 and err.column == 3
    assert "unexpected ')'" in str(err)


def test_unclosed_parenthesis():
    err = error("tr(A B", md.ParseError)
    assert "expected ')'" in str(err)


def test_misspelt_function_suggests_the_nearest():
    err = error("tarce(X)", md.ParseError)
    assert "unknown function 'tarce'" in str(err)
    assert "did you mean 'trace'?" in str(err)
    assert "'sigmoid'" in str(error("sigmod(x)", md.ParseError))
    assert "'logdet'" in str(error("logdt(X)", md.ParseError))


def test_function_without_parentheses():
    assert "expected '('" in str(error("tr X", md.ParseError))


def test_wrong_number_of_arguments():
    assert "kron takes 2 arguments, got 1" in str(error("kron(A)", md.ParseError))


def test_shape_error_names_operands_and_shapes():
    err = error("A in R^(m x n)\nB in R^(m x n)\nA B", md.ShapeError)
    assert err.message == "cannot multiply A (m×n) by B (m×n): n ≠ m"
    assert err.line == 3


def test_shape_error_quotes_what_was_written():
    err = error("A: matrix(m, n); B: matrix(m, n); C: matrix(k, k)\n(A + B) C", md.ShapeError)
    assert err.message == "cannot multiply (A + B) (m×n) by C (k×k): n ≠ k"
    err = error("A: matrix(m, n); x: vector(m)\nA + x", md.ShapeError)
    assert err.message == "cannot add A (m×n) and x (m×1): m×n ≠ m×1"


def test_shape_errors_for_functions():
    assert "not square" in str(error("A: matrix(m, n)\ntr(A)", md.ShapeError))
    assert "not square" in str(error("A: matrix(m, n)\ndet(A)", md.ShapeError))
    assert "not square" in str(error("A: matrix(m, n)\ninv(A)", md.ShapeError))
    assert "column vector" in str(error("x: vector(m)\nsoftmax(x')", md.ShapeError))
    assert "divisor must be a scalar" in str(error("A / B", md.ShapeError))
    assert "not square" in str(error("A: matrix(m, n)\nA^2", md.ShapeError))


def test_undeclared_scalar_gets_a_hint():
    err = error("c x", md.ShapeError)
    assert "declare" in str(err) and "c: scalar" in str(err)


def test_conflicting_declarations():
    assert "declared twice" in str(error("x: vector(n)\nx: matrix(n, n)\nx", md.ParseError))
    assert "declared twice" in str(error("x: vector(n)\nx", md.ParseError, {"x": "matrix(n, n)"}))


def test_declarations_without_expression():
    assert "expected an expression" in str(error("A: matrix(m, n)", md.ParseError))
    assert "expected an expression" in str(error("", md.ParseError))
    assert "expected an expression" in str(error("   # only a comment", md.ParseError))


def test_only_the_last_line_is_the_expression():
    assert "only the last line" in str(error("x' x\ny' y", md.ParseError))


def test_bad_dimension():
    assert "dimension" in str(error("A: matrix(m, 0)\nA", md.ParseError))
    assert "dimension" in str(error("A: matrix(m, 1.5)\nA", md.ParseError))


def test_matrix_power_needs_an_integer():
    """A non-integer power needs a square matrix (X^(1/2) is sqrtm, X^0.3 the principal X^p)."""
    assert "integer power" in str(error("A: matrix(m, n)\nA^(1/2)", md.UnsupportedError))


def test_unknown_characters():
    assert "unexpected character" in str(error("x $ y", md.ParseError))
    assert "unknown command" in str(error("\\foo x", md.ParseError))


def test_python_power_is_an_alias():
    assert text("X**2") == text("X^2") == "X²"
    assert text("c: scalar\nc**-1") == text("c: scalar\nc^-1")


# -- the ones vector ----------------------------------------------------------------------------
@pytest.mark.parametrize("ones", ["1'", "1ᵀ", "1^T", "1^{T}", "1.T", "1⊤", "𝟏'", "𝟏ᵀ", "𝟏^T"])
def test_one_transposed_is_the_ones_row(ones):
    # 1' was the number 1, so 1' exp(X w) was the Jacobian of exp(X w), not the sum of it
    p = parse_problem(f"X: matrix(m, n); w: vector(n)\n{ones} exp(X w)")
    assert p.expr.is_scalar
    assert text(f"X: matrix(m, n); w: vector(n)\n{ones} exp(X w)") == "𝟏ᵀ exp(X w)"
    r = md.derive(f"{ones} exp(X w)", "w")
    assert r.text == "Xᵀ exp(X w)"


def test_the_sum_written_with_ones_is_the_sum():
    from helpers import assert_derivative

    assert_derivative("X: matrix(m, n)\n1' exp(X w)", "w")
    assert_derivative("1' log(1 + exp(-y .* (X w)))", "w")
    assert_derivative("x' 𝟏 + 𝟏' A x", "x")


def test_the_ones_vector_takes_its_size_from_its_use():
    p = parse_problem("x: vector(5)\n1' x")
    assert p.expr.is_scalar and str(p.expr) == "𝟏ᵀ x"
    assert parse_problem("A: matrix(m, n)\nA 𝟏").expr.shape == parse_problem(
        "A: matrix(m, n)\nA"
    ).expr.shape[:1] + (1,)
    assert str(parse_problem("A 𝟏").expr) == "A 𝟏"


def test_a_bare_one_stays_the_number_one():
    assert md.derive("1 x' x", "x").text == "2 x"
    assert md.derive("(1)' x' x", "x").text == "2 x"  # parenthesized: the number
    assert md.derive("x' x + 1", "x").text == "2 x"
    assert md.derive("1 - x' x", "x").text == "-2 x"
    assert md.derive("x .^ 1", "x").shape == md.derive("x", "x").shape
    assert parse_problem("c: scalar\nc^1").expr.is_scalar
    assert text("10' x' x") == "10 xᵀ x"  # only the literal 1 is the ones vector


def test_bold_one_is_never_part_of_a_number():
    assert text("x: vector(n)\n1𝟏' x") == "𝟏ᵀ x"
    assert text("x: vector(n)\n2 𝟏' x") == "2 𝟏ᵀ x"


def test_end_of_input_caret_is_under_the_bracket_not_closed():
    # A cell ending in a newline put the caret under an empty last line; a bracket that is
    # never closed is the spot to point at.
    with pytest.raises(md.ParseError) as err:
        md.derive("x: vector(n)\n(x + x\n\n", "x")
    assert "(line 2, column 1)" in str(err.value)
    assert str(err.value).endswith("(x + x\n  ^")
    for source, caret in [
        ("x' (A (x + x)", "     ^"),  # the inner one is closed: the outer one is not
        ("tr(A B", "    ^"),
        ("x: vector(n)\nnorm(x, 2\n", "      ^"),
        ("|A", "  ^"),
    ]:
        with pytest.raises(md.ParseError) as err:
            md.parse_problem(source)
        assert str(err.value).splitlines()[-1] == caret, source


def test_end_of_input_caret_without_a_bracket_is_after_the_last_thing_written():
    with pytest.raises(md.ParseError) as err:
        md.parse_problem("x' A +\n\n")
    assert str(err.value).endswith("x' A +\n        ^")


def test_log_of_bars_is_the_printed_logdet():
    """The text printer writes logdet(X) as log|X| (the seeds' notation); it reads back as
    logdet, while log(|X|) stays the log of the determinant."""
    from matdiff_magic.tree import nodes as N

    declared = "X: matrix(n, n)\n"
    assert isinstance(md.parse_problem(declared + "log|X|").expr, N.LogDet)
    assert isinstance(md.parse_problem(declared + "log |X' X| + 1").expr.terms[0], N.LogDet)
    assert isinstance(md.parse_problem(declared + "log(|X|)").expr, N.Elementwise)


def test_superscript_powers_as_the_text_printer_writes_them():
    """(vᵀ x)⁴ and X¹⁰ read as (vᵀ x)^4 and X^10, so printed results check as answers."""

    declared = "x: vector(n); v: vector(n); X: matrix(n, n)\n"
    for printed, written in [("(v' x)⁴", "(v' x)^4"), ("X¹⁰", "X^10"), ("X²³", "X^23")]:
        a = md.parse_problem(declared + printed).expr
        b = md.parse_problem(declared + written).expr
        assert a == b, (printed, a, b)
    r = md.derive(declared + "(v' x)^5", "x")
    assert md.check_answer(declared + "(v' x)^5", "x", r.text).verdict == "correct"
    assert md.check_answer(declared + "(v' x)^5", "x", "5 (vᵀ x)⁴ v").verdict == "correct"


# -- full-width input (a Chinese input method) ---------------------------------------------------


@pytest.mark.parametrize(
    ("full", "ascii_form"),
    [
        ("（ｘ＇ Ａ ｘ）＋ ２＊ｘ＇ｘ", "(x' A x) + 2*x'x"),
        (
            "Ａ：ｍａｔｒｉｘ（ｍ，ｎ）；ｘ：ｖｅｃｔｏｒ（ｎ）\nｘ＇Ａ＇Ａｘ",
            "A: matrix(m, n); x: vector(n)\nx'A'Ax",
        ),
        ("ｅ　＝　Ｘ　θ　－　ｙ\nｅ＇ｅ／２", "e = X θ - y\ne'e/2"),
        ("ｔｒ（Ｘ＾２）－ｌｏｇｄｅｔ（Ｘ）", "tr(X^2)-logdet(X)"),
        ("ｘ ＠ ｘ＇；", "x @ x';"),
    ],
)
def test_full_width_input_reads_as_its_ascii_form(full, ascii_form):
    assert text(full) == text(ascii_form)
    assert shapes(full) == shapes(ascii_form)


def test_full_width_errors_point_at_the_users_own_character():
    source = "ｘ＇Ａ　＋　（ｘ＄"
    err = error(source, md.ParseError)
    assert "'＄'" in str(err)  # the character as typed
    assert (err.line, err.column) == (1, 9) and source[err.column - 1] == "＄"
    line, caret = str(err).splitlines()[-2:]
    assert line == "  " + source
    # an ideographic space for every wide character before it, so the caret lines up
    assert caret == "  " + "\u3000" * 8 + "＾"
    err = error("Ａ：ｍａｔｒｉｘ（ｍ，ｎ）\nＡ Ａ", md.ShapeError)
    assert err.line == 2 and err.column == 3  # under the second Ａ, as for "A A"
    assert "Ａ Ａ" in str(err)


def test_the_variable_may_be_typed_full_width_too():
    # d(xᵀ A x)/dx = (A + Aᵀ) x, with x named ｘ in both the expression and wrt
    assert md.derive("ｘ＇ Ａ ｘ", "ｘ").text == md.derive("x' A x", "x").text
