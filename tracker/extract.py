"""Pure: page bytes to article text and metadata; and the checks that decide whether it is an article.

trafilatura does the extraction (main text, title, date). What this module adds is the decision a
pipeline needs: is this an English news article worth scoring, and if not, a short reason code that
is recorded with the skipped item ("not_english", "too_short", "not_article"). No network here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

MIN_WORDS = 40

# The most frequent English function words: in English prose they make up a third or more of all
# words; in French, German, Spanish, Russian or Arabic text they are rare. Cheap and dependency-free.
_ENGLISH = frozenset(
    "the of and to a in is that for it on was with as by he be at from this have are his has but not "
    "an they which or had were their been said would will its who there after more also than about "
    "would into over other new some two could when what can them if she her were we our".split())
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


@dataclass(frozen=True)
class Extracted:
    text: str
    title: str | None
    date: str | None
    language: str | None


class NotAnArticle(Exception):
    """The input is not something to score; .reason is a short code, .detail says why."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


def english_share(text: str, sample_words: int = 400) -> float:
    """Share of the first words that are common English function words (0.0 to 1.0)."""
    words = _WORD.findall(text[:20000].lower())[:sample_words]
    if not words:
        return 0.0
    return sum(w in _ENGLISH for w in words) / len(words)


def check_article(text: str, language: str | None = None) -> None:
    """Raise NotAnArticle when a text should not be scored: empty, too short, or not English."""
    words = len(text.split())
    if words == 0:
        raise NotAnArticle("empty_text", "no text")
    if language and not language.lower().startswith("en"):
        raise NotAnArticle("not_english", f"declared language {language!r}")
    share = english_share(text)
    if share < 0.12:
        raise NotAnArticle("not_english", f"only {share:.0%} common English words")
    if words < MIN_WORDS:
        raise NotAnArticle("too_short", f"{words} words, fewer than {MIN_WORDS}")


def extract_html(page: bytes | str, url: str | None = None) -> Extracted:
    """Main text, title and date of an HTML page (trafilatura); NotAnArticle when there is none."""
    import trafilatura

    if isinstance(page, bytes):
        page = _decode(page)
    if not page.strip():
        raise NotAnArticle("empty_page", "the page is empty")
    try:
        # No extensive date search: it falls back to a copyright year, and a wrong date puts a
        # statement on the wrong office holder.
        doc: Any = trafilatura.bare_extraction(page, url=url, with_metadata=True, include_comments=False,
                                               include_tables=False, favor_precision=True,
                                               date_extraction_params={"extensive_search": False,
                                                                       "original_date": True})
    except Exception as exc:  # trafilatura raises many kinds on malformed markup
        raise NotAnArticle("unparseable_page", f"{type(exc).__name__}: {exc}") from None
    if doc is None or not (getattr(doc, "text", None) or "").strip():
        raise NotAnArticle("not_article", "no main text found in the page")
    lang = _html_lang(page)
    return Extracted(text=doc.text.strip(), title=getattr(doc, "title", None), date=getattr(doc, "date", None),
                     language=lang)


def _decode(page: bytes) -> str:
    head = page[:2048].decode("ascii", "ignore")
    m = re.search(r"charset=[\"']?([\w-]+)", head, re.I)
    for enc in ([m.group(1)] if m else []) + ["utf-8", "cp1252"]:
        try:
            return page.decode(enc)
        except (LookupError, UnicodeDecodeError):
            continue
    return page.decode("utf-8", "replace")


def _html_lang(page: str) -> str | None:
    m = re.search(r"<html[^>]*\blang=[\"']?([A-Za-z-]+)", page[:4096], re.I)
    return m.group(1).lower() if m else None
