"""Accessibility (WCAG 2.1 AA) and printing: the style sheet and page script that fix Gradio's markup
from outside, and the print style sheet that makes a printed answer look like the Raadsmemo.

Plain strings, like assets.py (launch.py adds them to the page); tests/test_accessibility.py runs
axe-core over the page and walks it with the keyboard, tests/test_print.py prints it.
"""

from __future__ import annotations

from html import escape

# The focus ring: blue 700 on the light theme, blue 300 on the dark one (both >= 3:1 against the
# page). Gradio scopes `css` to its container, so the dark variable sits in HEAD (launch.py).
FOCUS_HEAD = "<style>:root { --fw-focus: #1d4ed8; } .dark { --fw-focus: #93c5fd; }</style>"
# Gradio's app container clips what does not fit the window, which in print cut a long answer at
# the first page's end; in HEAD because Gradio scopes `css` to inside that container.
PRINT_HEAD = (
    "<style>@media print { html, body, gradio-app, .gradio-container { overflow: visible !important;"
    " height: auto !important; min-height: 0 !important; display: block !important; } }</style>"
)

ACCESS_CSS = """
/* Visible focus for everything the keyboard reaches (WCAG 2.4.7); Gradio removes some outlines. */
a:focus-visible, button:focus-visible, summary:focus-visible, [role=tab]:focus-visible,
input:focus-visible, select:focus-visible, [tabindex]:focus-visible {
  outline: 3px solid var(--fw-focus, #1d4ed8) !important; outline-offset: 2px; }
/* Text fields sit in boxes that clip: the ring goes inside the field. */
textarea:focus-visible, input[type=text]:focus-visible, input[type=password]:focus-visible,
input[role=listbox]:focus-visible, input[role=combobox]:focus-visible {
  outline: 3px solid var(--fw-focus, #1d4ed8) !important; outline-offset: -3px; }
/* The source card [n] leads to takes the focus (access.JS), and shows it. */
.bron:focus-visible { outline: 3px solid var(--fw-focus, #1d4ed8) !important; outline-offset: 2px; }
/* Gradio shows the chat text at 80% opacity, which takes grey text and the [n] links below 4.5:1. */
#gesprek .message-wrap .prose.chatbot.md { opacity: 1; }
a.bronlink { color: #1a3f8f; }
@media (prefers-reduced-motion: reduce) {
  *, *::before, *::after { animation: none !important; transition: none !important; scroll-behavior: auto !important; }
}
"""

# Printing (or the browser's print-to-PDF) shows what the Raadsmemo has: the questions, the answers
# with [n], and every source card in full (document, section path, phase, page, the quote, the
# "Let op: bijgewerkt" note); no input bar, side column, tabs or buttons.
PRINT_CSS = """
#printkop { display: none; }
@media print {
  #printkop { display: block !important; font-style: italic; margin-bottom: .8rem; }
  [role=tablist], #vraagbalk, .chat-rij > .column:nth-child(2), #gebruiker, button, .afbakening-rij,
  #toelichting-rij, #memo-rij, #memo, #kopie, #gesprek [data-testid=block-label], .message-buttons,
  .message-buttons-left, .message-buttons-right, .icon-button-wrapper, [data-testid=status-tracker],
  footer, .kop p, .deeplink, .vervolg, #link-melding { display: none !important; }
  .chat-rij > .column:first-child { min-width: 100% !important; }
  #gesprek, #gesprek .wrapper, #gesprek .bubble-wrap { height: auto !important; max-height: none !important;
    overflow: visible !important; border: none !important; }
  #gesprek .message-row, #gesprek .message { max-width: 100% !important; background: none !important;
    border: none !important; box-shadow: none !important; padding: 0 !important; margin: 0 !important; }
  #gesprek .message-wrap .prose.chatbot.md { opacity: 1; }
  #gesprek .message-row { justify-content: flex-start !important; align-self: stretch !important; }
  .vraag { text-align: left; font-weight: 700; font-size: 1.1em; margin: 1.2rem 0 .4rem; break-after: avoid; }
  .vraag::before { content: "Vraag: "; }
  details.bronnen::details-content { content-visibility: visible; display: contents; }
  details.bronnen > summary { list-style: none; font-size: 0; }  /* not "tik of klik op [n]…" */
  details.bronnen > summary::before { content: "Bronnen"; font-size: 1rem; font-weight: 700; }
  details.bronnen > summary::-webkit-details-marker { display: none; }
  .bron { break-inside: avoid; border: 1px solid #999; }
  .bron-tekst { opacity: 1; border-left-color: #666; }
  .bron-tekst mark { background: none; font-weight: 600; text-decoration: underline; }
  a, a.bronlink { color: #000 !important; background: none !important; text-decoration: none; }
  .bron-meta, .bron-pad { color: #333 !important; }
}
"""

