"""How many questions are answered at once, in two groups.

- CPU slots (`ASSISTANT_WORKERS`, default one per core): retrieval, the answerability decision
  and the extractive answer. More at once than cores only makes each answer slower.
- Model slots (`ASSISTANT_LLM_WORKERS`): a language model writing an answer. That is waiting on
  the model server, not work for these cores, so it holds no CPU slot while it streams, and a slow
  model never makes an extractive answer wait. A question that finds every model slot taken does
  not queue behind the model: it gets its extractive answer at once, with a notice.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from assistant.config import Settings

MODEL_BUSY_NOTICE = "Het taalmodel is op dit moment bezet; hieronder de letterlijke passages."


class Limits:
    def __init__(self, workers: int, model_workers: int) -> None:
        self.workers = workers
        self.model_workers = model_workers
        self._cpu = threading.BoundedSemaphore(workers)
        self._model = threading.BoundedSemaphore(model_workers)

    @contextmanager
    def cpu(self) -> Iterator[None]:
        with self._cpu:
            yield

    @contextmanager
    def model(self) -> Iterator[bool]:
        """Yields whether a model slot was free; the slot is held while the block runs."""
        free = self._model.acquire(blocking=False)
        try:
            yield free
        finally:
            if free:
                self._model.release()


def question_slots(settings: Settings) -> int:
    """Questions (chat and /ask) the web app runs at once. The engine's own limits (above)
    keep CPU work to one per worker and model answers to their own slots; Gradio's slots also cover
    the paced display of an extractive answer (sleeps, not work) and answers waiting on a model, so
    there are more of them: twice the workers plus the model slots."""
    return 2 * settings.workers + (settings.llm_workers if settings.llm else 0)
