"""From a question to a verified Answer: analyse, retrieve, then answer extractively or with a chat
model, and check every citation against the evidence. Streaming yields text as it is produced and
ends with the verified Answer."""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Iterator

from langchain_core.runnables import Runnable, RunnableLambda

from index.errors import BackendError, WhosaidError
from index.records import SpeakerInfo, StoredSentence

from .citations import check_citations
from .extractive import Draft, abstention, compose, select_evidence
from .llm import ChatBackend
from .llm_answer import answer_chain, evidence_cards, prompt_inputs, verify
from .question import QuestionAnalysis
from .retrieval import Hit, HybridSearch
from .types import Answer, Citation

LLM_CARDS = 6
FALLBACK_NOTE = {"en": "(The model's answer could not be verified against the articles; here is the extractive answer.)",
                 "fr": "(La réponse du modèle n'a pas pu être vérifiée dans les articles ; voici la réponse extractive.)"}


@dataclass(frozen=True)
class Prepared:
    """A question after analysis and retrieval."""

    analysis: QuestionAnalysis
    hits: list[Hit]
    chosen: list[Hit]
    silent: tuple[str, ...]


class AnswerPipeline:
    """The ask path, shared by ``Assistant.ask`` and ``Assistant.stream``."""

    def __init__(self, search: HybridSearch, analyse: Callable[[str], QuestionAnalysis],
                 speakers: Callable[[], list[SpeakerInfo]], multi_doc: Callable[[], bool], threshold: float,
                 backend: ChatBackend | None = None) -> None:
        self.search = search
        self.analyse = analyse
        self.speakers = speakers
        self.multi_doc = multi_doc
        self.threshold = threshold
        self.backend = backend
        self._llm: Runnable | None = answer_chain(backend.model) if backend else None

    @property
    def chain(self) -> Runnable:
        """question -> Answer as an LCEL chain: prepare | answer."""
        return RunnableLambda(self.prepare) | RunnableLambda(self.answer)

    def prepare(self, question: str) -> Prepared:
        q = self.analyse(question)
        hits = self.search.search(q)
        chosen, silent = select_evidence(q, hits, self.threshold)
        return Prepared(q, hits, chosen, silent)

    def answer(self, prep: Prepared) -> Answer:
        if self._llm is None or not prep.chosen:
            return self.extractive(prep)
        cards = self._cards(prep)
        with self._model_errors():
            text = self._llm.invoke(prompt_inputs(prep.analysis.text, prep.analysis.language,
                                                  evidence_cards(cards, self.multi_doc())))
        return self.checked_llm_answer(prep, cards, text)

    @contextmanager
    def _model_errors(self) -> Iterator[None]:
        """A model or server failure becomes a message that names the model and the way out."""
        try:
            yield
        except WhosaidError:
            raise
        except Exception as exc:  # each backend raises its own types (connection, HTTP, llama.cpp)
            detail = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
            raise BackendError(f"the model {self.backend.name} did not answer ({detail}); check that it is "
                               f"running, or use --llm none for the extractive answerer.") from None

    def stream(self, question: str) -> Iterator[str | Answer]:
        """Text chunks as they are produced, then the verified Answer."""
        prep = self.prepare(question)
        if self._llm is None or not prep.chosen:
            answer = self.extractive(prep)
            yield answer.text
            yield answer
            return
        cards = self._cards(prep)
        parts: list[str] = []
        with self._model_errors():
            for token in self._llm.stream(prompt_inputs(prep.analysis.text, prep.analysis.language,
                                                        evidence_cards(cards, self.multi_doc()))):
                parts.append(token)
                yield token
        yield self.checked_llm_answer(prep, cards, "".join(parts))

    def _cards(self, prep: Prepared) -> list[StoredSentence]:
        ids = [h.sentence.id for h in prep.chosen]
        extra = [h for h in prep.hits if h.sentence.id not in ids]
        pool = prep.chosen + extra[:max(0, LLM_CARDS - len(prep.chosen))]
        return [h.sentence for h in sorted(pool, key=lambda h: (h.sentence.doc, h.sentence.n))]

    def extractive(self, prep: Prepared) -> Answer:
        q = prep.analysis
        draft = compose(q, prep.hits, self.multi_doc(), self.threshold)
        return self._finish(q, draft, [h.sentence for h in prep.hits])

    def checked_llm_answer(self, prep: Prepared, cards: list[StoredSentence], text: str) -> Answer:
        q = prep.analysis
        evidence = {s.id: s for s in cards}
        result = verify(text, evidence, self.speakers())
        if not result.cited:
            # Nothing the model said survives the checks: answer from the evidence itself.
            answer = self.extractive(prep)
            note = FALLBACK_NOTE.get(q.language, FALLBACK_NOTE["en"])
            return Answer(question=answer.question, text=f"{note}\n{answer.text}", abstained=answer.abstained,
                          citations=answer.citations, answerer="extractive", model=self.backend.name,
                          language=q.language, evidence=answer.evidence, fallback=True,
                          checks={"dropped_claims": result.dropped_claims, "misattributions": result.misattributions,
                                  "model_output": text})
        citations = tuple(_citation(evidence[i]) for i in result.cited)
        return Answer(question=q.text, text=result.text, abstained=False, citations=citations, answerer="llm",
                      model=self.backend.name, language=q.language, evidence=tuple(evidence),
                      checks={"dropped_claims": result.dropped_claims, "misattributions": result.misattributions,
                                  "model_output": text})

    def _finish(self, q: QuestionAnalysis, draft: Draft, evidence: list[StoredSentence]) -> Answer:
        """The extractive draft after the citation check (an answer left uncited becomes an abstention)."""
        by_id = {s.id: s for s in evidence}
        checked = check_citations(draft.text, list(by_id))
        if not draft.abstained and not checked.valid:
            draft = abstention(q)
            checked = check_citations(draft.text, [])
        return Answer(question=q.text, text=checked.text, abstained=draft.abstained,
                      citations=tuple(_citation(by_id[i]) for i in checked.valid), answerer="extractive", model=None,
                      language=q.language, evidence=tuple(by_id))


def _citation(s: StoredSentence) -> Citation:
    return Citation(id=s.id, doc=s.doc, sentence=s.n, text=s.text,
                    speaker=s.canonical_speaker.replace("; ", " & ") if s.canonical_speaker else None,
                    speaker_as_written=s.speaker, cue=s.cue)

