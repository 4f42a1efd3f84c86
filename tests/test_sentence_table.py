"""The sentence table (index/sentence_table.py): the sentences a question may quote, read from
arrays kept with the index version instead of from Chroma per question. Quotes must not change:
the same sentences, places and vectors as Chroma holds, in reading order."""

from __future__ import annotations

import os
import random

import numpy as np

from assistant.config import Settings
from assistant.index.reader import IndexReader
from assistant.index.sentence_table import FOLDER, VECTORS
from assistant.index.store import IndexStore


def chroma_rows(store: IndexStore, reader: IndexReader, chunk_ids: list[str]) -> list[tuple]:
    """What a filtered Chroma read gives for `chunk_ids`, as comparable tuples."""
    collection = store.client.get_collection(reader.manifest.sentences_collection, embedding_function=None)
    got = collection.get(where={"chunk_id": {"$in": chunk_ids}}, include=["embeddings", "metadatas", "documents"])
    return [
        (m["chunk_id"], m["start"], m["end"], text, m["paragraph"], m["list_id"], m["item"], m["marker"],
         m["introduces_list"], np.asarray(vector, dtype=np.float32))
        for m, text, vector in zip(got["metadatas"], got["documents"], got["embeddings"], strict=True)
    ]  # fmt: skip


def same(rows: list[tuple], others: list[tuple]) -> bool:
    """The same sentences and places; vectors equal up to float32 rounding (the table holds the
    vectors ingest wrote, Chroma its own float32 copy of them: they differ by 1e-8 at most)."""
    return [r[:-1] for r in rows] == [o[:-1] for o in others] and all(
        np.allclose(r[-1], o[-1], rtol=0, atol=1e-6) for r, o in zip(rows, others, strict=True)
    )


def table_rows(reader: IndexReader, chunk_ids: list[str]) -> list[tuple]:
    return [
        (r.chunk_id, r.start, r.end, r.text, r.place.paragraph, r.place.list_id, r.place.item, r.place.marker,
         r.place.introduces_list, np.asarray(vector, dtype=np.float32))
        for r, vector in reader.sentence_vectors(chunk_ids)
    ]  # fmt: skip


def test_any_set_of_candidates_gets_chromas_own_sentences_in_reading_order(handbook_settings: Settings) -> None:
    store = IndexStore.for_settings(handbook_settings)
    reader = store.open_reader()
    assert reader.sentence_table() is not None
    ids = [c.id for c in reader.chunks]
    rng = random.Random(7)
    for size in (1, 2, 5, 30, 60, len(ids)):
        picked = rng.sample(ids, min(size, len(ids)))
        where = {c.id: (c.doc_id, c.start, c.id) for c in reader.chunks}
        reading = sorted(chroma_rows(store, reader, picked), key=lambda row: (*where[row[0]], row[1]))
        assert same(table_rows(reader, picked), reading)
    assert reader.sentence_vectors([]) == [] and reader.sentence_vectors(["no-such-chunk"]) == []


def test_the_table_is_saved_with_the_version_and_memory_mapped_by_the_next_process(
    handbook_settings: Settings,
) -> None:
    first = IndexStore.for_settings(handbook_settings).open_reader()
    first.sentence_table()
    saved = first.derived_dir / FOLDER
    assert (saved / VECTORS).is_file()
    second = IndexStore.for_settings(handbook_settings).open_reader()  # as the next worker would
    table = second.sentence_table()
    assert table is not None and isinstance(table.vectors, np.memmap)  # loaded, not read from Chroma
    ids = [c.id for c in second.chunks][:40]
    assert same(table_rows(second, ids), table_rows(first, ids))


def test_a_damaged_saved_table_is_read_again_and_the_answer_stays_the_same(handbook_settings: Settings) -> None:
    store = IndexStore.for_settings(handbook_settings)
    reader = store.open_reader()
    reader.sentence_table()
    ids = [c.id for c in reader.chunks][:40]
    expected = table_rows(reader, ids)
    vectors = reader.derived_dir / FOLDER / VECTORS
    cut = vectors.with_name("cut.npy")
    cut.write_bytes(vectors.read_bytes()[:1000])  # cut short, as a full disk would leave it
    os.replace(cut, vectors)  # a new file: readers of other tests keep their mapping of the old one
    again = store.open_reader()
    assert same(table_rows(again, ids), expected)
    assert isinstance(again.sentence_table().vectors, np.memmap)  # saved whole again
