"""Find who is speaking in a sentence from its dependency parse: cue, speaker, source, kind.

The parse drives everything: a cue is a speech verb (or 'selon' / 'according to'); the speaker is
the verb's subject, the inverted subject of a closing reporting clause ("…, a déclaré Zhang"),
the object of 'citer' / 'quote', or the organisation behind a document ("dans un communiqué du
ministère"). Names are resolved to canonical speakers afterwards, in ``speakers``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

from .lexicon import (ACCORDING_TO, AMBIGUOUS_VERBS, DOCUMENT_NOUNS, PERSONAL_PRONOUNS, QUOTE_CHARS,
                      SPEECH_VERBS)

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

SUBJECT_DEPS = {"nsubj", "nsubj:pass", "nsubjpass", "expl:subj"}
NAME_DEPS = {"flat:name", "flat", "compound", "flat:foreign"}
DETERMINERS = {"le", "la", "les", "l'", "l’", "un", "une", "des", "du", "the", "a", "an", "some"}
STOP_DEPS = {"appos", "acl", "acl:relcl", "relcl", "punct", "conj", "cc", "parataxis", "advcl", "ccomp"}


@dataclass(frozen=True)
class RawAttribution:
    """What one sentence says about its speaker, before names are resolved."""

    speaker: str | None
    cue: str | None
    kind: str | None
    source: str | None = None
    description: str | None = None
    pronoun: str | None = None          # set when the speaker is a pronoun to resolve
    gender: str | None = None
    plural: bool = False
    person: bool = False                # the speaker is a named person (PER entity)
    members: tuple[str, ...] = ()       # coordinated speakers ("Li et Choïgou")


NONE = RawAttribution(speaker=None, cue=None, kind=None)


def _lemma(tok: "Token") -> str:
    return (tok.lemma_ or tok.text).lower()


def _is_cue_verb(tok: "Token", lang: str) -> bool:
    return tok.pos_ in ("VERB", "AUX") and _lemma(tok) in SPEECH_VERBS.get(lang, set())


def _has_clause(tok: "Token") -> bool:
    return any(c.dep_ in ("ccomp", "xcomp", "parataxis") or c.lower_ in ("que", "qu'", "qu’", "that")
               for c in tok.children) or any(c.dep_ == "mark" for c in tok.children)


def _inverted(tok: "Token", span: "Span") -> bool:
    """A closing reporting clause: '…, a déclaré X.' / '"…," said X' / '«…», a-t-il ajouté'."""
    first = min((c.i for c in tok.children if c.dep_.startswith("aux")), default=tok.i)
    before = [t for t in span if t.i < first][-2:]
    preceded = any(t.text in {",", "»", "”", '"', "—", "–"} or t.text in QUOTE_CHARS for t in before)
    after = [t for t in span if t.i > tok.i and not t.is_punct]
    return preceded and len(after) <= 12 and not any(_is_clause_head(t) for t in after)


def _is_clause_head(tok: "Token") -> bool:
    return tok.pos_ == "VERB" and tok.dep_ in ("ccomp", "conj", "advcl") and tok.i > tok.head.i


def _name_tokens(head: "Token") -> list["Token"]:
    """The head and its name parts (flat:name, compound), without determiners or appositions."""
    keep = {head}
    stack = [head]
    while stack:
        t = stack.pop()
        for c in t.children:
            if c.dep_ in NAME_DEPS or (head.pos_ != "PROPN" and c.dep_ in ("amod", "nmod", "case", "det", "fixed")
                                       and c.i > head.i):
                if c not in keep:
                    keep.add(c)
                    stack.append(c)
            elif head.pos_ != "PROPN" and c.dep_ in ("amod",) and c.i < head.i:
                keep.add(c)
    toks = sorted(keep, key=lambda t: t.i)
    # Keep a contiguous run around the head: stop at punctuation or verbs that crept in.
    run = [t for t in toks if abs(t.i - head.i) <= 10]
    while run and (run[0].lower_ in DETERMINERS or run[0].is_punct):
        run = run[1:]
    while run and (run[-1].lower_ in DETERMINERS or run[-1].is_punct or run[-1].dep_ == "case"):
        run = run[:-1]
    return run


def _text(tokens: Iterable["Token"]) -> str:
    toks = sorted(tokens, key=lambda t: t.i)
    if not toks:
        return ""
    doc = toks[0].doc
    return doc[toks[0].i: toks[-1].i + 1].text.strip(" ,;:")


def _description(head: "Token") -> str | None:
    for c in head.children:
        if c.i > head.i and (c.dep_ == "appos" or (c.dep_ == "dep" and c.pos_ == "NOUN"
                                                   and c.doc[c.left_edge.i - 1].text == ",")):
            sub = [t for t in c.subtree if not (t.is_punct and t.i in (c.left_edge.i, c.right_edge.i))]
            text = _text(sub)
            if text and len(text) < 200:
                return text
    return None


def _doc_owner(head: "Token") -> "Token | None":
    """For 'communiqué du ministère russe' return 'ministère'."""
    for c in head.children:
        if c.dep_ in ("nmod", "obl", "pobj", "prep") and c.pos_ in ("NOUN", "PROPN") and c.lower_ not in DOCUMENT_NOUNS:
            return c
        if c.dep_ == "prep":
            for g in c.children:
                if g.dep_ == "pobj" and g.lower_ not in DOCUMENT_NOUNS:
                    return g
        if c.dep_ in ("nmod", "amod") and c.lower_ in DOCUMENT_NOUNS:  # "communiqué de presse du ministère"
            owner = _doc_owner(c)
            if owner is not None:
                return owner
    return None


def _member_tokens(tok: "Token") -> list["Token"]:
    """A coordinated speaker's name: 'le ministre russe de la Défense Sergueï Choïgou' -> the name."""
    if tok.pos_ == "NOUN":
        for c in tok.children:
            if c.pos_ == "PROPN" and c.dep_ in ("appos", "flat:name") and c.i > tok.i:
                return _name_tokens(c)
    return _name_tokens(tok)


