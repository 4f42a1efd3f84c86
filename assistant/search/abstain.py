"""The fallback answerability rule, used only when no learned model (answerability.py) was fitted
for the index's embedder: a small rule over retrieval signals, with hand-fitted constants.

Signals:
- `top_dense`: cosine similarity of the question and the best chunk (e5 vectors);
- `unknown_ratio`: share of the question's content words that occur nowhere in the corpus, not
  even as a six-letter prefix ("paspoort", "OZB"). Only for Dutch questions: the corpus is Dutch,
  so English words are unknown by nature and English questions rest on the dense signal alone.

The constants were fitted (by an earlier `assistant calibrate`) on eval/calibration.jsonl, the project's own
question set (never on the evaluation set); the README reports the result.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.types import Hit

# Fitted by `assistant calibrate` (see module doc).
MIN_DENSE_DUTCH = 0.838
UNKNOWN_PENALTY = 0.02
MIN_DENSE_ENGLISH = 0.78


@dataclass(frozen=True)
class AbstainFeatures:
    top_dense: float
    unknown_ratio: float
    english: bool

    @staticmethod
    def of(hits: list[Hit], unknown: list[str], query_tokens: list[str], english: bool) -> AbstainFeatures:
        top = max((h.dense for h in hits if h.dense is not None), default=0.0)
        content = list(dict.fromkeys(t for t in query_tokens if not t.isdigit() and len(t) >= 3))
        ratio = len(unknown) / len(content) if content else 1.0
        return AbstainFeatures(top, ratio, english)

    def confidence(self, penalty: float = UNKNOWN_PENALTY) -> float:
        if self.english:
            return self.top_dense
        return self.top_dense - penalty * self.unknown_ratio


def should_answer(
    features: AbstainFeatures,
    min_dutch: float = MIN_DENSE_DUTCH,
    min_english: float = MIN_DENSE_ENGLISH,
    penalty: float = UNKNOWN_PENALTY,
) -> bool:
    threshold = min_english if features.english else min_dutch
    return features.confidence(penalty) >= threshold
