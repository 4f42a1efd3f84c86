"""Tokens for lexical matching: lowercase words without accents, Dutch and English stop words out."""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path


def _words(text: str) -> frozenset[str]:
    """A word list written as running text, one space between words."""
    return frozenset(text.split())


DUTCH_STOPWORDS = _words(
    """
    de het een en of maar dan dat die dit deze den der des van voor naar met op in uit aan bij over
    onder tot om te ter door als is zijn was waren wordt worden werd werden kan kunnen kun kunt moet
    moeten mag mogen zal zullen zou zouden heeft hebben had hadden ben bent er hier daar waar wat
    wie welk welke welken hoe waarom wanneer wel niet geen ook nog al zo zoals je jij u we wij ze
    zij hij haar hem hun ons onze mijn jouw uw ik men iets elk elke ieder iedere alle veel meer
    meest zeer heel erg toch dus want omdat
    """
)
ENGLISH_STOPWORDS = _words(
    """
    the a an and or but of to in on at by for with from as is are was were be been being what which
    who whom whose how why when where do does did can could should would will shall may might must
    this that these those it its there their they them we you your our not no yes about into than
    then so if s
    """
)
# Words that name the corpus itself: every handbook passage is "the handbook", and the case and
# law documents that mention it ("Verhouding tot het handboek") are no answer to "Welke varianten
# onderscheidt het handboek?".
CORPUS_NAME_WORDS = frozenset(["handboek", "handreiking", "handbook", "guide"])
STOPWORDS = DUTCH_STOPWORDS | ENGLISH_STOPWORDS | CORPUS_NAME_WORDS
# A Dutch text keeps the English stop words: folded, "OR" (ondernemingsraad) is "or", and "Rol
# van de OR?" was searched as "rol" alone.
DUTCH_TEXT_STOPWORDS = DUTCH_STOPWORDS | CORPUS_NAME_WORDS
_WORD = re.compile(r"[^\W\d_]+|\d+", re.UNICODE)


def fold(text: str) -> str:
    """Lowercase and strip accents: "financiële" -> "financiele"."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def stopwords(english: bool) -> frozenset[str]:
    """The stop words of a text in that language: English ones only for English text."""
    return STOPWORDS if english else DUTCH_TEXT_STOPWORDS


def tokenize(text: str, english: bool | None = None) -> list[str]:
    """Content words of `text`, folded; numbers are kept, as tokens of their own ("2008"; "3K's"
    gives "3", "k", "s", as the corpus's "3K’s" does). `english` says the
    text's language when the caller knows it; otherwise is_english decides."""
    stop = stopwords(is_english(text) if english is None else english)
    return [w for w in _WORD.findall(fold(text)) if w not in stop]


def normalize_for_match(text: str) -> str:
    """Letters and digits only, folded: for checking that a phrase occurs in a text regardless
    of punctuation, hyphenation and spacing."""
    return "".join(ch for ch in fold(text) if ch.isalnum())


ENGLISH_MARKERS = _words(
    """
    the what which who how why when where is are does do of and to in for an did can could should
    would will has have there this that with from by it they their its be were about after before
    between
    """
)
DUTCH_MARKERS = _words(
    """
    de het een wat welke wie hoe waarom wanneer is zijn van en in voor op bij
    """
)
# Words of both languages say nothing ("in", "is"; Dutch "of" means "or"): "Huisvesting: centraal
# of decentraal?" is Dutch.
ENGLISH_ONLY = ENGLISH_MARKERS - DUTCH_MARKERS - {"of"}
DUTCH_ONLY = DUTCH_MARKERS - ENGLISH_MARKERS
GLOSSARY_FILE = Path(__file__).resolve().parent.parent / "data" / "glossary_en_nl.tsv"


def is_english(text: str) -> bool:
    """Rough language call: more English than Dutch function words."""
    words = re.findall(r"[a-z']+", fold(text))
    english = sum(w in ENGLISH_ONLY for w in words)
    return english > 0 and english > sum(w in DUTCH_ONLY for w in words)


@cache
def glossary() -> dict[str, str]:
    """The hand-kept English -> Dutch terms (folded English word -> space-separated Dutch terms)."""
    entries: dict[str, str] = {}
    for line in GLOSSARY_FILE.read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            english, dutch = line.split("\t", 1)
            entries[fold(english.strip())] = dutch.strip()
    return entries


def words(text: str) -> list[str]:
    """The words and numbers of `text` as written (no folding, no stop words out)."""
    return _WORD.findall(text)


def lexical_query(text: str) -> list[str]:
    """Tokens for BM25: for an English question, the Dutch glossary terms of its words are
    added, so that a Dutch corpus gives English questions a lexical signal too."""
    english = is_english(text)
    tokens = tokenize(text, english)
    if not english:
        return tokens
    found = glossary()
    english_words = words(fold(text))
    translated = [term for w in english_words if w in found for term in tokenize(found[w])]
    return translated + [t for t in tokens if fold(t) not in found]
