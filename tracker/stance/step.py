"""Where the climb from a topic mention stands, and what a climb rule may answer.

A rule returns None when it does not settle the step (it may still have noted something on the
walk), NEXT when it has moved the climb on, STOP when the mention takes no stance at all, DONE when
the walk is complete (a speaker was found).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tracker.stance.polarity import Walk

NEXT, STOP, DONE = "next", "stop", "done"


@dataclass
class Climb:
    """Where the climb stands: the token, the step to its head, and whether the stance is frozen
    (above a clause boundary only the speaker is looked for)."""

    w: Walk
    term: str
    tok: Any
    head: Any = None
    dep: str = ""
    lemma: str = ""
    is_verb: bool = False
    depth: int = 1
    frozen: bool = False
    frozen_via: str = ""
    contrast: bool = False

    def up(self, to: Any = None) -> str:
        """Move on to the head (or to `to`): the step is done."""
        self.tok = self.head if to is None else to
        return NEXT

    def top(self, tok: Any) -> str:
        """The clause now reaches up to tok; move on to it."""
        self.w.clause_top = tok
        return self.up(tok)
