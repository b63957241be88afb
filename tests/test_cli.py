"""The matdiff command."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from matdiff_magic.frontend.cli import run


def test_prints_the_result(capsys):
    assert run(["x' A x", "--wrt", "x"]) == 0
    out = capsys.readouterr().out
    assert "∂f/∂x = (A + Aᵀ) x" in out
    assert "denominator layout" in out


def test_steps_and_layout(capsys):
    assert run(["(X θ - y)^T (X θ - y)", "--wrt", "θ", "--steps", "--layout", "numerator"]) == 0
    out = capsys.readouterr().out
    assert "tr(2 (X θ - y)ᵀ X dθ)" in out
    assert "∂f/∂θᵀ = 2 (X θ - y)ᵀ X" in out


def test_var_declarations_and_latex(capsys):
    assert (
        run(
            [
                "A B X",
                "--wrt",
                "X",
                "--var",
                "A: matrix(p, n)",
                "--var",
                "B: matrix(n, m)",
                "--var",
                "X ∈ R^{m×q}",
                "--latex",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert r"I_{q} \otimes (A B)" in out


def test_chinese_rule_names(capsys):
    assert run(["x' A x", "--wrt", "A", "--steps", "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert "迹的交换律" in out and "分母布局" in out


def test_errors_exit_2_with_a_caret(capsys):
    assert run(["A: matrix(m, n); B: matrix(m, n)\nA B", "--wrt", "A"]) == 2
    err = capsys.readouterr().err
    assert "cannot multiply A (m×n) by B (m×n): n ≠ m" in err
    assert err.rstrip().endswith("^")


def test_runs_as_a_module():
    out = subprocess.run(
        [sys.executable, "-m", "matdiff_magic", "x' x", "--wrt", "x"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "2 x" in out
    bad = subprocess.run(
        [sys.executable, "-m", "matdiff_magic", "x' +", "--wrt", "x"],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and "^" in bad.stderr and "Traceback" not in bad.stderr


# -- bad input: one message, exit status 2 ------------------------------------------------------
def _matdiff(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("PYTHONIOENCODING", "LC_ALL")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "matdiff_magic", *args],
        capture_output=True,
        env=environment,
    )


BAD = [
    ["1e5000 x' x", "--wrt", "x"],
    ["1e10000000 x' x", "--wrt", "x"],
    ["1" * 5000 + " x' x", "--wrt", "x"],
    ["2^1e300 x' x", "--wrt", "x"],
    ["c: vector(n)\nx" + " ./ c" * 300, "--wrt", "c"],
    ["(" * 5000 + "x" + ")" * 5000, "--wrt", "x"],
    ["x' x", "--wrt", "x", "--var", "nocolon"],
    ["x' x", "--wrt", "x", "--var", "A: matrux(n)"],
    ["x' x", "--wrt", "x", "--var", "1A: matrix(n)"],
    ["x' x", "--wrt", "X"],
    ["x' x", "--wrt", "x y"],
    ["A: matrix(m, n); B: matrix(m, n)\nA B", "--wrt", "A"],
    ["X: matrix(n, n)\ninv(X)", "--wrt", "X", "--method", "definition"],
    ["x' A x", "--wrt", "x", "--method", "chain"],
    ["x' A x", "--wrt", "x", "--order", "2", "--method", "chain"],
    ["x' +", "--wrt", "x"],
    ["", "--wrt", "x"],
]


@pytest.mark.parametrize("argv", BAD, ids=range(len(BAD)))
def test_every_bad_input_is_one_message_and_exit_2(argv, capsys):
    assert run(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("error: ") and "Traceback" not in captured.err
    assert captured.err.count("error: ") == 1


ARGPARSE = [
    [],
    ["x' x", "--wrt", "x", "--layout", "sideways"],
    ["x' x", "--wrt", "x", "--method", "magic"],
    ["x' x", "--wrt", "x", "--order", "3"],
    ["x' x", "--wrt", "x", "--bogus"],
]


@pytest.mark.parametrize("argv", ARGPARSE, ids=range(len(ARGPARSE)))
def test_argparse_errors_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as info:
        run(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "matdiff: error:" in err and "Traceback" not in err


def test_bad_inputs_exit_2_without_a_traceback_from_the_shell():
    for argv in (BAD[0], BAD[4], BAD[9], ARGPARSE[1]):
        bad = _matdiff(*argv)
        assert bad.returncode == 2, argv
        assert b"Traceback" not in bad.stderr and bad.stderr.strip(), argv


def test_a_huge_literal_points_at_itself(capsys):
    assert run(["x' x + 1e5000 x' x", "--wrt", "x"]) == 2
    err = capsys.readouterr().err
    assert "too large" in err
    line, carets = err.rstrip("\n").split("\n")[-2:]
    assert line[carets.index("^") :].startswith("1e5000") and carets.count("^") == 6


def test_an_unknown_wrt_names_the_variables(capsys):
    assert run(["x' x", "--wrt", "X"]) == 2
    err = capsys.readouterr().err
    assert "X" in err and "x" in err and "Traceback" not in err


def test_internal_errors_are_one_message_too(monkeypatch, capsys):
    from matdiff_magic.frontend import cli

    def broken(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(cli, "derive", broken)
    assert run(["x' x", "--wrt", "x"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: internal error (RecursionError)") and err.count("\n") == 1


# -- terminals that cannot show Unicode ----------------------------------------------------------
def test_ascii_when_the_terminal_cannot_encode_unicode():
    # this raised UnicodeEncodeError (a traceback, exit 1)
    out = _matdiff("(X θ - y)^T (X θ - y)", "--wrt", "θ", "--steps", PYTHONIOENCODING="ascii")
    assert out.returncode == 0, out.stderr
    text = out.stdout.decode("ascii")
    assert "df/dtheta = 2 X' (X theta - y)" in text
    assert "=> df/dtheta = (2 (X theta - y)' X)'" in text
    assert "shape n x 1, denominator layout" in text
    chinese = _matdiff("x' A x", "--wrt", "x", "--lang", "zh", PYTHONIOENCODING="ascii")
    assert chinese.returncode == 0 and chinese.stdout.isascii()


def test_ascii_for_a_c_locale():
    out = _matdiff(
        "(X θ - y)' (X θ - y)", "--wrt", "θ",
        LC_ALL="C", PYTHONCOERCECLOCALE="0", PYTHONUTF8="0",
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert b"df/dtheta = 2 X' (X theta - y)" in out.stdout


def test_errors_in_ascii_keep_the_caret_under_the_spot():
    bad = _matdiff("(X θ - y)' (X θ - y) ⊙", "--wrt", "θ", PYTHONIOENCODING="ascii")
    assert bad.returncode == 2 and b"Traceback" not in bad.stderr
    line, carets = bad.stderr.decode("ascii").rstrip("\n").split("\n")[-2:]
    assert line == "  (X theta - y)' (X theta - y) .*"
    assert carets == " " * len(line) + "^"


def test_the_ascii_flag(capsys):
    assert run(["sum(sigmoid(X w))", "--wrt", "w", "--ascii"]) == 0
    out = capsys.readouterr().out
    assert out.isascii()
    assert "df/dw = X' (sigmoid(X w) .* (1 - sigmoid(X w)))" in out
    assert run(["x' A x", "--wrt", "A", "--ascii", "--steps", "--method", "definition"]) == 0
    out = capsys.readouterr().out
    assert out.isascii() and "=> df/dA = x x'" in out and "sum_i sum_j x_i A_ij x_j" in out


@pytest.mark.parametrize(
    "expr, wrt",
    [
        ("(X θ - y)^T (X θ - y)", "θ"),
        ("x' A x", "x"),
        ("log(det(X))", "X"),
        ("tr(X^-1 A)", "X"),
        ("sum(sigmoid(X w))", "w"),
        ("log(1 + exp(-y .* (X w)))", "w"),
        ("A X B", "X"),
        ("sum(x .^ 3)", "x"),
        ("1 ./ x", "x"),
        ("sqrt(x' x)", "x"),
        ("|X|", "X"),
        ("x .* y ./ z", "x"),
        ("tanh(W x)", "x"),
        ("softmax(z)", "z"),
        ("c: scalar\nc^3 + 1/c", "c"),
        ("1' exp(X w)", "w"),
        ("x' A 𝟏", "x"),
    ],
)
def test_ascii_results_are_the_language_and_mean_the_same(expr, wrt):
    import numpy as np

    import matdiff_magic as md
    from matdiff_magic.language.problem import parse_problem
    from matdiff_magic.name_forms import ascii_name
    from matdiff_magic.numeric import bind, evaluate
    from matdiff_magic.printing.text import text

    r = md.derive(expr, wrt)
    written = text(r.expr, ascii_only=True)
    assert written.isascii()
    variables = r.problem.variables.values()
    back = parse_problem(
        written, {ascii_name(v.name): f"matrix({v.rows}, {v.cols})" for v in variables}
    )
    rng = np.random.default_rng(0)
    sizes = {"m": 3, "n": 4, "p": 2, "q": 5}

    def size(d):
        return int(d.subs({s: sizes.get(str(s), 3) for s in d.free_symbols}))

    values = {v.name: rng.uniform(0.5, 1.5, tuple(size(d) for d in v.shape)) for v in variables}
    want = evaluate(r.expr, bind(r.problem.variables, values))
    got = evaluate(back.expr, bind(back.variables, {ascii_name(k): a for k, a in values.items()}))
    assert np.allclose(np.reshape(got, -1), np.reshape(want, -1)), written


# -- what is echoed from the input --------------------------------------------------------------
def test_control_characters_are_escaped_and_the_caret_lines_up(capsys):
    # an escape sequence in the expression reached the terminal raw
    assert run(["x\x1b[31m + y", "--wrt", "x"]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\\x1b" in err
    line, carets = err.rstrip("\n").split("\n")[-2:]
    assert line == "  x\\x1b[31m + y"
    assert carets == "   ^^^^"
    for argv in (
        ["x' x", "--wrt", "\x1b[2Jx"],
        ["x' x", "--wrt", "x", "--var", "A\x1b]0;title\x07: matrix(n)"],
        ["x' x", "--wrt", "x", "--var", "A: matrix(\x1b[5m)"],
        ["x\u202e' x", "--wrt", "x"],
        ["x' x", "--wrt", "q\x9b31m"],
    ):
        assert run(argv) == 2
        err = capsys.readouterr().err
        assert not any(ch in err for ch in "\x1b\x07\u202e\x9b"), argv


def test_argparse_messages_are_escaped(capsys):
    with pytest.raises(SystemExit):
        run(["x' x", "--wrt", "x", "--bogus\x1b[2J"])
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\\x1b[2J" in err


def test_wide_characters_keep_the_caret_under_the_spot(capsys):
    assert run(["变量 + )", "--wrt", "变量"]) == 2
    line, carets = capsys.readouterr().err.rstrip("\n").split("\n")[-2:]
    assert line == "  变量 + )" and carets == "         ^"  # 变量 is four columns wide


def test_a_long_line_is_shown_around_the_caret(capsys):
    source = " + ".join(f"a{i}' x" for i in range(500)) + " + )"
    assert run([source, "--wrt", "x"]) == 2
    line, carets = capsys.readouterr().err.rstrip("\n").split("\n")[-2:]
    assert len(line) < 120 and line.startswith("  ...") and line.endswith("+ )")
    assert line[carets.index("^")] == ")"


# -- options added for the terminal user: --wrt optional, --check, --code, --json, --answer ----


def test_wrt_may_be_left_out_with_one_variable(capsys):
    assert run(["x' x"]) == 0
    assert "∂f/∂x = 2 x" in capsys.readouterr().out


def test_wrt_is_asked_for_with_several_variables(capsys):
    assert run(["x' A x"]) == 2
    err = capsys.readouterr().err
    assert "--wrt" in err and "x" in err and "A" in err and "Traceback" not in err


def test_check_says_how_the_result_was_verified(capsys):
    assert run(["x' A x", "--wrt", "x", "--check"]) == 0
    out = capsys.readouterr().out
    assert "verified: the result agrees with central finite differences" in out
    line = next(ln for ln in out.splitlines() if "verified" in ln)
    checked, steps = line.split(";")[1].split(" steps")[0].split(" of ")
    assert int(checked) == int(steps) > 0


def test_code_prints_a_function_that_computes_the_derivative(capsys):
    import numpy as np

    assert run(["x' A x", "--wrt", "x", "--code", "numpy"]) == 0
    out = capsys.readouterr().out
    source = out[out.index("import numpy") :]
    namespace: dict[str, object] = {}
    exec(source, namespace)  # the test runs the printed code
    rng = np.random.default_rng(0)
    x, A = rng.normal(size=(3, 1)), rng.normal(size=(3, 3))
    assert np.allclose(namespace["derivative"](x, A), (A + A.T) @ x)


def test_version(capsys):
    with pytest.raises(SystemExit) as info:
        run(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.startswith("matdiff 0.")


def test_json_is_machine_readable(capsys):
    import json

    assert run(["(X θ - y)' (X θ - y)", "--wrt", "θ", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["derivative"] == "2 Xᵀ (X θ - y)"
    assert data["ascii"] == "2 X' (X theta - y)"
    assert data["shape"] == ["n", "1"] and data["layout"] == "mixed"
    assert data["verified"] is True and data["result_error"] < 1e-6
    assert data["steps"] and all(s["checked"] and s["holds"] for s in data["steps"])
    assert {"text", "latex", "rule", "rule_name", "relation"} <= set(data["steps"][0])


@pytest.mark.parametrize(
    ("answer", "status", "says"),
    [
        ("(A + A') x", 0, "Correct"),
        ("2 A x", 1, "symmetric"),
        ("x' (A + A')", 1, "other layout"),
        ("(A + A') y", 1, "does not have"),
    ],
)
def test_answer_checks_and_sets_the_exit_status(answer, status, says, capsys):
    assert run(["x' A x", "--wrt", "x", "--answer", answer]) == status
    assert says in capsys.readouterr().out


def test_help_explains_layouts_and_methods(capsys):
    with pytest.raises(SystemExit):
        run(["--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "Jacobian" in out and "gradient" in out and "trace trick" in out and "Kronecker" in out


def test_advice_is_written_as_an_option(capsys):
    # the library says 'use method="vectorization"' (Python); the command line takes options
    assert run(["exp(x)", "--method", "differential"]) == 2
    err = capsys.readouterr().err
    assert "--method vectorization" in err and "method=" not in err


def test_method_all_shows_every_method_and_why_the_others_do_not_apply(capsys):
    assert run(["x: vector(n); A: matrix(n, n); y = x' A x", "--wrt", "x", "--method", "all"]) == 0
    out = capsys.readouterr().out
    for title in ("definition (entrywise)", "matrix differential (trace trick)",
                  "vectorization (Kronecker products)", "chain rule"):  # fmt: skip
        assert f"== {title} ==" in out, out
    assert out.count("∂y/∂x = (A + Aᵀ) x") == 3
    assert "--method differential" in out and "method=" not in out  # the CLI's own syntax


def test_method_all_as_json(capsys):
    assert run(["X: matrix(m, n); A: matrix(p, q); kron(A, X)", "--wrt", "X",
                "--method", "all", "--json"]) == 0  # fmt: skip
    out = json.loads(capsys.readouterr().out)
    assert list(out["methods"]) == ["vectorization"]
    assert set(out["skipped"]) == {"definition", "differential", "chain"}
    assert out["methods"]["vectorization"]["shape"]
