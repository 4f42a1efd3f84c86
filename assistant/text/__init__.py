"""Text handling shared by every layer: tokens and language (tokens.py), sentence spans
(sentences.py), and the `[n]` citation and control-character patterns (markup.py).

Subpackages keep their `__init__` free of imports: importing one module of a layer must not load
the whole layer (the CLI starts in ~1.5 s because it imports only what a command needs)."""