def _speaker_from(head: "Token", cue: str, kind: str, source: str | None = None,
                  extra_members: tuple["Token", ...] = ()) -> RawAttribution:
    """Build the attribution for a speaker head token (a noun, a name or a pronoun)."""
    low = head.lower_
    if low in PERSONAL_PRONOUNS:
        gender, number = PERSONAL_PRONOUNS[low]
        return RawAttribution(speaker=head.text, cue=cue, kind=kind, source=source, pronoun=low,
                              gender=gender, plural=number == "Plur")
    if low in DOCUMENT_NOUNS:
        owner = _doc_owner(head)
        doc_text = _text(_name_tokens(head))
        if owner is not None:
            head, source = owner, source or doc_text
    # "la porte-parole Heather Nauert": the name is the speaker, the noun its description.
    if head.pos_ == "NOUN":
        for c in head.children:
            if c.pos_ == "PROPN" and c.dep_ in ("appos", "flat:name", "nmod", "compound") and c.ent_type_ in ("PER", "PERSON", ""):
                if c.i == head.i + 1 or c.dep_ in ("appos", "flat:name"):
                    desc = _text([t for t in head.subtree if t.i < c.i and t.lower_ not in DETERMINERS])
                    return _speaker_from(c, cue, kind, source)._replace_desc(desc)
    heads = [head, *_conjuncts(head), *extra_members]
    members = tuple(dict.fromkeys(_text(_member_tokens(m)) for m in heads))
    name = _text(_name_tokens(head))
    if len(members) > 1:
        name = " et ".join(members) if head.lang_ == "fr" else " and ".join(members)
    gender = _gender(head)
    return RawAttribution(speaker=name or head.text, cue=cue, kind=kind, source=source,
                          description=_description(head), gender=gender,
                          plural=len(members) > 1 or "Plur" in head.morph.get("Number"),
                          person=head.ent_type_ in ("PER", "PERSON"), members=members if len(members) > 1 else ())


