"""The optional language model: llm.py (langchain chat models, prompts), safety.py (planted
instructions), support.py (does a source support a sentence?), verify.py (the streaming
sentence-by-sentence verifier). Nothing below the answers layer imports this package."""
