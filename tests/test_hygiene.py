"""Text hygiene (blocks, boilerplate, datelines) and the article checks of extract.py."""

from __future__ import annotations

import re
import textwrap

import pytest

from tracker import hygiene, lexicon
from tracker.extract import NotAnArticle, check_article, english_share, extract_html
from tracker.hygiene import MAX_BLOCK_CHARS, Block, blocks, classify
from tracker.lexicon import Lexicon

REPORT = ("The defence minister told reporters in the capital on Monday evening that her government would "
          "support a ceasefire along the current front line if both sides first agreed to an exchange of "
          "prisoners and to international monitors on the ground, a position that officials in the "
          "neighbouring state described as a welcome shift after weeks of silence.")


@pytest.fixture(scope="module")
def lex() -> Lexicon:
    return lexicon.load()


def _check_offsets(text: str, out: list[Block]) -> None:
    for b in out:
        assert text[b.start:b.end] == b.text
        assert len(b.parse_text) == len(b.text)
    assert [b.start for b in out] == sorted(b.start for b in out)


@pytest.mark.parametrize("line, reason", [
    ("By continuing to browse this site you accept our use of cookies and similar tools.", "furniture"),
    ("We value your privacy. Read our privacy policy to learn more.", "furniture"),
    ("Choose your language", "furniture"),
    ("CHOOSE YOUR LANGUAGE", "furniture"),
    ("Select language: English", "furniture"),
    ("Internet news licence No. 4411-2207-88", "furniture"),
    ("Broadcasting license number 20190077", "furniture"),
    ("Firefighters search a damaged apartment block after an overnight strike. /Justin Tallis/Reuters",
     "furniture"),
    ("A delegate walks past flags before the talks began on Tuesday. REUTERS/Kevin Lamarque", "furniture"),
    ("Read more: Ceasefire talks stall", "furniture"),
    ("Read more: Leaders back a truce as envoys meet again.", "furniture"),
    ("Related: Envoys to meet again on the truce", "furniture"),
    ("Related stories: Peacekeepers for the border?", "furniture"),
    ("Sign up for our morning briefing on the war.", "furniture"),
    ("Get the World Today newsletter in your inbox every weekday.", "furniture"),
    ("Subscribe to read the full story on the ceasefire.", "furniture"),
    ("Reporting by Jane Doe; Editing by John Roe", "furniture"),
    ("Advertisement", "furniture"),
    ("Peacekeeping proposition", "heading"),
    ("Kursk battles", "heading"),
    ("Who will send troops", "heading"),
    ("这是一条中文的新闻标题和一些文字", "non_english"),
])
def test_page_furniture_and_headings_are_boilerplate(lex: Lexicon, line: str, reason: str) -> None:
    assert classify(line, lex) == reason


def test_a_handout_via_reuters_credit_is_boilerplate(lex: Lexicon) -> None:
    line = "Soldiers rest near a trench, in this handout picture. Ministry of Defence/Handout via REUTERS"
    assert classify(line, lex) == "furniture"


@pytest.mark.parametrize("line", [
    "The foreign minister said on Tuesday that her government would back a truce if the shelling stopped.",
    "Officials said the talks would resume next week.",
    "\"We are ready to send troops,\" the prime minister said.",
    "Read the proposal in full, the minister urged lawmakers, before rejecting any truce out of hand.",
    "Russia said it had taken two more villages in the border region overnight.",
])
def test_reporting_lines_are_not_boilerplate(lex: Lexicon, line: str) -> None:
    assert classify(line, lex) == ""


def test_blocks_keep_offsets_and_mark_boilerplate(lex: Lexicon) -> None:
    text = ("Envoys back a border truce\n\n"
            "Read more: Ceasefire talks stall\n"
            "  " + REPORT + "\n\n"
            "Sign up for our newsletter on the war.\n"
            "Officials said the talks would resume next week.\n")
    out = blocks(text, lex)
    _check_offsets(text, out)
    assert [(b.boilerplate, b.reason) for b in out] == [
        (True, "heading"), (True, "furniture"), (False, ""), (True, "furniture"), (False, "")]
    assert out[2].text == REPORT                      # leading spaces are not part of the block
    assert out[4].text == "Officials said the talks would resume next week."


def test_a_hard_wrapped_paragraph_becomes_one_block(lex: Lexicon) -> None:
    wrapped = textwrap.fill(REPORT, 72)
    assert wrapped.count("\n") >= 3
    text = wrapped + "\n\nOfficials said the talks would resume next week in the capital.\n"
    out = blocks(text, lex)
    _check_offsets(text, out)
    assert len(out) == 2
    first = out[0]
    assert not first.boilerplate and (first.start, first.end) == (0, len(wrapped))
    assert "\n" in first.text and "\n" not in first.parse_text
    assert first.parse_text == first.text.replace("\n", " ")


