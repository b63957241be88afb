"""Error messages and "not applicable" reasons in English and Chinese (matdiff_magic/messages.py).

Every error is made from a catalogue key and its parameters; ``str(err)`` stays English and
``err.render("zh")`` is Chinese, with the same caret.
"""

from __future__ import annotations

import ast
import pickle
import re
from pathlib import Path

import numpy as np
import pytest
from helpers import magic_cell, magic_line
from IPython.core.displaypub import CapturingDisplayPublisher
from IPython.testing import globalipapp

import matdiff_magic as md
from matdiff_magic.frontend.cli import run
from matdiff_magic.frontend.magic import MatDiff
from matdiff_magic.frontend.options import Options
from matdiff_magic.frontend.render import content_for, error_bundle
from matdiff_magic.frontend.session import requested_language, solve
from matdiff_magic.i18n import MESSAGES as UI_MESSAGES
from matdiff_magic.messages import CATALOGUE, Join, Msg, fields, format_message, template

PACKAGE = Path(md.__file__).parent
ERRORS = {"MatDiffError", "ParseError", "ShapeError", "UnsupportedError", "EvaluationError"}
KEY = re.compile(r"^(lex|token|found|parse|hint|build|shape|op|api|reason|eval|code|error)\.\w")
# Catalogue entries that are the same in both languages, or only math and punctuation.
NOT_WORDS = {"shape.operand", "shape.detail", "parse.found", "op.softmax"}


def cjk(s: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in s)


def zh(err: md.MatDiffError) -> str:
    return err.render("zh")


def error_of(fn, kind=md.MatDiffError) -> md.MatDiffError:
    with pytest.raises(kind) as info:
        fn()
    return info.value


def parse_error(source: str, kind=md.MatDiffError, variables=None) -> md.MatDiffError:
    return error_of(lambda: md.derive(source, "x", variables), kind)


# -- the catalogue --------------------------------------------------------------------------------
@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_every_key_has_both_languages_with_the_same_fields(key):
    entry = CATALOGUE[key]
    assert set(entry) == {"en", "zh"}, key
    en, zh_text = entry["en"], entry["zh"]
    assert en.strip() and zh_text.strip(), key
    assert fields(en) == fields(zh_text), key
    params = {name: f"<{name}>" for name in fields(en)}
    assert en.format(**params) and zh_text.format(**params)  # both templates accept them
    if key not in NOT_WORDS:
        assert cjk(zh_text), key
        assert not re.search(r"[\u4e00-\u9fff] +[，。；：）]|[（，。；：] +", zh_text), key


def test_no_key_is_both_an_error_message_and_a_ui_word():
    assert not set(CATALOGUE) & set(UI_MESSAGES)


def _python_files():
    return sorted(PACKAGE.rglob("*.py"))


def _calls(name_set):
    for path in _python_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                f = node.func
                name = f.id if isinstance(f, ast.Name) else getattr(f, "attr", None)
                if name in name_set:
                    yield path, node


def test_every_key_written_in_the_code_exists():
    used = set()
    for path in _python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        # pieces of f-strings (f"op.{name}") are checked by the tests of what they build
        pieces = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if KEY.match(node.value) and " " not in node.value and id(node) not in pieces:
                    used.add((node.value, path.name))
    missing = {(k, p) for k, p in used if k not in CATALOGUE and k not in UI_MESSAGES}
    assert not missing
    assert len({k for k, _ in used}) > 100


def test_operation_names_have_keys():
    for _, node in _calls({"_require_square", "_require_column", "_require_scalar"}):
        if node.args and isinstance(node.args[0], ast.Constant):
            assert f"op.{node.args[0].value}" in CATALOGUE, node.args[0].value
    for kind in ("scalar", "vector", "matrix"):
        assert f"kind.{kind}" in UI_MESSAGES


