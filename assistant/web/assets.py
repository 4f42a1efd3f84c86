"""The fixed parts of the browser page: example questions, Dutch page texts, the style sheet and the
page script. Plain strings only; ui.py passes them to Gradio, so they can be read without a browser.
"""

from __future__ import annotations

# The example questions beside the chat, per GROEI chapter and per phase: (group title, questions).
STARTERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "G · Gemeenschappelijke ambitie",
        ("Wat zijn de motieven voor een ambtelijke fusie?", "Hoe formuleer je gezamenlijke doelstellingen?"),
    ),
    (
        "R · Relatie tussen sleutelfiguren",
        ("Waarom is de relatie tussen sleutelfiguren zo belangrijk?", "Hoe maak je lastige onderwerpen bespreekbaar?"),
    ),
    (
        "O · Organiseren in stappen",
        ("Welke fasen kent een ambtelijke fusie?", "Hoe zorg je voor eenduidige informatie en een tijdlijn?"),
    ),
    ("E · Eigenaarschap voelen", ("Wat is een Gideonsbende?",)),
    ("I · Inrichting", ("Welke varianten zijn er voor de topstructuur?", "Huisvesting: centraal of decentraal?")),
    ("Per fase", ("Wat gebeurt er in fase 1?", "Wat wordt er besloten in fase 2?", "Wat gebeurt er in fase 3?")),
)

# {mb} is the upload limit in MB, filled in when the Beheer tab is built.
ADMIN_INTRO = (
    "Voeg documenten toe (txt, md, pdf, docx, html; hoogstens {mb} MB), vervang ze (zelfde naam) of "
    "verwijder ze, en klik daarna op **Opnieuw indexeren**. Tot de nieuwe index klaar is, beantwoordt "
    "de vorige index de vragen."
)
LOGIN_MESSAGE = "Log in met je gebruikersnaam en wachtwoord voor de Fusiewijzer."

ABOUT = """\
**Wat is dit?** Een zoek- en adviesassistent over *ambtelijke fusie*: gemeenten die hun
ambtelijke organisaties samenvoegen en hun eigen gemeenteraad houden.

**Waar komen de antwoorden vandaan?** Uit drie soorten documenten:
- de *Handreiking ambtelijke fusie: GROEI* (2014), met de hoofdstukken Gemeenschappelijke ambitie,
  Relatie, Organiseren in stappen, Eigenaarschap en Inrichting, en drie fasen;
- praktijkvoorbeelden van bestaande fusieorganisaties (met hun bronnen);
- een overzicht van de wijzigingen in de Wet gemeenschappelijke regelingen (Wgr) sinds 2014.

**Hoe antwoordt het?** Met letterlijke citaten: elk antwoord bestaat uit zinnen uit de documenten,
met [n] naar de bron. Er is standaard geen taalmodel dat zelf tekst schrijft. Staat het antwoord
niet in de documenten, dan zegt de assistent dat en wijst hij verwante secties aan.

**Wat doet het niet?** Geen juridisch advies en geen actuele of lokale feiten over jouw gemeente.
De handreiking is van 2014: passages die later zijn gewijzigd, krijgen de melding
*Let op: bijgewerkt*. Controleer belangrijke punten altijd in de bron.
"""

# Below this viewport width (a tablet held upright, a phone) the page is one column with one scroll:
# the settings fold under the chat, the chat box grows with the page, the question bar sticks to
# the bottom, and sources start folded. app.NARROW_CHAT_WIDTH makes Gradio's row wrap about here.
NARROW = 959

