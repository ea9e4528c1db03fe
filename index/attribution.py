"""Find who is speaking in a sentence from its dependency parse: cue, speaker, source, kind.

The parse drives everything: a cue is a speech verb (or 'selon' / 'according to'); the speaker is
the verb's subject, the inverted subject of a closing reporting clause ("…, a déclaré Zhang"),
the object of 'citer' / 'quote', or the organisation behind a document ("dans un communiqué du
ministère"). A title or role around a person's name ("Kremlin spokesman Dmitry Peskov", "le député
Marc Lefèvre") becomes the description; the name is the speaker. Names are resolved to canonical
speakers afterwards, in ``speakers``; context across sentences is handled in ``discourse``.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Iterable

from .lexicon import (ACCORDING_TO, AMBIGUOUS_VERBS, DOCUMENT_NOUNS, PERSONAL_PRONOUNS, QUOTE_CHARS,
                      SPEECH_VERBS)

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

SUBJECT_DEPS = {"nsubj", "nsubj:pass", "nsubjpass", "expl:subj"}
NAME_DEPS = {"flat:name", "flat", "compound", "flat:foreign"}
PERSON_LABELS = {"PER", "PERSON"}
DETERMINERS = {"le", "la", "les", "l'", "l’", "un", "une", "des", "du", "the", "a", "an", "some"}
OPEN_QUOTES = "«“\""


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
    definite_role: str | None = None    # "le technicien espagnol": a definite description to resolve


NONE = RawAttribution(speaker=None, cue=None, kind=None)


# -- tokens and spans -------------------------------------------------------------------------
def _lemma(tok: "Token") -> str:
    return (tok.lemma_ or tok.text).lower()


def _pronoun(tok: "Token") -> str | None:
    """'il', '-il', '-t-il' -> 'il'; None when the token is not a personal pronoun."""
    key = tok.lower_.lstrip("-")
    key = key[2:] if key.startswith("t-") else key
    return key if key in PERSONAL_PRONOUNS and tok.pos_ in ("PRON", "PROPN", "NOUN") else None


def _text(tokens: Iterable["Token"]) -> str:
    toks = sorted(tokens, key=lambda t: t.i)
    if not toks:
        return ""
    return toks[0].doc[toks[0].i: toks[-1].i + 1].text.strip(" ,;:")


def _trim(tokens: list["Token"]) -> list["Token"]:
    while tokens and (tokens[0].lower_ in DETERMINERS or tokens[0].is_punct):
        tokens = tokens[1:]
    while tokens and (tokens[-1].lower_ in DETERMINERS or tokens[-1].is_punct or tokens[-1].dep_ == "case"):
        tokens = tokens[:-1]
    return tokens


def _name_tokens(head: "Token") -> list["Token"]:
    """The head and its name parts, without determiners, appositions or anything after a comma."""
    keep = {head}
    stack = [head]
    proper = head.pos_ == "PROPN"
    while stack:
        t = stack.pop()
        for c in t.children:
            if c in keep:
                continue
            if c.dep_ in NAME_DEPS or (not proper and c.dep_ in ("amod", "nmod", "case", "det", "fixed", "prep", "pobj")
                                       and c.i > head.i) or (not proper and c.dep_ == "amod"):
                keep.add(c)
                stack.append(c)
    toks = sorted(keep, key=lambda t: t.i)
    # Contiguous run around the head, cut at punctuation on either side.
    run = [head]
    for t in (x for x in toks if x.i > head.i):
        if t.i != run[-1].i + 1 and not all(head.doc[j] in keep for j in range(run[-1].i + 1, t.i)):
            break
        if any(head.doc[j].is_punct for j in range(run[-1].i + 1, t.i + 1)):
            break
        run.append(t)
    for t in sorted((x for x in toks if x.i < head.i), key=lambda x: -x.i):
        if t.i != run[0].i - 1 or t.is_punct:
            break
        run.insert(0, t)
    return _trim(run) or [head]


def _org_tokens(head: "Token") -> list["Token"]:
    """A proper-noun speaker that is a named entity of another kind: the whole entity span."""
    if head.pos_ != "PROPN" or not head.ent_type_:
        return []
    for ent in head.doc.ents:
        if ent.start <= head.i < ent.end:
            toks = list(ent)
            # A capitalised article inside a sentence belongs to the name ("d'après L'Équipe").
            if toks[0].lower_ in DETERMINERS and not (toks[0].text[:1].isupper() and toks[0].i > toks[0].sent.start):
                toks = toks[1:]
            if ent.start > 0 and head.doc[ent.start - 1].lower_ in ("l'", "l’") and head.doc[ent.start - 1].text[:1].isupper() \
                    and ent.start - 1 > head.sent.start:
                toks = [head.doc[ent.start - 1], *toks]
            return toks
    return []


def _entity(tok: "Token") -> "Span | None":
    """The PER entity a token belongs to."""
    if tok.ent_type_ not in PERSON_LABELS:
        return None
    for ent in tok.doc.ents:
        if ent.start <= tok.i < ent.end:
            return ent
    return None


def _title_before(ent: "Span") -> list["Token"]:
    """The title words right before a name and inside its phrase: 'NHS England medical director Professor'."""
    inside = {t.i for t in ent.root.subtree}
    role: list["Token"] = []
    i = ent.start - 1
    while i >= 0 and i in inside and ent.doc[i].text not in {",", "(", ")", "—", "–", ":", '"', "«", "»", "“", "”"}:
        role.insert(0, ent.doc[i])
        i -= 1
    return _trim(role)


def _named_person(head: "Token") -> tuple[list["Token"], str | None] | None:
    """A person's name inside a speaker phrase, and the role words around it.

    'Kremlin spokesman Dmitry Peskov' -> (Dmitry Peskov, 'Kremlin spokesman');
    'le député d'opposition Marc Lefèvre' -> (Marc Lefèvre, "député d'opposition");
    'le porte-parole du Kremlin, Dmitri Peskov' -> (Dmitri Peskov, 'porte-parole du Kremlin').
    """
    ent = _entity(head)
    if ent is not None:
        role = _title_before(ent)
        if not role:
            # The parser may hang the role beside the name: [le président ukrainien] [Volodymyr Zelensky].
            for sib in head.head.children if head.head is not head else ():
                if sib.i < head.i and sib.pos_ == "NOUN" and sib.dep_ == head.dep_ and sib.right_edge.i == ent.start - 1:
                    role = _trim(list(sib.subtree))
        return list(ent), (_text(role) if role else None)
    if head.pos_ not in ("NOUN", "PROPN"):
        return None
    for c in head.children:
        if c.i <= head.i or _entity(c) is None:
            continue
        if head.pos_ == "PROPN" and c.dep_ != "appos":
            continue
        between = head.doc[head.i + 1: c.i]
        appositive = c.dep_ in ("appos", "flat:name", "nmod", "compound", "flat") or (
            c.dep_ == "conj" and not any(t.lower_ in ("et", "and") for t in between))
        if appositive:
            ent = _entity(c)
            # The role is the title before the name ("United Nations Secretary-General António Guterres"),
            # or, for a role noun, the noun phrase itself ("le porte-parole du Kremlin, Dmitri Peskov").
            role = _title_before(ent)
            if head.pos_ == "NOUN":
                role = _trim([t for t in head.doc[head.left_edge.i: ent.start]
                              if not (t.is_punct and t.i > head.i and t.i == ent.start - 1)])
            return list(ent), (_text(role) if role else None)
    return None


def _description(head: "Token") -> str | None:
    """An apposition after the speaker: 'Zhang Hong, chercheur associé à …, a déclaré'."""
    for c in head.children:
        if c.i > head.i and (c.dep_ == "appos" or (c.dep_ in ("dep", "conj") and c.pos_ == "NOUN"
                                                   and c.doc[c.left_edge.i - 1].text == ",")):
            if _entity(c) is not None:
                continue
            sub = [t for t in c.subtree if not (t.is_punct and t.i in (c.left_edge.i, c.right_edge.i))]
            text = _text(sub)
            if text and len(text) < 200:
                return text
    return None


def _doc_owner(head: "Token") -> "Token | None":
    """For 'communiqué du ministère russe' return 'ministère'."""
    for c in head.children:
        if c.dep_ in ("nmod", "obl", "pobj", "poss") and c.pos_ in ("NOUN", "PROPN") and c.lower_ not in DOCUMENT_NOUNS:
            return c
        if c.dep_ == "compound" and c.pos_ == "PROPN":           # "a Pentagon statement"
            return c
        if c.dep_ == "prep":
            for g in c.children:
                if g.dep_ == "pobj" and g.lower_ not in DOCUMENT_NOUNS:
                    return g
        if c.dep_ in ("nmod", "amod", "compound") and c.lower_ in DOCUMENT_NOUNS:  # "communiqué de presse du …"
            owner = _doc_owner(c)
            if owner is not None:
                return owner
    return None


def _conjuncts(head: "Token") -> list["Token"]:
    return [c for c in head.children if c.dep_ == "conj" and c.pos_ in ("PROPN", "NOUN")
            and any(t.lower_ in ("et", "and") for t in head.doc[head.i + 1: c.i])]


def _gender(head: "Token") -> str | None:
    if head.pos_ == "PROPN":  # the morphologizer guesses names' gender poorly
        return None
    g = head.morph.get("Gender")
    return g[0] if g else None


# -- building an attribution ------------------------------------------------------------------
def _speaker_from(head: "Token", cue: str, kind: str, source: str | None = None,
                  extra_members: tuple["Token", ...] = ()) -> RawAttribution:
    """The attribution for a speaker head token (a noun, a name or a pronoun)."""
    pron = _pronoun(head)
    if pron:
        gender, number = PERSONAL_PRONOUNS[pron]
        return RawAttribution(speaker=head.text.lstrip("-").removeprefix("t-"), cue=cue, kind=kind, source=source,
                              pronoun=pron, gender=gender, plural=number == "Plur")
    if head.lower_ in DOCUMENT_NOUNS:
        owner = _doc_owner(head)
        if owner is not None:
            source = source or _text(_name_tokens(head))
            head = owner
    heads = [head, *_conjuncts(head), *extra_members]
    if len(heads) > 1:
        members = tuple(dict.fromkeys(_text(_member(h)[0]) for h in heads))
        joiner = " et " if head.lang_ == "fr" else " and "
        return RawAttribution(speaker=joiner.join(members), cue=cue, kind=kind, source=source, plural=True,
                              person=all(_member(h)[1] for h in heads), members=members)
    named = _named_person(head)
    if named is not None:
        tokens, role = named
        return RawAttribution(speaker=_text(tokens), cue=cue, kind=kind, source=source,
                              description=_description(tokens[-1]) or role or
                              (_description(head) if _entity(head) is not None else None),
                              gender=_gender(head) if head.pos_ == "NOUN" else None, person=True)
    plural = "Plur" in head.morph.get("Number")
    definite = head.pos_ == "NOUN" and not plural and any(
        c.dep_ == "det" and c.lower_ in ("le", "la", "l'", "l’", "the") for c in head.children)
    return RawAttribution(speaker=_text(_org_tokens(head) or _name_tokens(head)) or head.text, cue=cue, kind=kind,
                          source=source, description=_description(head), gender=_gender(head),
                          plural=plural, person=False, definite_role=_lemma(head) if definite else None)


def _member(tok: "Token") -> tuple[list["Token"], bool]:
    named = _named_person(tok)
    return (named[0], True) if named else (_name_tokens(tok), False)


def _kind(span: "Span", verb: "Token | None") -> str:
    quoted = any(q in span.text for q in OPEN_QUOTES) and _quoted_words(span.text) >= 3
    clause = verb is not None and _has_clause(verb)
    if quoted and clause:
        return "mixed"
    return "direct" if quoted else "indirect"


def _quoted_words(text: str) -> int:
    inside = False
    words = 0
    for run in text.replace("«", " « ").replace("»", " » ").replace("“", " “ ").replace("”", " ” ").replace('"', ' " ').split():
        if run in ("«", "“") or (run == '"' and not inside):
            inside = True
        elif run in ("»", "”", '"'):
            inside = False
        elif inside:
            words += 1
    return words


# -- finding the cue and its speaker ----------------------------------------------------------
def _is_cue_verb(tok: "Token", lang: str) -> bool:
    return tok.pos_ in ("VERB", "AUX") and _lemma(tok) in SPEECH_VERBS.get(lang, set())


def _has_clause(tok: "Token") -> bool:
    return any(c.dep_ in ("ccomp", "xcomp", "parataxis", "mark") or c.lower_ in ("que", "qu'", "qu’", "that")
               for c in tok.children)


APPEAL_VERBS = {"appeler", "exhorter", "inviter", "demander", "call", "urge", "ask"}


def _appeal(verb: "Token") -> bool:
    """'appeler les pays à accélérer', 'urged Congress to act': an appeal with an infinitive."""
    return _lemma(verb) in APPEAL_VERBS and any(
        t.i > verb.i and "Inf" in t.morph.get("VerbForm") for t in verb.subtree)


def _quotes_in(tok: "Token") -> bool:
    return any(t.text in QUOTE_CHARS for t in tok.subtree) or tok.dep_ == "parataxis"


def _inverted(tok: "Token", span: "Span") -> bool:
    """A closing reporting clause: '…, a déclaré X.' / '"…," said X' / '«…», a-t-il ajouté'."""
    first = min((c.i for c in tok.children if c.dep_.startswith("aux")), default=tok.i)
    before = [t for t in span if t.i < first][-2:]
    preceded = any(t.text in {",", "—", "–"} or t.text in QUOTE_CHARS for t in before)
    after = [t for t in span if t.i > tok.i and not t.is_punct]
    return preceded and len(after) <= 12 and not any(_is_clause_head(t) for t in after)


def _is_clause_head(tok: "Token") -> bool:
    return tok.pos_ == "VERB" and tok.dep_ in ("ccomp", "conj", "advcl") and tok.i > tok.head.i


def _subject(verb: "Token") -> "Token | None":
    subjects = [c for c in verb.children if c.dep_ in SUBJECT_DEPS]
    # Inverted clitics ("a-t-il ajouté") get various labels; the pronoun is the subject.
    subjects += [c for c in verb.children if c.text.startswith("-") and _pronoun(c) and c not in subjects]
    if subjects:
        # "Le président ukrainien Volodymyr Zelensky a appelé": two subjects, the name wins;
        # "a-t-il rappelé": '-t' and '-il', the pronoun wins.
        return next((c for c in subjects if _entity(c) is not None), None) or \
            next((c for c in subjects if _pronoun(c)), None) or subjects[0]
    # A coordinated verb shares its first conjunct's subject ("X a nié et a démenti …").
    if verb.dep_ == "conj" and verb.head.pos_ in ("VERB", "AUX") and verb.head.i < verb.i \
            and not any(c.i > verb.i and c.dep_ in ("obj", "dobj") for c in verb.children):
        for c in verb.head.children:
            if c.dep_ in SUBJECT_DEPS and c.i < verb.i:
                return c
    return None


def _post_verbal(verb: "Token") -> "Token | None":
    """The inverted subject: a noun after the verb (the French parser often labels it obj)."""
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
    while i >= 0 and (doc[i].ent_type_ in PERSON_LABELS or doc[i].lower_ in ("et", "and", ",")):
        tok = doc[i]
        if tok.ent_type_ in PERSON_LABELS and tok.dep_ not in NAME_DEPS:
            heads.insert(0, tok)
        i -= 1
    return heads


def _main_subject(verb: "Token", pronoun: "Token") -> "Token | None":
    """'Les ministres … ont tenu une réunion, au cours de laquelle ils ont souligné': ils = les ministres."""
    root = verb
    while root.dep_ != "ROOT" and root.head is not root:
        root = root.head
    plural = "Plur" in pronoun.morph.get("Number") or _pronoun(pronoun) in ("ils", "elles", "they")
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
            if (c.pos_ == "PROPN" and case and case[0] in ("au", "à", "aux")) or c.lower_ in DOCUMENT_NOUNS \
                    or (case and case[0] in ("au", "à") and c.ent_type_ == "" and _lemma(c) in ("journal", "radio", "télévision", "chaîne")):
                return _text([t for t in c.subtree if t.text != ","])[:120]
        if _lemma(verb) == "tell" and c.dep_ in ("dobj", "dative"):
            return _text(_name_tokens(c))[:120]
    return None


def _read_in_formula(span: "Span") -> RawAttribution | None:
    """'lit-on dans un communiqué de la préfecture' / 'peut-on lire dans …': the document's author."""
    for t in span:
        nxt = t.doc[t.i + 1] if t.i + 1 < len(t.doc) else None
        if t.lower_ in ("lit", "lire") and nxt is not None and nxt.lower_ in ("-on", "on"):
            for noun in t.doc[t.i + 2: span.end]:
                if noun.lower_ in DOCUMENT_NOUNS:
                    return _speaker_from(noun, f"{t.text}{nxt.text}", _kind(span, None))
    return None


