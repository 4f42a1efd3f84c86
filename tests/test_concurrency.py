"""Many users at once: answers given in parallel threads equal those given alone, and a slow
language model never delays another user's extractive answer (answers/limits.py)."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from assistant.answers.limits import MODEL_BUSY_NOTICE
from assistant.answers.pipeline import Assistant
from assistant.config import Settings
from tests.llm_server import ScriptedLLM

QUESTIONS = [
    "Wat is een Gideonsbende?",
    "Welke fasen zijn er?",
    "Wat is een bestuurspunt?",
    "Welke varianten van het takenpakket zijn er?",
    "Wat kost een ambtelijke fusie?",
    "Wat is de hoofdstad van Australië?",
    "What is the role of the council?",
    "Hoe verloopt de medezeggenschap?",
]


def _shown(assistant: Assistant, question: str) -> tuple[Any, ...]:
    answer = assistant.ask(question)
    return answer.answered, answer.answer, tuple((s.chunk.id, s.quote) for s in answer.sources)


@pytest.mark.slow
def test_answers_in_parallel_threads_equal_the_answers_given_alone(handbook_settings: Settings) -> None:
    """e5, BM25 and Chroma reads under threads: the same answers as one at a time."""
    alone = Assistant(handbook_settings)
    expected = {q: _shown(alone, q) for q in QUESTIONS}
    together = Assistant(handbook_settings)  # loads its index while the first questions arrive
    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(lambda q: (q, _shown(together, q)), QUESTIONS * 4))
    assert all(shown == expected[q] for q, shown in got)


def _ask(url: str, question: str) -> dict[str, Any]:
    from gradio_client import Client

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    return Client(url, verbose=False).predict(question=question, history=[], style="kort", api_name="/ask")


@pytest.mark.slow
def test_a_slow_model_does_not_delay_another_users_extractive_answer(
    handbook_settings: Settings, tmp_path: Path
) -> None:
    """One worker, one model slot: user A's answer waits on a model that does not answer until
    released. Meanwhile user B's question, which the corpus does not answer, and user C's, which
    finds the model slot taken, are answered extractively; A's answer comes once the model does."""
    from scripts.ui_app import running_app

    with ScriptedLLM() as server:
        env = {
            **handbook_settings.paths_env(),
            "ASSISTANT_VAR": str(tmp_path / "var"),
            "ASSISTANT_LLM": "openai:test-model",
            "ASSISTANT_LLM_BASE_URL": server.base_url,
            "ASSISTANT_LLM_TIMEOUT": "600",
            "ASSISTANT_WORKERS": "1",
            "ASSISTANT_LLM_WORKERS": "1",
        }
        with running_app(env) as url, ThreadPoolExecutor(1) as pool:
            server.hold("Een Gideonsbende is een groep enthousiaste voortrekkers [1].")
            slow = pool.submit(_ask, url, "Wat is een Gideonsbende?")
            assert server.arrived.wait(timeout=300)  # A now waits on the model

            off_corpus = _ask(url, "Wat is de hoofdstad van Australië?")
            busy = _ask(url, "Welke fasen zijn er?")

            assert not slow.done()  # both answered while A's model still writes
            assert not off_corpus["answered"] and off_corpus["mode"] != "llm"
            assert busy["answered"] and busy["mode"] == "extractive" and MODEL_BUSY_NOTICE in busy["notices"]
            server.release()
            first = slow.result(timeout=300)
    assert first["answered"] and MODEL_BUSY_NOTICE not in first["notices"]