def test_furniture_after_a_wrapped_line_stays_apart(lex: Lexicon) -> None:
    lines = textwrap.wrap(REPORT, 72)
    text = "\n".join(lines[:2]) + "\nRead more: Ceasefire talks stall\n" + "\n".join(lines[2:]) + "\n"
    out = blocks(text, lex)
    _check_offsets(text, out)
    assert [b.text for b in out if b.boilerplate] == ["Read more: Ceasefire talks stall"]


def test_a_narrowly_wrapped_paragraph_becomes_one_block(lex: Lexicon) -> None:
    wrapped = textwrap.fill(REPORT, 60)
    text = wrapped + "\n\nOfficials said the talks would resume next week in the capital.\n"
    out = blocks(text, lex)
    assert [(b.start, b.end, b.boilerplate) for b in out][0] == (0, len(wrapped), False)


@pytest.mark.parametrize("dateline", [
    "LONDON, Feb 17 (Reuters) - ",
    "MOSCOW/KYIV, Jan 5 (Reuters) - ",
    "THE HAGUE - ",
    "JEDDAH, Saudi Arabia, March 11 (Reuters) - ",
    "WASHINGTON (AP) \u2014 ",
])
def test_datelines_are_blanked_for_the_parser(lex: Lexicon, dateline: str) -> None:
    body = "Officials said the two sides had agreed to a pause in the fighting along the border."
    text = dateline + body + "\n"
    out = blocks(text, lex)
    _check_offsets(text, out)
    assert len(out) == 1 and not out[0].boilerplate
    assert out[0].text == dateline + body
    assert out[0].parse_text == " " * len(dateline) + body


def test_a_dateline_only_counts_at_the_start_of_a_paragraph(lex: Lexicon) -> None:
    text = "Officials said on Monday that LONDON - the venue - had been agreed for the next round of talks.\n"
    out = blocks(text, lex)
    assert out[0].parse_text == out[0].text


def test_an_over_long_paragraph_is_cut_at_sentence_ends(lex: Lexicon) -> None:
    sentences = [f"In round {i} the delegates met again to argue over the terms of a truce and its monitors."
                 for i in range(150)]
    text = "Intro line for the file.\n" + " ".join(sentences) + "\n"
    out = blocks(text, lex)
    _check_offsets(text, out)
    body = [b for b in out if b.start > 0]
    assert len(body) >= 4
    assert all(len(b.text) < 2600 for b in body)
    assert all(b.text.endswith(".") and b.text[0].isupper() for b in body)   # cut between sentences
    # Together the slices cover the paragraph, losing only the spaces between them.
    assert "".join(b.text for b in body).replace(" ", "") == " ".join(sentences).replace(" ", "")
    # A slice that is not the paragraph's first is never taken for a dateline.
    assert all(b.parse_text == b.text for b in body)


def test_max_block_chars_is_the_documented_bound() -> None:
    assert MAX_BLOCK_CHARS <= 2600
    assert hygiene.blocks("", lexicon.load()) == []


# --- extract.py: is this an article? ------------------------------------------------------------------------

FRENCH = ("Le gouvernement a déclaré mardi qu'il soutiendrait une trêve à condition que les deux camps "
          "acceptent un échange de prisonniers. Les diplomates se sont réunis dans la capitale pendant trois "
          "jours pour discuter des détails du plan, mais aucun accord n'a encore été trouvé sur la "
          "surveillance de la ligne de front. Selon plusieurs sources, les négociations doivent reprendre la "
          "semaine prochaine.")


@pytest.mark.parametrize("text, reason", [
    ("", "empty_text"),
    ("   \n\t ", "empty_text"),
    (FRENCH, "not_english"),
    ("The minister said the talks would resume next week.", "too_short"),
])
def test_check_article_rejects_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(NotAnArticle) as err:
        check_article(text)
    assert err.value.reason == reason
    assert err.value.detail


def test_check_article_accepts_english_reporting_and_honours_a_declared_language() -> None:
    check_article(REPORT)
    check_article(REPORT, language="en-GB")
    with pytest.raises(NotAnArticle) as err:
        check_article(REPORT, language="fr")
    assert err.value.reason == "not_english"
    assert english_share(REPORT) > 0.3 > english_share(FRENCH)


PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Envoys agree to extend border truce</title></head>
<body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>
<li><a href="/sport">Sport</a></li></ul></nav>
<article>
<h1>Envoys agree to extend border truce</h1>
<p>Envoys from the two neighbouring states agreed on Thursday to extend a fragile truce along their shared
border for another thirty days, according to a statement released by the mediators after two days of talks
in a lakeside hotel.</p>
<p>The foreign minister of the larger state told reporters that her government would keep to the truce
as long as the shelling of border villages stopped, and that monitors from the regional bloc would be
welcome.</p>
<p>Her counterpart said his side had never broken the truce and accused the other of moving artillery closer
to the line in recent weeks, a charge that was denied within the hour by the army of the larger state.</p>
</article>
<footer><p>Contact the newsroom | About us | Careers at the paper</p></footer>
</body></html>"""


def test_extract_html_returns_main_text_and_title_without_nav_or_footer() -> None:
    ex = extract_html(PAGE.encode("utf-8"))
    assert ex.title == "Envoys agree to extend border truce"
    assert ex.language == "en"
    assert "agreed on Thursday to extend a fragile truce" in ex.text
    assert "denied within the hour" in ex.text
    for furniture in ("Sport", "Careers at the paper", "Contact the newsroom"):
        assert furniture not in ex.text
    check_article(ex.text)


def test_extract_html_decodes_a_declared_charset() -> None:
    page = PAGE.replace('charset="utf-8"', 'charset="iso-8859-1"').replace("lakeside", "lakeside caf\u00e9")
    ex = extract_html(page.encode("iso-8859-1"))
    assert "lakeside caf\u00e9" in ex.text


@pytest.mark.parametrize("page, reason", [
    ("<html><head><title>Nothing</title></head><body></body></html>", "not_article"),
    ("<html><body><div><p>   </p></div></body></html>", "not_article"),
    ("", "empty_page"),
    (b"   ", "empty_page"),
])
def test_a_page_with_no_text_is_not_an_article(page: str | bytes, reason: str) -> None:
    with pytest.raises(NotAnArticle) as err:
        extract_html(page)
    assert err.value.reason == reason


def test_a_copyright_year_is_not_a_publication_date() -> None:
    page = PAGE.replace("Contact the newsroom", "Copyright 2025 Example News Group. Contact the newsroom")
    assert extract_html(page).date is None


def test_furniture_patterns_match_as_written_whatever_their_case() -> None:
    """The fast paths (anchored patterns tried at the start only, lower-case ones against the lowered
    line) find what one case-insensitive alternation of the same patterns finds."""
    patterns = ["^read more\\b", "\\bnewsletter\\b", "Getty Images", "[A-Z]{2,}/POOL\\b", "\\S+@\\S+\\.com"]
    lines = ["Read more: the talks", "More to read more", "Our NEWSLETTER arrives daily", "photo: getty images",
             "A delegate waits. SMITH/pool", "Write to desk@example.com today", "Nothing to see here"]
    fast = lexicon.LinePatterns.build(patterns)
    slow = re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)
    assert [fast.search(x) for x in lines] == [bool(slow.search(x)) for x in lines]
    assert [fast.search(x) for x in lines] == [True, False, True, True, True, True, False]


def test_a_topic_occurs_as_the_case_insensitive_pattern_finds_it(lex: Lexicon) -> None:
    texts = ["Leaders backed a CEASEFIRE on Monday.", "The Truce holds.", "Peacekeepers may deploy.",
             "Markets rose on Monday.", "A football club signed a striker."]
    assert [lex.topic_occurs(t) for t in texts] == [bool(lex.any_topic.search(t)) for t in texts]
    assert [lex.topic_occurs(t) for t in texts][:2] == [True, True]
    assert not lex.topic_occurs("Markets rose on Monday.")
    with_capitals = lexicon.Occurs(re.compile(r"\bUN\b force", re.IGNORECASE))
    assert with_capitals("an un force") and with_capitals("a UN FORCE")


def test_glued_words_are_cut_where_scraping_joined_them() -> None:
    text, mapping = hygiene._for_parser("PresidentVladimir Putinhas said the ceasefirethat began", True)
    assert text == "President Vladimir Putin has said the ceasefire that began"
    assert len(mapping) == len(text) + 1
    text, mapping = hygiene._for_parser("Trumpwrote on Sundaythat the halt to fightingwith Iran held, somewhat", False)
    assert text == "Trump wrote on Sunday that the halt to fighting with Iran held, somewhat"
    assert len(mapping) == len(text) + 1
    assert hygiene._for_parser("They agreed forthwith on what they had, with that", False)[1] == ()
    text, _ = hygiene._for_parser("in the hours since Tuesday\u2019sabrupt ceasefire, it's quiet", False)
    assert text == "in the hours since Tuesday's abrupt ceasefire, it's quiet"
