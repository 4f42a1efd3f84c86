"""BM25 on bm25s scores as Okapi BM25 (k1 1.5, b 0.75, a negative idf floored at a quarter of the
mean idf): the scores the fusion and the answerability decision were fitted on."""

from __future__ import annotations

import math

import pytest

from assistant.search.lexical import Analyzer, LexicalIndex
from assistant.text.tokens import tokenize
from assistant.types import Chunk

TEXTS = [
    "De gemeenteraad besluit over de ambtelijke fusie.",
    "De gemeenteraad stelt de begroting vast; de raad controleert.",
    "Het college bereidt de fusie voor met de ondernemingsraad.",
    "De ondernemingsraad geeft advies over de fusie en de huisvesting.",
    "Huisvesting en ICT kosten geld: de frictiekosten.",
    "De gemeenteraad besluit over de ambtelijke fusie.",  # the same text: a tie, corpus order
]


def _chunks() -> list[Chunk]:
    return [Chunk(f"c{i}", "doc", "Titel", ("Sectie",), t, i * 100, i * 100 + len(t)) for i, t in enumerate(TEXTS)]


def _okapi(docs: list[list[str]], query: list[str], k1: float = 1.5, b: float = 0.75) -> list[float]:
    n, avgdl = len(docs), sum(map(len, docs)) / len(docs)
    df = {t: sum(t in d for d in docs) for d in docs for t in d}
    raw = {t: math.log(n - f + 0.5) - math.log(f + 0.5) for t, f in df.items()}
    floor = 0.25 * sum(raw.values()) / len(raw)
    idf = {t: (floor if v < 0 else v) for t, v in raw.items()}
    return [
        sum(
            idf[t] * d.count(t) * (k1 + 1) / (d.count(t) + k1 * (1 - b + b * len(d) / avgdl)) for t in query if t in idf
        )
        for d in docs
    ]


@pytest.mark.parametrize("analyzer", list(Analyzer))
@pytest.mark.parametrize("question", ["gemeenteraad fusie", "ondernemingsraad huisvesting fusie fusie", "de raad"])
def test_scores_and_ranking_equal_okapi_bm25(analyzer: Analyzer, question: str) -> None:
    chunks = _chunks()
    index = LexicalIndex(chunks, analyzer)
    docs = [index.analyze(tokenize(c.search_text)) for c in chunks]
    assert [index.tokens_of(c.id) for c in chunks] == [frozenset(d) for d in docs]  # the ranker's view
    expected = _okapi(docs, index.analyze(tokenize(question)))
    ranked = sorted(range(len(chunks)), key=lambda i: -expected[i])  # stable: ties in corpus order
    want = [(chunks[i].id, expected[i]) for i in ranked if expected[i] > 0][:4]
    got = index.search(tokenize(question), 4)
    assert [i for i, _ in got] == [i for i, _ in want]
    assert all(math.isclose(g, w, rel_tol=1e-9) for (_, g), (_, w) in zip(got, want, strict=True))


def test_a_scope_keeps_only_allowed_chunks_and_unknown_words_match_nothing() -> None:
    index = LexicalIndex(_chunks())
    got = index.search(tokenize("gemeenteraad fusie"), 10, allowed={"c1", "c3"})
    assert {i for i, _ in got} <= {"c1", "c3"} and got
    assert index.search(tokenize("onbekendwoord"), 5) == []
    assert index.document_frequency.get("gemeenteraad") == 3 and "onbekendwoord" not in index.document_frequency