def _replace_desc(self: RawAttribution, desc: str | None) -> RawAttribution:
    from dataclasses import replace

    return replace(self, description=self.description or desc or None)


RawAttribution._replace_desc = _replace_desc  # type: ignore[attr-defined]


def _conjuncts(head: "Token") -> list["Token"]:
    return [c for c in head.children if c.dep_ == "conj" and c.pos_ in ("PROPN", "NOUN")]


def _gender(head: "Token") -> str | None:
    if head.pos_ == "PROPN":  # the morphologizer guesses names' gender poorly
        return None
    g = head.morph.get("Gender")
    return g[0] if g else None


def _kind(span: "Span", verb: "Token | None") -> str:
    text = span.text
    quoted = any(q in text for q in "«“\"") and _quoted_words(text) >= 3
    clause = verb is not None and _has_clause(verb)
    if quoted and clause:
        return "mixed"
    return "direct" if quoted else "indirect"


def _quoted_words(text: str) -> int:
    inside = False
    words = 0
    for ch_run in text.replace("«", " « ").replace("»", " » ").replace("“", " “ ").replace("”", " ” ").split():
        if ch_run in ("«", "“") or (ch_run == '"' and not inside):
            inside = True
        elif ch_run in ("»", "”", '"'):
            inside = False
        elif inside:
            words += 1
    return words


def _subject(verb: "Token") -> "Token | None":
    for c in verb.children:
        if c.dep_ in SUBJECT_DEPS:
            return c
    # A participle under an auxiliary or a coordinated verb shares the subject.
    if verb.dep_ == "conj" and verb.head.pos_ in ("VERB", "AUX") and verb.head.i < verb.i:
        for c in verb.head.children:
            if c.dep_ in SUBJECT_DEPS and c.i < verb.i:
                if not _inverted_like(verb):
                    return c
    return None


def _inverted_like(verb: "Token") -> bool:
    return any(c.i > verb.i and c.dep_ in ("obj", "nsubj", "dobj") for c in verb.children)


def _post_verbal(verb: "Token") -> "Token | None":
    """The inverted subject: a noun after the verb (the parser often labels it obj)."""
    for c in verb.children:
        if c.i > verb.i and c.dep_ in ("nsubj", "obj", "dobj", "nsubj:pass", "attr", "obl:agent", "expl:subj") \
                and c.pos_ in ("PROPN", "NOUN", "PRON"):
            return c
    return None


def _preceding_names(verb: "Token") -> list["Token"]:
    """Fallback when the parse lost the subject: the people named right before the verb group."""
    first = min([verb.i] + [c.i for c in verb.children if c.dep_.startswith("aux")])
    doc = verb.doc
    i = first - 1
    heads: list["Token"] = []
    while i >= 0 and (doc[i].ent_type_ in ("PER", "PERSON") or doc[i].lower_ in ("et", "and", ",")):
        tok = doc[i]
        if tok.ent_type_ in ("PER", "PERSON") and tok.dep_ not in NAME_DEPS:
            heads.insert(0, tok)
        i -= 1
    return heads


def _main_subject(verb: "Token", pronoun: "Token") -> "Token | None":
    """'Les ministres … ont tenu une réunion, au cours de laquelle ils ont souligné': ils = les ministres."""
    root = verb
    while root.dep_ != "ROOT" and root.head is not root:
        root = root.head
    plural = "Plur" in pronoun.morph.get("Number") or pronoun.lower_ in ("ils", "elles", "they")
    for c in root.children:
        if c.dep_ in SUBJECT_DEPS and c.pos_ in ("NOUN", "PROPN"):
            if plural == ("Plur" in c.morph.get("Number") or bool(_conjuncts(c))):
                return c
    return None


