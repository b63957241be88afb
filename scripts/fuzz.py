#!/usr/bin/env python
"""Fuzz matdiff: random well-typed expressions, every method and layout, Hessians.

    python scripts/fuzz.py --n 5000 --jobs 2 --out failures.jsonl
    python scripts/fuzz.py --replay failures.jsonl [--shrink]

Prints one summary line (counts of pass, unsupported, wrong, ...); writes every failing, slow
or flaky derivation to --out as a JSON line that --replay re-runs. See
matdiff_magic/testing/fuzz/ for the generator, the reference evaluator and the runner.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from matdiff_magic.testing.fuzz.cli import main

if __name__ == "__main__":
    sys.exit(main())
