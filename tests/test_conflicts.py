"""The conflict registry: which war a sentence is about, from the names in and around it."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from tracker import conflicts
from tracker.conflicts import UNKNOWN, Registry
from tracker.errors import DataFileError
from tracker.pipeline import Runtime

ON = date(2025, 6, 1)


@pytest.fixture(scope="module")
def reg(runtime: Runtime) -> Registry:
    return runtime.registry


@pytest.fixture(scope="module")
def known(runtime: Runtime) -> set[str]:
    g = runtime.gazetteer
    return {s.actor_id for s in g.states.values()} | set(g.orgs)


def test_at_least_twelve_conflicts_with_known_parties(reg: Registry, known: set[str]) -> None:
    assert len(reg.conflicts) >= 12
    for needed in ("russia-ukraine", "israel-hamas", "israel-hezbollah", "israel-iran", "india-pakistan",
                   "drc-m23", "sudan"):
        assert needed in reg.conflicts
    for c in reg.conflicts.values():
        assert c.parties and set(c.parties) <= known, c.conflict_id
        assert c.strong, c.conflict_id


@pytest.mark.parametrize("sentence, conflict", [
    ("Shelling continued overnight near Kursk, the regional governor said.", "russia-ukraine"),
    ("Aid trucks queued at the crossing into Rafah for a third day.", "israel-hamas"),
    ("Rebel fighters tightened their grip on Goma on Sunday.", "drc-m23"),
    ("Villagers along the border in Kashmir fled to shelters.", "india-pakistan"),
    ("Troops were to withdraw south of the Litani within sixty days.", "israel-hezbollah"),
    ("Hezbollah said it would hold its fire while talks went on.", "israel-hezbollah"),
    ("Residents of Tehran reported explosions before dawn.", "israel-iran"),
    ("Inspectors have not been able to visit Fordow since the strikes.", "israel-iran"),
    ("Food stocks ran out in El Fasher after months of siege.", "sudan"),
])
def test_a_sentence_names_its_conflict(reg: Registry, sentence: str, conflict: str) -> None:
    assert reg.infer(sentence, on=ON) == conflict


def test_matching_is_on_whole_words_and_case_sensitive(reg: Registry) -> None:
    assert reg.infer("The kursk of history is long.", on=ON) == UNKNOWN
    assert reg.infer("Gomalands and Rafahville are not real places.", on=ON) == UNKNOWN


def test_a_sentence_without_names_takes_the_conflict_of_its_neighbours(reg: Registry) -> None:
    sentence = "The truce held for a second night, officials said."
    assert reg.infer(sentence, on=ON) == UNKNOWN
    assert reg.infer(sentence, around=["Drones struck Sumy late on Monday."], on=ON) == "russia-ukraine"
    assert reg.infer(sentence, around=["Convoys finally reached Khartoum."], on=ON) == "sudan"


def test_names_in_the_sentence_outweigh_those_around_it(reg: Registry) -> None:
    sentence = "Jets struck a depot near Tehran, the army said."
    assert reg.infer(sentence, around=["Earlier, shells fell in Rafah."], on=ON) == "israel-iran"


def test_falls_back_to_the_articles_dominant_conflict_else_unknown(reg: Registry) -> None:
    sentence = "Both sides said they were ready to talk."
    assert reg.infer(sentence, around=["Nothing else was said."], article_conflict="sudan", on=ON) == "sudan"
    assert reg.infer(sentence, around=["Nothing else was said."], on=ON) == UNKNOWN


def test_a_shared_party_alone_does_not_pick_an_israel_conflict(reg: Registry) -> None:
    for sentence in ("Israel said it would respond at a time of its choosing.",
                     "Israeli officials declined to comment on the report."):
        scores = reg.scores(sentence, ON)
        assert {"israel-hamas", "israel-hezbollah", "israel-iran"} <= set(scores)
        assert reg.infer(sentence, on=ON) == UNKNOWN
    # With a pointer nearby, or the article's conflict, it does.
    assert reg.infer("Israel said it would respond.", around=["Gunmen from Hamas fired from a tunnel."],
                     on=ON) == "israel-hamas"
    assert reg.infer("Israel said it would respond.", article_conflict="israel-iran", on=ON) == "israel-iran"


def test_a_conflict_is_no_candidate_long_before_it_began(reg: Registry) -> None:
    # india-pakistan: since = 2025-04-22, a candidate from a year before.
    assert reg.infer("Villagers in Kashmir fled.", on=date(2023, 1, 1)) == UNKNOWN
    assert reg.infer("Villagers in Kashmir fled.", on=date(2024, 6, 1)) == "india-pakistan"
    assert reg.infer("Villagers in Kashmir fled.") == "india-pakistan"       # no date: every conflict counts


def test_dominant_needs_a_clear_leader(reg: Registry) -> None:
    text = "Drones hit Sumy. Kharkiv was shelled. In Gaza, aid was blocked."
    assert reg.dominant(text, on=ON) == "russia-ukraine"
    assert reg.dominant("Drones hit Sumy. Aid was blocked in Gaza.", on=ON) == UNKNOWN
    assert reg.dominant("Aid was blocked.", title="Strikes on Kharkiv", on=ON) == "russia-ukraine"
    assert reg.dominant("Nothing to see here.", on=ON) == UNKNOWN


def test_rows_list_every_conflict_with_keywords(reg: Registry) -> None:
    rows = reg.rows()
    assert {r["conflict_id"] for r in rows} == set(reg.conflicts)
    ru = next(r for r in rows if r["conflict_id"] == "russia-ukraine")
    assert "Kursk" in ru["keywords"] and ru["since"] == date(2022, 2, 24) and "state:RUS" in ru["parties"]


# --- user files ---------------------------------------------------------------------------------------------

def _toml(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("name, text, line, words", [
    ("bad_id.toml", '# mine\n\n[[conflict]]\nid = "Lake War"\nname = "Lake war"\nparties = ["state:THA"]\n',
     4, "bad id 'Lake War'"),
    ("party.toml", '[[conflict]]\nid = "lake-war"\nname = "Lake war"\nparties = ["state:THA", "state:ZZZ"]\n',
     2, "state:ZZZ"),
    ("key.toml", '[[conflict]]\nid = "lake-war"\nname = "Lake war"\nparties = ["state:THA"]\n'
                 'keywords = ["x"]\n',
     2, "unknown key(s) keywords"),
    ("date.toml", '[[conflict]]\nid = "lake-war"\nname = "Lake war"\nparties = ["state:THA"]\n'
                  'since = "2025-02-30"\n',
     2, "since '2025-02-30'"),
    ("noname.toml", '\n[[conflict]]\nid = "lake-war"\nparties = ["state:THA"]\n', 3, "needs a name"),
    ("list.toml", '[[conflict]]\nid = "lake-war"\nname = "Lake war"\nplaces = "Lakeside"\n', 2,
     "must be a list of strings"),
])
def test_bad_conflict_files_fail_naming_file_and_line(tmp_path: Path, known: set[str], name: str, text: str,
                                                       line: int, words: str) -> None:
    with pytest.raises(DataFileError) as err:
        conflicts.load([_toml(tmp_path, name, text)], known_actors=known)
    assert f"{name}:{line}" in str(err.value)
    assert words in str(err.value)


def test_unparseable_or_missing_conflict_files(tmp_path: Path, known: set[str]) -> None:
    with pytest.raises(DataFileError, match="not valid TOML"):
        conflicts.load([_toml(tmp_path, "broken.toml", "this is = = not toml")], known_actors=known)
    with pytest.raises(DataFileError, match="expected \\[\\[conflict\\]\\] tables"):
        conflicts.load([_toml(tmp_path, "empty.toml", "title = 'nothing'\n")], known_actors=known)
    with pytest.raises(DataFileError, match="not found"):
        conflicts.load([tmp_path / "absent.toml"], known_actors=known)


def test_unknown_party_message_reads_as_english(tmp_path: Path, known: set[str]) -> None:
    path = _toml(tmp_path, "party.toml",
                 '[[conflict]]\nid = "lake-war"\nname = "Lake war"\nparties = ["state:THA", "state:ZZZ"]\n')
    with pytest.raises(DataFileError) as err:
        conflicts.load([path], known_actors=known)
    assert "unknown party state:ZZZ" in str(err.value)


def test_a_user_file_adds_conflicts_and_replaces_one_by_id(tmp_path: Path, known: set[str]) -> None:
    path = _toml(tmp_path, "mine.toml", (
        '[[conflict]]\nid = "lake-war"\nname = "Lake war"\nparties = ["state:THA", "state:KHM"]\n'
        'since = 2025-02-01\nplaces = ["Lakeside Gorge"]\nactors = ["Thai"]\n\n'
        '[[conflict]]\nid = "sudan"\nname = "Sudan, my way"\nparties = ["state:SDN"]\n'
        'places = ["Gorge of Tears"]\n'))
    reg = conflicts.load([path], known_actors=known)
    assert reg.infer("Artillery fell on Lakeside Gorge.", on=ON) == "lake-war"
    assert reg.conflicts["lake-war"].since == date(2025, 2, 1)
    assert reg.conflicts["sudan"].name == "Sudan, my way"
    assert reg.infer("Food ran out in El Fasher.", on=ON) == UNKNOWN    # the packaged names were replaced
    assert reg.infer("Food ran out in the Gorge of Tears.", on=ON) == "sudan"
    assert reg.infer("Shelling continued near Kursk.", on=ON) == "russia-ukraine"


def test_an_edited_user_conflicts_file_is_reloaded(tmp_path: Path, known: set[str]) -> None:
    path = _toml(tmp_path, "mine.toml", '[[conflict]]\nid = "lake-war"\nname = "Lake war"\n'
                                        'parties = ["state:THA"]\nplaces = ["Lakeside"]\n')
    assert conflicts.load([path], known_actors=known).infer("Lakeside", on=ON) == "lake-war"
    path.write_text('[[conflict]]\nid = "hill-war"\nname = "Hill war"\nparties = ["state:THA"]\n'
                    'places = ["Hillside"]\n', "utf-8")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    assert conflicts.load([path], known_actors=known).infer("Hillside", on=ON) == "hill-war"
