"""Does the corpus answer this question? Signals from retrieval, combined by a model fitted on the
question bank (`assistant calibrate`), not by hand-set thresholds.

The signals, each chosen for a way a question can look answerable without being so:
- dense: how close the best chunk and the best sentence are (e5 cosine), and by how much the best
  chunk stands out from the next ones;
- lexical: how much of the question's idf mass BM25 matched, the idf-weighted share of the
  question's words in the best chunks, and how rare the rarest word is that none of the best
  chunks contains (an attribute the corpus lacks for an entity it knows: the pay of an alderman,
  a later year);
- agreement: whether the dense and the lexical arm found the same chunk;
- domain: the question's similarity to the nearest document as a whole, and the share of its words the
  corpus does not know at all.
- the fused score of the best chunk and its margin over the second.
Dropped after measuring: nearness to the bank's answerable vs. unanswerable training questions
(e5 neighbours) lowered validation answered 0.808 -> 0.769 at the same refusal and refused
answerable case questions; "the best chunk is a case" encoded which organisations the bank's
traps happen to be about.
The fitted model is a logistic regression (scikit-learn) stored as plain coefficients in
assistant/data/answerability.json with its validation figures, so answering needs numpy only.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from assistant.index.store import IndexReader
from assistant.search.abstain import AbstainFeatures, should_answer
from assistant.search.lexical import LexicalIndex, has_word, weighted_coverage
from assistant.search.ranker import LinearModel
from assistant.search.retriever import Retrieval
from assistant.text.tokens import stopwords
from assistant.types import Hit

YEAR_RE = re.compile(r"\b(19[5-9]\d|20\d\d)\b")
ENGLISH_INTERACTIONS = ("top_dense", "best_sentence", "centroid", "coverage_best", "lexical_mass")
MODEL_FILE = Path(__file__).resolve().parent.parent / "data" / "answerability.json"
TOP_CHUNKS = 3


@dataclass(frozen=True)
class AnswerabilityFeatures:
    top_score: float
    score_margin: float
    top_dense: float
    dense_margin: float
    best_sentence: float
    centroid: float
    lexical_mass: float
    coverage_top: float
    coverage_best: float
    missing_rare: float
    unknown_ratio: float
    agreement: float
    english: float
    length: float
    year_unmet: float

    @staticmethod
    def names() -> list[str]:
        return list(AnswerabilityFeatures.__dataclass_fields__) + [f"english_{n}" for n in ENGLISH_INTERACTIONS]

    def vector(self) -> list[float]:
        """The features, and for an English question the signals whose meaning shifts with the
        language again (a Dutch corpus: English cosines run lower, glossary terms match less);
        they raised validation answered English questions from 0.56 to 0.67 (README)."""
        values = asdict(self)
        return list(values.values()) + [values[n] * self.english for n in ENGLISH_INTERACTIONS]


def unknown_terms(query_tokens: list[str], lexical: LexicalIndex, english: bool) -> list[str]:
    """Content words of the question that occur nowhere in the corpus, not even as a prefix:
    a question about "paspoort" or "OZB" is about something the corpus does not contain."""
    vocabulary = lexical.document_frequency
    out = []
    stop = stopwords(english)
    for token in dict.fromkeys(query_tokens):
        if token in stop or token.isdigit() or len(token) < 3 or token in vocabulary:
            continue
        if len(token) >= 6 and any(word.startswith(token[:6]) for word in vocabulary):
            continue
        out.append(token)
    return out


def _nearest_document(centroids: np.ndarray | None, vector: list[float]) -> float:
    if centroids is None or not len(centroids):
        return 0.0
    return float(np.max(centroids @ np.asarray(vector, dtype=np.float32)))


def extract(
    question: str,
    hits: list[Hit],
    query_tokens: list[str],
    query_vector: list[float],
    centroids: np.ndarray | None,
    lexical: LexicalIndex,
    english: bool,
) -> AnswerabilityFeatures:
    """The signals for one question."""
    scores = [h.score for h in hits[:2]]
    dense = sorted((h.dense for h in hits if h.dense is not None), reverse=True)
    top_dense = dense[0] if dense else 0.0
    rest = dense[1:6]
    margin = top_dense - (sum(rest) / len(rest)) if rest else 0.0
    tokens = list(dict.fromkeys(t for t in query_tokens if t not in stopwords(english)))
    idf = {t: lexical.idf(t) for t in tokens}
    total = sum(idf.values())
    top_lexical = max((h.lexical for h in hits if h.lexical is not None), default=0.0)
    # BM25 of one matched term is at most idf * (k1 + 1); the share of that ceiling reached says
    # how much of the question the best chunk matched.
    lexical_mass = top_lexical / (total * 2.5) if total else 0.0
    words_of = [set(lexical.tokens_of(h.chunk.id)) for h in hits[:TOP_CHUNKS]]
    coverages = [weighted_coverage(tokens, ws, idf) for ws in words_of]
    # Words the corpus knows but none of the best chunks has: an attribute the corpus has elsewhere
    # but not for this entity (a salary, a later year). Words it does not know at all count in
    # unknown_ratio instead; an inflection it lacks ("gegaan") would only add noise here.
    known = [t for t in tokens if lexical.document_frequency.get(t)]
    missing = [idf[t] for t in known if not any(has_word(ws, t) for ws in words_of)]
    ceiling = math.log(1 + (len(lexical.chunks) + 0.5) / 1.5) or 1.0
    unknown = unknown_terms(query_tokens, lexical, english)
    content = [t for t in tokens if not t.isdigit() and len(t) >= 3]
    top_dense_hit = max((h for h in hits if h.dense is not None), key=lambda h: h.dense or 0.0, default=None)
    top_lexical_ids = [h.chunk.id for h in sorted(hits, key=lambda h: -(h.lexical or 0.0))[:TOP_CHUNKS] if h.lexical]
    # A year the question names that the best passages do not: a count or a budget for a later year.
    years = set(YEAR_RE.findall(question))
    top_years = set(YEAR_RE.findall(" ".join(h.chunk.search_text for h in hits[:TOP_CHUNKS])))
    return AnswerabilityFeatures(
        top_score=scores[0] if scores else 0.0,
        score_margin=scores[0] - scores[1] if len(scores) > 1 else 0.0,
        top_dense=top_dense,
        dense_margin=margin,
        best_sentence=max((h.sentence for h in hits[:TOP_CHUNKS] if h.sentence is not None), default=top_dense),
        centroid=_nearest_document(centroids, query_vector),
        lexical_mass=min(1.0, lexical_mass),
        coverage_top=coverages[0] if coverages else 0.0,
        coverage_best=max(coverages, default=0.0),
        missing_rare=max(missing, default=0.0) / ceiling,
        # English words are unknown to a Dutch corpus by nature: only a Dutch question's unknown
        # words say it is about something the corpus lacks.
        unknown_ratio=0.0 if english else (len(unknown) / len(content) if content else 1.0),
        agreement=1.0 if top_dense_hit is not None and top_dense_hit.chunk.id in top_lexical_ids else 0.0,
        english=1.0 if english else 0.0,
        length=math.log(1 + len(tokens)),
        year_unmet=float(bool(years) and not years <= top_years),
    )


@dataclass(frozen=True)
class Answerability:
    """The fitted decision: P(answerable) from the features, answered at or above `threshold`."""

    model: LinearModel

    @property
    def threshold(self) -> float:
        return float(self.model.extra["threshold"])  # type: ignore[arg-type]

    def knows(self, doc_id: str, reader: IndexReader) -> bool:
        """Was this document, as it is now, in the corpus the decision was fitted on? Its signals
        were learned on that corpus (a document added since may look unlike anything in it: a
        two-paragraph upload stands out as no fitted question did), so questions whose best
        passage lies in a newer document get the fallback rule until `assistant calibrate` runs."""
        fitted = self.model.extra.get("documents")
        if not isinstance(fitted, dict):
            return False
        current = {d.doc: d.sha256 for d in reader.manifest.documents}
        return doc_id in fitted and fitted[doc_id] == current.get(doc_id)

    def probability(self, features: AnswerabilityFeatures) -> float:
        return 1.0 / (1.0 + math.exp(-self.model.logit(features.vector())))

    def answers(self, features: AnswerabilityFeatures) -> bool:
        return self.probability(features) >= self.threshold

    @staticmethod
    def load(embedder: str, fusion: str, model_file: Path = MODEL_FILE) -> Answerability | None:
        """The decision fitted for this embedder and fusion, or None (then the pipeline falls back
        to the hand-set rule in abstain.py)."""
        model = LinearModel.load(model_file)
        if model is None or model.embedder != embedder or model.extra.get("fusion") != fusion:
            return None
        if list(model.names) != AnswerabilityFeatures.names():
            return None
        return Answerability(model)


def corpus_supports(
    decision: Answerability | None, retrieval: Retrieval, reader: IndexReader, lexical: LexicalIndex
) -> bool:
    """Does the corpus support an answer to the question behind `retrieval`?"""
    hits = retrieval.for_decision
    if not hits:
        return False
    english = retrieval.query.english if retrieval.query else False
    tokens = retrieval.query.tokens_as_fitted() if retrieval.query else retrieval.query_tokens
    if decision is None or not decision.knows(hits[0].chunk.doc_id, reader):
        unknown = unknown_terms(tokens, lexical, english)
        return should_answer(AbstainFeatures.of(hits, unknown, tokens, english))
    text = retrieval.query.text if retrieval.query else ""
    features = extract(
        text,
        hits,
        tokens,
        retrieval.query_vector,
        reader.centroids(),
        lexical,
        english,
    )
    return decision.answers(features)
