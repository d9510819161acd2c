"""Local article files (for backfill and the bundled samples) as Articles, or as reasons to skip.

`tracker ingest PATH...` reads .txt, .html/.htm, .json (one article or a list) and .jsonl (one per
line); a directory is walked recursively in name order. JSON articles carry `text` (or `html`) and
optionally `id`, `url`, `title`, `published`, `source`, `language`. A .txt file may start with header
lines (`Title:`, `URL:`, `Published:`, `Source:`) followed by a blank line. Every unusable item
becomes a Skip with a reason, never an exception: one bad line must not lose a file.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator

from tracker.extract import NotAnArticle, check_article, extract_html
from tracker.models import Article

SUFFIXES = (".txt", ".html", ".htm", ".json", ".jsonl")
MAX_FILE_BYTES = 50 * 1024 * 1024
_HEADER = re.compile(r"^(title|url|published|date|source)\s*:\s*(.+)$", re.I)


@dataclass(frozen=True)
class Skip:
    """An input item that was not turned into an article, and why."""

    item: str
    reason: str
    detail: str = ""


def iter_paths(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path | Skip]:
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and f.suffix.lower() in SUFFIXES:
                    yield f
        elif p.is_file():
            if p.suffix.lower() in SUFFIXES:
                yield p
            else:
                yield Skip(str(p), "unsupported_file", f"suffix {p.suffix!r}; expected one of {', '.join(SUFFIXES)}")
        else:
            yield Skip(str(p), "not_found", "no such file or directory")


def read_paths(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Article | Skip]:
    """Every article in the given files and folders, with a Skip for each unusable item."""
    for p in iter_paths(paths):
        if isinstance(p, Skip):
            yield p
            continue
        try:
            size = p.stat().st_size
        except OSError as exc:
            yield Skip(str(p), "unreadable", str(exc))
            continue
        if size > MAX_FILE_BYTES:
            yield Skip(str(p), "too_large", f"{size} bytes; the limit is {MAX_FILE_BYTES}")
            continue
        suffix = p.suffix.lower()
        if suffix == ".jsonl":
            yield from _read_jsonl(p)
        elif suffix == ".json":
            yield from _read_json(p)
        elif suffix in (".html", ".htm"):
            yield _read_html(p)
        else:
            yield _read_txt(p)


def _mtime(p: Path) -> datetime:
    return datetime.fromtimestamp(p.stat().st_mtime, tz=timezone.utc).replace(tzinfo=None)


def _checked(article: Article, item: str, language: str | None = None) -> Article | Skip:
    try:
        check_article(article.text, language or article.language)
    except NotAnArticle as exc:
        return Skip(item, exc.reason, exc.detail)
    return article


def _read_txt(p: Path) -> Article | Skip:
    try:
        text = p.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return Skip(str(p), "unreadable", str(exc))
    meta: dict[str, str] = {}
    lines = text.splitlines()
    i = 0
    while i < len(lines) and (m := _HEADER.match(lines[i].strip())):
        meta[m.group(1).lower()] = m.group(2).strip()
        i += 1
    if meta and i < len(lines) and not lines[i].strip():
        text = "\n".join(lines[i + 1:])
    else:
        meta = {}
    published = meta.get("published") or meta.get("date") or _mtime(p)
    try:
        article = Article.build(text, url=meta.get("url"), title=meta.get("title"), source=meta.get("source"),
                                published=published)
    except ValueError as exc:
        return Skip(str(p), "bad_date", str(exc))
    return _checked(article, str(p))


def _read_html(p: Path) -> Article | Skip:
    try:
        raw = p.read_bytes()
        ex = extract_html(raw)
    except OSError as exc:
        return Skip(str(p), "unreadable", str(exc))
    except NotAnArticle as exc:
        return Skip(str(p), exc.reason, exc.detail)
    try:
        article = Article.build(ex.text, title=ex.title, published=ex.date or _mtime(p), language=ex.language)
    except ValueError as exc:
        return Skip(str(p), "bad_date", str(exc))
    return _checked(article, str(p))


def from_record(obj: Any, item: str, keep_id: bool = False, strict: bool = True) -> Article | Skip:
    """An article from a JSON object (the `tracker score` and `tracker ingest` input format).

    The record's `id` is kept as the article's input_id; keep_id also uses it as the article id
    (what `tracker score` reports back), where ingestion derives the id from the URL. strict
    also rejects articles that are too short or not English (ingestion), where lenient scoring only
    needs text and a date.
    """
    if not isinstance(obj, dict):
        return Skip(item, "bad_record", f"expected a JSON object, got {type(obj).__name__}")
    text = obj.get("text")
    if not text and obj.get("html"):
        try:
            ex = extract_html(str(obj["html"]), url=obj.get("url"))
        except NotAnArticle as exc:
            return Skip(item, exc.reason, exc.detail)
        text = ex.text
        obj = {**obj, "title": obj.get("title") or ex.title, "published": obj.get("published") or ex.date}
    if not isinstance(text, str) or not text.strip():
        return Skip(item, "empty_text", "the record has no 'text' (or 'html')")
    input_id = str(obj["id"]) if obj.get("id") not in (None, "") else None
    try:
        article = Article.build(text, url=obj.get("url") or None, title=obj.get("title"), source=obj.get("source"),
                                published=obj.get("published") or obj.get("date"), language=obj.get("language"),
                                article_id=input_id if keep_id else None, input_id=input_id)
    except (ValueError, TypeError) as exc:
        return Skip(item, "bad_date", f"published {obj.get('published')!r}: {exc}")
    if article.published_at is None:
        return Skip(item, "no_date", "the record has no 'published' date (offices are resolved on it)")
    if not strict:
        return article
    return _checked(article, item, obj.get("language"))


def _read_jsonl(p: Path) -> Iterator[Article | Skip]:
    try:
        fh = p.open(encoding="utf-8", errors="replace")
    except OSError as exc:
        yield Skip(str(p), "unreadable", str(exc))
        return
    with fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            item = f"{p}:{lineno}"
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                yield Skip(item, "bad_json", str(exc))
                continue
            yield from_record(obj, item)


def _read_json(p: Path) -> Iterator[Article | Skip]:
    try:
        data = json.loads(p.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        yield Skip(str(p), "bad_json", str(exc))
        return
    items = data if isinstance(data, list) else [data]
    for i, obj in enumerate(items):
        yield from_record(obj, f"{p}[{i}]" if isinstance(data, list) else str(p))
