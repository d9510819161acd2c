"""The plain values passed between stages: an Article in, Statements out.

Stages never hand each other spaCy docs or database cursors; they hand these frozen dataclasses, so
each stage can be tested on its own and the store can write them in bulk.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime, timezone
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

TOPICS = ("ceasefire", "peacekeeping")
POLARITIES = ("support", "oppose")
MODALITIES = ("firm", "conditional", "hedged")
ATTRIBUTIONS = ("direct_quote", "indirect", "reported", "inferred")
HOLDER_KINDS = ("person", "state", "org", "group")

# Query-string keys that only track the reader; dropping them makes one story one URL.
_TRACKING_KEYS = re.compile(r"^(utm_.*|fbclid|gclid|mc_cid|mc_eid|ref|ref_src|cmpid|ocid|taid|at_.*)$", re.I)


def stable_hash(*parts: object, length: int = 16) -> str:
    """A short hex digest of the parts; the same inputs give the same id on every machine and run."""
    h = hashlib.sha1()
    for part in parts:
        h.update(str(part).encode("utf-8"))
        h.update(b"\x1f")
    return h.hexdigest()[:length]


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, no fragment, no tracking parameters, no trailing slash."""
    parts = urlsplit(url.strip())
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                             if not _TRACKING_KEYS.match(k)))
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, query, ""))


def domain_of(url: str) -> str:
    """The outlet of a URL: its host without a leading www."""
    host = urlsplit(url).hostname or ""
    return host[4:] if host.startswith("www.") else host


# Letters that Unicode does not decompose into an ASCII base letter plus an accent.
_UNDECOMPOSABLE = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "þ": "th", "Þ": "Th", "ð": "d",
                                 "Ð": "D", "ß": "ss", "ł": "l", "Ł": "L", "ı": "i", "đ": "d", "Đ": "D",
                                 "œ": "oe", "Œ": "OE"})


def slugify(text: str) -> str:
    """ASCII, lower case, runs of other characters as one hyphen (the gazetteer's id rule)."""
    folded = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSABLE)).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")


def content_hash(text: str) -> str:
    """Hash of the whitespace-normalised text: a re-fetch with only spacing changes is unchanged."""
    return stable_hash(" ".join(text.split()), length=32)


def to_utc(value: datetime | date | str | None) -> datetime | None:
    """A naive UTC datetime (the store's convention) from a datetime, date or ISO string."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        text = value.strip().replace("Z", "+00:00")
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            value = date.fromisoformat(text[:10])
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        return value
    return datetime(value.year, value.month, value.day)


@dataclass(frozen=True)
class Article:
    """One article as stored: its id comes from the canonical URL, else from the text."""

    article_id: str
    text: str
    url: str | None = None
    source: str | None = None
    title: str | None = None
    published_at: datetime | None = None
    fetched_at: datetime | None = None
    language: str | None = None
    feed_id: str | None = None
    input_id: str | None = None      # the input record's own id (a corpus id such as 'bcn-...'), if any
    input_url: str | None = None     # the URL as given, before canonicalisation

    @property
    def content_hash(self) -> str:
        return content_hash(self.text)

    @classmethod
    def build(
        cls,
        text: str,
        *,
        url: str | None = None,
        source: str | None = None,
        title: str | None = None,
        published: datetime | date | str | None = None,
        fetched_at: datetime | None = None,
        language: str | None = None,
        feed_id: str | None = None,
        article_id: str | None = None,
        input_id: str | None = None,
    ) -> "Article":
        """Normalise the fields and derive the id (canonical URL, else content hash).

        The input's own id and URL are kept as given (input_id, input_url), so the article can be
        named by them and joined back to where it came from.
        """
        canon = canonical_url(url) if url else None
        if article_id is None:
            article_id = stable_hash("url", canon) if canon else stable_hash("text", content_hash(text))
        return cls(
            article_id=article_id,
            text=text,
            url=canon,
            source=source or (domain_of(canon) if canon else None),
            title=title.strip() if title else None,
            published_at=to_utc(published),
            fetched_at=fetched_at,
            language=language,
            feed_id=feed_id,
            input_id=input_id,
            input_url=url.strip() if url else None,
        )


@dataclass(frozen=True)
class Holder:
    """Who holds a stance, as resolved on the article's date."""

    holder_id: str
    name: str
    kind: str
    country: str | None
    role: str | None = None


@dataclass(frozen=True)
class Statement:
    """One stance statement: the SPEC's record. Every figure in the store is built from these."""

    statement_id: str
    article_id: str
    published_at: datetime | None
    source: str | None
    holder_id: str
    holder_name: str
    holder_kind: str
    country: str | None
    role: str | None
    conflict: str
    topic: str
    polarity: str
    modality: str
    score: float
    confidence: float
    attribution: str
    tone: float
    cue: str
    evidence: str
    char_start: int
    char_end: int
    cameo: str | None = None
    plover: str | None = None
    scorer_version: str = ""
    story_id: str | None = field(default=None, compare=False)

    @staticmethod
    def make_id(article_id: str, char_start: int, char_end: int, holder_id: str, topic: str) -> str:
        return stable_hash(article_id, char_start, char_end, holder_id, topic)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("story_id", None)
        return data


STATEMENT_FIELDS = tuple(f.name for f in fields(Statement) if f.name != "story_id")


class ArticleScorer(Protocol):
    """What the pipeline, the poller and the reports need of a scorer: the seam between them and
    tracker.stance (whose Scorer is the one implementation; tests pass wrappers of it).

    version names the rules, word lists, gazetteer and model that produced a statement; trace, when
    set to a list, records every topic mention's walk (for `tracker explain --trace`).
    """

    version: str
    trace: list[dict[str, Any]] | None

    def score_articles(self, articles: Iterable[Article], fast: bool = True,
                       batch_size: int = 64) -> Iterator[tuple[Article, list[Statement]]]:
        """Each article with its statements, in the order given."""
        ...

    def score_text(self, text: str, published: datetime | date | str | None = None, title: str | None = None,
                   article_id: str = "", source: str | None = None, fast: bool = True) -> list[Statement]:
        """The statements of one text."""
        ...
