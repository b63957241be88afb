"""No silent wrong answer, no crash: literals, long chains, deep nesting and huge inputs.

Every input a user can type gets either a result or a ``MatDiffError`` with a caret, quickly:
never a ``ValueError`` from Python's integer limits, a ``RecursionError``, or minutes of work.
"""

from __future__ import annotations

import time
from fractions import Fraction

import pytest

import matdiff_magic as md
from matdiff_magic.language.lexer import MAX_NUMBER_DIGITS, tokenize
from matdiff_magic.language.parser import MAX_CONSTANT_DIGITS, MAX_TREE_DEPTH
from matdiff_magic.language.problem import parse_problem

METHODS = ("auto", "differential", "chain", "vectorization", "definition")


def caret_under(err: md.MatDiffError, source: str, text: str) -> None:
    """The error's caret starts under the first occurrence of ``text`` in ``source``."""
    assert err.span is not None and err.excerpt is not None
    assert source[err.span.start :].startswith(text), (source[err.span.start :][:20], text)
    line, carets = err.excerpt.split("\n")[-2:]
    assert line[carets.index("^") :].startswith(text[:1])


def everything(source: str, wrt: str) -> None:
    """Derive by every method, print everything, compare: only MatDiffErrors may escape."""
    for method in METHODS:
        try:
            r = md.derive(source, wrt, method=method)
        except md.MatDiffError:
            continue
        assert r.latex and r.text
        assert r.steps.latex() and r.steps.text()
    try:
        c = md.compare(source, wrt)
    except md.MatDiffError:
        return
    for r in c.results.values():
        assert r.latex and r.text and r.steps.text()


def quickly(fn, seconds: float):
    """``fn()``, guarding against a runaway (CPU time, so a busy machine does not fail it; the
    speed itself is measured in benchmarks/, not here). ``seconds`` is what it takes today."""
    start = time.process_time()
    out = fn()
    elapsed = time.process_time() - start
    assert elapsed < max(10 * seconds, 10.0), f"took {elapsed:.2f} s of CPU"
    return out


# -- literals -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "literal, key",
    [
        ("1e5000", "lex.number_too_large"),
        ("1e309", "lex.number_too_large"),
        ("1.8e308", "lex.number_too_large"),
        ("1e10000000", "lex.number_too_large"),
        ("1.5e99999999", "lex.number_too_large"),
        ("1" * 5000, "lex.number_too_large"),
        ("1e-400", "lex.number_too_small"),
        ("0.5e-99999999", "lex.number_too_small"),
        ("0." + "0" * 400 + "1", "lex.number_too_small"),
        ("0." + "1" * 5000, "lex.number_digits"),
        ("1." + "23" * 600, "lex.number_digits"),
    ],
)
def test_literals_beyond_the_float_range_are_parse_errors_with_a_caret(literal, key):
    source = f"{literal} x' x"
    with pytest.raises(md.ParseError) as info:
        quickly(lambda: md.derive(source, "x"), 1.0)
    assert info.value.key == key
    caret_under(info.value, source, literal)
    assert info.value.render("zh") != info.value.render("en")


def test_a_huge_exponent_costs_nothing_in_the_lexer():
    # this spent seconds building a 10-million-digit integer
    with pytest.raises(md.ParseError):
        quickly(lambda: tokenize("1e10000000"), 0.05)
    with pytest.raises(md.ParseError):
        quickly(lambda: tokenize("x + 1e-10000000 y"), 0.05)


@pytest.mark.parametrize(
    "literal",
    [
        "0",
        "0.0",
        "7",
        "0.1",
        "2.50",
        ".5",
        "1e3",
        "1E-3",
        "2.5e+2",
        "123.456e-2",
        "1e308",
        "1.7976931348623157e308",
        "5e-324",
        "1e-320",
        "0.000123",
        "100000",
    ],
)
def test_literals_within_the_float_range_are_exact_as_before(literal):
    (token, _) = tokenize(literal)
    assert token.kind == "NUMBER" and token.number == Fraction(literal)


def test_zero_with_any_exponent_is_zero():
    (token, _) = quickly(lambda: tokenize("0e99999999"), 0.05)
    assert token.number == 0


def test_many_zeros_are_fine_when_the_value_is_in_range():
    # these raised ValueError (Python's 4300-digit limit) before
    (one, _) = tokenize("1." + "0" * 5000)
    assert one.number == 1
    (small, _) = tokenize("0." + "0" * 300 + "25")
    assert small.number == Fraction(25, 10**302)
    (long_, _) = tokenize("0." + "3" * MAX_NUMBER_DIGITS)
    assert long_.number == Fraction(int("3" * MAX_NUMBER_DIGITS), 10**MAX_NUMBER_DIGITS)


