"""A sentence's paragraph, list and item number: worked out once at ingest, stored in the index,
and read back by the passage grower (a quote about one item grows into the whole list)."""

from __future__ import annotations

from assistant.config import Settings
from assistant.corpus.lists import ListPlace, list_places
from assistant.index.ingest import build_index
from assistant.index.store import IndexStore
from assistant.text.sentences import sentence_spans
from tests.conftest import HashEmbeddings

CHUNK = (
    "Bij de inrichting zien we twee varianten. De keuze hangt af van de ambitie:\n"
    "• Een directie met drie directeuren. Zij sturen samen.\n"
    "• Een algemeen directeur.\n"
    "Daarna volgt een gewone alinea.\n"
    "a) eerste punt\n"
    "b) tweede punt"
)


def _places(text: str) -> list[tuple[str, ListPlace]]:
    spans = sentence_spans(text)
    return [(text[s:e], p) for (s, e), p in zip(spans, list_places(text, spans), strict=True)]


def test_items_are_numbered_per_list_and_the_line_before_a_list_introduces_it() -> None:
    places = dict(_places(CHUNK))
    assert places["Bij de inrichting zien we twee varianten."] == ListPlace(paragraph=0)
    assert places["De keuze hangt af van de ambitie:"].introduces_list
    # The item's second sentence belongs to the item too.
    assert places["Zij sturen samen."] == ListPlace(paragraph=1, list_id=0, item=1, marker="•")
    assert places["• Een algemeen directeur."].item == 2
    assert places["Daarna volgt een gewone alinea."].introduces_list
    assert places["b) tweede punt"] == ListPlace(paragraph=5, list_id=1, item=2, marker="b)")


def test_the_index_returns_each_sentence_with_its_place(tiny_settings: Settings) -> None:
    (tiny_settings.corpus_dir / "a.md").parent.mkdir(parents=True, exist_ok=True)
    markdown = (
        "# Alpha\n\n## Varianten\n\nDe keuze hangt af van de ambitie:\n\n"
        "- Een directie met drie directeuren. Zij sturen samen.\n- Een algemeen directeur.\n\n"
        "Daarna volgt een gewone alinea.\n"
    )
    (tiny_settings.corpus_dir / "a.md").write_text(markdown, "utf-8")
    build_index(tiny_settings, embedder=HashEmbeddings())
    reader = IndexStore(tiny_settings.index_dir).open_reader()
    rows = [row for row, _ in reader.sentence_vectors([c.id for c in reader.chunks])]
    by_text = {row.text: row for row in rows}
    assert by_text["Zij sturen samen."].is_list_item and by_text["Zij sturen samen."].place.item == 1
    assert by_text["De keuze hangt af van de ambitie:"].place.introduces_list
    assert not by_text["Daarna volgt een gewone alinea."].is_list_item
    assert by_text["• Een algemeen directeur."].place.item == 2
