"""The Raadsmemo: real answers from the handbook index, written as .docx and Markdown, then read
back (the .docx with python-docx): every question, answer marker, quote in full, source with its
section path, phase and page, the update note, the export date and the corpus version are there."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from docx import Document

from assistant.answers.chat import ChatSession
from assistant.answers.memo import MemoTurn, memo_docx, memo_markdown
from assistant.answers.pipeline import Assistant

pytestmark = pytest.mark.slow
QUESTIONS = ["Welke rechtsvorm hebben vrijwel alle ambtelijke fusieorganisaties?", "Wat gebeurt er in fase 3?"]
EXPORTED = datetime(2026, 12, 2, 14, 5)


@pytest.fixture(scope="module")
def turns(handbook_assistant: Assistant) -> list[MemoTurn]:
    session = ChatSession(handbook_assistant)
    return [MemoTurn.of(session.ask(q).to_json()) for q in QUESTIONS]


def docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    return "\n".join(p.text for p in document.paragraphs)


def test_docx_has_every_question_quote_source_and_note(turns: list[MemoTurn]) -> None:
    assert all(t.sources for t in turns)
    text = docx_text(memo_docx(turns, "v20261202-1", EXPORTED))
    assert "Geëxporteerd op: 2 december 2026, 14:05" in text and "Corpusversie: v20261202-1" in text
    quotes = Document(io.BytesIO(memo_docx(turns, "v1", EXPORTED))).paragraphs
    quoted = [p.text for p in quotes if p.style.name == "Quote"]
    for i, turn in enumerate(turns, 1):
        assert f"Vraag {i}: {turn.question}" in text
        assert "[1]" in text
        for source in turn.sources:
            assert source["quote"] in quoted  # each quote in full, as a quote of its own
            assert f"[{source['n']}] {source['title']} ({source['doc']})" in text
            assert f"Sectie: {source['section']}" in text
            if source["phase"]:
                assert f"Fase: {source['phase']}" in text
            if source["page"]:
                assert f"Pagina: {source['page']}" in text
            if source["note"]:
                assert f"Let op: bijgewerkt — {source['note']}" in text
    assert any(s["note"] for s in turns[0].sources)  # the dated passage's note made it in
    assert any(s["phase"] for s in turns[1].sources)


def test_markdown_has_the_same_content(turns: list[MemoTurn]) -> None:
    text = memo_markdown(turns, "v20261202-1", EXPORTED)
    assert text.startswith("# Raadsmemo")
    assert "Corpusversie: v20261202-1" in text
    for turn in turns:
        assert turn.answer.strip() in text  # with its [n] markers
        for source in turn.sources:
            for line in source["quote"].splitlines():
                assert f"> {line}" in text
            if source["note"]:
                assert source["note"] in text


def test_docx_shows_the_answer_as_text_not_as_escaped_markdown() -> None:
    # The stored answer is Answer.to_json()'s safe Markdown: "&gt;" and "\[" are for renderers.
    turn = MemoTurn("Vraag?", "*Zie ook:* A &gt; B · \\[bijlage\\] &amp; meer [1]", [])
    text = docx_text(memo_docx([turn], "v1", EXPORTED))
    assert "Zie ook: A > B · [bijlage] & meer [1]" in text
