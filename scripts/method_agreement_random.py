#!/usr/bin/env python
"""How often the methods print different final forms on random compositions (issue 12: one
canonical final form for every method, not only on the tables scripts/method_agreement.py
reads). First derivatives by the fuzzer's generator, one variable each, verify off (the printed
form does not depend on it).

    python scripts/method_agreement_random.py --seed 2000 --count 80 --depth 4 [--layout mixed]
        [--list N] [--without-definition]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import matdiff_magic as md
from matdiff_magic.testing.fuzz.generate import generate
from matdiff_magic.testing.fuzz.runner import pick_wrts

METHODS = ("differential", "vectorization", "definition", "chain")


def printed(text: str, wrt: str, layout: str, methods: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for m in methods:
        try:
            out[m] = md.derive(text, wrt, method=m, layout=layout, verify=False).text
        except md.MatDiffError:
            pass  # the method does not apply here
    return out


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--seed", type=int, default=2000)
    p.add_argument("--count", type=int, default=80)
    p.add_argument("--depth", type=int, default=4)
    p.add_argument("--layout", default="mixed")
    p.add_argument("--list", type=int, default=8, help="differing problems to print")
    p.add_argument("--without-definition", action="store_true")
    a = p.parse_args()
    methods = tuple(m for m in METHODS if not (a.without_definition and m == "definition"))
    total, differing = 0, []
    for seed in range(a.seed, a.seed + a.count):
        case = generate(seed, a.depth)
        for wrt in pick_wrts(case, np.random.default_rng(seed), 1):
            texts = printed(case.text(), wrt, a.layout, methods)
            if len(texts) < 2:
                continue
            total += 1
            if len(set(texts.values())) > 1:
                differing.append((case.text(), wrt, texts))
    print(f"{len(differing)}/{total} problems print differently ({', '.join(methods)}; "
          f"depth {a.depth}, {a.layout} layout)")
    for text, wrt, texts in differing[: a.list]:
        print("----", repr(text), "wrt", wrt)
        for m, x in texts.items():
            print(f"   {m}: {x}")


if __name__ == "__main__":
    main()
