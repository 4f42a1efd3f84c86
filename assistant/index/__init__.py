"""Chunks to a searchable index: embeddings.py (the offline embedders behind langchain's
Embeddings), store.py (the only module that imports Chroma: versioned collections and the live
manifest), reader.py (read access to one version's collections), lock.py (one ingest per index
folder across processes), ingest.py (build or update the index, re-embedding only changed text)."""
