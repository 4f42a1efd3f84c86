"""Cleaning and the section tree, on small inline texts and on the real handbook."""

from __future__ import annotations

from assistant.corpus.structure import parse_structure
from tests.conftest import HANDBOOK

RAW = (
    " Voorwoord\n\nIn 2008 besloten Blaricum, Eemnes en Laren te bundelen in de BEL Combi-\n\n"
    "natie. Dit is een zin die doorloopt over de regel en dan verder gaat \n\n"
    "met incidentele frictie-\n\nen desintegratiekosten.\n\n"
    "12 Landelijk Kennisplatform Ambtelijke Fusie\n\n"
    "http://www.ambtelijkefusie.nl\n"
    "G\t Gemeenschappelijke ambitie\n\n"
    "Een lange inleiding over de ambitie die verschillen1. zichtbaar maakt.\n\n"
    "1\t Zie ook: een ander boek, p. 48\n"
    "Vorm volgt inhoud\nDe vorm volgt de inhoud en dat komt later pas aan bod in het proces.\n"
)


def test_hyphenated_words_are_joined_and_real_hyphens_kept() -> None:
    text, _ = parse_structure(RAW)
    assert "BEL Combinatie." in text
    assert "frictie- en desintegratiekosten" in text
    assert "Combi-" not in text


def test_wrapped_lines_become_one_paragraph() -> None:
    text, _ = parse_structure(RAW)
    assert "doorloopt over de regel en dan verder gaat met incidentele" in text


def test_page_furniture_is_dropped() -> None:
    text, _ = parse_structure(RAW)
    assert "Landelijk Kennisplatform" not in text
    assert "http" not in text


def test_footnote_is_kept_as_its_own_piece_and_its_marker_removed() -> None:
    text, sections = parse_structure(RAW)
    notes = [s for s in sections if s.kind == "footnote"]
    assert [n.path for n in notes] == [("G · Gemeenschappelijke ambitie", "Noot 1")]
    assert notes[0].text == "Zie ook: een ander boek, p. 48"
    assert "verschillen." in text and "verschillen1" not in text


def test_sections_are_contiguous_spans_of_the_cleaned_text() -> None:
    text, sections = parse_structure(RAW)
    for section in sections:
        assert text[section.start : section.end] == section.text
    labels = [s.label for s in sections]
    assert labels[:3] == [
        "Voorwoord",
        "G · Gemeenschappelijke ambitie",
        "G · Gemeenschappelijke ambitie > Vorm volgt inhoud",
    ]


def _handbook():
    return parse_structure(HANDBOOK.read_text("utf-8"), {"I": 2})


def test_handbook_has_the_five_groei_chapters_in_order() -> None:
    _, sections = _handbook()
    chapters = [s.path[0] for s in sections if s.level == 1]
    assert chapters == [
        "Voorwoord",
        "G · Gemeenschappelijke ambitie",
        "R · Relatie tussen sleutelfiguren",
        "O · Organiseren in stappen",
        "E · Eigenaarschap voelen",
        "I · Inrichting ambtelijke fusieorganisatie",
    ]


def test_handbook_phases_and_inrichting_themes_are_recovered() -> None:
    _, sections = _handbook()
    phases = {s.path[-1]: s.phase for s in sections if s.path[0].startswith("O ·") and s.phase}
    assert phases == {
        "Fase 1: Initiëren en verkennen": 1,
        "Fase 2: Besluiten en inrichten": 2,
        "Fase 3: Starten en doorontwikkelen": 3,
    }
    themes = {s.theme for s in sections if s.theme}
    assert themes == {
        "het takenpakket",
        "de bestuurlijk-juridische vormgeving",
        "de ambtelijke aansturing",
        "het organisatiemodel",
        "de huisvesting",
        "de financiële aspecten",
    }


def test_handbook_side_boxes_are_their_own_pieces() -> None:
    _, sections = _handbook()
    boxes = {s.path[-1] for s in sections if s.kind == "box"}
    assert {
        "Motieven (3K’s) en randvoorwaarden (2G’s)",
        "Dilemma’s bij ambtelijke fusie",
        "Afwegingen bij inrichting topstructuur",
        "Tip",
    } <= boxes
    dilemma = next(s for s in sections if s.path[-1] == "Dilemma’s bij ambtelijke fusie")
    assert "• Kwaliteitsverhoging vs. kostenreductie;" in dilemma.text


def test_handbook_subsections_under_the_topstructure() -> None:
    _, sections = _handbook()
    sub = [s.path[-1] for s in sections if s.level == 3]
    assert "Directieraad bestaande uit gemeentesecretarissen" in sub
    assert "Aparte directeur, los van de gemeentesecretarissen" in sub
    assert "Primus inter pares" in sub


def test_handbook_cleaned_text_has_no_line_break_hyphens_or_footers() -> None:
    text, sections = _handbook()
    assert "Combinatie" in text and "Combi-" not in text
    assert "frictie- en desintegratiekosten" in text
    assert "Landelijk Kennisplatform Ambtelijke Fusie" not in text
    assert len([s for s in sections if s.kind == "footnote"]) == 5