def attribute(span: "Span", lang: str) -> RawAttribution:
    """The attribution of one sentence (NONE when it reports nobody's words)."""
    candidates: list[tuple[int, RawAttribution]] = []
    ambiguous = AMBIGUOUS_VERBS.get(lang, set())
    for verb in (t for t in span if _is_cue_verb(t, lang)):
        lemma = _lemma(verb)
        inverted = _inverted(verb, span)
        if lemma in ambiguous and not (inverted or _has_clause(verb) or _quotes_in(verb) or _appeal(verb)) \
                and lemma not in ("citer", "quote", "rapporter", "report"):
            continue
        kind = _kind(span, verb)
        if lemma in ("citer", "quote"):
            obj = next((c for c in verb.children if c.dep_ in ("obj", "dobj")), None)
            subj = _subject(verb)
            if obj is not None:
                src = _text(_name_tokens(subj)) if subj is not None else None
                candidates.append((3, _speaker_from(obj, verb.text, kind, src)))
            continue
        subj = _subject(verb) or _post_verbal(verb)
        extra: tuple["Token", ...] = ()
        if subj is None:
            names = _preceding_names(verb)
            if not names:
                continue
            subj, extra = names[0], tuple(names[1:])
        if subj.lower_ in ("on", "one", "-on"):
            doc_noun = next((c for c in verb.children if c.lower_ in DOCUMENT_NOUNS), None)
            if doc_noun is None:
                continue
            subj = doc_noun
        if subj.pos_ == "PRON" and not _pronoun(subj):
            continue
        if lemma in ("rapporter", "report") and not inverted and subj.ent_type_ == "" and not _has_clause(verb):
            continue
        if _pronoun(subj) and not inverted and any(a.dep_ in ("acl:relcl", "relcl", "acl") for a in (verb, *verb.ancestors)):
            subj = _main_subject(verb, subj) or subj
        rank = 4 if inverted else (2 if verb.dep_ == "ROOT" else 1)
        candidates.append((rank, _speaker_from(subj, verb.text, kind, _channel(verb, lang), extra)))
    # "X ont convenu que …, lit-on dans un communiqué du ministère": like 'selon', the document
    # is the source when someone else is the subject; its author speaks only when nobody else does.
    according = _read_in_formula(span) if lang == "fr" else None
    according = according or _according(span, lang)
    if not candidates:
        return according or NONE
    best = max(candidates, key=lambda c: c[0])[1]
    if according is not None and best.source is None:
        # "Li a déclaré …, selon un communiqué du ministère": the communiqué is the source.
        best = replace(best, source=according.source or according.speaker)
    return best


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
            elif head is t or head.i < t.i or head.pos_ not in ("NOUN", "PROPN", "PRON"):
                nxt = [x for x in t.doc[t.i + 1: t.i + 5] if x.pos_ in ("NOUN", "PROPN")]
                if not nxt:
                    continue
                head = nxt[0]
            return _speaker_from(head, "d'après" if low in ("d'", "d’") else t.text, "according")
    return None
