"""Features of a candidate: what a reader looks at to tell whose stance a sentence carries, and which.

Sparse string features, grouped by prefix:
- `h*`   the holder: kind, how it was found, its dependency relation and head ("nsubj", "say")
- `t*`   the topic reference: how it was found, its relation and the words it hangs from
- `p*`   the dependency path between holder and topic: relations, the lemmas on the topic's side,
         the lowest common head, and the lexicon classes of the words on it
- `c*`   the lexicon classes of the sentence (negation, hedge, condition, demand, support, oppose...)
- `w*`   the sentence's lemmas (a bag of words), `b*` the lemmas between holder and topic
- `x*`   the setting: quotes, questions, contrast, past-time words, other holders

The rules' own verdict is deliberately not a feature: it would tie the model to the rules' mistakes
exactly where the rules are weak (unseen outlets), which is where the model is meant to help.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tracker.lexicon import Lexicon
from tracker.stance.learned.resources import DecideData

_MAX_PATH = 6


def _classes(lemma: str, lex: Lexicon) -> list[str]:
    out = []
    for name, words in (("support", lex.support_verbs), ("oppose", lex.oppose_verbs), ("speech", lex.speech_verbs),
                        ("sadj", lex.support_adjectives), ("oadj", lex.oppose_adjectives),
                        ("snoun", lex.support_nouns), ("onoun", lex.oppose_nouns), ("demand", lex.demand_verbs),
                        ("epistemic", lex.epistemic_verbs), ("accuse", lex.accusation_verbs),
                        ("neg", lex.negation_words), ("hedge", lex.hedge_words),
                        ("evalpos", lex.positive_words), ("evalneg", lex.negative_words)):
        if lemma in words:
            out.append(name)
    return out


def _up(tok: Any) -> list[Any]:
    chain = [tok]
    while chain[-1].head.i != chain[-1].i and len(chain) < 30:
        chain.append(chain[-1].head)
    return chain


def _path(a: Any, b: Any) -> tuple[list[Any], list[Any], Any]:
    """Tokens from a up to (not including) the lowest common head, the same from b, and that head."""
    ua, ub = _up(a), _up(b)
    ids_b = {t.i: k for k, t in enumerate(ub)}
    for k, t in enumerate(ua):
        if t.i in ids_b:
            return ua[:k], ub[:ids_b[t.i]], t
    return ua, ub, ua[-1]


def _lemma(tok: Any) -> str:
    return tok.lemma_.lower()


def features(span: Any, holder: Any, ref: Any, refs: Sequence[Any], holders: Sequence[Any], lex: Lexicon,
             data: DecideData) -> list[str]:
    h, t = holder.tok, ref.tok
    f = [f"h:{holder.holder.kind}", f"h:{holder.how}", f"hdep:{h.dep_}", f"hhead:{_lemma(h.head)}",
         f"hheaddep:{h.dep_}>{_lemma(h.head)}", f"t:{ref.topic}", f"tvia:{ref.via}", f"tterm:{ref.term}",
         f"tdep:{t.dep_}", f"thead:{_lemma(t.head)}", f"thead2:{_lemma(t.head.head)}",
         f"ttopic_via:{ref.topic}|{ref.via}"]
    if ref.via == "anaphor":
        f += [f"tback:{min(ref.back, 3)}", f"techo:{ref.echoed}"]
    f += _path_features(h, t, lex)
    f += _sentence_features(span, lex, data)
    f += _between(span, h, t)
    f += _setting(span, holder, ref, refs, holders)
    return f


def _path_features(h: Any, t: Any, lex: Lexicon) -> list[str]:
    hp, tp, top = _path(h, t)
    f = [f"plca:{_lemma(top)}", f"plcapos:{top.pos_}",
         "pdeps:" + ">".join(x.dep_ for x in hp[:_MAX_PATH]) + "|" + ">".join(x.dep_ for x in tp[:_MAX_PATH]),
         f"plen:{min(len(hp) + len(tp), 8)}"]
    if top.i == h.i:
        f.append("p:holder_dominates")
    for x in tp[1:_MAX_PATH] + [top]:
        lem = _lemma(x)
        f.append(f"pt:{lem}")
        f += [f"ptc:{c}" for c in _classes(lem, lex)]
        for c in x.children:
            if c.dep_ == "neg" or c.lower_ in lex.negation_words:
                f.append(f"pneg:{lem}")
            if c.dep_ == "aux" and c.lower_ in ("could", "may", "might", "would", "will", "should", "must"):
                f.append(f"paux:{c.lower_}")
    for x in hp[1:_MAX_PATH]:
        f.append(f"ph:{_lemma(x)}")
    # The words of the clause that joins holder and topic (the common head's own subtree, without
    # other clauses hung on it), and the negations and modals in it.
    for x in top.subtree:
        if x.is_alpha and (x.head.i == top.i or x.i == top.i or x.head in tp or x in tp):
            lem = _lemma(x)
            f.append(f"lw:{lem}")
            if x.dep_ == "neg" or lem in lex.negation_words:
                f.append("lneg")
    return f


def _sentence_features(span: Any, lex: Lexicon, data: DecideData) -> list[str]:
    f = []
    text = span.text
    negs = 0
    for tok in span:
        if not tok.is_alpha:
            continue
        lem = _lemma(tok)
        f.append(f"w:{lem}")
        for c in _classes(lem, lex):
            f.append(f"c:{c}")
        if tok.dep_ == "neg":
            negs += 1
    f.append(f"cneg:{min(negs, 2)}")
    if lex.conditional_regex.search(text):
        f.append("c:cond")
    if lex.precondition_regex.search(text):
        f.append("c:precond")
    if lex.hedge_regex.search(text):
        f.append("c:hedge_phrase")
    if lex.negation_regex.search(text):
        f.append("c:neg_phrase")
    words = {t.lower_ for t in span}
    for name, lst in (("contrast", data.contrast), ("past", data.time_past), ("report", data.report)):
        if words & lst:
            f.append(f"x:{name}")
    return f


def _between(span: Any, h: Any, t: Any) -> list[str]:
    lo, hi = sorted((h.i, t.i))
    if hi - lo > 15:
        return ["b:far", "order:" + ("ht" if h.i < t.i else "th")]
    doc = span.doc
    return [f"b:{_lemma(doc[i])}" for i in range(lo + 1, hi) if doc[i].is_alpha] + \
        ["order:" + ("ht" if h.i < t.i else "th"), f"bdist:{min((hi - lo) // 3, 5)}"]


def _setting(span: Any, holder: Any, ref: Any, refs: Sequence[Any], holders: Sequence[Any]) -> list[str]:
    f = [f"xholders:{min(len(holders), 4)}", f"xrefs:{min(len(refs), 3)}"]
    if "?" in span.text:
        f.append("x:question")
    if any(ch in span.text for ch in ('"', "\u201c", "\u201d")):
        f.append("x:quote")
    root = span.root
    subj = [c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")]
    if subj and any(o.tok.i == subj[0].i for o in holders):
        f.append("x:root_subject_is_" + ("me" if subj[0].i == holder.tok.i else "other"))
    f.append(f"xroot:{_lemma(root)}")
    return f