def test_no_error_is_raised_with_bare_english_text():
    """Errors get a Msg (a key), never a literal or formatted string: those cannot be translated."""
    bare = (ast.Constant, ast.JoinedStr, ast.BinOp)
    offenders = []
    for path, node in _calls(ERRORS | {"error"}):
        first = node.args[0] if node.args else None
        if isinstance(first, bare) or (
            isinstance(first, ast.Call) and getattr(first.func, "attr", None) == "format"
        ):
            offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    for path, node in _calls({"shape_mismatch"}):
        first = node.args[0] if node.args else None
        if isinstance(first, ast.Constant):
            if first.value not in CATALOGUE:
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert not offenders


def test_msg_and_join():
    assert format_message("shape.operand", {"label": "A", "shape": "m×n"}, "zh") == "A（m×n）"
    assert str(Msg("parse.unknown_function", name="tarce")) == "unknown function 'tarce'"
    assert Join(["x", "y", "z"]).render("en") == "x, y and z"
    assert Join(["x", "y", "z"]).render("zh") == "x、y 和 z"
    assert Join(["x"]).render("zh") == "x"
    assert Join([Msg("kind.vector"), Msg("kind.matrix")], "semicolon").render("zh") == "向量；矩阵"
    assert template("kind.matrix", "zh") == "矩阵"  # UI words are reachable too
    assert template("api.order", "fr") == CATALOGUE["api.order"]["en"]
    with pytest.raises(KeyError):
        template("no.such.key")


# -- errors: English kept, Chinese available -------------------------------------------------------
def test_english_is_unchanged_and_the_message_has_a_key():
    err = parse_error("A in R^(m x n)\nB in R^(m x n)\nA B", md.ShapeError)
    assert err.message == "cannot multiply A (m×n) by B (m×n): n ≠ m"
    assert str(err) == err.render() == err.render("en")
    assert err.key == "shape.detail" and err.message_in("en") == err.message
    assert err.args[0] == str(err)


def test_a_plain_english_error_still_works():
    err = md.MatDiffError("something odd", hint="try again")
    assert str(err) == err.render("zh") == "something odd\ntry again"
    with pytest.raises(TypeError):
        md.MatDiffError()


def test_parse_error_in_chinese_keeps_the_caret():
    err = parse_error("x' A +", md.ParseError)
    assert str(err) == (
        "expected an expression, found the end of the input (line 1, column 7)\n  x' A +\n        ^"
    )
    assert zh(err) == "此处应为表达式，但输入已经结束（第 1 行，第 7 列）\n  x' A +\n        ^"
    assert zh(err).splitlines()[1:] == str(err).splitlines()[1:]


def test_found_a_token_in_chinese():
    err = parse_error("A: matrix(m, n)\nA )", md.ParseError)
    assert zh(err).startswith("此处不应出现 ')'：应为运算符或语句结尾（第 2 行，第 3 列）")
    err = parse_error("(x + y", md.ParseError)
    assert zh(err).startswith("应有 ')' 与第 1 列的 '(' 配对，但输入已经结束")
    err = parse_error("x: matrix(m n)\nx", md.ParseError)
    assert "但遇到的是 'n'" in zh(err)


def test_shape_error_in_chinese():
    err = parse_error("A in R^(m x n)\nB in R^(m x n)\nA B", md.ShapeError)
    assert zh(err) == "A（m×n）与 B（m×n）无法相乘：n ≠ m（第 3 行，第 3 列）\n  A B\n    ^"
    err = parse_error("A: matrix(m, n)\ntr(A)", md.ShapeError)
    assert err.message_in("zh") == "无法求 A（m×n）的迹：它不是方阵（m ≠ n）"
    err = parse_error("A: matrix(m, n); x: vector(m)\nA - x", md.ShapeError)
    assert err.message_in("zh") == "无法从 A（m×n）中减去 x（m×1）：m×n ≠ m×1"
    err = parse_error("x: vector(m)\nsoftmax(x')", md.ShapeError)
    assert err.message_in("zh") == "无法求 x'（1×m）的 softmax：它必须是列向量"


