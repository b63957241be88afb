"""The fuzzer's command line (``scripts/fuzz.py``): run, replay and shrink cases in parallel.

Each task is one expression seed: the worker generates the case, picks the names to
differentiate with respect to, and runs every derivation (``runner.run_case``). Workers are
processes of our own with one pipe each, so a worker stuck on one case past the wall-clock
limit is killed (by its own pid) and replaced, and the case is recorded as a timeout.
"""

from __future__ import annotations

import argparse
import faulthandler
import json
import multiprocessing as mp
import os
import re
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait

import numpy as np

from matdiff_magic.testing.fuzz.case import Case
from matdiff_magic.testing.fuzz.generate import generate
from matdiff_magic.testing.fuzz.outcome import FAILURES, Record
from matdiff_magic.testing.fuzz.runner import pick_wrts, run_case

COUNTED = ("pass", "unsupported", "wrong", "shape", "false_step", "unchecked_step",
           "rejected", "error", "exception", "verification_error", "misparse", "timeout")
LABELS = {"error": "errors", "exception": "exceptions", "verification_error":
          "verification_errors", "timeout": "timeouts"}


@dataclass
class Options:
    depth: int = 6
    timeout: float = 5.0  # CPU seconds: a derivation over this is "slow"
    abort_after: float = 20.0  # CPU seconds: abort a derivation ("timeout")
    wrt_definitions: bool = True
    hessians: bool = True
    wrts_per_case: int = 1
    verify: bool = True  # derive's own verification (False: derive(..., verify=False))
    sample: int | None = None  # derivations per expression (None: all of them)


def run_seed(seed: int, opts: Options) -> list[Record]:
    """Generate the case of ``seed`` and run all its derivations."""
    case = generate(seed, opts.depth)
    rng = np.random.default_rng([seed, 17])
    wrts = pick_wrts(case, rng, opts.wrts_per_case, opts.wrt_definitions)
    return run_case(case, wrts, seed=seed, timeout=opts.timeout,
                    abort_after=opts.abort_after, hessians=opts.hessians, verify=opts.verify,
                    sample=opts.sample)


@dataclass
class Totals:
    counts: Counter = field(default_factory=Counter)
    expressions: int = 0
    derivations: int = 0
    slow: int = 0
    flaky: int = 0
    invalid: int = 0
    cpu: float = 0.0
    max_cpu: float = 0.0
    kept: list[Record] = field(default_factory=list)  # failures, slow and flaky ones
    combos: Counter = field(default_factory=Counter)  # (method, layout, order) -> derivations

    def add(self, records: Iterable[Record]) -> None:
        for r in records:
            if r.kind == "invalid":
                self.invalid += 1
                continue
            self.derivations += 1
            self.counts[r.kind] += 1
            self.combos[r.method, r.layout, r.order] += 1
            self.slow += r.slow
            self.flaky += r.flaky
            self.cpu += r.cpu
            self.max_cpu = max(self.max_cpu, r.cpu)
            if r.kind in FAILURES or r.slow or r.flaky:
                self.kept.append(r)

    @property
    def failures(self) -> list[Record]:
        return [r for r in self.kept if r.kind in FAILURES]

    def summary(self, seconds: float) -> str:
        parts = [f"{LABELS.get(k, k)}={self.counts.get(k, 0)}" for k in COUNTED]
        rate = self.derivations / seconds if seconds else 0.0
        return (f"fuzz: {self.derivations} derivations ({self.expressions} expressions) "
                + " ".join(parts)
                + f" slow={self.slow} flaky={self.flaky} invalid={self.invalid}"
                + f" max_cpu={self.max_cpu:.2f}s in {seconds:.0f} s ({rate:.1f}/s)")


# -- parallel workers ---------------------------------------------------------------------------


def _worker(conn: Connection, opts: Options) -> None:
    if hasattr(signal, "SIGUSR1"):  # kill -USR1 <pid> prints where a worker is
        faulthandler.register(signal.SIGUSR1, all_threads=False)
    while True:
        try:
            seed = conn.recv()
        except EOFError:
            return
        if seed is None:
            return
        try:
            records = run_seed(seed, opts)
        except Exception as exc:
            records = [Record("exception", f"<seed {seed}>", "-", "-", "-", "-", 0, seed,
                              message=f"fuzzer: {type(exc).__name__}: {exc}")]
        conn.send(records)


