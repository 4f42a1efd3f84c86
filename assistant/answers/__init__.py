"""Ranked chunks to an answer; pipeline.py reads top to bottom: relevance.py scores sentences,
compose.py chooses quotes, passages.py grows a sentence into its passage, practice.py adds case
passages for questions about practice, updates.py marks dated passages, compose.py renders the
answer with [n] markers. chat.py turns follow-ups into standalone questions."""
