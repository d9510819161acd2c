"""Text hygiene: split an article into blocks and set aside page furniture.

Extracted pages carry cookie banners, language pickers, licence numbers, photo captions with
credits, "Read more" teasers and section headings. They often contain topic words ("Read more:
Ceasefire talks stall") but are never anyone's statement, so they are marked as boilerplate before
any parsing and never produce statements. Blocks keep their character offsets in the article, so
evidence can always be located in the stored text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from tracker.lexicon import Lexicon

MAX_BLOCK_CHARS = 2500
_SENTENCE_END = re.compile(r"[.!?:;\"'\u201d\u2019)\]]\s*$")
_SPLIT_AT = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"'\u201d\u2019]))\s+(?=[\"'\u201c\u2018(]?[A-Z0-9])")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


# "LONDON, Feb 17 (Reuters) - ", "JEDDAH, Saudi Arabia, March 11 (Reuters) - ", "THE HAGUE - ".
_DATELINE = re.compile(
    r"^(?:[A-Z][A-Z'.\u2019-]{2,}(?:[ /][A-Z][A-Z'.\u2019-]+)*)"
    r"(?:,\s*[A-Z][A-Za-z.'\u2019-]+(?:\s[A-Z][A-Za-z.'\u2019-]+)*)*"
    r"(?:,?\s*(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2})?"
    r"\s*(?:\([A-Za-z][A-Za-z .&/-]{0,30}\))?\s*[-\u2013\u2014]{1,2}\s+")


@dataclass(frozen=True)
class Block:
    """A paragraph (or a slice of a very long one) with its place in the article text.

    parse_text has the same length as text (offsets line up) but with line breaks and a leading
    dateline blanked out: a hard-wrapped line or "LONDON, Feb 17 (Reuters) -" would otherwise
    derail the parser.
    """

    start: int
    end: int
    text: str
    boilerplate: bool
    reason: str = ""
    parse_text: str = ""
    offset_map: tuple[int, ...] = ()     # parse_text index -> text index, when repairs changed lengths

    def at(self, i: int) -> int:
        """The article position of index i of parse_text."""
        if self.offset_map:
            i = self.offset_map[min(max(i, 0), len(self.offset_map) - 1)]
        return self.start + i

    @property
    def offsets(self) -> "Offsets":
        return Offsets(self)


class Offsets:
    """`offsets + i` is the article position of index i of a block's parse_text (see Block.at)."""

    def __init__(self, block: Block) -> None:
        self.block = block

    def __add__(self, i: int) -> int:
        return self.block.at(i)

    __radd__ = __add__


def _lines(text: str) -> Iterator[tuple[int, int]]:
    pos = 0
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped:
            lead = len(line) - len(line.lstrip())
            yield pos + lead, pos + lead + len(stripped)
        pos += len(line)


