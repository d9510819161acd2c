"""The stance engine: from an article's text and date to stance statements.

How a statement is found, in the order the code runs (each step a module of this package):

1. scorer: hygiene splits the text into blocks (paragraphs) and sets page furniture aside; a cheap
   keyword pass finds the blocks that mention a topic, and only those and the one before each are
   parsed, a batch of articles in one nlp.pipe.
2. mentions: gazetteer names anywhere in the article, and the persons the parser finds in the
   parsed blocks, are what pronouns, titles and metonyms refer back to (reading.Context). One parsed
   block with all that travels through the stages as a reading.Reading.
3. topics: the topic terms of a sentence that mean the topic (troop talk only when it is about
   peacekeeping).
4. climb and polarity: from each topic mention up the dependency parse to the predicate that takes
   a side ("agree to", "rejected", "ready to send", "ruled out"), through named rules applied in
   order, counting negations and noting hedges, demands and the clause's speaker; constructions
   covers stances told without such a predicate (threats, relative clauses, noun phrases).
5. modality: conditions and hedges, and the conditions that turn the side (SPEC).
6. holders and speakers: the holder is the one the article attributes the stance to: the speaker
   of the clause or quote when the clause is theirs (their own country, "we", a demand they make of
   others), the subject when the speaker reports another party's position. Targets of demands never
   hold a stance. Names resolve through the gazetteer on the article's date.
7. candidates joins 3-6 per topic mention; assemble turns the candidates into Statement rows.

The rules are general (parse relations and lexicon classes), never tied to particular sentences.
The word lists they read are data (tracker/data/lexicon.toml); RULES_VERSION is a digest of this
package's sources, so any rule change changes the scorer version.
"""

from tracker.stance.assemble import MODALITY_WEIGHT, Candidate
from tracker.stance.reading import Context, Mention, Reading
from tracker.stance.scorer import Plan, Scorer
from tracker.stance.version import RULES_VERSION

__all__ = ["MODALITY_WEIGHT", "RULES_VERSION", "Candidate", "Context", "Mention", "Plan", "Reading", "Scorer"]
