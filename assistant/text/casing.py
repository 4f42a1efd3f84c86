"""One casing for every way a question can be typed: each word as the corpus writes it most often.

e5 reads case ("BUCH" and "buch", "Gideonsbende" and "gideonsbende" are different tokens), so a
question typed in lower case or in capitals must be brought to one form before it is embedded, or
its answer changes. Lower-casing everything costs e5 on names; writing each word as the corpus
mostly does ("buch" -> "BUCH", "algemeen bestuur" -> "Algemeen Bestuur" where the handbook capitalises
it) keeps names and gives the same text for every variant. The first letter is a capital.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

_WORD = re.compile(r"[^\W\d_]+")
MIN_LETTERS = 3


class TrueCaser:
    def __init__(self, texts: Iterable[str]) -> None:
        forms: dict[str, Counter[str]] = {}
        for text in texts:
            for word in _WORD.findall(text):
                forms.setdefault(word.lower(), Counter())[word] += 1
        # Most frequent form; ties to the lower-case one, then alphabetically (deterministic).
        self.form = {
            key: min(counts.items(), key=lambda kv: (-kv[1], kv[0] != key, kv[0]))[0] for key, counts in forms.items()
        }

    def _form(self, word: str) -> str:
        # Short words keep lower case: "a" is mostly "A" in the corpus only through "A2".
        return self.form.get(word, word) if len(word) >= MIN_LETTERS else word

    def case(self, text: str) -> str:
        """`text` with every word as the corpus writes it (unknown words lower-case), first letter up."""
        cased = _WORD.sub(lambda m: self._form(m.group().lower()), text)
        return cased[:1].upper() + cased[1:]
