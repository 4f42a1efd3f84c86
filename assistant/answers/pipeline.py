"""The whole question flow, top to bottom: clean the question, retrieve, decide whether the
corpus supports an answer, score the sentences, choose quotes, add practice passages, compose the
answer with exact quotes, mark dated passages; optionally let a language model write it."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from assistant.answers.compose import abstain_text, citations_valid, compose, nearest_sections, select_quotes
from assistant.answers.limits import MODEL_BUSY_NOTICE, Limits
from assistant.answers.practice import PracticeLinks, asks_for_practice, practice_quotes
from assistant.answers.quantities import quantity_unanswered
from assistant.answers.relevance import score_sentences
from assistant.answers.updates import UpdateNotes
from assistant.config import Settings
from assistant.errors import EmptyQuestion
from assistant.generate.llm import (
    UNVERIFIABLE_NOTICE,
    LLMUnavailable,
    build_messages,
    make_chat_model,
    stream_text,
)
from assistant.generate.safety import INSTRUCTION_RE
from assistant.generate.support import Evidence
from assistant.generate.verify import StreamVerifier
from assistant.index.embeddings import get_embedder
from assistant.index.store import IndexReader, IndexStore
from assistant.search.answerability import Answerability, corpus_supports
from assistant.search.retriever import Retrieval, Retriever
from assistant.search.scope import Scope, implied_scope
from assistant.text.markup import CONTROL_RE, scrub, strip_tags
from assistant.text.tokens import is_english
from assistant.types import Answer, AnswerStyle, Hit, Quote, Source

# Retrieved chunks given to a language model, per answer style.
LLM_SOURCES = {"kort": 3, "uitgebreid": 5}


def _plain(question: str | None) -> str:
    text = CONTROL_RE.sub(" ", strip_tags(scrub(question or "")))
    return re.sub(r"\s+", " ", text).strip()


def asks_nothing(question: str | None) -> bool:
    """Whether the question, once cleaned, has no letter or digit: nothing ("", "<b></b>") or only
    punctuation and symbols ("?", "...", "👍"). Searching it anyway answered with the nearest
    sections of a question that asks nothing; the chat refuses it before showing it."""
    return not _has_content(_plain(question))


def _has_content(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def clean_question(question: str, max_chars: int) -> tuple[str, list[str]]:
    """Drop HTML tags, normalise whitespace and control characters; truncate an overly long question.
    Returns the question to search and notices for the user."""
    text = _plain(question)
    if not _has_content(text):
        raise EmptyQuestion()
    notices = []
    if len(text) > max_chars:
        cut = text[:max_chars].rsplit(" ", 1)[0] or text[:max_chars]
        notices.append(
            f"Je vraag was {len(text):,} tekens lang; alleen de eerste {len(cut):,} tekens zijn gebruikt.".replace(
                ",", "."
            )
        )
        text = cut
    return text, notices


@contextmanager
def _timed(timings: dict[str, float], name: str) -> Iterator[None]:
    started = time.perf_counter()
    yield
    timings[name] = (time.perf_counter() - started) * 1000


@dataclass(frozen=True)
class LoadedIndex:
    """One index version with what answering needs from it."""

    reader: IndexReader
    retriever: Retriever
    notes: UpdateNotes
    practice: PracticeLinks
    answerability: Answerability | None

    def supports(self, retrieval: Retrieval) -> bool:
        """The answerability decision on `retrieval` (answer or refuse)."""
        return corpus_supports(self.answerability, retrieval, self.reader, self.retriever.lexical)


class Assistant:
    """Loaded index + models; answers questions. Reopens the index when a new version goes live."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self.store = IndexStore.for_settings(self.settings)
        self._loaded: LoadedIndex | None = None
        self._llm: Any = None
        self._load_lock = threading.Lock()
        self.limits = Limits(self.settings.workers, self.settings.llm_workers)

    def loaded(self) -> LoadedIndex:
        """The live index version, reopened when `assistant ingest` has switched to a new one
        (one small read per call: the manifest file, or the live row on a Chroma server), so every
        app process answers from a new version from its next question on, without a restart."""
        if current := self._current():
            return current
        # One thread opens a new version; the others answering meanwhile wait for it, rather than
        # each building its own BM25 index.
        with self._load_lock:
            if current := self._current():
                return current
            reader = self.store.open_reader()
            # Queries must be embedded by the model that built this index version.
            embedder = get_embedder(reader.manifest.embedder_spec)
            retriever = Retriever(reader, embedder, self.settings.fusion, self.settings.rrf_k)
            notes, practice = UpdateNotes(reader.manifest.updates), PracticeLinks(reader.manifest.practice)
            decision = Answerability.load(reader.manifest.embedder_spec, retriever.fusion.value)
            self._loaded = LoadedIndex(reader, retriever, notes, practice, decision)
            return self._loaded

    def _current(self) -> LoadedIndex | None:
        """The loaded version if it is still the live one. reader.live_version is the live version
        when the reader was opened (it may answer from an older complete one when the live one is
        damaged, store.open_reader)."""
        live, loaded = self.store.live_version(), self._loaded
        if loaded is not None and live is not None and live == loaded.reader.live_version:
            return loaded
        return None

    @property
    def retriever(self) -> Retriever:
        return self.loaded().retriever

    @property
    def llm(self) -> Any:
        """The configured chat model (langchain), or None: answers are then extractive only."""
        if self._llm is None and self.settings.llm:
            self._llm = make_chat_model(self.settings)
        return self._llm

    def ask(
        self, question: str, scope: Scope | None = None, style: AnswerStyle = "uitgebreid", query: str | None = None
    ) -> Answer:
        """Answer `question`; `query` is the standalone search text when a conversation has
        rewritten a follow-up (defaults to the question itself)."""
        answer: Answer | None = None
        for item in self.ask_stream(question, scope, style, query):
            if isinstance(item, Answer):
                answer = item
        assert answer is not None  # ask_stream always ends with the Answer
        return answer

    def ask_stream(
        self, question: str, scope: Scope | None = None, style: AnswerStyle = "uitgebreid", query: str | None = None
    ) -> Iterator[str | Answer]:
        """Like ask(), for a UI: yields verified text pieces while the model writes, then the final
        Answer (always last). Without a model, or when abstaining, only the Answer."""
        with self.limits.cpu():
            draft = self.draft(question, scope, style, query)
        if not draft.answer.answered or self.llm is None:
            yield draft.answer  # abstention and extractive answers never call a model
            return
        with self.limits.model() as free:
            if not free:
                yield _fallback(draft.answer, MODEL_BUSY_NOTICE, dict(draft.answer.timings_ms))
                return
            yield from self._generate(draft, style)

    def answers_alone(self, question: str) -> bool:
        """Whether the answerability decision answers `question` searched as it is (no history)."""
        text = clean_question(question, self.settings.max_question_chars)[0]
        with self.limits.cpu():
            index = self.loaded()
            scope = implied_scope(text)
            retrieval = index.retriever.search(text, self.settings.k_dense, self.settings.k_lexical, scope)
            return index.supports(retrieval)

    def draft(self, question: str, scope: Scope | None, style: AnswerStyle, query: str | None) -> Draft:
        """Retrieval, the abstain decision and the extractive answer (also the fallback when a
        model is configured but fails)."""
        timings: dict[str, float] = {}
        text, notices = clean_question(question, self.settings.max_question_chars)
        search_text = clean_question(query, self.settings.max_question_chars)[0] if query else text
        if scope is None or scope.is_empty:
            scope = implied_scope(text)
        with _timed(timings, "retrieve"):
            index = self.loaded()
            retrieval = index.retriever.search(search_text, self.settings.k_dense, self.settings.k_lexical, scope)
        if scope is not None and not scope.is_empty:
            notices.append(f"Gezocht binnen: {scope.describe()}.")

        def abstain() -> Draft:
            nearest = nearest_sections(retrieval.hits)
            answer = Answer.abstention(text, search_text, abstain_text(nearest), nearest, notices, timings)
            return Draft(answer, index, retrieval.hits)

        with _timed(timings, "compose"):
            if not index.supports(retrieval):
                return abstain()
            scored = score_sentences(retrieval, index.reader, index.retriever.lexical)
            # A sentence that addresses a language model is never quoted as an answer.
            scored = [s for s in scored if not INSTRUCTION_RE.search(s.row.text)]
            about_practice = asks_for_practice(text)
            quotes = select_quotes(scored, style, other_kind=about_practice)
            # Judged on what the full answer would quote, so "kort" refuses what "uitgebreid" does.
            full = quotes if style == "uitgebreid" else select_quotes(scored, "uitgebreid", about_practice)
            if quantity_unanswered(text, (q.text for q in full)):
                return abstain()
            practice = self._practice(text, quotes, retrieval, index) if style != "kort" else []
            body, sources = compose(quotes, practice, scored, style)
            sources = [_with_note(source, index.notes) for source in sources]
            if not sources or not citations_valid(body, sources):
                return abstain()
            body = _with_update_notes(body, sources)
        return Draft(Answer.extractive(text, search_text, body, sources, notices, timings), index, retrieval.hits)

    def _practice(self, question: str, quotes: list[Quote], retrieval: Retrieval, index: LoadedIndex) -> list[Quote]:
        """For a question about practice answered from the handbook: the case passages on the theme
        of the quoted handbook sections (none when the answer already quotes a case)."""
        if not asks_for_practice(question) or any(q.hit.chunk.doc_type == "case" for q in quotes):
            return []
        handbook = [q.hit.chunk for q in quotes if q.hit.chunk.doc_type == "handbook"]
        return practice_quotes(handbook, retrieval, index.reader, index.retriever.lexical, index.practice)

    def _generate(self, draft: Draft, style: AnswerStyle) -> Iterator[str | Answer]:
        """The model's answer over the top retrieved chunks, verified sentence by sentence while it
        streams; the extractive draft with a notice when the model fails or nothing survives."""
        extractive = draft.answer
        timings = dict(extractive.timings_ms)
        hits = [h for h in draft.hits if h.chunk.kind != "footnote"][: LLM_SOURCES[style]]
        evidence = evidence_for(hits, draft.index.reader)
        embedder = draft.index.retriever.embedder
        verifier = StreamVerifier(
            evidence, embedder.embed_query, draft.index.retriever.lexical.idf, is_english(extractive.question)
        )
        messages = build_messages(extractive.question, [h.chunk for h in hits], style)
        try:
            with _timed(timings, "llm"):
                for piece in stream_text(self.llm, messages, self.settings.llm_timeout_s):
                    shown = verifier.feed(piece)
                    if shown:
                        yield shown
            if shown := verifier.flush():
                yield shown
        except LLMUnavailable as error:
            yield _fallback(extractive, error.notice, timings)
            return
        result = verifier.finish()
        if not result.kept:
            yield _fallback(extractive, UNVERIFIABLE_NOTICE, timings)
            return
        sources = [_with_note(source, draft.index.notes) for source in result.sources]
        notices = list(extractive.notices)
        if result.removed:
            notices.append(removed_notice(result.removed))
        yield replace(
            extractive,
            answer=_with_update_notes(result.text, sources),
            mode="llm",
            sources=tuple(sources),
            notices=tuple(notices),
            timings_ms=timings,
        )