def test_shape_error_hint_in_chinese():
    err = parse_error("c x", md.ShapeError)
    assert err.hint.startswith("hint: c and x were not declared")
    assert zh(err).endswith("提示：c 和 x 未声明，因此被当作列向量；请声明尺寸，例如 `c: scalar`")
    err = parse_error("A / B", md.ShapeError)
    assert "除数必须是标量" in zh(err) and "A 和 B 未声明，因此被当作矩阵" in zh(err)


def test_unknown_function_with_a_suggestion_in_chinese():
    err = parse_error("tarce(X)", md.ParseError)
    assert (
        zh(err) == "未知函数 'tarce'（第 1 行，第 1 列）\n  tarce(X)\n  ^^^^^\n是否应为 'trace'？"
    )
    err = parse_error("zzzzz(X)", md.ParseError)
    assert zh(err).splitlines()[-1].startswith("可用的函数：")


def test_unsupported_method_in_chinese():
    err = error_of(lambda: md.derive("A X B", "X", method="differential"), md.UnsupportedError)
    assert err.message_in("zh") == (
        "矩阵微分法（迹技巧）要求函数是标量（或自变量是标量）；F 是矩阵，"
        "请改用 method=\"vectorization\""
    )
    err = error_of(lambda: md.derive("log(det(X))", "X", method="definition"))
    assert err.message_in("zh") == (
        "定义法需要逐元素（指标）形式，而 X 的行列式没有这种形式：请改用 method=\"differential\""
    )
    err = error_of(lambda: md.derive("A X B", "X", order=2))
    assert err.message_in("zh") == "黑塞矩阵要求函数是标量；F 是矩阵"
    err = error_of(lambda: md.derive("u = A x\nv = B x\nf = u' v", "x", method="chain"))
    assert "有一步同时依赖 u、v" in err.message_in("zh")
    assert "depends on u, v at once" in err.message


def test_evaluation_errors_in_chinese():
    r = md.derive("x' A x", "x")
    err = error_of(lambda: r.evaluate({"x": np.ones(3)}), md.EvaluationError)
    assert err.message == "no value was given for A (matrix(n, n))"
    assert zh(err) == "没有给出 A（matrix(n, n)）的值"
    err = error_of(lambda: r.evaluate({"x": np.ones(3), "A": np.eye(4)}), md.ShapeError)
    assert zh(err) == "尺寸 n 由 x 的值得出为 3，由 A 的值得出却为 4"
    err = error_of(lambda: md.derive("log(det(X))", "X").evaluate({"X": np.zeros((2, 2))}))
    assert zh(err) == "要求逆的矩阵是奇异矩阵"


def test_api_errors_in_chinese():
    err = error_of(lambda: md.derive("x", "x", layout="sideways"))
    assert zh(err) == "未知的布局 'sideways'：请使用 numerator, denominator, mixed 之一"
    err = error_of(lambda: md.derive("x", "x", order=3))
    assert zh(err) == "order 必须是 1（导数）或 2（黑塞矩阵）"
    err = error_of(lambda: md.derive("x' x", "x").numpy_code(name="1x"))
    assert zh(err) == "不是合法的 Python 函数名：'1x'"


def test_located_and_evolve_keep_the_key():
    err = md.ParseError(Msg("parse.expected_variable"))
    located = err.located("x: 1", md.errors.Span(0, 1))
    assert located.key == "parse.expected_variable" and located.line == 1
    assert zh(located).startswith("此处应为变量名（第 1 行，第 1 列）")
    assert located.located("other", md.errors.Span(0, 1)) is located
    hinted = located.evolve(hint=Msg("hint.did_you_mean", name="x"))
    assert zh(hinted).endswith("\n是否应为 'x'？") and str(hinted).endswith("did you mean 'x'?")
    assert err.hint is None and hinted.hint == "did you mean 'x'?"
    hinted.add_hint("a second hint")
    assert hinted.hint == "did you mean 'x'?\na second hint"
    with pytest.raises(TypeError):
        err.evolve(message="no")


