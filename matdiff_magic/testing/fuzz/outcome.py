"""What one derivation came to: the kinds of outcome, the record written per derivation, and
the CPU-time limit that aborts a runaway derivation."""

from __future__ import annotations

import signal
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field

METHODS = ("auto", "differential", "chain", "vectorization", "definition")
LAYOUTS = ("numerator", "denominator", "mixed")
HESSIAN_METHODS = ("auto", "differential", "vectorization")
FAILURES = (
    "wrong",
    "shape",
    "false_step",
    "unchecked_step",
    "verification_error",
    "rejected",
    "error",
    "exception",
    "timeout",
    "misparse",
)
KINDS = ("pass", "unsupported", "invalid", *FAILURES)
STEP_TOLERANCE = 1e-4
MAX_HESSIAN_ENTRIES = 36  # Hessians only for variables with at most this many entries


@dataclass
class Record:
    """The outcome of one derivation (or one check of a case), one JSON line in --out."""

    kind: str
    expr: str
    wrt: str
    wrt_kind: str  # variable or definition
    method: str
    layout: str
    order: int
    seed: int
    message: str = ""
    cpu: float = 0.0
    slow: bool = False
    flaky: bool = False
    details: dict = field(default_factory=dict)
    case: dict | None = None
    variables: dict | None = None  # declarations passed as derive(variables=...)

    def to_json(self) -> dict:
        return asdict(self)

    def call(self) -> str:
        """A line of Python that reproduces the derivation."""
        extra = f", variables={self.variables!r}" if self.variables else ""
        return (f"md.derive({self.expr!r}, {self.wrt!r}{extra}, layout={self.layout!r}, "
                f"method={self.method!r}, order={self.order})")

    def title(self) -> str:
        return (
            f"[{self.kind}] wrt {self.wrt} ({self.wrt_kind}) method={self.method} "
            f"layout={self.layout} order={self.order} seed={self.seed}"
        )


class Abort(BaseException):
    """Raised by the CPU-time alarm (a BaseException, so no ``except Exception`` eats it)."""


@contextmanager
def cpu_limit(seconds: float | None) -> Iterator[None]:
    """Raise Abort after ``seconds`` of CPU time (main thread of a Unix process only)."""
    usable = seconds and hasattr(signal, "setitimer")
    if usable:
        try:
            previous = signal.signal(signal.SIGPROF, _alarm)
        except ValueError:  # not the main thread
            usable = False
    if usable:
        signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        if usable:
            signal.setitimer(signal.ITIMER_PROF, 0)
            signal.signal(signal.SIGPROF, previous)


def _alarm(signum: int, frame: object) -> None:
    raise Abort()


def _short_traceback(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)[-3:]
    where = " <- ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} {f.name}"
                        for f in reversed(frames))
    return f"{type(exc).__name__}: {exc} [{where}]"