class Pool:
    """Worker processes with a pipe each; a task past ``wall`` seconds is killed."""

    def __init__(self, jobs: int, opts: Options, wall: float) -> None:
        methods = mp.get_all_start_methods()
        self.ctx = mp.get_context("fork" if "fork" in methods else "spawn")
        self.opts, self.wall = opts, wall
        self.workers: list[dict] = [self._start() for _ in range(jobs)]

    def _start(self) -> dict:
        parent, child = self.ctx.Pipe()
        proc = self.ctx.Process(target=_worker, args=(child, self.opts), daemon=True)
        proc.start()
        child.close()
        return {"proc": proc, "conn": parent, "seed": None, "since": 0.0}

    def run(self, seeds: Iterable[int], enough: Callable[[], bool],
            done: Callable[[int, list[Record]], None]) -> None:
        seeds = iter(seeds)
        exhausted = False
        while True:
            for w in self.workers:
                if w["seed"] is None and not exhausted and not enough():
                    seed = next(seeds, None)
                    if seed is None:
                        exhausted = True
                        continue
                    w["conn"].send(seed)
                    w["seed"], w["since"] = seed, time.monotonic()
            busy = [w for w in self.workers if w["seed"] is not None]
            if not busy:
                return
            ready = wait([w["conn"] for w in busy], timeout=1.0)
            for w in busy:
                if w["conn"] in ready:
                    try:
                        records = w["conn"].recv()
                    except EOFError:  # the worker died
                        records = [_lost(w["seed"], "worker died")]
                        self._replace(w)
                    seed, w["seed"] = w["seed"], None
                    done(seed, records)
                elif time.monotonic() - w["since"] > self.wall:
                    seed = w["seed"]
                    self._replace(w)
                    done(seed, [_lost(seed, f"killed after {self.wall:.0f} s wall clock")])

    def _replace(self, w: dict) -> None:
        w["proc"].kill()
        w["proc"].join()
        w["conn"].close()
        w.update(self._start())

    def close(self) -> None:
        for w in self.workers:
            try:
                w["conn"].send(None)
            except (BrokenPipeError, OSError):
                pass
        for w in self.workers:
            w["proc"].join(timeout=5)
            if w["proc"].is_alive():
                w["proc"].kill()
                w["proc"].join()


def _lost(seed: int, why: str) -> Record:
    return Record("timeout", f"<seed {seed}>", "-", "-", "-", "-", 0, seed, message=why,
                  slow=True)


def run_many(seeds: Iterable[int], opts: Options, jobs: int = 2, n: int | None = None,
             wall: float = 900.0,
             progress: Callable[[Totals, int, list[Record]], None] | None = None,
             totals: Totals | None = None) -> Totals:
    """Run the seeds (until ``n`` derivations, if given) on ``jobs`` processes."""
    totals = totals if totals is not None else Totals()

    def done(seed: int, records: list[Record]) -> None:
        totals.expressions += 1
        totals.add(records)
        if progress:
            progress(totals, seed, records)

    enough = (lambda: totals.derivations >= n) if n else (lambda: False)
    if jobs <= 1:
        for seed in seeds:
            if enough():
                break
            done(seed, run_seed(seed, opts))
        return totals
    pool = Pool(jobs, opts, wall)
    try:
        pool.run(seeds, enough, done)
    finally:
        pool.close()
    return totals


# -- the command line ---------------------------------------------------------------------------


