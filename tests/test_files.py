"""Local article files: every good article comes out as an Article, every bad item as a Skip with a reason."""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from pathlib import Path

import pytest

from tracker import files
from tracker.files import Skip, from_record, iter_paths, read_paths
from tracker.models import Article

BODY = ("The foreign minister said on Tuesday that her government would support a ceasefire along the "
        "current front line if both sides agreed to an exchange of prisoners, and that monitors from a "
        "regional bloc would be welcome to check that the guns stayed silent over the coming weeks.")
OTHER = ("Envoys from the two neighbouring states agreed to extend a fragile truce along their shared border "
         "for another thirty days, according to a statement released by the mediators after two days of "
         "talks in a lakeside hotel, and both armies were told to pull their heavy guns back from the line.")
FRENCH = ("Le gouvernement a déclaré mardi qu'il soutiendrait une trêve à condition que les deux camps "
          "acceptent un échange de prisonniers. Les diplomates se sont réunis dans la capitale pendant trois "
          "jours pour discuter des détails du plan.")
MTIME = datetime(2025, 2, 14, 9, 30)


def _write(path: Path, text: str, mtime: datetime = MTIME) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    ts = mtime.replace(tzinfo=timezone.utc).timestamp()
    os.utime(path, (ts, ts))
    return path


def _by_item(out: list[Article | Skip]) -> dict[str, Skip]:
    return {s.item: s for s in out if isinstance(s, Skip)}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "in"
    _write(root / "a_plain.txt", BODY + "\n")
    _write(root / "b_header.txt",
           "Title: Minister backs a border truce\n"
           "URL: https://News.Example.com/world/truce/?utm_source=feed&id=7\n"
           "Published: 2025-03-04T10:00:00+01:00\n"
           "Source: example-news\n"
           "\n" + BODY + "\n")
    _write(root / "c_one.json", json.dumps({"title": "One", "url": "https://wire.example/one",
                                            "published": "2025-02-01", "text": OTHER}))
    _write(root / "d_list.json", json.dumps([
        {"title": "First", "url": "https://wire.example/l0", "published": "2025-02-02T08:00:00Z",
         "text": BODY},
        "not an object",
        {"title": "Third", "url": "https://wire.example/l2", "published": "yesterday", "text": OTHER},
    ]))
    _write(root / "e_feed.jsonl", "\n".join([
        json.dumps({"url": "https://wire.example/j1", "published": "2025-02-05", "title": "J1",
                    "text": BODY}),
        "{broken json",
        json.dumps({"url": "https://wire.example/j3", "published": "2025-02-05"}),
        json.dumps({"url": "https://wire.example/j4", "text": OTHER}),
        json.dumps({"url": "https://wire.example/j5", "published": "2025-02-05", "text": FRENCH}),
        "",
        json.dumps({"url": "https://wire.example/j7", "published": "2025-02-06",
                    "text": "Too short to count."}),
    ]) + "\n")
    _write(root / "notes.csv", "a,b\n1,2\n")
    _write(root / "z_sub" / "page.html",
           "<html lang='en'><head><title>Envoys extend the truce</title></head><body>"
           "<nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
           f"<article><h1>Envoys extend the truce</h1><p>{OTHER}</p><p>{BODY}</p></article>"
           "<footer>Contact the newsroom</footer></body></html>")
    return root


def test_a_folder_is_read_in_name_order_with_every_item_accounted_for(folder: Path) -> None:
    out = list(read_paths([folder]))
    kinds = [(type(x).__name__, x.title if isinstance(x, Article) else x.reason) for x in out]
    assert kinds == [
        ("Article", None),                                   # a_plain.txt
        ("Article", "Minister backs a border truce"),        # b_header.txt
        ("Article", "One"),                                  # c_one.json
        ("Article", "First"),                                # d_list.json[0]
        ("Skip", "bad_record"),                              # d_list.json[1]
        ("Skip", "bad_date"),                                # d_list.json[2]
        ("Article", "J1"),                                   # e_feed.jsonl:1
        ("Skip", "bad_json"),                                # e_feed.jsonl:2
        ("Skip", "empty_text"),                              # e_feed.jsonl:3
        ("Skip", "no_date"),                                 # e_feed.jsonl:4
        ("Skip", "not_english"),                             # e_feed.jsonl:5
        ("Skip", "too_short"),                               # e_feed.jsonl:7
        ("Article", "Envoys extend the truce"),              # z_sub/page.html
    ]


def test_txt_without_a_header_is_dated_by_its_file(folder: Path) -> None:
    art = next(iter(read_paths([folder / "a_plain.txt"])))
    assert isinstance(art, Article)
    assert art.text == BODY + "\n" and art.url is None and art.title is None and art.source is None
    assert art.published_at == MTIME


def test_txt_header_gives_title_url_source_and_date(folder: Path) -> None:
    art = next(iter(read_paths([folder / "b_header.txt"])))
    assert isinstance(art, Article)
    assert art.title == "Minister backs a border truce"
    assert art.url == "https://news.example.com/world/truce?id=7"          # canonical: no tracking, no slash
    assert art.source == "example-news"
    assert art.published_at == datetime(2025, 3, 4, 9, 0)                 # UTC
    assert art.text.strip() == BODY and "Title:" not in art.text


def test_txt_header_lines_need_a_blank_line_after_them(tmp_path: Path) -> None:
    path = _write(tmp_path / "x.txt", "Title: Not a header\n" + BODY + "\n")
    art = next(iter(read_paths([path])))
    assert isinstance(art, Article)
    assert art.title is None and art.text.startswith("Title: Not a header")