CSS = """
.kop h1 { margin: 0; font-size: 1.6rem; }
.kop p { margin: .2rem 0 0; color: var(--body-text-color-subdued); }
.vraag { white-space: normal; }
.antwoord p { margin: .3rem 0; }
.antwoord .bezig { color: var(--body-text-color-subdued); font-style: italic; animation: puls 1.2s infinite; }
@keyframes puls { 50% { opacity: .45; } }
.antwoord .fout { color: #b42318; font-weight: 600; }
.antwoord .geen-antwoord { color: #8a4b00; }
a.bronlink { font-weight: 600; text-decoration: none; padding: 0 .1em; border-radius: 3px;
             background: #e8f0fe; color: #1a4fb4; }
.bijgewerkt, .bron-noot { background: #fff4d6; border-left: 4px solid #e0a800; padding: .3rem .5rem;
                          border-radius: 4px; }
.meldingen .melding { background: #eef4ff; border-left: 4px solid #5b8def; padding: .25rem .5rem;
                      border-radius: 4px; font-size: .92em; }
details.bronnen { margin-top: .6rem; border-top: 1px solid var(--border-color-primary); padding-top: .3rem; }
details.bronnen summary { cursor: pointer; font-weight: 600; }
.bron { margin: .5rem 0; padding: .4rem .6rem; border: 1px solid var(--border-color-primary);
        border-radius: 6px; }
.bron.uitgelicht { outline: 3px solid #5b8def; }
.bron-meta { color: var(--body-text-color-subdued); font-size: .9em; }
.bron-pad { font-size: .9em; margin: .15rem 0; }
.bron-tekst { margin: .3rem 0 0; padding-left: .6rem; border-left: 3px solid #ccc; font-size: .93em;
              color: var(--body-text-color); opacity: .9; }
.bron-tekst mark { background: #fff1a8; color: #111; padding: 0 .1em; }
.dichtbij ul { margin: .2rem 0 0 1.2rem; }
.afbakening { background: #e8f0fe; border: 1px solid #5b8def; border-radius: 999px;
              padding: .3rem .8rem; display: inline-block; }
.afbakening-rij { align-items: center; }
.starter { justify-content: flex-start !important; text-align: left !important; }
.groep p { margin: .5rem 0 0 !important; }
nav.inhoud ul { list-style: none; padding-left: 0; margin: .2rem 0 .6rem; }
nav.inhoud li { margin: .1rem 0; }
nav.inhoud li.niveau-1 { margin-top: .45rem; font-weight: 600; }
nav.inhoud li.niveau-2 { padding-left: 1rem; }
nav.inhoud li.niveau-3 { padding-left: 2rem; font-size: .93em; }
nav.inhoud summary { cursor: pointer; font-weight: 600; margin: .3rem 0; }
.badge { font-size: .75em; border-radius: 4px; padding: 0 .35em; background: #eceff3; color: #333;
         font-weight: 500; }
.badge.fase { background: #e3f4e8; color: #17603a; }
.badge.kader { background: #f3e8fd; color: #5b2a86; }
#inhoud { max-height: 70vh; overflow-y: auto; }
.sectie h2 { margin: .2rem 0; }
.sectie-doc, .sectie-pad { color: var(--body-text-color-subdued); font-size: .9em; margin: 0; }
.sectie-tekst p { line-height: 1.55; }
.beheer-gelukt, .beheer-geweigerd { padding: .4rem .6rem; border-radius: 4px; margin: .3rem 0; }
.beheer-gelukt { background: #e3f4e8; border-left: 4px solid #17603a; }
.beheer-geweigerd { background: #fdecea; border-left: 4px solid #b42318; }
table.documenten { width: 100%; border-collapse: collapse; font-size: .9em; }
table.documenten th, table.documenten td { border-bottom: 1px solid var(--border-color-primary);
                                           padding: .25rem .4rem; text-align: left; vertical-align: top; }
.gebruiker { text-align: right; margin: 0; font-size: .9em; }
/* Empty blocks (no login line, no search scope) take no room. */
#gebruiker:not(:has(.gebruiker)), .afbakening-rij:not(:has(.afbakening)) { display: none; }
.gr-accordion > .label-wrap { align-items: center; }
/* Deep links (deeplinks.py): under each source card and each answer, and the suggested questions. */
.deeplink { margin: .35rem 0 0; font-size: .9em; }
.deeplink a, a.vervolgvraag { color: #1a3f8f; }
input.link-veld { display: block; width: 100%; max-width: 100%; box-sizing: border-box; margin-top: .25rem;
                  padding: .3rem .4rem; font-size: .9em; border: 1px solid var(--border-color-primary);
                  border-radius: 4px; }
.link-status { font-size: .85em; color: var(--body-text-color-subdued); }
.vervolg { margin-top: .6rem; border-top: 1px solid var(--border-color-primary); padding-top: .3rem; }
.vervolg .vervolg-kop { font-weight: 600; margin: .2rem 0; }
.vervolg ul { margin: .1rem 0 0 1.2rem; padding: 0; }
.vervolg li { margin: .15rem 0; overflow-wrap: anywhere; }
mark.passage { background: #fff1a8; color: #111; padding: 0 .1em; scroll-margin: 96px; }
.link-melding { background: #fdecea; border-left: 4px solid #b42318; padding: .4rem .6rem; border-radius: 4px;
                color: #111; }
#link-melding:not(:has(.link-melding)) { display: none; }
"""