@pytest.mark.parametrize(
    "source, at",
    [
        ("2^1e300 x' x", "^"),
        ("2^(1e300 1e300) x' x", "^"),  # an exponent beyond the float range
        ("(1/3)^100000 x' x", "^"),
        ("1.0000001^1000 x' x", "^"),
        ("2" + "^2" * 30 + " x' x", "^"),
        ("x' x^(" + "2^" * 30 + "2)", "^"),
        (" ".join(["1e300"] * 40) + " x' x", "1e300"),  # juxtaposed: at the operand
        ("c = 1e300 x\n" + "f = " + " .* ".join(["c"] * 5), " .* "),
    ],
)
def test_numbers_that_would_grow_too_large_are_refused_at_once(source, at):
    # 2^1e300 hung in SymPy; long products of big literals raised Python's ValueError
    with pytest.raises(md.ParseError) as info:
        quickly(lambda: md.derive(source, "x"), 1.0)
    assert info.value.key == "parse.numbers_too_large"
    assert str(MAX_CONSTANT_DIGITS) in str(info.value)
    assert source[info.value.span.start :].startswith(at.strip())


@pytest.mark.parametrize(
    "source, expected",
    [
        ("2^10 x' x", "2048 x"),
        ("(-1)^(1e300) x' x", "2 x"),
        ("1^(1e300) x' x", "2 x"),
        ("0.5^3 x' x", "x/4"),
        ("x .^ 3", None),
        ("1e300 x' x", None),
    ],
)
def test_ordinary_constants_still_fold(source, expected):
    r = quickly(lambda: md.derive(source, "x", verify=False), 5.0)
    if expected is not None:
        assert r.text == expected


# -- long flat chains ---------------------------------------------------------------------------
@pytest.mark.parametrize("op", ["./", "+", "-", "*", ".*", "⊗", "/", ""])
@pytest.mark.parametrize("n", [247, 2000])
def test_long_chains_of_scalars_work_by_every_method(op, n):
    # a chain of scalars is one flat product or sum, whatever its operators ("" juxtaposes)
    source = "c: scalar\n0.5" + f" {op} c".replace("  ", " ") * n
    quickly(lambda: everything(source, "c"), 20.0)
    r = md.derive(source, "c")
    assert r.shape == (1, 1)


@pytest.mark.parametrize("op", ["./", "⊗"])
@pytest.mark.parametrize("n", [247, 2000])
def test_long_nesting_chains_of_vectors_are_refused_with_a_caret(op, n):
    # x ./ c ./ c ... nests one level per operator: this raised RecursionError (in the builder,
    # the printers and the methods) from 123 operators on
    source = "c: vector(n)\nx" + f" {op} c" * n
    for method in METHODS:
        with pytest.raises(md.ParseError) as info:
            quickly(lambda m=method: md.derive(source, "c", method=m), 1.0)
        assert info.value.key == "parse.tree_too_deep"
    # the caret is under the operator that made the expression too deep
    err = info.value
    assert source[err.span.start : err.span.end] == op
    assert err.line == 2 and err.column == 2 + (len(op) + 3) * (MAX_TREE_DEPTH - 1) + 1
    with pytest.raises(md.ParseError):
        md.compare(source, "c")


@pytest.mark.parametrize("op", [".*", "+", "-"])
def test_long_flat_chains_of_vectors_work(op):
    source = "c: vector(n)\nx" + f" {op} c" * 2000
    quickly(lambda: everything(source, "x"), 60.0)


def test_a_chain_just_within_the_limit_works():
    source = "c: vector(n)\nx" + " ./ c" * (MAX_TREE_DEPTH - 1)
    r = md.derive(source, "x", method="vectorization")
    assert r.steps.text() and r.latex


def test_long_products_of_matrices_and_long_sums_work():
    quickly(lambda: everything("x' " + " ".join(f"A{i}" for i in range(10)) + " x", "x"), 30.0)
    r = md.derive(" + ".join(f"a{i}' x" for i in range(300)), "x", method="differential")
    assert r.text.count("a") == 300


def test_postfix_operators_inside_deep_nesting_are_refused_not_recursion():
    # 63 levels of parentheses with 32 transposes each: RecursionError in the builder before
    for post in ("'", "⁻¹", "ᵀ", "^2"):
        source = "X: matrix(n, n)\n" + "(" * 63 + "X" + (post * 32 + ")") * 63
        with pytest.raises(md.ParseError) as info:
            quickly(lambda s=source: md.derive(s, "X"), 1.0)
        assert info.value.key in ("parse.tree_too_deep", "build.power_limit")


