"""The extractive answerer: composes the answer from the evidence sentences themselves, names
the speaker from the attribution, and cites every sentence it uses. No model."""
from __future__ import annotations

from dataclasses import dataclass

from index.records import StoredSentence

from .citations import marker
from .question import QuestionAnalysis
from .retrieval import Hit

# Calibrated per embedder with bench/calibrate.py on the dev and off-topic questions: each
# embedder has its own cosine scale (e5 scores crowd near 0.8, MiniLM's spread from 0.2 to 0.6).
RELEVANCE_THRESHOLDS = {"e5-small": 0.80, "sentence-transformers:all-MiniLM-L6-v2": 0.30}
RELEVANCE_THRESHOLD = 0.80


def relevance_threshold(embedder: str | None) -> float:
    """The abstention threshold for an embedder (other sentence-transformers models: MiniLM's)."""
    if embedder in RELEVANCE_THRESHOLDS:
        return RELEVANCE_THRESHOLDS[embedder]
    if embedder and embedder.startswith("sentence-transformers:"):
        return RELEVANCE_THRESHOLDS["sentence-transformers:all-MiniLM-L6-v2"]
    return RELEVANCE_THRESHOLD
SECOND_MARGIN = 0.015
SPEAKER_TOPIC_DROP = 0.01
MAX_SENTENCES = 3

PHRASES = {
    "en": {"said": "said", "according": "According to {who}", "article": "The article says",
           "who": "It was {who}.", "nobody": "The articles don't say who said it; the closest sentence is:",
           "abstain": "The articles don't say.",
           "mentioned": "The articles mention {who} but never quote them saying anything about this.",
           "identity": "{who}: {desc}.", "via": " (via {source})"},
    "fr": {"said": "a déclaré", "according": "Selon {who}", "article": "L'article indique",
           "who": "C'est {who}.", "nobody": "Les articles ne disent pas qui l'a dit ; la phrase la plus proche est :",
           "abstain": "Les articles ne le disent pas.",
           "mentioned": "Les articles mentionnent {who}, mais ne rapportent aucune déclaration de sa part à ce sujet.",
           "identity": "{who} : {desc}.", "via": " ({source})"},
}


@dataclass(frozen=True)
class Draft:
    """An answer before the citation check."""

    text: str
    used: tuple[str, ...]
    abstained: bool


def _who(s: StoredSentence) -> str | None:
    names = s.speakers
    if not names:
        return s.speaker
    return " & ".join(names) if len(names) > 1 else names[0]


def _line(s: StoredSentence, lang: str, multi_doc: bool, described: set[str]) -> str:
    p = PHRASES[lang]
    cite = marker(s.id, multi_doc)
    who = _who(s)
    if not who:
        return f"{p['article']}: « {s.text} » {cite}"
    label = who
    if s.description and who not in described:
        label = f"{who} ({s.description})"
        described.add(who)
    if s.kind == "according":
        return f"{p['according'].format(who=label)}: « {s.text} » {cite}"
    sep = " :" if lang == "fr" else ":"
    return f"{label} {p['said']}{sep} « {s.text} » {cite}"


def abstention(q: QuestionAnalysis, mentioned_only: tuple[str, ...] = ()) -> Draft:
    p = PHRASES.get(q.language, PHRASES["en"])
    if mentioned_only:
        return Draft(p["mentioned"].format(who=", ".join(mentioned_only)), (), True)
    return Draft(p["abstain"], (), True)


def select_evidence(q: QuestionAnalysis, hits: list[Hit], threshold: float | None = None) -> tuple[list[Hit], tuple[str, ...]]:
    """The hits to answer from, and names the question asks about who never speak (for abstention)."""
    speaking = [s for s in q.speakers if s.statements > 0]
    # A name that only appears inside a speaker's description ("mayor of Valencia") is not someone silent.
    described = " ".join(s.description or "" for s in speaking)
    silent = tuple(s.name for s in q.speakers if s.statements == 0 and s.is_person and s.name not in described)
    if q.asks_said and not q.asks_identity and silent and not speaking:
        return [], silent
    if q.asks_identity and q.speakers:
        # "Who is X?": the sentence that describes X, whatever its similarity score.
        info = q.speakers[0]
        own = [h for h in hits if h.speaker_match or info.name in h.sentence.text]
        described = [h for h in own if info.description and info.description in h.sentence.text]
        if described or own:
            return [(described or own)[0]], ()
    bar = RELEVANCE_THRESHOLD if threshold is None else threshold
    pool = hits
    relevant = bool(hits) and hits[0].dense >= bar
    if q.asks_said and speaking and not q.asks_identity:
        own = [h for h in hits if h.speaker_match]
        pool = own or hits
        # The speaker already matches; only the topic is scored, from a shorter query that scores
        # a little lower for the same relevance (measured: "… say about the United States" 0.794
        # for Song's statement on the US, 0.76-0.78 for topics he never addressed).
        relevant = relevant or bool(own) and own[0].dense >= bar - SPEAKER_TOPIC_DROP
    if not pool or not relevant:
        return [], ()
    top = pool[0]
    chosen = [top] + [h for h in pool[1:MAX_SENTENCES] if h.score >= top.score - SECOND_MARGIN]
    return chosen, ()


def compose(q: QuestionAnalysis, hits: list[Hit], multi_doc: bool, threshold: float | None = None) -> Draft:
    """Compose the extractive answer for a question from ranked hits."""
    lang = q.language if q.language in PHRASES else "en"
    p = PHRASES[lang]
    chosen, silent = select_evidence(q, hits, threshold)
    if not chosen:
        return abstention(q, silent)
    chosen.sort(key=lambda h: (h.sentence.doc, h.sentence.n))
    described: set[str] = set()
    lines: list[str] = []
    if q.asks_who:
        first = max(chosen, key=lambda h: h.score).sentence
        who = _who(first)
        if who:
            label = f"{who} ({first.description})" if first.description else who
            described.add(who)
            lines.append(p["who"].format(who=label))
        else:
            lines.append(p["nobody"])
    elif q.asks_identity and q.speakers and q.speakers[0].description:
        info = q.speakers[0]
        lines.append(p["identity"].format(who=info.name, desc=info.description))
        described.add(info.name)
    lines.extend(_line(h.sentence, lang, multi_doc, described) for h in chosen)
    return Draft("\n".join(lines), tuple(h.sentence.id for h in chosen), False)
