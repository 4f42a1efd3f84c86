"""A question to ranked chunks: lexical.py (BM25), retriever.py (dense + lexical), fusion.py
(z-score or reciprocal rank fusion), scope.py (where to search), abstain.py (does the corpus
support an answer?)."""
