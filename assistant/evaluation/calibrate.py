"""`assistant calibrate`: fit the learned parts on the question bank and save them.

1. The ranker (search/ranker.py): a logistic regression over each candidate chunk's arm features,
   labelled by whether the chunk holds one of the question's expected phrases; fitted on the
   answerable questions of the train part.
2. Answerability (search/answerability.py): a logistic regression over the question's retrieval
   signals (with the new ranker), fitted on the train part; its threshold is the one that best meets
   both targets (answer >= 0.95 of answerable, refuse >= 0.90 of unanswerable) on validation.
3. The query adapter (search/adapter.py): a linear map of the question's vector towards the chunks
   that answer it, fitted on the answerable questions of the train part.
The test part is only reported, never used to choose anything. The models are written to
assistant/data/ with the embedder they were fitted for; `--only` fits one of them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from assistant.answers.chat import ChatSession
from assistant.answers.pipeline import Assistant
from assistant.config import Settings
from assistant.evaluation.adapter_training import fit_adapter
from assistant.evaluation.bank import load_bank
from assistant.evaluation.fitted import Fitted
from assistant.evaluation.metrics import answering_phrases, holds, holds_normalized
from assistant.search import adapter, answerability, ranker
from assistant.search.adapter import QueryAdapter
from assistant.search.answerability import AnswerabilityFeatures, extract
from assistant.search.fusion import zscore_fusion
from assistant.search.ranker import Arm, LinearModel, candidate_features, feature_names
from assistant.search.retriever import Retriever
from assistant.search.scope import implied_scope
from assistant.text.tokens import normalize_for_match

TARGET_ANSWERED = 0.95
TARGET_REFUSED = 0.90
PARTS = ("train", "validation", "test")


@dataclass
class Sample:
    item: dict[str, Any]
    query: str  # the standalone search text (follow-ups rewritten as the chat does)


def _fit(x: np.ndarray, y: np.ndarray, c: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    scaler = StandardScaler().fit(x)
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=5000).fit(scaler.transform(x), y)
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    return scaler.mean_, scale, model.coef_[0], float(model.intercept_[0])


def _linear(names: list[str], fitted: tuple, embedder: str, extra: dict[str, object]) -> LinearModel:
    mean, scale, weights, bias = fitted
    return LinearModel(
        tuple(names),
        tuple(round(float(v), 6) for v in mean),
        tuple(round(float(v), 6) for v in scale),
        tuple(round(float(v), 6) for v in weights),
        round(bias, 6),
        embedder,
        extra,
    )


def _samples(assistant: Assistant) -> list[Sample]:
    out = []
    for item in load_bank():
        session = ChatSession.from_history(assistant, item.get("history") or [], rewrite=True)
        query = session.standalone(item["question"]) if item.get("history") else item["question"]
        out.append(Sample(item, query))
    return out


def _ranking_figures(ranked: Callable[[Sample], list[str]], samples: list[Sample], chunks: dict) -> dict[str, Any]:
    figures = {}
    for part in PARTS:
        rows = [s for s in samples if s.item["split"] == part and s.item.get("answerable")]
        ranks = []
        for s in rows:
            ids = ranked(s)[:10]
            ranks.append(
                next((r for r, i in enumerate(ids, 1) if holds(answering_phrases(s.item), chunks[i].search_text)), None)
            )
        n = len(ranks) or 1
        figures[part] = {
            "hit@1": round(sum(1 for r in ranks if r and r <= 1) / n, 3),
            "hit@5": round(sum(1 for r in ranks if r and r <= 5) / n, 3),
            "mrr": round(sum(1 / r for r in ranks if r) / n, 3),
        }
    return figures


def fit_ranker(assistant: Assistant, samples: list[Sample], c: float = 0.3) -> LinearModel:
    settings = assistant.settings
    retriever = assistant.retriever
    chunks = retriever.reader.by_id
    arms = {
        id(s): retriever.arms(s.query, settings.k_dense, settings.k_lexical, implied_scope(s.item["question"]), True)
        for s in samples
        if s.item.get("answerable")
    }
    x, y = [], []
    for s in samples:
        if s.item["split"] != "train" or not s.item.get("answerable"):
            continue
        ids, rows = candidate_features(arms[id(s)].lists, chunks, retriever.lexical, arms[id(s)].query.tokens)
        x += rows
        y += [int(holds(answering_phrases(s.item), chunks[i].search_text)) for i in ids]
    embedder = retriever.reader.manifest.embedder_spec
    model = _linear(feature_names(), _fit(np.asarray(x), np.asarray(y), c), embedder, {})
    before = _ranking_figures(lambda s: [i for i, _ in _zscore(arms[id(s)].lists)], samples, chunks)
    after = _ranking_figures(
        lambda s: [
            i for i, _ in ranker.rank(model, arms[id(s)].lists, chunks, retriever.lexical, arms[id(s)].query.tokens)
        ],
        samples,
        chunks,
    )
    return model.with_extra({"figures": {"zscore": before, "learned": after}})


def _zscore(lists: dict) -> list[tuple[str, float]]:
    return zscore_fusion([lists[Arm.DENSE], lists[Arm.WORDS]])


def _choose_threshold(p: np.ndarray, y: np.ndarray) -> float:
    """The threshold that best meets both targets on these questions (the nearer of the two
    targets counts), ties to the larger share correct."""

    def rates(t: float) -> tuple[float, float]:
        answered = float((p[y == 1] >= t).mean()) if (y == 1).any() else 1.0
        refused = float((p[y == 0] < t).mean()) if (y == 0).any() else 1.0
        return answered, refused

    def merit(t: float) -> tuple[float, float]:
        answered, refused = rates(t)
        return min(answered / TARGET_ANSWERED, refused / TARGET_REFUSED), answered + refused

    return float(max(np.linspace(0.02, 0.98, 97), key=merit))


def fit_answerability(assistant: Assistant, samples: list[Sample], c: float = 0.3) -> LinearModel:
    settings = assistant.settings
    loaded = assistant.loaded()
    retriever: Retriever = loaded.retriever
    centroids = loaded.reader.centroids()
    retrievals = [
        retriever.search(s.query, settings.k_dense, settings.k_lexical, implied_scope(s.item["question"]))
        for s in samples
    ]
    features = []
    for s, retrieval in zip(samples, retrievals, strict=True):
        query = retrieval.query
        features.append(
            extract(
                s.query,
                retrieval.for_decision,
                query.tokens_as_fitted() if query else retrieval.query_tokens,
                retrieval.query_vector,
                centroids,
                retriever.lexical,
                bool(query and query.english),
            ).vector()
        )
    x = np.asarray(features)
    y = np.asarray([int(bool(s.item.get("answerable"))) for s in samples])
    part = np.asarray([s.item["split"] for s in samples])
    fitted = _fit(x[part == "train"], y[part == "train"], c)
    embedder = loaded.reader.manifest.embedder_spec
    model = _linear(AnswerabilityFeatures.names(), fitted, embedder, {})
    p = np.asarray([1 / (1 + np.exp(-model.logit(row))) for row in x])
    threshold = _choose_threshold(p[part == "validation"], y[part == "validation"])
    figures = {
        name: {
            "answered": round(float((p[(part == name) & (y == 1)] >= threshold).mean()), 3),
            "refused": round(float((p[(part == name) & (y == 0)] < threshold).mean()), 3),
        }
        for name in PARTS
    }
    documents = {d.doc: d.sha256 for d in loaded.reader.manifest.documents}
    extra = {
        "fusion": retriever.fusion.value,
        "threshold": round(threshold, 3),
        "figures": figures,
        "documents": documents,
    }
    return model.with_extra(extra)


def fit_query_adapter(assistant: Assistant, samples: list[Sample]) -> tuple[QueryAdapter, dict[str, Any]]:
    """The adapter fitted on the train part's answerable questions, with the figures per part of
    the z-score order searched without and with it."""
    settings = assistant.settings
    retriever = assistant.retriever
    ids, vectors = retriever.reader.chunk_vectors()
    vectors = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    texts = [normalize_for_match(retriever.reader.by_id[i].search_text) for i in ids]
    answerable = [s for s in samples if s.item.get("answerable")]

    def answered_by(s: Sample) -> np.ndarray:
        phrases = [normalize_for_match(p) for p in answering_phrases(s.item)]
        return np.asarray([holds_normalized(phrases, t) for t in texts])

    scopes = {id(s): implied_scope(s.item["question"]) for s in answerable}
    # The arms' own vector is the question's, whether or not an adapter is loaded.
    found = {id(s): retriever.arms(s.query, settings.k_dense, settings.k_lexical, scopes[id(s)]) for s in answerable}
    answers = {id(s): answered_by(s) for s in answerable if s.item["split"] == "train"}
    train = [s for s in answerable if id(s) in answers and answers[id(s)].any()]
    weights = fit_adapter(
        np.asarray([found[id(s)].vector for s in train], dtype=np.float32),
        np.asarray([answers[id(s)] for s in train]),
        vectors,
    )
    fitted = QueryAdapter(weights, retriever.reader.manifest.embedder_spec)
    adapted = {
        id(s): retriever.reader.dense(
            fitted.apply(found[id(s)].vector), settings.k_dense, retriever.allowed_ids(scopes[id(s)])
        )
        for s in answerable
    }

    def zscore(s: Sample, dense: list[tuple[str, float]]) -> list[str]:
        return [i for i, _ in zscore_fusion([dense, found[id(s)].lists[Arm.WORDS]])]

    chunks = retriever.reader.by_id
    figures = {
        "without": _ranking_figures(lambda s: zscore(s, found[id(s)].lists[Arm.DENSE]), answerable, chunks),
        "with": _ranking_figures(lambda s: zscore(s, adapted[id(s)]), answerable, chunks),
    }
    return fitted, figures


def calibrate(settings: Settings, only: Fitted = Fitted.ALL) -> dict[str, Any]:
    """Fit and save the models (`only`: one of them); returns their figures per part."""
    assistant = Assistant(settings)
    samples = _samples(assistant)
    figures: dict[str, Any] = {}
    if only in (Fitted.ALL, Fitted.RANKER):
        ranker_model = fit_ranker(assistant, samples)
        ranker.MODEL_FILE.write_text(_dump(ranker_model), "utf-8")
        figures["ranker"] = ranker_model.extra["figures"]
    if only in (Fitted.ALL, Fitted.ANSWERABILITY):
        # Answerability is fitted on the retrieval the configured fusion gives
        # (ASSISTANT_FUSION; with "learned", the new ranker's), and used only with that fusion.
        assistant = Assistant(settings)
        model = fit_answerability(assistant, samples)
        answerability.MODEL_FILE.write_text(_dump(model), "utf-8")
        figures["answerability"] = model.extra
    if only in (Fitted.ALL, Fitted.ADAPTER):
        fitted, adapter_figures = fit_query_adapter(Assistant(settings), samples)
        fitted.save(adapter.MODEL_FILE)
        figures["adapter"] = adapter_figures
    return figures


def _dump(model: LinearModel) -> str:
    return json.dumps(model.to_json(), indent=1) + "\n"
