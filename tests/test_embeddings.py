"""Each embedding backend loads offline from its package and gives normalised vectors."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.answers.pipeline import Assistant
from assistant.config import Settings
from assistant.errors import ConfigurationError
from assistant.index.embeddings import get_embedder
from assistant.index.ingest import build_index
from tests.conftest import copy_handbook

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(("spec", "dim"), [("e5", 384), ("minilm", 384), ("use", 512)])
def test_backend_embeds_queries_and_passages(spec: str, dim: int) -> None:
    embedder = get_embedder(spec)
    query = np.asarray(embedder.embed_query("Wat is een bestuurspunt?"))
    passages = np.asarray(
        embedder.embed_documents(
            [
                "Een bestuurspunt is een plek waar raad, griffie en college worden gehuisvest.",
                "De kostenverdeelsleutel bepaalt wie wat betaalt.",
            ]
        )
    )
    assert query.shape == (dim,) and passages.shape == (2, dim)
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-4)
    assert passages[0] @ query > passages[1] @ query


def test_unknown_backend_is_a_clear_error() -> None:
    with pytest.raises(ConfigurationError, match="Onbekend embeddingmodel 'bert'"):
        get_embedder("bert")


def test_sentence_transformers_backend_builds_an_index_that_answers(tmp_path) -> None:
    copy_handbook(tmp_path / "corpus")
    settings = Settings(
        corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index", var_dir=tmp_path, embedder="minilm"
    )
    report = build_index(settings)
    assert report.manifest.embedder == "st:all-MiniLM-L6-v2"
    # The abstain rule is calibrated for e5, so check the ranking this backend produces.
    retrieval = Assistant(settings).retriever.search("Wat is een Gideonsbende?", 10, 10)
    assert any("Gideonsbende" in hit.chunk.section_label for hit in retrieval.hits[:3])