@dataclass(frozen=True)
class Draft:
    """The retrieval-based answer to a question: abstention or extractive quotes, with the hits
    a model may use."""

    answer: Answer
    index: LoadedIndex
    hits: list[Hit]


def evidence_for(hits: list[Hit], reader: IndexReader) -> list[Evidence]:
    rows: dict[str, list[tuple[int, int, list[float]]]] = {}
    for row, vector in reader.sentence_vectors([h.chunk.id for h in hits]):
        rows.setdefault(row.chunk_id, []).append((row.start, row.end, vector))
    return [Evidence.of(h.chunk, h.score, rows.get(h.chunk.id)) for h in hits]


def removed_notice(count: int) -> str:
    zinnen = "zin" if count == 1 else "zinnen"
    return f"{count} {zinnen} van het taalmodel weggelaten: de bronnen onderbouwen ze niet."


def _fallback(extractive: Answer, notice: str, timings: dict[str, float]) -> Answer:
    return replace(extractive, notices=(*extractive.notices, notice), timings_ms=timings)


def _with_update_notes(body: str, sources: list[Source]) -> str:
    notes = [s for s in sources if s.note]  # dated handbook passages
    if notes:
        body += "\n\n" + "\n".join(f"**Let op: bijgewerkt** [{s.n}]: {s.note}" for s in notes)
    return body


def _with_note(source: Source, notes: UpdateNotes) -> Source:
    note = notes.note_for(source.quote) if source.chunk.doc_type == "handbook" else None
    return replace(source, note=note) if note else source
