"""A fuzzer for matdiff: random well-typed expressions of the documented language.

* :mod:`.ast`, :mod:`.printer`, :mod:`.case` - the fuzzer's own small typed AST, its printer
  to matdiff text (many spellings), a whole case and its JSON form;
* :mod:`.generate`, :mod:`.compound` - random cases (declarations, definitions, the function)
  built bottom-up with explicit shapes, domains valid by construction;
* :mod:`.reference` - an independent NumPy evaluator of that AST, finite differences and the
  layout arrangement of derivatives (it imports nothing from matdiff);
* :mod:`.runner`, :mod:`.outcome` - derive one case by every method and layout (and
  Hessians), compare with finite differences, check the steps, classify;
* :mod:`.shrink` - shrink a failing case to a small reproduction;
* :mod:`.cli` - the parallel command line behind ``scripts/fuzz.py``.

Usage::

    python scripts/fuzz.py --n 50000 --jobs 2 --out failures.jsonl   # one summary line
    python scripts/fuzz.py --report failures.jsonl                   # failures by pattern
    python scripts/fuzz.py --replay failures.jsonl [--shrink]        # re-run, minimize

A failure in ``failures.jsonl`` holds the text, wrt, method, layout, order, seed, kind and
message, and the case as JSON (replay uses it, so it survives changes of the generator).
This package is developer tooling: the core library never imports it.
"""

from matdiff_magic.testing.fuzz.ast import Node, Variable
from matdiff_magic.testing.fuzz.case import Case
from matdiff_magic.testing.fuzz.generate import generate

__all__ = ["Case", "Node", "Variable", "generate"]
