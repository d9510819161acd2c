"""Pure: feed bytes to entries. RSS 0.9x/1.0/2.0 and Atom through feedparser, JSON Feed by hand.

feedparser is used only as a parser of bytes (its own fetcher is never called: the network belongs
to tracker/fetch.py). A feed that does not parse, or a page that is not a feed, raises FeedError
with a reason code, so the caller can count it and back off.
"""

from __future__ import annotations

import calendar
import html
import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from tracker.models import to_utc


class FeedError(Exception):
    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Entry:
    """One feed item: where the article is, when it was published, and any text the feed carries."""

    link: str | None
    title: str | None
    published: datetime | None
    content: str            # plain text of the entry's content or summary ("" when none)
    entry_id: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class Feed:
    kind: str               # rss, atom, json
    title: str | None
    language: str | None
    entries: tuple[Entry, ...]
    warning: str | None = None   # the feed was malformed but feedparser recovered entries


_BLOCK_END = re.compile(r"(?i)</(p|div|h[1-6]|li|blockquote|section|article)>|<br\s*/?>")
_TAG = re.compile(r"(?s)<[^>]+>")


def html_to_text(fragment: str) -> str:
    """Text of an HTML fragment with paragraphs kept as blank-line-separated blocks."""
    if "<" not in fragment:
        return html.unescape(fragment).strip()
    text = _BLOCK_END.sub("\n\n", fragment)
    text = html.unescape(_TAG.sub("", text))
    paras = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)]
    return "\n\n".join(p for p in paras if p)


def parse(body: bytes, content_type: str = "") -> Feed:
    """Entries of a feed document; FeedError when the bytes are not a readable feed."""
    head = body.lstrip()[:1]
    if "json" in content_type or head in (b"{", b"["):
        return _json_feed(body)
    return _xml_feed(body)


def _json_feed(body: bytes) -> Feed:
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FeedError("bad_feed", f"not valid JSON: {exc}") from None
    if not isinstance(data, dict) or "jsonfeed.org" not in str(data.get("version", "")):
        raise FeedError("not_a_feed", "JSON without a JSON Feed version")
    items = data.get("items")
    if not isinstance(items, list):
        raise FeedError("bad_feed", "a JSON Feed needs an items list")
    lang = data.get("language")
    entries = []
    for it in items:
        if not isinstance(it, dict):
            continue
        content = it.get("content_text") or html_to_text(it.get("content_html") or "") or \
            html_to_text(it.get("summary") or "")
        try:
            published = to_utc(it.get("date_published") or it.get("date_modified"))
        except ValueError:
            published = None
        entries.append(Entry(link=it.get("url") or it.get("external_url"), title=it.get("title"),
                             published=published, content=content or "", entry_id=str(it.get("id") or "") or None,
                             language=it.get("language") or lang))
    return Feed("json", data.get("title"), lang, tuple(entries))


_SLASHED = re.compile(r"\b([A-Za-z][A-Za-z0-9+.-]*://)(/+)([^\s\"'<>]*)")


def _links_as_given(body: bytes) -> dict[str, str]:
    """feedparser drops the slashes after `scheme://` (`file:///etc/passwd` becomes `file://etc/passwd`);
    map what it returns back to the URL as the feed wrote it, so a refused item is recorded as given."""
    text = body.decode("utf-8", "ignore")
    return {m.group(1) + m.group(3): m.group(0) for m in _SLASHED.finditer(text)}


def _xml_feed(body: bytes) -> Feed:
    import feedparser

    parsed: Any = feedparser.parse(body)
    version = parsed.get("version") or ""
    if not version:
        text = body[:2048].decode("utf-8", "ignore").lower()
        if "<html" in text or "<!doctype html" in text:
            raise FeedError("not_a_feed", "an HTML page, not RSS, Atom or JSON Feed")
        problem = parsed.get("bozo_exception")
        raise FeedError("bad_feed", f"not a readable feed ({type(problem).__name__ if problem else 'unknown format'}"
                                    f"{': ' + str(problem) if problem else ''})")
    usable = [e for e in parsed.entries if e.get("link")]
    if parsed.get("bozo") and not usable:
        raise FeedError("bad_feed", f"broken XML: {parsed.get('bozo_exception')}")
    feed_info = parsed.get("feed", {})
    lang = feed_info.get("language")
    as_given = _links_as_given(body)
    entries = []
    for e in parsed.entries:
        content = ""
        for c in e.get("content", []) or []:
            value = c.get("value") or ""
            if len(value) > len(content):
                content = value
        if not content:
            content = e.get("summary") or ""
        stamp = e.get("published_parsed") or e.get("updated_parsed")
        published = datetime.fromtimestamp(calendar.timegm(stamp), tz=timezone.utc).replace(tzinfo=None) if stamp else None
        link = e.get("link")
        entries.append(Entry(link=as_given.get(link, link) if link else link, title=e.get("title"), published=published,
                             content=html_to_text(content), entry_id=e.get("id"), language=lang))
    kind = "atom" if version.startswith("atom") else "rss"
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    return Feed(kind, feed_info.get("title"), lang, tuple(entries),
                warning=f"malformed feed, read what could be read: {problem}" if problem else None)
