"""A derivation: a list of steps, each an equality (or implication) with the rules it used.

Steps hold data only (expressions, rules, a message key for explanations); the printers in
``printing/`` render them, in English or Chinese.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from matdiff_magic import rendering
from matdiff_magic.claims import Claim
from matdiff_magic.rules.rule import Rule
from matdiff_magic.tree.base import Expr


@dataclass(frozen=True)
class Step:
    """``lhs relation expr``, reached from the previous step by ``rules``.

    ``new_lhs`` marks a step that starts a new left-hand side (a new equation line rather than
    a continuation ``= ...``). ``note`` is an i18n message key with ``params`` for steps that
    need a sentence beyond the rule's own explanation.
    """

    lhs: Expr
    expr: Expr
    rules: tuple[Rule, ...] = ()
    relation: str = "="  # "=" or "implies"
    new_lhs: bool = False
    note: str | None = None
    params: tuple[tuple[str, str], ...] = field(default=())
    claim: Claim | None = None

    @property
    def rule(self) -> Rule | None:
        return self.rules[0] if self.rules else None

    # Text comes from the printers the printing package installs (see rendering.py).
    @property
    def latex(self) -> str:
        return rendering.printer("step_latex")(self)

    @property
    def text(self) -> str:
        return rendering.printer("step_text")(self)

    def explanation(self, lang: str = "en") -> str:
        return rendering.printer("step_explanation")(self, lang)

    def __repr__(self) -> str:
        names = ", ".join(r.key for r in self.rules)
        return f"<Step {self.text} [{names}]>"


class Derivation(list):
    """The steps of one method, in order (a plain list with printing helpers)."""

    def latex(self, lang: str = "en", rules: bool = True) -> str:
        return rendering.printer("derivation_latex")(self, lang=lang, with_rules=rules)

    def text(self, lang: str = "en", rules: bool = True) -> str:
        return rendering.printer("derivation_text")(self, lang=lang, with_rules=rules)


def _looks_same(a: Expr, b: Expr) -> bool:
    """Whether two lines would read the same, compared by structure, not by rendering them:
    equal trees, or nodes that say what they read as (an index formula whose occurrences of
    one quantity are numbered apart)."""
    if a == b:
        return True
    key_a, key_b = getattr(a, "_display_key", None), getattr(b, "_display_key", None)
    return key_a is not None and key_b is not None and key_a() == key_b()


# A line longer than this (nodes written out) is not a derivation anyone can read: the method
# stops with an UnsupportedError rather than spending minutes printing it.
MAX_LINE = 20000


def _check_size(expr: Expr, memo: dict[Expr, int]) -> None:
    from matdiff_magic.errors import Msg, UnsupportedError
    from matdiff_magic.tree.named import written_size

    size = written_size(expr, names=False, memo=memo)
    if size > MAX_LINE:
        raise UnsupportedError(Msg("reason.too_long", size=size, limit=MAX_LINE))


class Builder:
    """Collects steps, dropping a step that would repeat the previous expression."""

    def __init__(self) -> None:
        self.steps = Derivation()
        self._carried: tuple[Rule, ...] = ()
        self._sizes: dict[Expr, int] = {}  # written sizes of the lines' subtrees (_check_size)

    def carry(self, rules: tuple[Rule, ...]) -> None:
        """Identities used on an expression before it is shown: the next step cites them."""
        self._carried += tuple(r for r in rules if r not in self._carried)

    def _with_carried(self, rules: tuple[Rule, ...]) -> tuple[Rule, ...]:
        carried, self._carried = self._carried, ()
        return rules + tuple(r for r in carried if r not in rules)

    def start(
        self,
        lhs: Expr,
        expr: Expr,
        rules: tuple[Rule, ...] = (),
        *,
        relation: str = "=",
        note: str | None = None,
        params: tuple[tuple[str, str], ...] = (),
        claim: Claim | None = None,
    ) -> None:
        if (
            self.steps
            and relation == "="
            and self.steps[-1].lhs == lhs
            and (claim is None or claim == self.steps[-1].claim)
        ):
            self.then(expr, rules, note=note, params=params)
            return
        _check_size(expr, self._sizes)
        rules = self._with_carried(rules)
        self.steps.append(Step(lhs, expr, rules, relation, True, note, params, claim))

    def then(
        self,
        expr: Expr,
        rules: tuple[Rule, ...] = (),
        *,
        note: str | None = None,
        params: tuple[tuple[str, str], ...] = (),
        force: bool = False,
    ) -> None:
        last = self.steps[-1]
        if not force and (expr == last.expr or _looks_same(expr, last.expr)):
            # Nothing visible changed, but the identities still hold for that line: keep them
            # (except "simplify", which did nothing here).
            extra = tuple(r for r in rules if r not in last.rules and r.key != "simplify")
            if extra:
                from dataclasses import replace

                self.steps[-1] = replace(last, rules=last.rules + extra)
            return
        _check_size(expr, self._sizes)
        rules = self._with_carried(rules)
        self.steps.append(Step(last.lhs, expr, rules, "=", False, note, params, last.claim))

    @property
    def last(self) -> Step:
        return self.steps[-1]
