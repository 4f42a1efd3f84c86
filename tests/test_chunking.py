"""Chunks carry provenance and never cross a section boundary."""

from __future__ import annotations

import pytest

from assistant.corpus.chunking import chunk_document, chunk_section
from assistant.corpus.documents import build_document
from assistant.corpus.loaders import load_document
from assistant.types import Section
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


def _section(text: str) -> Section:
    return Section(path=("Lijst",), text=text, start=0, end=len(text))


def _chunk_texts(text: str, max_chars: int) -> list[str]:
    return [text[s:e] for s, e in chunk_section(_section(text), max_chars)]


def test_the_handbooks_five_groei_letters_are_one_chunk_with_the_line_announcing_them() -> None:
    # The fifth letter, "Inrichting", opened the next chunk: a question about the letters was
    # answered with four of them, and no chunk held the whole list.
    chunks = chunk_document(_handbook_document(), 550)
    announcing = next(c for c in chunks if "De vijf letters van het woord GROEI" in c.text)
    assert "Eigenaarschap\n\nInrichting" in announcing.text


A = "A" * 70 + "."
SHORT_LIST = "Zie:\n\neen\n\ntwee\n\ndrie\n\nvier\n\nvijf"
MORE = "negen\n\ntien\n\nelf\n\ntwaalf\n\ndertien\n\nveertien"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A list of short lines may stretch its chunk a little rather than lose its last lines.
        (f"{A}\n\n{SHORT_LIST}\n\nDaarna {'C' * 60}", [f"{A}\n\n{SHORT_LIST}", f"Daarna {'C' * 60}"]),
        # Not without limit: past a quarter more, the list goes on in the next chunk.
        (
            f"{A}\n\n{SHORT_LIST}\n\nzes\n\nzeven\n\nacht\n\n{MORE}",
            [f"{A}\n\n{SHORT_LIST}\n\nzes\n\nzeven\n\nacht", MORE],
        ),
        # Prose is packed as before: two paragraphs that do not fit together, and a short one
        # after a long one.
        (f"{A}\n\n{'B' * 70}.", [A, f"{'B' * 70}."]),
        (f"{'A' * 30}.\n\n{'B' * 64}.\n\n{'C' * 40}.", [f"{'A' * 30}.\n\n{'B' * 64}.", f"{'C' * 40}."]),
    ],
)
def test_a_list_of_short_lines_is_not_cut_from_its_last_lines(text: str, expected: list[str]) -> None:
    assert _chunk_texts(text, 100) == expected
