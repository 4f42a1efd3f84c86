"""The pure HTML/text helpers of the browser UI (no browser, no gradio)."""

from __future__ import annotations

from assistant.corpus import toc as corpus_toc
from assistant.types import Answer, Chunk, Document, Section, Source
from assistant.web import answer_html as fmt
from assistant.web import toc_html as ui_toc

EVIL = '<script>alert(1)</script><img src=x onerror="alert(2)">'


def chunk(
    text: str,
    section: tuple[str, ...] = ("I · Inrichting", "Huisvesting"),
    phase: int | None = 2,
    doc_type: str = "handbook",
) -> Chunk:
    return Chunk(
        id="c1",
        doc_id="handreiking.txt",
        title="Handreiking ambtelijke fusie: GROEI",
        section=section,
        text=text,
        start=0,
        end=len(text),
        letter="I",
        phase=phase,
        doc_type=doc_type,
    )


def answer(question: str = "Waar komt de organisatie?") -> Answer:
    text = "Eerste zin. Centrale huisvesting is duur.\n\nTweede alinea."
    sources = (
        Source(1, chunk(text), "Centrale huisvesting is duur.", 0.9, note="Sinds 2022 anders."),
        Source(2, chunk("Zie ook de kaders.", ("G · Ambitie",), None), "Zie ook de kaders.", 0.8),
    )
    body = (
        "Centrale huisvesting is duur. [1]\n\nZie ook de kaders. [2] en [7]\n\n"
        "**Let op: bijgewerkt** [1]: Sinds 2022 anders."
    )
    return Answer(question, body, True, "extractive", sources, notices=("Gezocht binnen: hoofdstuk I.",))


def test_plain_text_has_question_answer_and_numbered_sources() -> None:
    text = fmt.answer_plain_text(answer())
    assert text.splitlines()[0] == "Vraag: Waar komt de organisatie?"
    assert "Centrale huisvesting is duur. [1]" in text
    assert "**" not in text and "<" not in text
    assert ("[1] Handreiking ambtelijke fusie: GROEI (handreiking.txt) — I · Inrichting > Huisvesting (fase 2)") in text
    assert "[2] Handreiking ambtelijke fusie: GROEI (handreiking.txt) — G · Ambitie" in text
    assert "    Let op: bijgewerkt — Sinds 2022 anders." in text
    assert text.index("Bronnen:") < text.index("[1] Handreiking")


def test_highlight_escapes_around_and_inside_the_mark() -> None:
    text = f"Voor {EVIL}. Het citaat <b>hier</b>. Na & daarna"
    html = fmt.highlight(text, "Het citaat <b>hier</b>.")
    assert "<mark>Het citaat &lt;b&gt;hier&lt;/b&gt;.</mark>" in html
    assert "<script>" not in html and "<img" not in html and "&amp; daarna" in html
    assert fmt.highlight("geen citaat", "ontbreekt") == "geen citaat"


def test_answer_html_links_markers_to_sources_and_has_no_blank_lines() -> None:
    html = fmt.answer_html(answer(), "a3", {})
    assert '<a class="bronlink" href="#bron-a3-1"' in html and 'id="bron-a3-2"' in html
    assert "[7]" in html and "#bron-a3-7" not in html  # only markers that have a source
    assert "<mark>Centrale huisvesting is duur.</mark>" in html
    assert 'class="bijgewerkt"' in html and "Sinds 2022 anders." in html
    assert "Gezocht binnen: hoofdstuk I." in html and "fase 2" in html
    assert "\n" not in html  # a blank line would end the Markdown HTML block


def test_question_and_corpus_html_are_escaped() -> None:
    assert "<script>" not in fmt.question_html(EVIL)
    evil = Answer(
        EVIL,
        f"{EVIL} [1]",
        True,
        "extractive",
        (Source(1, chunk(EVIL, (EVIL,)), EVIL, 0.5, note=EVIL),),
        notices=(EVIL,),
    )
    html = fmt.answer_html(evil, "a1", {})
    assert "<script>" not in html and "<img" not in html and "&lt;script&gt;" in html
    assert "<script>" not in fmt.answer_plain_text(evil).split("Vraag:")[0]


