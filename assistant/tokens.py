"""Tokens for lexical matching: lowercase words without accents, Dutch and English stop words out."""

from __future__ import annotations

import re
import unicodedata

STOPWORDS = frozenset(
    ["de", "het", "een", "en", "of", "maar", "dan", "dat", "die", "dit", "deze", "den", "der", "des", "van", "voor", "naar", "met", "op", "in", "uit", "aan", "bij", "over", "onder", "tot", "om", "te", "ter", "door", "als", "is", "zijn", "was", "waren", "wordt", "worden", "werd", "werden", "kan", "kunnen", "kun", "kunt", "moet", "moeten", "mag", "mogen", "zal", "zullen", "zou", "zouden", "heeft", "hebben", "had", "hadden", "ben", "bent", "er", "hier", "daar", "waar", "wat", "wie", "welk", "welke", "welken", "hoe", "waarom", "wanneer", "wel", "niet", "geen", "ook", "nog", "al", "zo", "zoals", "je", "jij", "u", "we", "wij", "ze", "zij", "hij", "haar", "hem", "hun", "ons", "onze", "mijn", "jouw", "uw", "ik", "men", "iets", "elk", "elke", "ieder", "iedere", "alle", "veel", "meer", "meest", "zeer", "heel", "erg", "toch", "dus", "want", "omdat", "of", "the", "a", "an", "and", "or", "but", "of", "to", "in", "on", "at", "by", "for", "with", "from", "as", "is", "are", "was", "were", "be", "been", "being", "what", "which", "who", "whom", "whose", "how", "why", "when", "where", "do", "does", "did", "can", "could", "should", "would", "will", "shall", "may", "might", "must", "this", "that", "these", "those", "it", "its", "there", "their", "they", "them", "we", "you", "your", "our", "not", "no", "yes", "about", "into", "than", "then", "so", "if", "s"]
)
_WORD = re.compile(r"[^\W\d_]+|\d+", re.UNICODE)


def fold(text: str) -> str:
    """Lowercase and strip accents: "financiële" -> "financiele"."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def tokenize(text: str) -> list[str]:
    """Content words of `text`, folded; numbers are kept ("2008", "3k")."""
    return [w for w in _WORD.findall(fold(text)) if w not in STOPWORDS]


def normalize_for_match(text: str) -> str:
    """Letters and digits only, folded: for checking that a phrase occurs in a text regardless
    of punctuation, hyphenation and spacing."""
    return "".join(ch for ch in fold(text) if ch.isalnum())
