"""The whole question flow, top to bottom: clean the question, retrieve, decide whether the
corpus supports an answer, compose it with exact quotes, mark dated passages."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

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


@dataclass(frozen=True)
class LoadedIndex:
    """One index version with what answering needs from it."""

    reader: IndexReader
    retriever: Retriever
    notes: UpdateNotes


class Assistant:
    """Loaded index + models; answers questions. Reopens the index when a new version goes live."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self.store = IndexStore(self.settings.index_dir)
        self._loaded: LoadedIndex | None = None

    def loaded(self) -> LoadedIndex:
        """The live index version, reopened when `assistant ingest` has switched to a new one
        (one small manifest read per call)."""
        manifest = self.store.manifest()
        if self._loaded is None or manifest is None or manifest.version != self._loaded.reader.manifest.version:
            reader = self.store.open_reader()
            # Queries must be embedded by the model that built this index version.
            embedder = get_embedder(reader.manifest.embedder_spec)
            self._loaded = LoadedIndex(
                reader, Retriever(reader, embedder, self.settings.rrf_k), UpdateNotes(reader.manifest.updates)
            )
        return self._loaded

    @property
    def reader(self) -> IndexReader:
        return self.loaded().reader

    @property
    def retriever(self) -> Retriever:
        return self.loaded().retriever

    def ask(
        self, question: str, scope: Scope | None = None, style: str = "uitgebreid", query: str | None = None
    ) -> Answer:
        """Answer `question`; `query` is the standalone search text when a conversation has
        rewritten a follow-up (defaults to the question itself)."""
        timings: dict[str, float] = {}
        text, notices = clean_question(question, self.settings.max_question_chars)
        search_text = clean_question(query, self.settings.max_question_chars)[0] if query else text
        with _timed(timings, "retrieve"):
            index = self.loaded()
            retrieval = index.retriever.search(search_text, self.settings.k_dense, self.settings.k_lexical, scope)
        if scope is not None and not scope.is_empty:
            notices.append(f"Gezocht binnen: {scope.describe()}.")

        def abstain() -> Answer:
            nearest = nearest_sections(retrieval.hits)
            return make_answer(text, search_text, False, abstain_text(text, nearest), [], nearest, notices, timings)

        with _timed(timings, "compose"):
            features = AbstainFeatures.of(
                retrieval.hits,
                unknown_terms(retrieval.query_tokens, index.retriever.lexical),
                retrieval.query_tokens,
                is_english(search_text),
            )
            if not retrieval.hits or not should_answer(features):
                return abstain()
            scored = score_sentences(retrieval, index.reader, index.retriever.lexical)
            body, sources = compose(text, search_text, scored, style)
            sources = [_with_note(source, index.notes) for source in sources]
            if not sources or not citations_valid(body, sources):
                return abstain()
            notes = [s for s in sources if s.note]  # dated handbook passages
            if notes:
                body += "\n\n" + "\n".join(f"**Let op: bijgewerkt** [{s.n}]: {s.note}" for s in notes)
        return make_answer(text, search_text, True, body, sources, [], notices, timings)


def _with_note(source: Source, notes: UpdateNotes) -> Source:
    note = notes.note_for(source.quote) if source.chunk.doc_type == "handbook" else None
    return replace(source, note=note) if note else source
