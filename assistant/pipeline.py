"""The whole question flow, top to bottom: clean the question, retrieve, decide whether the
corpus supports an answer, compose it with exact quotes, mark dated passages."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager

from assistant.abstain import AbstainFeatures, should_answer
from assistant.answer import (
    abstain_text,
    citations_valid,
    compose,
    is_english,
    make_answer,
    nearest_sections,
    score_sentences,
    unknown_terms,
)
from assistant.config import Settings
from assistant.embeddings import get_embedder
from assistant.errors import EmptyQuestion
from assistant.retrieval import Retriever, Scope
from assistant.store import IndexReader, IndexStore
from assistant.types import Answer, Source
from assistant.updates import UpdateNotes

CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean_question(question: str, max_chars: int) -> tuple[str, list[str]]:
    """Normalise whitespace and control characters; truncate an overly long question.
    Returns the question to search and notices for the user."""
    text = CONTROL_RE.sub(" ", question or "")
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
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


class Assistant:
    """Loaded index + models; answers questions. Reopens the index when a new version goes live."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self.store = IndexStore(self.settings.index_dir)
        self._reader: IndexReader | None = None
        self._retriever: Retriever | None = None
        self._notes: UpdateNotes | None = None

    @property
    def reader(self) -> IndexReader:
        manifest = self.store.manifest()
        if self._reader is None or manifest is None or manifest.version != self._reader.manifest.version:
            self._reader = self.store.open_reader()
            # Queries must be embedded by the model that built this index version.
            embedder = get_embedder(self._reader.manifest.embedder_spec)
            self._retriever = Retriever(self._reader, embedder, self.settings.rrf_k)
            self._notes = UpdateNotes(self._reader.manifest.updates)
        return self._reader

    @property
    def retriever(self) -> Retriever:
        _ = self.reader
        assert self._retriever is not None
        return self._retriever

    def ask(
        self, question: str, scope: Scope | None = None, style: str = "uitgebreid", query: str | None = None
    ) -> Answer:
        """Answer `question`; `query` is the standalone search text when a conversation has
        rewritten a follow-up (defaults to the question itself)."""
        timings: dict[str, float] = {}
        text, notices = clean_question(question, self.settings.max_question_chars)
        search_text = clean_question(query, self.settings.max_question_chars)[0] if query else text
        with _timed(timings, "retrieve"):
            retriever = self.retriever
            retrieval = retriever.search(search_text, self.settings.k_dense, self.settings.k_lexical, scope)
        if scope is not None and not scope.is_empty:
            notices.append(f"Gezocht binnen: {scope.describe()}.")
        with _timed(timings, "compose"):
            hits = retrieval.hits
            features = AbstainFeatures.of(
                hits,
                unknown_terms(retrieval.query_tokens, retriever.lexical),
                retrieval.query_tokens,
                is_english(search_text),
            )
            if not hits or not should_answer(features):
                nearest = nearest_sections(hits)
                answer = make_answer(
                    text, search_text, False, abstain_text(text, nearest), [], nearest, notices, timings
                )
                return answer
            scored = score_sentences(retrieval, self.reader, retriever.lexical)
            body, sources = compose(text, search_text, scored, style)
            sources = self._with_notes(sources)
            if not sources or not citations_valid(body, sources):
                nearest = nearest_sections(hits)
                return make_answer(text, search_text, False, abstain_text(text, nearest), [], nearest, notices, timings)
            notes = [s for s in sources if s.note]  # dated handbook passages
            if notes:
                body += "\n\n" + "\n".join(f"**Let op: bijgewerkt** [{s.n}]: {s.note}" for s in notes)
        return make_answer(text, search_text, True, body, sources, [], notices, timings)

    def _with_notes(self, sources: list[Source]) -> list[Source]:
        assert self._notes is not None
        out = []
        for source in sources:
            note = self._notes.note_for(source.quote) if source.chunk.doc_type == "handbook" else None
            out.append(Source(source.n, source.chunk, source.quote, source.score, note) if note else source)
        return out