# The narrow-screen layout and the touch sizes. Gradio gives the chat box an inline height; only
# !important overrides it. Gradio scopes `css` to the elements inside .contain, so the rules for
# the containers around it go into the page head (HEAD).
CSS += (
    """
@media (max-width: NARROWpx) {
  .chat-rij > .column { min-width: 100% !important; }
  #gesprek, #gesprek .wrapper, #gesprek .bubble-wrap { height: auto !important; max-height: none !important;
                                                       overflow: visible !important; }
  #gesprek .bubble-wrap { min-height: 10rem; padding-top: 52px; }  /* room for the 44 px clear button */
  #vraagbalk { position: sticky; bottom: 0; z-index: 20; flex-wrap: nowrap; padding: .4rem 0;
               background: var(--body-background-fill); box-shadow: 0 -8px 12px -10px rgba(0, 0, 0, .35); }
  #gesprek .message-row { max-width: calc(100% - .5rem) !important; margin: .6rem .25rem .4rem !important; }
  #gesprek .message-row .message { padding: .25rem .5rem; }
  #inhoud { max-height: none !important; overflow: visible !important; }  /* the tree: one scroll too */
  .kop h1 { font-size: 1.3rem; }
  .kop p { font-size: .9rem; }
}
@media (max-width: NARROWpx), (pointer: coarse) {
  button, [role=tab], .gr-accordion > .label-wrap, #stijl label, #filter label, details.bronnen summary {
    min-height: 44px; }
  #gesprek .message-buttons button, #gesprek button[aria-label], #gesprek .icon-button {
    min-width: 44px; min-height: 44px; }
  #vraag textarea { min-height: 44px; font-size: 16px; }  /* 16px: iOS does not zoom into the field */
  details.bronnen summary { padding: .55rem 0; }  /* a list item still: it keeps its ▸ marker */
  .deeplink a, a.vervolgvraag { display: inline-flex; align-items: center; min-height: 44px; }  /* to tap */
  /* [n] sits in a sentence; a larger invisible area around it takes the tap */
  a.bronlink { position: relative; }
  a.bronlink::after { content: ""; position: absolute; left: 50%; top: 50%; width: 44px; height: 44px;
                      transform: translate(-50%, -50%); }
}
"""
).replace("NARROW", str(NARROW))

# The sticky question bar needs no scrolling box between it and the window, and .gradio-container
# has overflow: hidden (which makes one); clip hides the same without that. Less side padding on
# a phone leaves the answer room.
HEAD = (
    """<style>
@media (max-width: NARROWpx) {
  .gradio-container { overflow: clip !important; }
  .gradio-container > .main { padding-left: 10px !important; padding-right: 10px !important; }
}
</style>"""
).replace("NARROW", str(NARROW))

