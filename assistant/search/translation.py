"""English question words mapped onto the corpus's Dutch words by the embedder itself.

The corpus is Dutch, so an English question gets a lexical (BM25) signal only through the
hand-kept glossary (text/tokens.py), which knows 160 terms of municipal cooperation. e5 is
multilingual: embedded alone, "evaluations" lies nearest "evaluatie", "largest" nearest
"grootste", "employees" nearest "medewerkers". So each English word the glossary and the corpus lack is
embedded and joined by the corpus words whose vectors lie closest to it, when they lie close enough.

Measured on the question bank (README): validation answered 0.766 -> 0.806 and cited-source hit
0.556 -> 0.581 with off-corpus refusals unchanged; English answerable questions answered 0.47 ->
0.77. The cut-off and the number of words per English word were chosen on validation among
0.91 / 0.92 / 0.93 / 0.95 and 1 / 2. They are cosines of e5-small word vectors: another embedder
gets no translation (its cosines live on another scale).

The corpus words' vectors are made once per index version, beside its BM25 tables, by the process
that wrote the version (search/tables.py); an English question's new words are embedded when
asked, in one call (a few ms), and remembered. Without a folder to keep them in (an index on a
Chroma server) each process makes them at its first English question (about 5 s for 1,951 words).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from assistant.search.lexical import LexicalIndex
from assistant.text.tokens import STOPWORDS, glossary

log = logging.getLogger(__name__)

MIN_COSINE = 0.93
WORDS_PER_WORD = 2
MIN_LENGTH = 3
# At scale the vocabulary grows with the corpus; its most widespread words are the ones a
# translated question can usefully match, and 20,000 vectors take 30 MB.
VOCABULARY_LIMIT = 20_000
FOLDER = "word-vectors"
CACHE_WORDS = 4096


@runtime_checkable
class WordEmbedder(Protocol):
    """An embedder that can embed single words for word-to-word similarity."""

    def embed_words(self, words: list[str]) -> list[list[float]]: ...


def translatable(word: str, corpus_words: set[str]) -> bool:
    """Whether an (already folded) word of an English question may be translated: not a stop
    word, not in the glossary (that translation is hand-checked), not a word the corpus already
    has (a name such as "hltsamen", or "evaluatie" typed in an English sentence), not a number."""
    return (
        len(word) >= MIN_LENGTH
        and word.isalpha()
        and word not in STOPWORDS
        and word not in glossary()
        and word not in corpus_words
    )


class WordTranslator:
    """Corpus words near an English word in the embedder's space."""

    def __init__(self, vocabulary: Sequence[str], vectors: np.ndarray, embed: Callable[[list[str]], list[list[float]]]):
        self.vocabulary = list(vocabulary)
        self._known = set(self.vocabulary)
        self._vectors = vectors
        self._embed = embed
        # English word -> its corpus words; dict reads and writes are atomic, so threads share it.
        self._found: dict[str, list[str]] = {}

    @classmethod
    def cached(cls, lexical: LexicalIndex, embedder: WordEmbedder, folder: Path | None) -> WordTranslator:
        """The translator over `lexical`'s vocabulary, its vectors loaded from `folder` when saved
        there for this vocabulary, else made (about 3 ms a word) and saved for the next process."""
        vocabulary = corpus_vocabulary(lexical)
        digest = _digest(vocabulary)
        place = folder / FOLDER if folder is not None else None
        vectors = _load(place, digest) if place is not None else None
        if vectors is None:
            vectors = _unit(np.asarray(embedder.embed_words(vocabulary), dtype=np.float32).reshape(len(vocabulary), -1))
            if place is not None:
                try:
                    _save(place, digest, vectors)
                except OSError as error:
                    log.warning("could not save the word vectors in %s: %s", place, error)
        return cls(vocabulary, vectors, embedder.embed_words)

    def translate(self, words: Sequence[str]) -> list[str]:
        """Corpus words for the translatable ones of `words` (folded words of an English question)."""
        wanted = [w for w in dict.fromkeys(words) if translatable(w, self._known)]
        missing = [w for w in wanted if w not in self._found]
        if missing and self.vocabulary:
            # One embedding call for all of a question's new words: a call per word cost the
            # warm p95 about 20 ms.
            vectors = _unit(np.asarray(self._embed(missing), dtype=np.float32).reshape(len(missing), -1))
            if len(self._found) > CACHE_WORDS:
                self._found.clear()
            for word, similarity in zip(missing, vectors @ self._vectors.T, strict=True):
                best = np.argsort(-similarity)[:WORDS_PER_WORD]
                self._found[word] = [self.vocabulary[i] for i in best if similarity[i] >= MIN_COSINE]
        return [found for w in wanted for found in self._found.get(w, ())]


def corpus_vocabulary(lexical: LexicalIndex) -> list[str]:
    """The words a translation may land on: the lexical index's alphabetic words, the most
    widespread first when there are more than VOCABULARY_LIMIT."""
    frequency = lexical.document_frequency
    words = [w for w in lexical.vocabulary if len(w) >= MIN_LENGTH and w.isalpha()]
    words.sort(key=lambda w: (-frequency.get(w, 0), w))
    return words[:VOCABULARY_LIMIT]


class LazyTranslator:
    """A WordTranslator made at the first English question that needs it, once, under a lock
    (threads answering at the same time share one)."""

    def __init__(self, make: Callable[[], WordTranslator]) -> None:
        self._make = make
        self._translator: WordTranslator | None = None
        self._lock = threading.Lock()

    def prepare(self) -> WordTranslator:
        """The translator, made now if not yet (a server does this before its first user)."""
        with self._lock:
            if self._translator is None:
                self._translator = self._make()
            return self._translator

    def __call__(self, words: Sequence[str]) -> list[str]:
        return self.prepare().translate(words)


def _unit(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms > 0, norms, 1.0)


def _digest(vocabulary: Sequence[str]) -> str:
    return hashlib.sha256("\n".join(vocabulary).encode("utf-8")).hexdigest()[:24]


def _load(place: Path, digest: str) -> np.ndarray | None:
    try:
        meta = json.loads((place / "meta.json").read_text("utf-8"))
        if meta.get("vocabulary") != digest:
            return None
        return np.load(place / "vectors.npy")
    except (OSError, ValueError):
        return None


def _save(place: Path, digest: str, vectors: np.ndarray) -> None:
    """Written beside `place` and moved there in one rename, as the BM25 tables are: a process
    that loads them never reads half-written ones; a process that saved them first wins."""
    place.parent.mkdir(parents=True, exist_ok=True)
    tmp = place.with_name(f".{place.name}.{os.getpid()}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    np.save(tmp / "vectors.npy", vectors)
    (tmp / "meta.json").write_text(json.dumps({"vocabulary": digest}), "utf-8")
    try:
        os.replace(tmp, place)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)  # saved meanwhile (or for other words: left as it is)