# Runs once on page load, after assets.JS. Gradio's chat and upload markup gets Dutch names and
# loses what a screen reader would read wrongly; Svelte rewrites attributes when it re-renders,
# so the fixes are re-applied when they change.
JS = """
() => {
  const NAMES = { 'chatbot conversation': 'Gesprek', 'Copy message': 'Kopieer bericht',
                  'Copy': 'Kopieer', 'Copied': 'Gekopieerd', 'Copied message': 'Bericht gekopieerd',
                  'Close': 'Sluiten' };
  // Gradio titles a toast by its kind in English, whatever gr.Error(title=...) says.
  const TOAST_TITLES = { Error: 'Fout', Warning: 'Let op', Info: 'Mededeling', Success: 'Gelukt' };
  const set = (el, name, value) => { if (el.getAttribute(name) !== value) el.setAttribute(name, value); };
  const printDate = () => {
    const today = new Date().toLocaleDateString('nl-NL', { day: 'numeric', month: 'long', year: 'numeric' });
    for (const el of document.querySelectorAll('#printkop .printdatum')) {
      if (el.textContent !== today) el.textContent = today;
    }
  };
  window.addEventListener('beforeprint', printDate);
  const fix = () => {
    printDate();
    for (const el of document.querySelectorAll('[aria-label]')) {
      const name = NAMES[el.getAttribute('aria-label')];
      if (name) { set(el, 'aria-label', name); if (el.title) set(el, 'title', name); }
    }
    // The chat log announces new text politely (it is a role=log region; say so explicitly too).
    for (const log of document.querySelectorAll('#gesprek [role=log]')) set(log, 'aria-live', 'polite');
    // Gradio names each bubble "user's message: <the message's raw HTML>".
    const bubbles = '#gesprek [data-testid=user][aria-label], #gesprek [data-testid=bot][aria-label]';
    for (const el of document.querySelectorAll(bubbles)) el.removeAttribute('aria-label');
    // The upload area's English name hides its visible Dutch text ("Sleep een bestand hier …").
    for (const el of document.querySelectorAll('.upload-container[aria-label]')) el.removeAttribute('aria-label');
    for (const title of document.querySelectorAll('[data-testid=toast-body] .toast-title')) {
      const text = title.firstChild;
      const dutch = text && text.nodeType === Node.TEXT_NODE && TOAST_TITLES[text.data.trim()];
      if (dutch) text.data = dutch + ' ';
    }
    for (const el of document.querySelectorAll('button.label-wrap')) {
      set(el, 'aria-expanded', String(el.classList.contains('open')));  // the accordions say if they are open
    }
  };
  let queued = false;
  new MutationObserver(() => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => { queued = false; fix(); });
  }).observe(document.body, { childList: true, subtree: true, attributes: true,
                              attributeFilter: ['aria-label', 'class'] });
  fix();
  // [n] takes the keyboard focus to its source card (assets.JS has opened and scrolled to it).
  document.addEventListener('click', (event) => {
    const link = event.target.closest && event.target.closest('a[href^="#bron-"]');
    const card = link && document.getElementById(link.getAttribute('href').slice(1));
    if (!card) return;
    card.setAttribute('tabindex', '-1');
    card.focus({ preventScroll: true });
  }, true);
  // Print every source card, also the folded ones; fold them back afterwards.
  let folded = [];
  window.addEventListener('beforeprint', () => {
    folded = [...document.querySelectorAll('#gesprek details.bronnen:not([open])')];
    folded.forEach((d) => { d.open = true; });
  });
  window.addEventListener('afterprint', () => { folded.forEach((d) => { d.open = false; }); folded = []; });
}
"""


def with_access_js(page_js: str) -> str:
    """One page-load function that runs `page_js` (assets.JS) and then this module's script."""
    return f"() => {{ ({page_js.strip()})(); ({JS.strip()})(); }}"


def print_heading_html(corpus_version: str | None) -> str:
    """The printed page's heading, like the Raadsmemo's: the print date (filled in by JS, so it is
    the day of printing) and the corpus version the answers came from."""
    version = escape(corpus_version or "onbekend")
    return f'<p>Afgedrukt op <span class="printdatum"></span> · Corpusversie: {version}</p>'
