"""Deep links without a browser: URLs built and parsed back (round trip), malformed parameters
turned into Dutch messages, the quote's sentence range, and a passage link resolved against a real
index: still there after `ingest --force` over unchanged text, gone (with its section named) once the
text changed."""

from __future__ import annotations

import html
import shutil
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.corpus.toc import load_documents, section_entries, section_key
from assistant.index.ingest import build_index
from assistant.index.store import IndexStore
from assistant.types import Source
from assistant.web.answer_html import passage_link_html, question_link_html, suggestions_html
from assistant.web.deeplinks import (
    BadLink,
    PassageLink,
    QuestionLink,
    parse_link,
    parse_query,
    passage_href,
    question_href,
    sentence_range,
    sentences_span,
)
from assistant.web.passage_html import GONE, NOT_IN_PASSAGE, passage_view
from tests.conftest import HashEmbeddings, copy_handbook

CHUNK_ID = "0123456789abcdef01234567"
GIDEON_KEY = "handreiking-ambtelijke-fusie-groei.txt::E · Eigenaarschap voelen > Gideonsbende"


@pytest.mark.parametrize(
    "question",
    [
        "Wat is een Gideonsbende?",
        "Kosten & baten: 50% of meer? #1 <script>x</script>",
        "Wat zegt de Wgr (2022) over ‘stip op de horizon’ – fase 3?",
        "vraag+met+plussen = en/of ?vraag=nee&bron=nee",
    ],
)
@pytest.mark.parametrize("style", ["kort", "uitgebreid", None])
def test_question_link_round_trip(question: str, style: str | None) -> None:
    href = question_href(question, style)
    assert href.startswith("?vraag=")
    assert parse_query(href) == QuestionLink(question, style or "uitgebreid")


@pytest.mark.parametrize("sentences", [None, (1, 1), (2, 4)])
@pytest.mark.parametrize("section", [None, GIDEON_KEY])
def test_passage_link_round_trip(sentences: tuple[int, int] | None, section: str | None) -> None:
    href = passage_href(CHUNK_ID, sentences, section)
    assert parse_query(href) == PassageLink(CHUNK_ID, sentences, section)
    if sentences == (1, 1):
        assert "zin=1&" in href + "&"  # one sentence is written as "1", not "1-1"


def test_page_without_a_link_and_other_parameters_are_left_alone() -> None:
    assert parse_link({}) is None
    assert parse_link({"__theme": "dark"}) is None
    assert parse_link({"vraag": "Wat is BUCH?", "__theme": "dark"}) == QuestionLink("Wat is BUCH?")


def test_style_is_read_case_insensitively_and_an_unknown_style_is_named() -> None:
    assert parse_link({"vraag": "Wat is BUCH?", "stijl": "Kort"}) == QuestionLink("Wat is BUCH?", "kort")
    link = parse_link({"vraag": "Wat is BUCH?", "stijl": "lang"})
    assert isinstance(link, QuestionLink) and link.style == "uitgebreid"
    assert link.problem == "De antwoordstijl “lang” in de link bestaat niet; gekozen is “Uitgebreid”."


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"vraag": "   "}, "Deze link bevat geen vraag. Typ je vraag hieronder."),
        ({"vraag": "x" * 4001}, "De vraag in deze link is te lang (meer dan 4000 tekens)."),
        (
            {"vraag": "Wat is BUCH?", "bron": CHUNK_ID},
            "Deze link is niet geldig: een link opent óf een vraag (vraag=) óf een passage (bron=).",
        ),
        ({"stijl": "kort"}, "Deze link is onvolledig: er staat geen vraag (vraag=) of passage (bron=) in."),
        ({"zin": "1-2"}, "Deze link is onvolledig: er staat geen vraag (vraag=) of passage (bron=) in."),
        ({"bron": ""}, "Deze link naar een passage is niet geldig: het kenmerk na bron= klopt niet."),
        ({"bron": "../../etc/passwd"}, "Deze link naar een passage is niet geldig: het kenmerk na bron= klopt niet."),
        ({"bron": CHUNK_ID + "0"}, "Deze link naar een passage is niet geldig: het kenmerk na bron= klopt niet."),
    ],
)
def test_malformed_links_get_a_dutch_message(params: dict[str, str], message: str) -> None:
    assert parse_link(params) == BadLink(message)


@pytest.mark.parametrize("zin", ["0", "3-1", "a-b", "1-2-3", "-1", "", "99999", "1;drop"])
def test_malformed_sentence_range(zin: str) -> None:
    link = parse_link({"bron": CHUNK_ID, "zin": zin})
    assert link == BadLink(
        "Deze link naar een passage is niet geldig: zin= moet een zin of reeks zijn, zoals 2 of 2-4."
    )


def test_a_chunk_id_in_capitals_is_read_and_a_long_section_is_cut() -> None:
    link = parse_query(f"?bron={CHUNK_ID.upper()}&sectie=" + "a" * 5000)
    assert isinstance(link, PassageLink) and link.chunk_id == CHUNK_ID and len(link.section or "") == 1000