def test_signs_in_an_exponent_are_limited():
    with pytest.raises(md.ParseError, match="nested too deeply"):
        md.derive("x' x ^" + "-" * 5000 + "2", "x")


def test_definitions_used_in_each_other_count_their_depth():
    lines = ["c: vector(n)", "e0 = x"] + [f"e{i} = e{i - 1} ./ c" for i in range(1, 150)]
    source = "\n".join(lines + ["f = e149' e149"])
    with pytest.raises(md.ParseError) as info:
        quickly(lambda: md.derive(source, "x"), 1.0)
    assert info.value.key == "parse.tree_too_deep"
    assert info.value.line == 2 + MAX_TREE_DEPTH  # the definition that got too deep
    # a long chain of definitions that do not nest is fine
    flat = "\n".join(["e0 = x"] + [f"e{i} = e{i - 1} + x" for i in range(1, 300)] + ["e299' e299"])
    assert quickly(lambda: md.derive(flat, "x"), 20.0).text == "180000 x"


# -- huge inputs --------------------------------------------------------------------------------
HUGE = {
    "semicolons": ";" * 19_000 + "x' x",
    "blank lines": "\n" * 19_000 + "x' x",
    "comment": "# " + "a" * 19_000 + "\nx' x",
    "declarations": "\n".join(f"a{i}: vector(n)" for i in range(1_200)) + "\nx' x",
    "names in one declaration": ", ".join(f"a{i}" for i in range(3_000)) + ": scalar\nx' x",
    "definitions": "\n".join(f"e{i} = x" for i in range(1_500)) + "\nx' x",
    "sum of terms": " + ".join(f"a{i}' x" for i in range(1_900)),
    "hadamard chain": "x" + " .* y" * 3_000,
    "sum chain": "x' x" + " + x' x" * 2_000,
    "parentheses": "(" * 5_000 + "x" + ")" * 5_000,
    "minus signs": "-" * 19_000 + "x",
    "transposes": "x" + "'" * 19_000,
    "brackets": "[" * 19_000,
    "bars": "|" * 19_000,
    "norms": "‖" * 19_000,
    "exponent braces": "x^{" * 4_000 + "2" + "}" * 4_000,
    "calls": "sin(" * 3_999 + "x" + ")" * 3_999,
    "numbers": " ".join(["1.5"] * 4_000) + " x' x",
    "big numbers": " + ".join(["1e300 x' x"] * 1_500),
    "unknown characters": "x" + "\x1b" * 19_000,
    "long name": "x" * 19_999,
    "long line of ones": "1' " * 6_000 + "x",
}


@pytest.mark.parametrize("name", list(HUGE))
def test_huge_inputs_give_a_result_or_a_matdiff_error_quickly(name):
    source = HUGE[name]
    assert len(source) <= 20_000

    def attempt():
        try:
            parse_problem(source)
            md.derive(source, "x", method="differential")
        except md.MatDiffError:
            pass

    quickly(attempt, 10.0)


def test_over_the_length_limit_is_one_error():
    with pytest.raises(md.ParseError, match="too long"):
        quickly(lambda: md.derive("x" * 1_000_000, "x"), 0.5)


@pytest.mark.parametrize(
    "source, wrt",
    [
        ("x" + "'" * 32 + " x", "x"),
        ("x" + "ᵀ" * 32 + " x", "x"),
        ("x" + "^T" * 32 + " x", "x"),
        ("x" + ".^2" * 32 + "' x", "x"),
        ("X: matrix(n, n)\ntr(X" + "⁻¹" * 32 + ")", "X"),
        ("X: matrix(n, n)\ntr(X" + "⁻ᵀ" * 32 + ")", "X"),
        ("X: matrix(n, n)\ntr(X" + "^-1" * 32 + ")", "X"),
        ("X: matrix(n, n)\ntr(X" + "^2" * 32 + ")", "X"),
        ("c: scalar\nc" + "²" * 32, "c"),
        ("c: scalar\nc" + "^2" * 32, "c"),
    ],
)
def test_the_longest_postfix_chains_allowed_work_or_fail_cleanly(source, wrt):
    # tr(X^2^2^...^2) hung: X^(2^32) has 2^32 terms in its derivative
    quickly(lambda: everything(source, wrt), 20.0)


def test_powers_of_powers_of_matrices_are_bounded():
    with pytest.raises(md.ParseError) as info:
        md.derive("X: matrix(n, n)\ntr(((X^8)^8)^2)", "X")
    assert info.value.key == "build.power_limit"
    assert md.derive("X: matrix(n, n)\ntr((X^8)^8)", "X").text == "64 (X⁶³)ᵀ"