def test_txt_with_a_bad_date_header_is_skipped(tmp_path: Path) -> None:
    path = _write(tmp_path / "x.txt", "Published: last Tuesday\n\n" + BODY + "\n")
    [skip] = list(read_paths([path]))
    assert isinstance(skip, Skip) and skip.reason == "bad_date" and skip.item == str(path)


def test_json_object_and_list(folder: Path) -> None:
    [one] = list(read_paths([folder / "c_one.json"]))
    assert isinstance(one, Article)
    assert (one.title, one.url, one.source, one.published_at) == (
        "One", "https://wire.example/one", "wire.example", datetime(2025, 2, 1))
    out = list(read_paths([folder / "d_list.json"]))
    first = out[0]
    assert isinstance(first, Article)
    assert (first.title, first.url, first.published_at) == ("First", "https://wire.example/l0",
                                                            datetime(2025, 2, 2, 8, 0))
    skips = _by_item(out)
    assert skips[f"{folder / 'd_list.json'}[1]"].reason == "bad_record"
    assert skips[f"{folder / 'd_list.json'}[2]"].reason == "bad_date"


def test_jsonl_skips_name_file_and_line(folder: Path) -> None:
    path = folder / "e_feed.jsonl"
    out = list(read_paths([path]))
    articles = [x for x in out if isinstance(x, Article)]
    assert [(a.title, a.url, a.published_at) for a in articles] == [
        ("J1", "https://wire.example/j1", datetime(2025, 2, 5))]
    assert {item: s.reason for item, s in _by_item(out).items()} == {
        f"{path}:2": "bad_json",
        f"{path}:3": "empty_text",
        f"{path}:4": "no_date",
        f"{path}:5": "not_english",
        f"{path}:7": "too_short",
    }
    assert all(s.detail for s in _by_item(out).values())


def test_a_broken_json_file_is_one_skip(tmp_path: Path) -> None:
    path = _write(tmp_path / "x.json", "[{\"text\": ")
    assert [(s.item, s.reason) for s in read_paths([path])] == [(str(path), "bad_json")]


def test_html_file_gives_main_text_and_title(folder: Path) -> None:
    [art] = list(read_paths([folder / "z_sub" / "page.html"]))
    assert isinstance(art, Article)
    assert art.title == "Envoys extend the truce"
    assert "agreed to extend a fragile truce" in art.text and "support a ceasefire" in art.text
    assert "Home" not in art.text and "Contact the newsroom" not in art.text
    assert art.published_at == MTIME and art.language == "en"


def test_an_html_page_without_text_is_skipped(tmp_path: Path) -> None:
    path = _write(tmp_path / "empty.html", "<html><head><title>Menu</title></head><body></body></html>")
    assert [(s.item, s.reason) for s in read_paths([path])] == [(str(path), "not_article")]


def test_unsupported_and_missing_paths_are_skips(folder: Path) -> None:
    csv, missing = folder / "notes.csv", folder / "nope.txt"
    out = list(read_paths([csv, missing]))
    assert [(s.item, s.reason) for s in out] == [(str(csv), "unsupported_file"), (str(missing), "not_found")]
    # Inside a walked folder, files of other kinds are simply not articles.
    assert all(not str(p).endswith(".csv") for p in iter_paths([folder]))


def test_a_directory_is_walked_recursively_in_name_order(tmp_path: Path) -> None:
    for rel in ("c.txt", "a.txt", "b/z.txt", "b/a/deep.txt", "B.txt"):
        _write(tmp_path / "walk" / rel, BODY)
    found = [p.relative_to(tmp_path / "walk").as_posix() for p in iter_paths([tmp_path / "walk"])]
    assert found == ["B.txt", "a.txt", "b/a/deep.txt", "b/z.txt", "c.txt"]


def test_the_same_url_gives_the_same_article_id(tmp_path: Path) -> None:
    path = _write(tmp_path / "dup.jsonl", "\n".join([
        json.dumps({"url": "https://Wire.example/story/?utm_source=rss", "published": "2025-02-05",
                    "text": BODY}),
        json.dumps({"url": "https://wire.example/story#top", "published": "2025-02-06", "text": OTHER}),
        json.dumps({"url": "https://wire.example/another", "published": "2025-02-06", "text": BODY}),
    ]) + "\n")
    a, b, c = list(read_paths([path]))
    assert isinstance(a, Article) and isinstance(b, Article) and isinstance(c, Article)
    assert a.article_id == b.article_id != c.article_id
    # Without a URL the id comes from the text, ignoring spacing.
    t1 = from_record({"published": "2025-02-05", "text": BODY}, "x")
    t2 = from_record({"published": "2025-02-07", "text": "  " + BODY.replace(" ", "  ")}, "y")
    assert isinstance(t1, Article) and isinstance(t2, Article)
    assert t1.article_id == t2.article_id != a.article_id


def test_from_record_options() -> None:
    record = {"id": "art-9", "published": "2025-02-05", "text": "A short note about a truce."}
    assert isinstance(from_record(record, "x"), Skip)                     # strict: too short
    lenient = from_record(record, "x", keep_id=True, strict=False)
    assert isinstance(lenient, Article) and lenient.article_id == "art-9"
    declared = from_record({**record, "text": BODY, "language": "de"}, "x")
    assert isinstance(declared, Skip) and declared.reason == "not_english"


def test_a_record_may_carry_html_instead_of_text() -> None:
    html = f"<html><head><title>From HTML</title></head><body><article><p>{BODY}</p></article></body></html>"
    art = from_record({"html": html, "published": "2025-02-05"}, "x")
    assert isinstance(art, Article)
    assert art.title == "From HTML" and "support a ceasefire" in art.text


def test_an_oversized_file_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path / "big.txt", BODY)
    monkeypatch.setattr(files, "MAX_FILE_BYTES", 10)
    assert [(s.item, s.reason) for s in read_paths([path])] == [(str(path), "too_large")]