def _channel(verb: "Token", lang: str) -> str | None:
    """'au Chine Direct', 'told Sky News', 'dans un communiqué': where the words were said."""
    for c in verb.children:
        if c.dep_ in ("obl:arg", "obl", "iobj", "dative", "obl:mod") and c.pos_ in ("PROPN", "NOUN"):
            case = [g.lower_ for g in c.children if g.dep_ == "case"]
            if (c.pos_ == "PROPN" and case and case[0] in ("au", "à", "to", "aux")) or c.lower_ in DOCUMENT_NOUNS:
                return _text([t for t in c.subtree if t.text != ","])[:120]
        if lang == "en" and _lemma(verb) == "tell" and c.dep_ == "dobj" and c.ent_type_ in ("ORG", "GPE", "PERSON", "WORK_OF_ART"):
            return c.text if c.pos_ != "PROPN" else _text(_name_tokens(c))
    return None


def attribute(span: "Span", lang: str) -> RawAttribution:
    """The attribution of one sentence (NONE when it reports nobody's words)."""
    cues = [t for t in span if _is_cue_verb(t, lang)]
    candidates: list[tuple[int, RawAttribution]] = []
    ambiguous = AMBIGUOUS_VERBS.get(lang, set())
    for verb in cues:
        lemma = _lemma(verb)
        inverted = _inverted(verb, span)
        if lemma in ambiguous and not inverted and not _has_clause(verb) and lemma not in ("citer", "quote", "lire", "rapporter"):
            continue
        kind = _kind(span, verb)
        channel = _channel(verb, lang)
        if lemma in ("citer", "quote"):
            obj = next((c for c in verb.children if c.dep_ in ("obj", "dobj")), None)
            subj = _subject(verb)
            if obj is not None:
                src = _text(_name_tokens(subj)) if subj is not None else None
                candidates.append((3, _speaker_from(obj, verb.text, kind, src)))
            continue
        subj = _subject(verb) if not inverted else (_post_verbal(verb) or _subject(verb))
        extra: tuple["Token", ...] = ()
        if subj is None:
            subj = _post_verbal(verb)
        if subj is None:
            names = _preceding_names(verb)
            if not names:
                continue
            subj, extra = names[0], tuple(names[1:])
        if subj.lower_ in ("on", "one"):  # "lit-on dans un communiqué du ministère"
            doc_noun = next((c for c in verb.children if c.lower_ in DOCUMENT_NOUNS), None)
            if doc_noun is None:
                continue
            subj = doc_noun
        if subj.pos_ == "PRON" and subj.lower_ not in PERSONAL_PRONOUNS:
            continue
        if lemma == "rapporter" and not inverted and subj.ent_type_ == "":
            continue
        if subj.lower_ in PERSONAL_PRONOUNS and verb.dep_ != "ROOT":
            subj = _main_subject(verb, subj) or subj
        rank = 4 if inverted else (2 if verb.dep_ == "ROOT" else 1)
        att = _speaker_from(subj, verb.text, kind, channel, extra)
        candidates.append((rank, att))
    according = _according(span, lang)
    if according is not None:
        if not candidates:
            return according
        # "Li a déclaré …, selon un communiqué du ministère": the communiqué is the source.
        best = max(candidates, key=lambda c: c[0])[1]
        if best.source is None and according.source is not None:
            from dataclasses import replace

            best = replace(best, source=according.source)
        return best
    if not candidates:
        return NONE
    return max(candidates, key=lambda c: c[0])[1]


def _according(span: "Span", lang: str) -> RawAttribution | None:
    words = ACCORDING_TO.get(lang, set())
    for t in span:
        low = t.lower_
        if low in words or (low in ("d'", "d’") and t.i + 1 < len(t.doc) and t.doc[t.i + 1].lower_ == "après"):
            head = t.head
            if lang == "en" and low == "according":
                to = next((c for c in t.children if c.lower_ == "to"), None)
                head = next((c for c in to.children if c.dep_ == "pobj"), None) if to is not None else None
                if head is None:
                    continue
            elif head is t or head.pos_ not in ("NOUN", "PROPN", "PRON"):
                nxt = [x for x in t.doc[t.i + 1: t.i + 4] if x.pos_ in ("NOUN", "PROPN")]
                if not nxt:
                    continue
                head = nxt[0]
            att = _speaker_from(head, t.text if low != "d'" else "d'après", "according")
            return att
    return None