# Runs once on page load. [n] links open and show their source card; links to #sectie=<key> open
# that section in the Handboek tab through a hidden textbox + button (the Python side does the rest).
# A new question is placed at the top of the chat box and of the window, so the answer's first lines
# follow it (the chatbot's own autoscroll is off: it showed the end of the last source card).
# On a narrow screen the settings and each answer's sources start folded, and a section opened in the
# Handboek tab is scrolled into view.
JS = """
() => {
  document.documentElement.lang = 'nl';  // the page is Dutch (Gradio's template says "en")
  const narrow = window.matchMedia('(max-width: NARROWpx)');
  const MARGIN = 8;
  // Scroll every scrolling box around `el` so that el's top is at the box's top, then the window
  // when el's top is not in its upper part (`upTo`: share of the window height).
  const reveal = (el, upTo, behavior) => {
    for (let box = el.parentElement; box && box !== document.body; box = box.parentElement) {
      const style = getComputedStyle(box);
      if (/(auto|scroll)/.test(style.overflowY) && box.scrollHeight > box.clientHeight + 1) {
        const delta = el.getBoundingClientRect().top - box.getBoundingClientRect().top - MARGIN;
        // Instantly: the window's share below is measured after this box has scrolled (a smooth
        // box scroll still under way made the window overshoot, the target ending above view).
        box.scrollTo({ top: box.scrollTop + delta, behavior: 'instant' });
      }
    }
    const top = el.getBoundingClientRect().top;
    if (top < 0 || top > window.innerHeight * upTo) window.scrollBy({ top: top - MARGIN, behavior });
  };
  let asked = 0, settingsSeen = false, section = '';
  const sourcesSeen = new WeakSet(), passagesSeen = new WeakSet(), openedSources = new Set();
  const onChange = () => {
    const settings = document.querySelector('#instellingen > .label-wrap');
    if (settings && !settingsSeen) {
      settingsSeen = true;
      if (narrow.matches && settings.classList.contains('open')) settings.click();
    }
    const questions = document.querySelectorAll('#gesprek .vraag');
    if (questions.length > asked) {
      const last = questions[questions.length - 1];
      reveal(last.closest('.message-row') || last, 0.35, 'instant');
      // On a phone the keyboard would cover the answer; the field is one tap away at the bottom.
      if (narrow.matches && document.activeElement?.closest('#vraag')) document.activeElement.blur();
    }
    asked = questions.length;
    // A section opened in the Handboek tab lies below the long tree on a narrow screen: show it.
    const heading = document.querySelector('#sectie h2');
    const opened = heading ? heading.textContent : '';
    if (opened && opened !== section && narrow.matches) reveal(document.querySelector('#vraag-hier'), 0.35, 'instant');
    section = opened;
    // A deep link's passage in the Handboek tab: its marked sentences in view once the tab shows.
    const passage = document.querySelector('#sectie #passage');
    if (passage && !passagesSeen.has(passage) && passage.getClientRects().length) {
      passagesSeen.add(passage);
      passage.scrollIntoView({ block: 'center', behavior: 'instant' });
    }
    // The suggested questions arrive after the answer and render it anew: sources the reader
    // opened (by [n] or their summary) stay open then, keyed by answer and first source.
    for (const details of document.querySelectorAll('#gesprek details.bronnen')) {
      if (sourcesSeen.has(details)) continue;
      sourcesSeen.add(details);
      const key = `${details.closest('.antwoord')?.id}|${details.querySelector('a.passagelink')?.getAttribute('href')}`;
      if (narrow.matches) details.open = openedSources.has(key);
      details.addEventListener('toggle', () => {
        if (details.open) openedSources.add(key); else openedSources.delete(key);
      });
    }
  };
  let queued = false;
  new MutationObserver(() => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => { queued = false; onChange(); });
  }).observe(document.body, { childList: true, subtree: true });
  onChange();
  // Hand a value to the Python side through a hidden textbox and button (app.py's nav-* pairs).
  const send = (boxId, buttonId, value) => {
    const box = document.querySelector(`#${boxId} textarea, #${boxId} input`);
    const button = document.querySelector(`#${buttonId}`);
    if (!box || !button) return;
    box.value = value;
    box.dispatchEvent(new Event('input', { bubbles: true }));
    setTimeout(() => button.click(), 50);
  };
  // "Link naar dit antwoord": copy the whole URL and show it, selected, to copy by hand.
  const showLink = (link) => {
    const holder = link.parentElement;
    let field = holder.querySelector('input.link-veld');
    let status = holder.querySelector('.link-status');
    if (!field) {
      status = document.createElement('span');
      status.className = 'link-status';
      status.setAttribute('role', 'status');
      field = document.createElement('input');
      field.type = 'text';
      field.readOnly = true;
      field.className = 'link-veld';
      field.setAttribute('aria-label', 'Link naar dit antwoord');
      holder.append(' ', status, field);
    }
    field.value = link.href;
    field.focus();
    field.select();
    status.textContent = 'Selecteer en kopieer de link hieronder.';
    navigator.clipboard?.writeText(link.href).then(
      () => { status.textContent = 'Gekopieerd; de link staat ook hieronder.'; }, () => {});
  };
  document.addEventListener('click', (event) => {
    const link = event.target.closest && event.target.closest('a');
    if (!link) return;
    const href = link.getAttribute('href') || '';
    // Deep links: a plain click acts in the page; Ctrl/middle click opens the link on a new page.
    const plain = event.button === 0 && !(event.ctrlKey || event.metaKey || event.shiftKey || event.altKey);
    const deep = ['passagelink', 'antwoordlink', 'vervolgvraag'].find((c) => link.classList.contains(c));
    if (deep && plain) {
      event.preventDefault();
      event.stopPropagation();
      if (deep === 'passagelink') send('nav-passage', 'nav-passage-open', href.slice(href.indexOf('?')));
      else if (deep === 'vervolgvraag') {
        send('nav-vraag', 'nav-vraag-stel', new URL(link.href).searchParams.get('vraag') || '');
      }
      else showLink(link);
    } else if (href.startsWith('#sectie=')) {
      event.preventDefault();
      event.stopPropagation();
      const box = document.querySelector('#nav-sectie textarea, #nav-sectie input');
      const button = document.querySelector('#nav-open');
      if (!box || !button) return;
      box.value = decodeURIComponent(href.slice('#sectie='.length));
      box.dispatchEvent(new Event('input', { bubbles: true }));
      setTimeout(() => button.click(), 50);
    } else if (href.startsWith('#bron-')) {
      event.preventDefault();
      event.stopPropagation();
      const target = document.getElementById(href.slice(1));
      if (!target) return;
      const details = target.closest('details');
      if (details) details.open = true;
      reveal(target, 0.5, 'smooth');
      target.classList.add('uitgelicht');
      setTimeout(() => target.classList.remove('uitgelicht'), 2500);
      history.replaceState(null, '', href);
    }
  }, true);
}
""".replace("NARROW", str(NARROW))