def _write(out: str | None, records: list[Record]) -> None:
    if not out:
        return
    with open(out, "w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r.to_json(), ensure_ascii=False) + "\n")


def _read(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def pattern(row: dict) -> tuple:
    """Failures of one cause, as far as the record tells: the kind and the message with
    numbers and names left out (a wrong value: the expression and wrt)."""
    if row["kind"] in ("wrong", "shape", "misparse"):
        return (row["kind"], row["expr"], row["wrt"], row["order"])
    message = re.sub(r"\(line \d+.*", "", row["message"], flags=re.S)
    message = re.sub(r"[-+]?\d+(\.\d+)?(e[-+]?\d+)?", "#", message)
    message = re.sub(r"'[^']*'", "'…'", message)
    return (row["kind"], message[:160])


def groups(rows: list[dict], slow: bool = False) -> list[list[dict]]:
    out: dict[tuple, list[dict]] = {}
    for row in rows:
        if row["kind"] in FAILURES:
            out.setdefault(pattern(row), []).append(row)
        elif slow and row.get("slow"):
            out.setdefault(("slow", row["method"], row["order"]), []).append(row)
    return sorted(out.values(), key=len, reverse=True)


def report(path: str) -> int:
    """Print the failures of a --out file grouped into patterns, smallest example first."""
    for rows in groups(_read(path)):
        rows.sort(key=lambda r: len(r["expr"]))
        r = rows[0]
        methods = sorted({x["method"] for x in rows})
        layouts = sorted({x["layout"] for x in rows})
        orders = sorted({x["order"] for x in rows})
        exprs = len({(x["expr"], x["wrt"]) for x in rows})
        print(f"{len(rows)} x {r['kind']} ({exprs} cases; methods {methods}, layouts {layouts},"
              f" orders {orders}, wrt kinds {sorted({x['wrt_kind'] for x in rows})})")
        print(f"  {r['message'][:300]}")
        after = Counter(x["details"].get("without_verify", {}).get("kind") for x in rows)
        if any(after):
            print(f"  the same derivations with verify=False: {dict(after)}")
        extra = f", variables={r['variables']!r}" if r.get("variables") else ""
        print(f"  e.g. md.derive({r['expr']!r}, {r['wrt']!r}{extra}, layout={r['layout']!r}, "
              f"method={r['method']!r}, order={r['order']})")
    return 0


def replay(path: str, opts: Options, shrink_cases: bool, out: str | None) -> int:
    """Re-run every derivation of a --out file; with ``shrink_cases``, shrink the smallest
    failing case of each pattern."""
    from matdiff_magic.testing.fuzz.shrink import shrink

    rows = [row for row in _read(path) if row.get("case")]
    totals = Totals()
    start = time.time()
    fresh: list[tuple[Record, Case]] = []
    for row in rows:
        case = Case.from_json(row["case"])
        only = (row["method"], row["layout"], row["order"])
        recs = run_case(case, [row["wrt"]], only=only, timeout=opts.timeout,
                        abort_after=opts.abort_after, verify=opts.verify)
        totals.expressions += 1
        totals.add(recs)
        for r in recs:
            print(f"{row['kind']} -> {r.title()}\n  {r.message}\n  " + r.expr.replace("\n", "\n  "))
            fresh.append((r, case))
    if shrink_cases:
        cases = {id(r): c for r, c in fresh}
        for rows_ in groups([r.to_json() | {"_id": id(r)} for r, _ in fresh], slow=True):
            rows_.sort(key=lambda x: len(x["expr"]))
            first = next(r for r, _ in fresh if id(r) == rows_[0]["_id"])
            print(f"shrinking ({len(rows_)} like it): {first.title()}")
            small, rec = shrink(first, cases[id(first)], log=print)
            print("  minimal:", json.dumps(small.text(), ensure_ascii=False),
                  f"wrt {rec.wrt} method={rec.method} layout={rec.layout} order={rec.order}"
                  f" -> {rec.kind}: {rec.message}")
            totals.kept.append(rec)
    _write(out, totals.kept)
    print(totals.summary(time.time() - start))
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Fuzz matdiff: random expressions, every method "
                                "and layout, checked against an independent NumPy reference.")
    p.add_argument("--n", type=int, default=1000, help="derivations to run (at least)")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    p.add_argument("--seed", type=int, default=0, help="first expression seed")
    p.add_argument("--depth", type=int, default=6)
    p.add_argument("--out", help="write failures (and slow, flaky cases) as JSON lines")
    p.add_argument("--timeout", type=float, default=5.0, help="CPU seconds for 'slow'")
    p.add_argument("--abort-after", type=float, default=20.0,
                   help="CPU seconds after which a derivation is aborted (timeout)")
    p.add_argument("--wall", type=float, default=900.0,
                   help="wall-clock seconds after which a stuck worker is killed")
    p.add_argument("--replay", metavar="FILE", help="re-run the cases of a --out file")
    p.add_argument("--shrink", action="store_true",
                   help="with --replay: shrink the smallest failure of each pattern")
    p.add_argument("--report", metavar="FILE", help="group the failures of a --out file")
    p.add_argument("--no-wrt-definitions", action="store_true")
    p.add_argument("--no-hessians", action="store_true")
    p.add_argument("--sample", type=int, metavar="K",
                   help="only K random derivations of each expression (more expressions)")
    p.add_argument("--no-verify", action="store_true",
                   help="derive(..., verify=False): judge results by the reference alone")
    p.add_argument("--progress", action="store_true", help="progress lines on stderr")
    p.add_argument("--verbose", action="store_true", help="one line per expression on stderr")
    args = p.parse_args(argv)
    opts = Options(args.depth, args.timeout, args.abort_after, not args.no_wrt_definitions,
                   not args.no_hessians, verify=not args.no_verify, sample=args.sample)
    if args.report:
        return report(args.report)
    if args.replay:
        return replay(args.replay, opts, args.shrink, args.out)
    start = time.time()
    last = [start]

    sink = open(args.out, "w", encoding="utf-8") if args.out else None

    def progress(t: Totals, seed: int, records: list[Record]) -> None:
        if sink:
            for r in records:
                if r.kind in FAILURES or r.slow or r.flaky:
                    sink.write(json.dumps(r.to_json(), ensure_ascii=False) + "\n")
            sink.flush()
        if args.verbose:
            cpu = sum(r.cpu for r in records)
            kinds = Counter(r.kind for r in records)
            print(f"seed {seed}: {len(records)} derivations, {cpu:.1f} s CPU in derive, "
                  f"{dict(kinds)}", file=sys.stderr, flush=True)
        if args.progress and time.time() - last[0] > 30:
            last[0] = time.time()
            print(t.summary(time.time() - start), file=sys.stderr, flush=True)

    totals = Totals()
    try:
        totals = run_many(range(args.seed, args.seed + 10**9), opts, args.jobs, args.n,
                          args.wall, progress, totals)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
    finally:
        if sink:
            sink.close()
    print(totals.summary(time.time() - start))
    return 1 if totals.failures else 0