def test_errors_survive_pickling():
    err = parse_error("tarce(X)", md.ParseError)
    copy = pickle.loads(pickle.dumps(err))
    assert str(copy) == str(err) and zh(copy) == zh(err)


# A broad sample of bad input: each error must have a key and read as Chinese.
BAD_INPUTS = [
    "x' A +",
    "tr(A B",
    "tarce(X)",
    "kron(A)",
    "exp(x, y)",
    "x: vector(n)\nx: matrix(n, n)\nx",
    "A: matrix(m, n)",
    "x' x\ny' y",
    "A: matrix(m, 0)\nA",
    "A: matrix(m, n)\nA^(1/2)",
    "x $ y",
    "\\foo x",
    "(" * 70 + "x" + ")" * 70,
    "x" + "'" * 40,
    "A: matrix(m, n); B: matrix(p, q)\nA ./ B",
    "A: matrix(m, n); B: matrix(p, q)\nA .* B",
    "f = x' x\nf = x",
    "x: vector(n)\nx = A y\nx",
    "e = A x\ne: vector(n)\ne",
    "tr = x",
    "exp: vector(n)\nexp",
    "x: foo",
    "x: vector(n, m)",
    "x ∈ Q^n",
    "S ∈ S",
    "S ∈ S^{m×n}\nS",
    "x^{1",
    "x^-y",
    "x^",
    "|A",
    "‖A",
    "[1, 2]",
    "exp x",
    "A: matrix(n,n)\nA^100",
    "x: scalar(",
    "x ∈ R^{m×n",
    "x: vector(n)\ndiag(x')",
    "A: matrix(n, m)\nA^2",
]


@pytest.mark.parametrize("source", BAD_INPUTS)
def test_every_sample_error_reads_in_chinese(source):
    err = parse_error(source)
    assert err.key is not None
    text = zh(err)
    assert cjk(text.splitlines()[0]), text
    if err.excerpt is not None:
        assert err.excerpt in text and "（第 " in text


# -- Comparison.reasons ----------------------------------------------------------------------------
def test_compare_keeps_the_reasons_as_errors():
    c = md.compare("A X B", "X")
    assert set(c.reasons) == set(c.skipped) == {"differential", "chain"}
    assert all(c.reasons[m].message == why for m, why in c.skipped.items())
    assert c.skipped_in("zh")["chain"].startswith("链式法则需要内层函数")
    assert c.skipped_in("en") == c.skipped
    assert c.with_layout("numerator").reasons.keys() == c.reasons.keys()


def test_no_method_applies_in_chinese():
    err = error_of(lambda: md.compare("A X B", "X", order=2), md.UnsupportedError)
    assert err.message == "no method applies: a Hessian needs a scalar function; F is a matrix"
    assert zh(err) == "没有适用的方法：黑塞矩阵要求函数是标量；F 是矩阵"


def test_not_applicable_in_the_display_in_chinese():
    c = md.compare("A X B", "X")
    plain = content_for(c, "zh").plain("mixed")
    assert "不适用的方法：链式法则：链式法则需要内层函数，但 X 直接出现在 F 中" in plain
    assert "矩阵微分法（迹技巧）要求函数是标量" in plain
    assert "chain rule needs" not in plain
    english = content_for(c, "en").plain("mixed")
    assert "Not applicable: chain rule: the chain rule needs an inner function" in english


def test_solve_keeps_the_reasons():
    solved = solve("A X B", Options(wrt="X"), {}, "zh")
    assert set(solved.reasons) == set(solved.skipped) == {"differential", "chain"}


# -- the magic and the command line ----------------------------------------------------------------
@pytest.fixture(scope="module")
def ip():
    # the module attribute, looked up now: after the first call it is the running shell's
    shell = globalipapp.get_ipython()
    shell.run_line_magic("load_ext", "matdiff_magic")
    yield shell
    shell.run_line_magic("unload_ext", "matdiff_magic")


