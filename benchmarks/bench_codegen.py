"""Generated code against hand-written NumPy, jax.grad / jax.hessian under jit and torch.func,
for the gradients and Hessians of x'Ax, least squares, the logistic loss,
logdet(X) + tr(S inv(X)) and tr(A X B Xᵀ): medians, float64, one thread, side by side.

    python benchmarks/bench_codegen.py             # n = 100, 1000 (30, 100 for matrix Hessians)
    python benchmarks/bench_codegen.py --quick     # n = 30, 100 (10, 30)
    python benchmarks/bench_codegen.py --only logdet --no-torch

Columns: the generated NumPy, JAX (jit) and torch functions (``Result.code``), the hand-written
NumPy derivative and function, jax.grad / jax.hessian of a hand-written jnp function under
jit, torch.func.grad / torch.func.hessian of a hand-written torch function; ratios of the
generated NumPy code to hand-written NumPy, to its function (gradients: the cheap-gradient
ratio), and of jax / torch.func to it. Every generated result is compared with the hand-written
one before it is timed. Targets (issue 14): gradients within 1.2x of hand-written and at most
3x their function; Hessians at least as fast as jax.hessian and 10x faster than
torch.func.hessian; the logdet Hessian at n = 100 within 2x of hand-written.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"
os.environ["XLA_FLAGS"] = (
    "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1 "
    + os.environ.get("XLA_FLAGS", "")
)

import argparse  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import matdiff_magic as md  # noqa: E402

try:
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)
except ImportError:  # the column is left empty
    jax = jnp = None
try:
    import torch

    torch.set_num_threads(1)
except ImportError:
    torch = None


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


# -- the problems: matdiff text, argument builder, hand-written f / gradient / Hessian ----------
def _xax(n, rng):
    return {"A": rng.normal(size=(n, n)), "x": rng.normal(size=(n, 1))}


def _ls(n, rng):
    return {"A": rng.normal(size=(2 * n, n)), "x": rng.normal(size=(n, 1)),
            "b": rng.normal(size=(2 * n, 1))}  # fmt: skip


def _logistic(n, rng):
    return {"X": rng.normal(size=(2 * n, n)) / np.sqrt(n), "w": rng.normal(size=(n, 1)),
            "y": np.sign(rng.normal(size=(2 * n, 1)))}  # fmt: skip


def _logdet(n, rng):
    s = rng.normal(size=(n, n))
    return {"X": np.eye(n) * np.sqrt(n) + rng.normal(size=(n, n)), "S": s @ s.T / n}


def _trace(n, rng):
    return {"X": rng.normal(size=(n, n)), "A": rng.normal(size=(n, n)),
            "B": rng.normal(size=(n, n))}  # fmt: skip


def _outer(p, q):
    """P ⊗ Q written the NumPy way: a broadcast product reshaped."""
    return (p[:, None, :, None] * q[None, :, None, :]).reshape(p.shape[0] * q.shape[0], -1)


def _logdet_hessian(X, S):
    g = np.linalg.inv(X)
    m = g @ S @ g
    n = X.shape[0]
    # H[i + n j, k + n l] = G_jk (M - G)_li + M_jk G_li, as a (j, i, l, k) array
    d, gt = np.ascontiguousarray((m - g).T), np.ascontiguousarray(g.T)
    h = g[:, None, None, :] * d[None, :, :, None]
    h += m[:, None, None, :] * gt[None, :, :, None]
    return h.reshape(n * n, n * n)


def _trace_hessian(X, A, B):
    h = _outer(np.ascontiguousarray(B.T), A)
    h += _outer(B, np.ascontiguousarray(A.T))
    return h


PROBLEMS = {
    "xAx": dict(
        text="A: matrix(n, n); x: vector(n)\nx' A x",
        wrt="x",
        args=_xax,
        matrix=False,
        f=lambda A, x: (x.T @ (A @ x))[0, 0],
        grad=lambda A, x: A @ x + A.T @ x,
        hess=lambda A, x: A + A.T,
        jf=lambda A, x: (x.T @ (A @ x))[0, 0],
        tf=lambda A, x: (x.T @ (A @ x))[0, 0],
    ),
    "least squares": dict(
        text="A: matrix(m, n); x: vector(n); b: vector(m)\nnorm(A x - b)^2",
        wrt="x",
        args=_ls,
        matrix=False,
        f=lambda A, x, b: np.sum((A @ x - b) ** 2),
        grad=lambda A, x, b: 2 * (A.T @ (A @ x - b)),
        hess=lambda A, x, b: 2 * (A.T @ A),
        jf=lambda A, x, b: jnp.sum((A @ x - b) ** 2),
        tf=lambda A, x, b: torch.sum((A @ x - b) ** 2),
    ),
    "logistic": dict(
        text="X: matrix(m, n); w: vector(n); y: vector(m)\nsum(log(1 + exp(-y .* (X w))))",
        wrt="w",
        args=_logistic,
        matrix=False,
        f=lambda X, w, y: np.sum(np.logaddexp(0.0, -y * (X @ w))),
        grad=lambda X, w, y: -(X.T @ (y * _sigmoid(-y * (X @ w)))),
        hess=lambda X, w, y: X.T @ ((lambda s: y**2 * s * (1 - s))(_sigmoid(-y * (X @ w))) * X),
        jf=lambda X, w, y: jnp.sum(jnp.logaddexp(0.0, -y * (X @ w))),
        tf=lambda X, w, y: torch.sum(torch.nn.functional.softplus(-y * (X @ w), threshold=50)),
    ),
    "logdet": dict(
        text="X: matrix(n, n); S: symmetric(n)\nlogdet(X) + tr(S inv(X))",
        wrt="X",
        args=_logdet,
        matrix=True,
        f=lambda X, S: np.linalg.slogdet(X)[1] + np.sum(S * np.linalg.inv(X).T),
        grad=lambda X, S: (lambda g: g.T - g.T @ S @ g.T)(np.linalg.inv(X)),
        hess=_logdet_hessian,
        jf=lambda X, S: jnp.linalg.slogdet(X)[1] + jnp.trace(S @ jnp.linalg.inv(X)),
        tf=lambda X, S: torch.linalg.slogdet(X)[1] + torch.trace(S @ torch.linalg.inv(X)),
    ),
    "tr(AXBX')": dict(
        text="X: matrix(n, n); A: matrix(n, n); B: matrix(n, n)\ntr(A X B X')",
        wrt="X",
        args=_trace,
        matrix=True,
        f=lambda X, A, B: np.sum((A @ X @ B) * X),
        grad=lambda X, A, B: A.T @ X @ B.T + A @ X @ B,
        hess=_trace_hessian,
        jf=lambda X, A, B: jnp.sum((A @ X @ B) * X),
        tf=lambda X, A, B: torch.sum((A @ X @ B) * X),
    ),
}


def median_time(func: Callable[[], object], budget: float) -> float:
    """Median seconds per call: one warm-up call (compiles JAX), then calls until ``budget``
    seconds have passed (at least 3, at most 50; a single call above the budget counts once)."""
    start = time.perf_counter()
    func()
    first = time.perf_counter() - start
    times: list[float] = []
    if first > budget:
        start = time.perf_counter()
        func()
        return time.perf_counter() - start
    spent = 0.0
    while len(times) < 3 or (spent < budget and len(times) < 50):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
        spent += times[-1]
    return statistics.median(times)


def _block(x):
    return x.block_until_ready() if hasattr(x, "block_until_ready") else x


def _vec_hessian(h4, shape):
    p, q = shape
    return np.asarray(h4).reshape(p, q, p, q).transpose(1, 0, 3, 2).reshape(p * q, p * q)


def run_case(name: str, order: int, n: int, budget: float, use_torch: bool) -> dict:
    spec = PROBLEMS[name]
    r = md.derive(spec["text"], spec["wrt"], order=order, layout="denominator")
    values = spec["args"](n, np.random.default_rng(0))
    names = list({**r.problem.variables, r.wrt.name: r.wrt})
    args = [values[k] for k in names]
    index = names.index(spec["wrt"])
    hand = spec["grad"] if order == 1 else spec["hess"]
    want = hand(*args)
    row: dict[str, float | None] = {}

    namespace: dict[str, object] = {}
    exec(r.code("numpy"), namespace)  # our own generated source
    gen = namespace["derivative"]
    assert np.allclose(gen(*args), want, rtol=1e-8, atol=1e-8), (name, order, n)
    row["generated"] = median_time(lambda: gen(*args), budget)
    row["hand"] = median_time(lambda: hand(*args), budget)
    row["f"] = median_time(lambda: spec["f"](*args), budget)

    if jax is not None:
        jargs = [jnp.asarray(a) for a in args]
        namespace = {}
        exec(r.code("jax"), namespace)
        gen_j = jax.jit(namespace["derivative"])
        assert np.allclose(gen_j(*jargs), want, rtol=1e-7, atol=1e-7)
        row["generated jax"] = median_time(lambda: _block(gen_j(*jargs)), budget)
        auto = (jax.grad if order == 1 else jax.hessian)(spec["jf"], argnums=index)
        auto = jax.jit(auto)
        got = np.asarray(auto(*jargs))
        got = got.reshape(want.shape) if order == 1 or not spec["matrix"] else _vec_hessian(
            got, args[index].shape)  # fmt: skip
        assert np.allclose(got.reshape(want.shape), want, rtol=1e-6, atol=1e-6)
        row["jax"] = median_time(lambda: _block(auto(*jargs)), budget)
    if torch is not None and use_torch:
        targs = [torch.as_tensor(a) for a in args]
        namespace = {}
        exec(r.code("torch"), namespace)
        gen_t = namespace["derivative"]
        assert np.allclose(gen_t(*targs).numpy(), want, rtol=1e-8, atol=1e-8)
        row["generated torch"] = median_time(lambda: gen_t(*targs), budget)
        auto_t = (torch.func.grad if order == 1 else torch.func.hessian)(spec["tf"], argnums=index)
        got = auto_t(*targs).numpy()
        got = got.reshape(want.shape) if order == 1 or not spec["matrix"] else _vec_hessian(
            got, args[index].shape)  # fmt: skip
        assert np.allclose(got, want, rtol=1e-6, atol=1e-6)
        row["torch.func"] = median_time(lambda: auto_t(*targs), budget)
    return row


def sizes(name: str, order: int, quick: bool) -> tuple[int, ...]:
    if order == 2 and PROBLEMS[name]["matrix"]:
        return (10, 30) if quick else (30, 100)
    return (30, 100) if quick else (100, 1000)


def _ms(x: float | None) -> str:
    return "-" if x is None else f"{x * 1e3:10.3f}"


def _ratio(a: float | None, b: float | None) -> str:
    return "-" if a is None or b is None else f"{a / b:6.2f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", help="one problem: " + ", ".join(PROBLEMS))
    ap.add_argument("--order", type=int, choices=(1, 2))
    ap.add_argument("--no-torch", action="store_true", help="leave out the torch columns")
    ap.add_argument("--budget", type=float, default=1.0, help="seconds per measurement")
    args = ap.parse_args()
    cols = ["generated", "hand", "f", "generated jax", "jax", "generated torch", "torch.func"]
    print("milliseconds, medians, float64, one thread")
    print(f"{'problem':<16}{'d':>2}{'n':>6}" + "".join(f"{c:>16}" for c in cols)
          + f"{'gen/hand':>10}{'gen/f':>8}{'jax/gen':>9}{'torch/gen':>10}")  # fmt: skip
    for name in PROBLEMS if args.only is None else [args.only]:
        for order in (1, 2) if args.order is None else (args.order,):
            for n in sizes(name, order, args.quick):
                row = run_case(name, order, n, args.budget, not args.no_torch)
                line = f"{name:<16}{order:>2}{n:>6}"
                line += "".join(f"{_ms(row.get(c)):>16}" for c in cols)
                line += f"{_ratio(row['generated'], row['hand']):>10}"
                line += f"{_ratio(row['generated'], row['f']) if order == 1 else '':>8}"
                line += f"{_ratio(row.get('jax'), row['generated']):>9}"
                line += f"{_ratio(row.get('torch.func'), row['generated']):>10}"
                print(line, flush=True)


if __name__ == "__main__":
    main()
