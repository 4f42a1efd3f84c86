"""Text in a document that addresses a language model instead of a reader (planted instructions).

Such sentences are kept out of prompts, can never support a generated sentence (support.py), and
are never quoted as an extractive answer (answers/pipeline.py).
"""

from __future__ import annotations

import re

INSTRUCTION_RE = re.compile(
    r"\b(negeer|vergeet|ignore|disregard|forget)\b.{0,40}\b(instructies?|opdrachten|regels|instructions?|rules|prompt)\b"
    r"|\b(system ?prompt|systeemprompt|jailbreak)\b"
    r"|\b(you are now|je bent nu|jij bent nu|u bent nu)\b"
    r"|\b(als (taal)?model|as an? (ai|language model)|taalmodel|assistent|assistant)\b.{0,60}"
    r"\b(zeg|antwoord|say|answer|respond|schrijf|write)\b",
    re.IGNORECASE,
)
REDACTED = "[weggelaten: een instructie in het document]"
