"""User text is parsed, never evaluated; hostile input gets a MatDiffError, not a crash."""

from __future__ import annotations

import builtins

import pytest

import matdiff_magic as md


@pytest.mark.parametrize(
    "source",
    [
        "__import__('os').system('echo hacked')",
        "exec('1')",
        "eval('x')",
        "x.__class__",
        "lambda: 1",
        "open('/etc/passwd')",
        "x; import os",
        "`x`",
        "x[0]",
        "{x}",
        "'x'",
    ],
)
def test_code_is_not_executed(source, monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("user text reached eval/exec")

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    with pytest.raises(md.MatDiffError):
        md.derive(source, "x")


def test_deep_nesting_is_refused_cleanly():
    with pytest.raises(md.ParseError, match="nested too deeply"):
        md.derive("(" * 5000 + "x" + ")" * 5000, "x")
    with pytest.raises(md.ParseError, match="nested too deeply"):
        md.derive("-" * 5000 + "x", "x")
    with pytest.raises(md.ParseError, match="postfix"):
        md.derive("x" + "'" * 5000, "x")


def test_very_long_input_is_refused():
    with pytest.raises(md.ParseError, match="too long"):
        md.derive(" + ".join(["x' x"] * 10000), "x")


def test_long_but_flat_input_works():
    r = md.derive(" + ".join(f"a{i}' x" for i in range(300)), "x")
    assert r.text.count("a") == 300


def test_non_string_input():
    with pytest.raises(md.MatDiffError):
        md.derive(None, "x")  # type: ignore[arg-type]
    with pytest.raises(md.MatDiffError):
        md.derive("x' x", "x", {"x": 3})  # type: ignore[dict-item]


def test_names_are_not_looked_up_in_python():
    # "os" and "sys" are just vectors here
    r = md.derive("os' sys", "os")
    assert r.text == "sys"