def test_not_answered_offers_nearest_sections_as_links() -> None:
    abstain = Answer(
        "Wat kost een paspoort?",
        "Ik vind ... geen passage die deze vraag beantwoordt.\n- X",
        False,
        "extractive",
        nearest=("G · Ambitie > Tip", "Onbekend"),
    )
    html = fmt.answer_html(abstain, "a1", {"G · Ambitie > Tip": "hb.txt::G · Ambitie > Tip"})
    assert "geen passage die deze vraag beantwoordt" in html
    assert 'href="#sectie=hb.txt%3A%3AG%20%C2%B7%20Ambitie%20%3E%20Tip"' in html
    assert ">Onbekend</a>" in html


def test_stream_prefixes_grow_sentence_by_sentence() -> None:
    prefixes = list(fmt.stream_prefixes("Een. Twee! Drie [1]"))
    assert prefixes == ["Een.", "Een. Twee!", "Een. Twee! Drie [1]"]


def test_toc_and_section_view() -> None:
    sections = (
        Section(("G · Ambitie",), "Intro <i>x</i>", 0, 10, letter="G", level=1),
        Section(("G · Ambitie", "Tip"), "Een kader.", 10, 20, kind="box", letter="G", level=2),
        Section(("O · Stappen", "Fase 1: Verkennen"), "Eerst.\n\nDan.", 20, 30, letter="O", phase=1, level=2),
        Section(("G · Ambitie", "Noot 1"), "noot", 30, 34, kind="footnote", letter="G", level=2),
    )
    doc = Document("hb.txt", "Handreiking", "", sections, {"type": "handbook"})
    case = Document("cases/x.md", "Casus <X>", "", (Section(("X",), "tekst", 0, 5),), {"type": "case"})
    entries = corpus_toc.section_entries([case, doc])
    assert entries[0].doc_id == "hb.txt"  # the handbook first
    toc = ui_toc.toc_html(entries)
    assert "kader</span>" in toc and "fase 1</span>" in toc and "Noot 1" not in toc
    assert "Casus &lt;X&gt;" in toc
    view = ui_toc.section_html(entries[0], corpus_toc.children_of(entries[0], entries))
    assert "Intro &lt;i&gt;x&lt;/i&gt;" in view and "Verder in deze sectie" in view and ">Tip</a>" in view
    assert "<p>Eerst.</p><p>Dan.</p>" in ui_toc.section_html(entries[2])  # paragraphs kept
    assert corpus_toc.label_keys(entries)["G · Ambitie > Tip"] == "hb.txt::G · Ambitie > Tip"
    assert "&lt;b&gt;" in fmt.scope_badge_html("sectie “<b>”")


def test_labels_are_italic_in_the_chat_and_plain_in_the_copy() -> None:
    case = chunk("Laren en Blaricum delen een griffie.", ("Bestuur",), None, "case")
    sources = (Source(1, case, "Laren en Blaricum delen een griffie.", 0.9),)
    body = "*BEL Combinatie:* Laren en Blaricum delen een griffie. [1]\n\n*Zie ook:* G · Ambitie · 5 * 3 = 15"
    result = Answer("Wie deelt een griffie?", body, True, "extractive", sources)
    html = fmt.answer_html(result, "a1", {})
    assert "<em>BEL Combinatie:</em>" in html and "<em>Zie ook:</em>" in html
    assert "*BEL" not in html and "Zie ook:*" not in html and "5 * 3 = 15" in html
    text = fmt.answer_plain_text(result)
    assert "BEL Combinatie: Laren" in text and "Zie ook: G" in text and "*" not in text.replace("5 * 3", "")


def test_api_markdown_escapes_document_html_and_links_but_text_stays_exact() -> None:
    hostile = f"Het bestuur besluit. {EVIL} Lees [meer](javascript:alert(3)) of ![x](data:text/html,x)."
    source = Source(1, chunk(hostile), hostile, 0.9)
    body = f"*Evil <b>titel</b>:* {hostile} [1]"
    data = Answer("Wie besluit?", body, True, "extractive", (source,)).to_json()
    markdown = data["answer"]
    assert "<" not in markdown and ">" not in markdown  # no raw HTML, no autolink
    assert "](" not in markdown.replace("\\](", "")  # no link or image can form
    assert "&lt;script&gt;" in markdown and "[1]" in markdown and "\\[meer\\]" in markdown
    assert data["sources"][0]["text"] == hostile and data["sources"][0]["quote"] in data["sources"][0]["text"]
