"""matdiff against SymPy, side by side in one run, on the Cookbook and Wikipedia rows SymPy can do.

    python benchmarks/bench_vs_sympy.py            # min of 5 repeats each
    python benchmarks/bench_vs_sympy.py --repeat 9 --rows eq46,sbm-

For each row of tests/test_cookbook.py and tests/test_wikipedia.py (mixed layout, the row's
order) it times

* matdiff: ``md.derive(text, wrt)`` from the text (parse, derive, and by default verification:
  the result against finite differences and every step of the derivation against its
  relation) and ``r.latex``; also with ``verify=False`` (the "derive" column without checks);
* SymPy: ``expr.diff(X)`` on the same function as a SymPy matrix-symbol expression (built
  before timing: SymPy's parsing is not counted) and ``sympy.latex`` of the result.

A row counts as one SymPy can do when its function converts to a SymPy matrix expression
(``to_sympy``, 1×1 products kept as matrix products where SymPy accepts them, else as matdiff
writes them), SymPy's ``diff`` returns without error and without an unevaluated
``Derivative``, and its result equals matdiff's verified one at a random point (in either
layout). SymPy returns 0 for some rows written as index sums: those are not counted. Each time is
the minimum of the repeats; SymPy's cache is cleared before every repeat of either tool (both
build SymPy objects), so neither reuses the previous repeat's work. Prints each row's ratio
SymPy / matdiff (above 1: matdiff is faster), the median, and the rows where matdiff is slower.

Target (issue 14): median ratio >= 10 and no row below 1.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import numpy as np  # noqa: E402
import sympy  # noqa: E402
from sympy.core.cache import clear_cache  # noqa: E402

import matdiff_magic as md  # noqa: E402
from matdiff_magic.check import random_values  # noqa: E402
from matdiff_magic.to_sympy import to_sympy  # noqa: E402


def rows() -> list[tuple[str, str, str, int]]:
    """(id, text, wrt, order) of every Cookbook and Wikipedia row."""
    import test_cookbook
    import test_wikipedia

    out = []
    for p in test_cookbook.CASES:
        expr, wrt, _formula, _text, _sizes, order = p.values
        out.append((p.id, expr, wrt, order))
    for p in test_wikipedia.ROWS:
        _table, expr, wrt, _num, _den, _nf, _df, order, _sizes = p.values
        out.append((p.id, expr, wrt, order))
    return out


def sympy_forms(problem):
    """The function as SymPy matrix-symbol expressions: first with 1×1 products kept as matrix
    expressions (a' X b stays a MatMul, which SymPy's diff handles), then as matdiff's
    ``to_sympy`` writes them (a 1×1 product as its entry, a Sum over indices)."""
    import matdiff_magic.to_sympy as ts

    patched = [
        m
        for m in list(sys.modules.values())
        if getattr(m, "__name__", "").startswith("matdiff_magic")
        and getattr(m, "scalar", None) is ts.scalar
    ]
    original, forms = ts.scalar, []
    try:
        for m in patched:
            m.scalar = lambda x: x
        forms.append(to_sympy(problem.expr))
    except Exception:  # no such form: the other one only
        pass
    finally:
        for m in patched:
            m.scalar = original
    try:
        forms.append(to_sympy(problem.expr))
    except Exception:  # no such form
        pass
    return forms


def numeric(value, subs: dict, dims: dict) -> np.ndarray:
    value = value.xreplace(subs).subs(dims).doit()
    if isinstance(value, sympy.MatrixBase | sympy.NDimArray):
        return np.array(value.tolist(), dtype=float)
    if hasattr(value, "as_explicit"):  # matrix and array expressions (PermuteDims...)
        return np.array(value.as_explicit().tolist(), dtype=float)
    return np.array(float(value))


def sympy_right(d, problem, wrt: str, order: int) -> bool:
    """SymPy's derivative equals matdiff's (verified) one at a random point, in either layout."""
    r = md.derive(problem.source, wrt, dict(problem.given) or None, layout="numerator", order=order)
    values = random_values(problem.variables, np.random.default_rng(0), f=problem.expr)
    subs, dims = {}, {}
    for name, var in problem.variables.items():
        s, v = to_sympy(var), np.asarray(values[name], dtype=float)
        if isinstance(s, sympy.MatrixSymbol):
            v = v.reshape(-1, 1) if v.ndim == 1 else v.reshape(v.shape or (1, 1))
            for k, size in zip(s.shape, v.shape, strict=True):
                if isinstance(k, sympy.Symbol):
                    dims[k] = size
            subs[s] = sympy.ImmutableMatrix(v)
        else:
            subs[s] = sympy.Float(float(v.reshape(-1)[0]))
    got = numeric(d, subs, dims)
    want = np.asarray(r.evaluate(values), dtype=float)
    if got.size != want.size:
        return False
    want2 = want.reshape(-1, 1) if want.ndim < 2 else want
    return any(
        np.allclose(got.ravel(order=o), w.ravel(order=o2), rtol=1e-6, atol=1e-9)
        for w in (want2, want2.T)
        for o in "CF"
        for o2 in "CF"
    )


def sympy_problem(text: str, wrt: str, order: int):
    """The function and the variable as SymPy objects, or None when SymPy cannot do the row
    (no SymPy form, diff fails or leaves a Derivative, or its result is numerically wrong)."""
    problem = md.parse_problem(text)
    x = to_sympy(problem.variables[wrt])
    for f in sympy_forms(problem):
        try:
            d = f
            for _ in range(order):
                d = d.diff(x)
            sympy.latex(d)
            if not d.has(sympy.Derivative) and sympy_right(d, problem, wrt, order):
                return f, x
        except Exception:  # SymPy cannot do it in this form
            continue
    return None


def best(run, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        clear_cache()
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rows", default="", help="comma-separated substrings of row ids")
    args = parser.parse_args()
    wanted = [s for s in args.rows.split(",") if s]
    md.derive("x: vector(n)\nx' x", "x").latex  # noqa: B018 - warm up imports
    table = []
    for rid, text, wrt, order in rows():
        if wanted and not any(w in rid for w in wanted):
            continue
        found = sympy_problem(text, wrt, order)
        if found is None:
            continue
        f, x = found

        def sym(f=f, x=x, order=order):
            d = f
            for _ in range(order):
                d = d.diff(x)
            sympy.latex(d)

        def ours(text=text, wrt=wrt, order=order, verify=True):
            md.derive(text, wrt, order=order, verify=verify).latex  # noqa: B018

        t_sym = best(sym, args.repeat)
        t_md = best(ours, args.repeat)
        t_fast = best(lambda ours=ours: ours(verify=False), args.repeat)
        table.append((rid, t_md, t_fast, t_sym))
        print(
            f"{rid:52s} matdiff {t_md * 1e3:8.2f} ms (unverified {t_fast * 1e3:7.2f})"
            f"  sympy {t_sym * 1e3:8.2f} ms  ratio {t_sym / t_md:6.2f}"
            f" (unverified {t_sym / t_fast:6.2f})",
            flush=True,
        )
    ratios = [s / m for _, m, _, s in table]
    fast = [s / u for _, _, u, s in table]
    print(f"\n{len(table)} rows SymPy can do")
    print(
        f"median ratio SymPy / matdiff, verified:   {statistics.median(ratios):6.2f}"
        f"   (geometric mean {statistics.geometric_mean(ratios):.2f})"
    )
    print(
        f"median ratio SymPy / matdiff, unverified: {statistics.median(fast):6.2f}"
        f"   (geometric mean {statistics.geometric_mean(fast):.2f})"
    )
    slow = [(rid, s / m) for rid, m, _, s in table if s < m]
    print(f"rows where matdiff (verified) is slower than SymPy: {len(slow)}")
    for rid, r in sorted(slow, key=lambda p: p[1]):
        print(f"  {rid:52s} ratio {r:.2f}")
    slow = [(rid, s / u) for rid, _, u, s in table if s < u]
    print(f"rows where matdiff (unverified) is slower than SymPy: {len(slow)}")
    for rid, r in sorted(slow, key=lambda p: p[1]):
        print(f"  {rid:52s} ratio {r:.2f}")


if __name__ == "__main__":
    main()