def _slices(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Cut an over-long paragraph at sentence ends so no block exceeds MAX_BLOCK_CHARS by much."""
    if end - start <= MAX_BLOCK_CHARS:
        yield start, end
        return
    chunk_start = start
    last_cut = start
    for m in _SPLIT_AT.finditer(text, start, end):
        if m.start() - chunk_start >= MAX_BLOCK_CHARS and last_cut > chunk_start:
            yield chunk_start, last_cut
            chunk_start = m.end() if last_cut == m.start() else last_cut
            while chunk_start < end and text[chunk_start].isspace():
                chunk_start += 1
        last_cut = m.start()
    if end - chunk_start > MAX_BLOCK_CHARS and last_cut > chunk_start:
        yield chunk_start, last_cut
        chunk_start = last_cut
        while chunk_start < end and text[chunk_start].isspace():
            chunk_start += 1
    if chunk_start < end:
        yield chunk_start, end


def classify(line: str, lexicon: Lexicon) -> str:
    """Why a line is boilerplate ('' when it is reporting)."""
    words = line.split()
    if len(words) <= lexicon.furniture_max_words and lexicon.furniture_lines.search(line):
        return "furniture"
    if _CJK.search(line):
        return "non_english"
    if len(words) <= lexicon.heading_max_words and not _SENTENCE_END.search(line):
        return "heading"
    if len(words) < 20:
        letters = [c for c in line if c.isalpha()]
        if letters and sum(c.isupper() for c in letters) / len(letters) > 0.8:
            return "shouting"
    return ""


def _paragraphs(text: str, lexicon: Lexicon) -> Iterator[tuple[int, int, str]]:
    """Lines joined into paragraphs where a line was hard-wrapped mid-sentence; furniture stays alone."""
    lines = list(_lines(text))
    kinds = _LineKinds(text, lines, lexicon)
    i = 0
    while i < len(lines):
        start, end = lines[i]
        reason = kinds[i]
        if reason == "heading" and _continues(text, lines, i, kinds):
            reason = ""      # a short first line of a hard-wrapped paragraph, not a heading
        if reason:
            yield start, end, reason
            i += 1
            continue
        # A long line without a sentence end continues on the next line (hard-wrapped text),
        # unless the next line is furniture or there is a blank line between them.
        while i + 1 < len(lines):
            line = text[start:end]
            nstart, nend = lines[i + 1]
            gap = text[end:nstart]
            if gap.count("\n") > 1 or _SENTENCE_END.search(line):
                break
            if len(text[lines[i][0]:end]) < 40 and not _continues(text, lines, i, kinds):
                break
            if kinds[i + 1] not in ("", "heading"):
                break
            end = nend
            i += 1
        yield start, end, ""
        i += 1


class _LineKinds:
    """classify() of each line of an article, worked out once: a line is asked about up to three
    times while paragraphs are joined."""

    def __init__(self, text: str, lines: list[tuple[int, int]], lexicon: Lexicon) -> None:
        self.text, self.lines, self.lexicon = text, lines, lexicon
        self._kinds: dict[int, str] = {}

    def __getitem__(self, i: int) -> str:
        if i not in self._kinds:
            start, end = self.lines[i]
            self._kinds[i] = classify(self.text[start:end], self.lexicon)
        return self._kinds[i]


def _continues(text: str, lines: list[tuple[int, int]], i: int, kinds: _LineKinds) -> bool:
    """Does line i run on into the next line (no blank line between, the next starts in lower case
    or the pair reads as one sentence)?"""
    if i + 1 >= len(lines):
        return False
    start, end = lines[i]
    nstart, nend = lines[i + 1]
    if text[end:nstart].count("\n") > 1:
        return False
    nxt = text[nstart:nend]
    return nxt[:1].islower() or (not kinds[i + 1] and not _SENTENCE_END.search(text[start:end])
                                 and len(nxt.split()) > kinds.lexicon.heading_max_words)


# Words glued together by careless scraping: "PresidentVladimir", "Putinhas", "ceasefirethat". Each
# pattern matches the text before a cut and the cut falls at its end; written without look-behinds,
# which Python's re tries at every position of every paragraph (the slowest part of reading).
_CAMEL = re.compile(r"[a-z]{3}(?=[A-Z][a-z])")
_NAME_GLUE = re.compile(r"\b[A-Z][a-z]{3,6}(?=(?:has|had|said|says|was|would|will|told|that|with|wrote|posted|"
                        r"rejected|accepted|agreed|announced|warned|urged|insisted|added|vowed|pledged)\b)")
# "fightingwith", "agree onwhat", "Sundaythat": a word glued to a function word no English word ends
# with (the few that do are listed and left whole).
_WORD_GLUE = re.compile(r"\b[A-Za-z][a-z]+(?=(?:that|what|with|they)\b)")
# "Tuesday'sabrupt ceasefire": a possessive glued to the next word.
_POSSESSIVE_GLUE = re.compile(r"[A-Za-z]'s(?=[a-z]{3})")
_WHOLE_WORDS = frozenset({"somewhat", "forthwith", "herewith", "therewith", "wherewith", "forewarned",
                          "phrathat"})
_WORD = re.compile(r"\w+")


def _word_at(text: str, start: int) -> str:
    m = _WORD.match(text, start)
    return m.group(0) if m else ""
_TOPIC_GLUE = re.compile(
    r"(?:(?<=ceasefire)|(?<=armistice)|(?<=truce))(?=[a-z])(?!s\b)|"   # "truceextension", not "truces"
    r"(?<=[a-z])(?=(?:ceasefire|truce))", re.IGNORECASE)     # "one-monthceasefire": no word ends in these
_GLUED_TOPICS = ("ceasefire", "truce", "armistice")
_APOSTROPHE = re.compile(r"(?<=\w)\u2019(?=\w)")


def _for_parser(chunk: str, at_paragraph_start: bool) -> tuple[str, tuple[int, ...]]:
    """The text the parser sees, and a map back to the chunk when repairs inserted spaces."""
    out = re.sub(r"\s", " ", chunk)
    out = _APOSTROPHE.sub("'", out)             # "aren’t" parses like "aren't"
    if at_paragraph_start:
        m = _DATELINE.match(out)
        if m and m.end() < len(out):
            out = " " * m.end() + out[m.end():]
    found = {m.end() for m in _CAMEL.finditer(out)}
    found |= {m.end() for rx in (_NAME_GLUE, _WORD_GLUE) for m in rx.finditer(out)
              if _word_at(out, m.start()).lower() not in _WHOLE_WORDS}
    found |= {m.end() for m in _POSSESSIVE_GLUE.finditer(out)}
    lowered = out.lower()
    if any(word in lowered for word in _GLUED_TOPICS):
        found |= {m.start() for m in _TOPIC_GLUE.finditer(out)}
    cuts = sorted(found)
    if not cuts:
        return out, ()
    pieces: list[str] = []
    mapping: list[int] = []
    prev = 0
    for cut in cuts:
        pieces.append(out[prev:cut])
        mapping.extend(range(prev, cut))
        pieces.append(" ")
        mapping.append(cut)                      # the inserted space maps to the next original char
        prev = cut
    pieces.append(out[prev:])
    mapping.extend(range(prev, len(out) + 1))
    return "".join(pieces), tuple(mapping)


def blocks(text: str, lexicon: Lexicon) -> list[Block]:
    """The article as blocks, boilerplate marked with the reason."""
    out: list[Block] = []
    for start, end, reason in _paragraphs(text, lexicon):
        for s, e in _slices(text, start, end):
            chunk = text[s:e]
            parse_text, offset_map = _for_parser(chunk, s == start)
            out.append(Block(s, e, chunk, bool(reason), reason, parse_text, offset_map))
    return out
