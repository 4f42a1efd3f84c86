"""The BM25 tables of an index version, made by the process that wrote the version.

The app's processes load them memory-mapped (lexical.py) and only make them when they are missing.
Made in an app process at its first question, the sub-word tables of a 100k-chunk version took
about 1.2 GB more memory for a while (805 -> 1959 MB peak RSS) and most of a minute; made here,
after the version is written, the answering processes never pay that.
"""

from __future__ import annotations

from assistant.index.reader import IndexReader
from assistant.search.lexical import Analyzer, LexicalIndex


def prepare_lexical_tables(reader: IndexReader) -> None:
    """Make and save the tables of every analyzer for `reader`'s version, if not saved yet."""
    if reader.derived_dir is None:
        return
    for analyzer in Analyzer:
        LexicalIndex.cached(reader.chunks, analyzer, reader.derived_dir)
