"""The query adapter: its file form, its fitting (real torch) and what a user notices on the real
corpus (real e5, real Chroma): answers quote the passage that answers where the question's own
vector put a neighbour first."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.answers.pipeline import Assistant
from assistant.evaluation.adapter_training import fit_adapter
from assistant.search.adapter import MODEL_FILE, QueryAdapter


def _unit(rows: np.ndarray) -> np.ndarray:
    return rows / np.linalg.norm(rows, axis=-1, keepdims=True)


def test_an_adapter_file_round_trips_and_another_embedders_adapter_is_not_used(tmp_path: Path) -> None:
    weights = np.diag([2.0, 1.0, 1.0]).astype(np.float32)
    path = tmp_path / "adapter.npz"
    QueryAdapter(weights, "e5").save(path)

    loaded = QueryAdapter.load("e5", path)

    assert loaded is not None
    assert loaded.apply([1.0, 1.0, 0.0]) == pytest.approx(list(_unit(np.array([2.0, 1.0, 0.0]))), abs=1e-3)
    assert QueryAdapter.load("minilm", path) is None
    assert QueryAdapter.load("e5", tmp_path / "missing.npz") is None
    (tmp_path / "broken.npz").write_bytes(b"not a numpy file")
    assert QueryAdapter.load("e5", tmp_path / "broken.npz") is None


def test_fitting_moves_questions_to_the_passages_that_answer_them_as_far_as_the_penalty_allows() -> None:
    rng = np.random.default_rng(0)
    chunks = _unit(np.eye(4, dtype=np.float32) + 0.05)
    # Questions that lie nearest chunk 0, but chunk 1 answers them: a systematic pull the map learns.
    questions = _unit(chunks[0] + 0.6 * chunks[1] + 0.05 * rng.standard_normal((30, 4)).astype(np.float32))
    answers = np.zeros((30, 4), dtype=bool)
    answers[:, 1] = True
    assert (np.argmax(questions @ chunks.T, axis=1) == 0).all()

    fitted = fit_adapter(questions, answers, chunks, penalty=0.01)
    held = fit_adapter(questions, answers, chunks, penalty=100.0)

    new_question = _unit(chunks[0] + 0.6 * chunks[1])  # a question it was not fitted on
    assert np.argmax(chunks @ QueryAdapter(fitted, "e5").apply(new_question)) == 1
    # A strong penalty keeps the map near the identity: the question stays with its nearest chunk.
    assert np.argmax(chunks @ QueryAdapter(held, "e5").apply(new_question)) == 0


def test_the_shipped_adapter_is_fitted_for_e5() -> None:
    adapter = QueryAdapter.load("e5", MODEL_FILE)
    assert adapter is not None and adapter.weights.shape == (384, 384)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "answering"),
    [
        # Train questions of the bank; without the adapter the first quote was a neighbour
        # ("De antwoorden op deze vragen bepalen ...", "Doordat de secretarissen ...").
        (
            "Ik ben nieuw bij het fusieproject. Wat verandert er voor de medewerkers als er één ambtelijke "
            "organisatie komt?",
            "Er wordt een nieuwe organisatiestructuur opgezet",
        ),
        (
            "Ik ben net begonnen als projectsecretaris. Wie vertegenwoordigt de directie richting de "
            "verschillende besturen als we voor een directieraad van secretarissen kiezen?",
            "vertegenwoordigen bij alle bestuurlijke lagen",
        ),
    ],
)
def test_answers_quote_the_answering_passage_first_with_the_adapter(
    corpus_assistant: Assistant, question: str, answering: str
) -> None:
    assert corpus_assistant.retriever.adapter is not None
    answer = corpus_assistant.ask(question)
    assert answer.answered
    assert answering in answer.sources[0].chunk.text
