"""Chunks carry provenance and never cross a section boundary."""

from __future__ import annotations

from assistant.corpus.chunking import chunk_document
from assistant.corpus.documents import build_document
from assistant.corpus.loaders import load_document
from tests.conftest import HANDBOOK


def _handbook_document():
    return build_document(load_document(HANDBOOK, HANDBOOK.parent))


def test_every_chunk_is_an_exact_span_of_its_document_inside_one_section() -> None:
    document = _handbook_document()
    chunks = chunk_document(document, 550)
    assert len(chunks) > 40
    for chunk in chunks:
        assert document.text[chunk.start : chunk.end] == chunk.text
        section = next(s for s in document.sections if s.path == chunk.section)
        assert section.start <= chunk.start and chunk.end <= section.end


def test_chunks_carry_title_letter_phase_and_stable_ids() -> None:
    document = _handbook_document()
    chunks = chunk_document(document, 550)
    assert {c.title for c in chunks} == {"Handreiking ambtelijke fusie: GROEI"}
    assert {c.letter for c in chunks} == {None, "G", "R", "O", "E", "I"}
    fase3 = [c for c in chunks if c.section[-1].startswith("Fase 3")]
    assert fase3 and all(c.phase == 3 for c in fase3)
    assert [c.id for c in chunks] == [c.id for c in chunk_document(_handbook_document(), 550)]
    assert len({c.id for c in chunks}) == len(chunks)


def test_chunks_fit_the_embedder_input() -> None:
    chunks = chunk_document(_handbook_document(), 550)
    # A single sentence may exceed the target; none comes near e5's 512-token limit.
    assert max(len(c.text) for c in chunks) < 1200
    assert sum(len(c.text) <= 550 for c in chunks) / len(chunks) > 0.8