def test_sentence_range_of_a_quote() -> None:
    text = "Eerste zin over niets. Tweede zin, bijv. met een afkorting. Derde zin! Vierde zin?"
    quote = "Tweede zin, bijv. met een afkorting. Derde zin!"
    assert sentence_range(text, quote) == (2, 3)
    start, end = sentences_span(text, (2, 3))
    assert text[start:end] == quote
    assert sentence_range(text, "Vierde zin?") == (4, 4)
    assert sentence_range(text, "niet in de tekst") is None
    assert sentence_range(text, "") is None
    assert sentences_span(text, (4, 5)) is None


def test_links_in_the_answer_html_are_escaped() -> None:
    link = question_link_html('"><script>alert(1)</script>', "kort")
    assert "<script>" not in link and 'class="antwoordlink"' in link and "stijl=kort" in link
    suggestions = suggestions_html(["Wat is <b>dit</b>?"])
    assert "<b>" not in suggestions and "Wat is &lt;b&gt;dit&lt;/b&gt;?" in suggestions
    assert suggestions_html([]) == ""


@pytest.fixture(scope="module")
def hashed(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The handbook indexed with the stand-in embedder (the test is about ids, not ranking)."""
    root = tmp_path_factory.mktemp("deeplinks")
    copy_handbook(root / "corpus")
    settings = Settings(corpus_dir=root / "corpus", index_dir=root / "index", var_dir=root / "var")
    build_index(settings, embedder=HashEmbeddings())
    return settings


def _view(settings: Settings, link: PassageLink):
    entries = section_entries(load_documents(settings))
    chunk = IndexStore(settings.index_dir).open_reader().by_id.get(link.chunk_id)
    return passage_view(link, chunk, {e.key: e for e in entries}, entries)


def _gideon_chunk(settings: Settings):
    reader = IndexStore(settings.index_dir).open_reader()
    return next(c for c in reader.chunks if c.section[-1] == "Gideonsbende" and "voortrekkers" in c.text)


def test_passage_link_marks_the_quoted_sentences_in_its_section(hashed: Settings) -> None:
    chunk = _gideon_chunk(hashed)
    start, end = sentences_span(chunk.text, (2, 2))
    quote = chunk.text[start:end]
    sentences = sentence_range(chunk.text, quote)
    assert sentences == (2, 2)
    view = _view(hashed, PassageLink(chunk.id, sentences, section_key(chunk.doc_id, chunk.section_label)))
    assert view.found and view.entry is not None and view.entry.key == GIDEON_KEY
    assert '<mark class="passage" id="passage">' in view.html
    marked = view.html.split('id="passage">', 1)[1].split("</mark>", 1)[0]
    assert html.unescape(marked.replace("<br>", "\n")) == quote
    assert "<h2>Gideonsbende</h2>" in view.html

    whole = _view(hashed, PassageLink(chunk.id))
    assert whole.found and whole.html.count('class="passage"') >= 1

    outside = _view(hashed, PassageLink(chunk.id, (40, 41)))
    assert outside.found and NOT_IN_PASSAGE in outside.html


def test_passage_link_survives_a_forced_reindex_and_says_when_the_text_is_gone(
    hashed: Settings, tmp_path: Path
) -> None:
    settings = Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index", var_dir=tmp_path / "var")
    shutil.copytree(hashed.corpus_dir, settings.corpus_dir)
    shutil.copytree(hashed.index_dir, settings.index_dir)
    chunk = _gideon_chunk(settings)
    link = PassageLink(chunk.id, (1, 1), section_key(chunk.doc_id, chunk.section_label))
    before = IndexStore(settings.index_dir).manifest().version

    build_index(settings, embedder=HashEmbeddings(), force=True)  # `assistant ingest --force`
    assert IndexStore(settings.index_dir).manifest().version != before
    assert _view(settings, link).found

    handbook = settings.corpus_dir / "handreiking-ambtelijke-fusie-groei.txt"
    text = handbook.read_text("utf-8")
    assert text.count("voortrekkers") >= 1
    handbook.write_text(text.replace("voortrekkers", "koplopers"), "utf-8")
    build_index(settings, embedder=HashEmbeddings())
    gone = _view(settings, link)
    assert not gone.found
    named = f"{GONE} De link verwees naar de sectie “E · Eigenaarschap voelen > Gideonsbende”"
    assert html.escape(named) in gone.html
    assert "<h2>Gideonsbende</h2>" in gone.html  # the section itself still exists: shown below

    nowhere = _view(settings, PassageLink(CHUNK_ID, None, "weg.txt::Hoofdstuk > Verdwenen"))
    assert nowhere.entry is None and nowhere.html.count(GONE) == 1 and "“Hoofdstuk &gt; Verdwenen”" in nowhere.html
    assert _view(settings, PassageLink(CHUNK_ID)).html == f'<p class="link-melding" role="status">{GONE}</p>'


def test_source_card_link_carries_chunk_id_sentences_and_section(hashed: Settings) -> None:
    chunk = _gideon_chunk(hashed)
    start, end = sentences_span(chunk.text, (2, 2))
    card_link = passage_link_html(Source(1, chunk, chunk.text[start:end], 1.0))
    href = card_link.split('href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert parse_query(href) == PassageLink(chunk.id, (2, 2), section_key(chunk.doc_id, chunk.section_label))
