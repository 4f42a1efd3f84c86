"""The BM25 tables of an index version and its words' vectors, made by the process that wrote the version.

The app's processes load them memory-mapped (lexical.py) and only make them when they are missing.
Made in an app process at its first question, the sub-word tables of a 100k-chunk version took
about 1.2 GB more memory for a while (805 -> 1959 MB peak RSS) and most of a minute; made here,
after the version is written, the answering processes never pay that.
"""

from __future__ import annotations

from langchain_core.embeddings import Embeddings

from assistant.index.reader import IndexReader
from assistant.search.lexical import Analyzer, LexicalIndex
from assistant.search.translation import WordEmbedder, WordTranslator


def prepare_search_tables(reader: IndexReader, embedder: Embeddings | None = None) -> None:
    """Make and save the tables of every analyzer for `reader`'s version, if not saved yet, and
    the corpus words' vectors for translating English questions (translation.py) when
    `embedder` can embed words."""
    if reader.derived_dir is None:
        return
    words = LexicalIndex.cached(reader.chunks, Analyzer.WORDS, reader.derived_dir)
    LexicalIndex.cached(reader.chunks, Analyzer.SUBWORDS, reader.derived_dir)
    if isinstance(embedder, WordEmbedder):
        WordTranslator.cached(words, embedder, reader.derived_dir)
