"""Chunks to a searchable index: embeddings.py (the offline embedders behind langchain's
Embeddings), store.py (the only module that touches Chroma: versioned collections and the live
manifest), ingest.py (build or update the index, re-embedding only changed text)."""