@pytest.fixture
def shown(ip, monkeypatch):
    publisher = CapturingDisplayPublisher()
    monkeypatch.setattr(ip, "display_pub", publisher)
    monkeypatch.delenv("MATDIFF_LANG", raising=False)
    settings = next(c for c in ip.configurables if isinstance(c, MatDiff))
    settings.lang = None
    yield publisher.outputs
    settings.lang = None


def only(shown) -> str:
    assert len(shown) == 1
    return shown[0]["data"]["text/plain"]


def test_magic_shows_a_chinese_error_with_its_caret(ip, shown):
    magic_cell(ip, "--lang zh", "A: matrix(m, n)\nB: matrix(m, n)\nA B")
    assert (
        only(shown) == "错误：A（m×n）与 B（m×n）无法相乘：n ≠ m（第 4 行，第 3 列）\n  A B\n    ^"
    )
    assert "Traceback" not in only(shown)


def test_magic_missing_wrt_in_chinese(ip, shown):
    magic_cell(ip, "--lang zh", "x' A x")
    assert only(shown) == "错误：对哪个变量求导？f 含有 x、A：请加上 --wrt 变量名，例如 --wrt x"


def test_magic_language_from_the_configuration(ip, shown):
    ip.run_line_magic("config", 'MatDiff.lang = "zh"')
    try:
        magic_line(ip, "--wrt x")
        assert only(shown) == "错误：%matdiff 需要一个表达式，例如：%matdiff x' A x --wrt x"
    finally:  # the shell's configuration outlives the test: later magic tests speak English
        from matdiff_magic.frontend.magic import MatDiff

        next(c for c in ip.configurables if isinstance(c, MatDiff)).lang = None
        ip.config.MatDiff.pop("lang", None)


def test_magic_option_errors_follow_lang(ip, shown):
    magic_cell(ip, "--lang zh --bogus", "x' x")
    assert only(shown).startswith("错误：选项有误：")
    assert requested_language("--wrt x --lang=zh") == "zh"
    assert requested_language("--language zh") is None


def test_magic_unsupported_in_chinese(ip, shown):
    magic_cell(ip, "--lang zh --order 2 --wrt X", "A X B")
    assert only(shown) == "错误：没有适用的方法：黑塞矩阵要求函数是标量；F 是矩阵"


def test_magic_not_applicable_in_chinese(ip, shown):
    magic_cell(ip, "--lang zh --wrt x --static", "x' A x")
    assert "不适用的方法：链式法则：链式法则需要内层函数，但 x 直接出现在 f 中" in only(shown)


def test_magic_namespace_hint_in_chinese(ip, shown):
    ip.user_ns["A"] = np.ones(3)
    try:
        magic_cell(ip, "--lang zh --wrt x", "x: vector(n)\nA x")
    finally:
        del ip.user_ns["A"]
    assert only(shown) == (
        "错误：A（3×1）与 x（n×1）无法相乘：1 ≠ n（第 3 行，第 3 列）\n  A x\n    ^\n"
        "A: vector(3) 的尺寸取自命名空间中的同名数组"
    )


def test_error_bundle_for_other_exceptions():
    assert error_bundle(RuntimeError("boom"), "zh")["text/plain"] == "错误：boom"


def test_cli_prints_a_chinese_error(capsys):
    source = "A: matrix(m, n); B: matrix(m, n)\nA B"
    assert run([source, "--wrt", "A", "--lang", "zh"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：A（m×n）与 B（m×n）无法相乘：n ≠ m（第 2 行，第 3 列）")
    assert err.rstrip().endswith("^")
    assert run(["x", "--wrt", "x", "--var", "bogus", "--lang", "zh"]) == 2
    assert capsys.readouterr().err.startswith("错误：--var 的格式应为 NAME: TYPE")


def test_cli_english_error_is_unchanged(capsys):
    assert run(["A: matrix(m, n); B: matrix(m, n)\nA B", "--wrt", "A", "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: cannot multiply A (m×n) by B (m×n): n ≠ m (line 2, column 3)")
