"""The values every stage reads: what the article names (Mention, Context), one parsed block as the
rules see it (Reading), and the data the rules look things up in (Knowledge).

A rule deep in the holder search needs the parse, the block's place in the article (to turn token
offsets into article offsets), the date (offices change), the mentions before it (pronouns look
back), the block's quotations and their speakers. They travel together as one Reading so that a
rule's signature says what it is about (a token, a clause) rather than where it is.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tracker import hygiene
from tracker.actors import Gazetteer
from tracker.conflicts import Registry
from tracker.hygiene import Offsets
from tracker.lexicon import Lexicon
from tracker.models import Holder

_QUOTE_OPEN = "\u201c"
_QUOTE_CLOSE = "\u201d"


@dataclass(frozen=True)
class Knowledge:
    """The data the rules consult (gazetteer, conflict registry, lexicon), plus what is derived from
    it once per scorer: the places at war that troops may be sent to."""

    gaz: Gazetteer
    registry: Registry
    lex: Lexicon
    destination: re.Pattern[str]


@dataclass(frozen=True)
class Mention:
    """An actor named somewhere in the article: what pronouns and definite descriptions refer back to."""

    start: int
    actor_id: str
    kind: str
    gender: str | None
    name: str
    country: str | None = None
    role: str | None = None
    salience: str = ""     # persons found by the parser: subject | other | possessive; keyword scan: "" or
                           # venue (a state named as a place: "talks in Riyadh")


@dataclass
class Context:
    """The article as a whole: its date, every mention in text order, the conflict it is mostly about."""

    on: date | None
    mentions: list[Mention]
    article_conflict: str
    title: str | None
    text: str = ""          # the article text, for what refers back to earlier wording
    _starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.mentions.sort(key=lambda m: m.start)
        self._starts = [m.start for m in self.mentions]

    def before(self, offset: int) -> list[Mention]:
        return self.mentions[: bisect_right(self._starts, offset - 1)]

    def ids_before(self, offset: int) -> list[str]:
        return [m.actor_id for m in self.before(offset)]


Speakers = Mapping[int, list[tuple[Holder, str]]]


@dataclass(frozen=True)
class Reading:
    """One parsed block with everything the rules need to read it.

    quotes are the block's quotations as (start, end) in doc.text; speakers maps a quotation's index
    to who speaks it; anchor_text is what decides whether troop talk means peacekeeping.
    """

    doc: Any
    block: hygiene.Block
    ctx: Context
    quotes: tuple[tuple[int, int], ...] = ()
    speakers: Speakers = field(default_factory=dict)
    anchor_text: str = ""

    @property
    def on(self) -> date | None:
        return self.ctx.on

    @property
    def offset(self) -> Offsets:
        """`r.offset + tok.idx` is a token's position in the article text."""
        return self.block.offsets

    def at(self, i: int) -> int:
        return self.block.at(i)

    def sentence_bounds(self, sent: Any) -> tuple[int, int]:
        """A sentence's (start, end) in the article text."""
        return self.block.at(sent.start_char), self.block.at(sent.end_char)

    def quote_at(self, pos: int) -> int | None:
        """The index of the quotation that covers position pos of doc.text, if any."""
        for i, (s, e) in enumerate(self.quotes):
            if s <= pos < e:
                return i
        return None


def merge_mentions(scan: list[Mention], local: list[Mention]) -> list[Mention]:
    """Keyword-scan mentions plus the parser's; where both found a name, the parser's (with salience) wins."""
    starts = {m.start for m in local}
    return [m for m in scan if m.start not in starts] + list(local)


def quote_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Quotations in a block as (start, end); an unclosed quote runs to the end of the block."""
    spans: list[tuple[int, int]] = []
    open_at: int | None = None
    for i, ch in enumerate(text):
        if ch == _QUOTE_OPEN:
            if open_at is None:
                open_at = i
        elif ch == _QUOTE_CLOSE:
            if open_at is not None:
                spans.append((open_at, i + 1))
                open_at = None
        elif ch == '"':
            if open_at is None:
                open_at = i
            else:
                spans.append((open_at, i + 1))
                open_at = None
    if open_at is not None:
        spans.append((open_at, len(text)))
    return tuple(spans)
