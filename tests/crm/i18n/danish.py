"""Finding Danish left on a page that should be English.

A page's visible text (and the attributes a person reads or hears: title, aria-label, placeholder,
alt, a button's value) is split into words; a word is Danish when it has æ, ø or å, or is one of
the common Danish words below that English does not share. What is not UI is left out: text
inside an element marked ``lang="da"`` (the switch's "Dansk", quoted Danish), the data shown
(pass its strings as ``data``: names, addresses, descriptions stay as people wrote them), and the
domain words the English glossary keeps (borger, vejleder, praktik …).
"""

import re
from html.parser import HTMLParser

# Domain words that stay Danish in English (explained on the glossary page), and proper names.
KEPT = {
    "borger", "borgere", "borgeren", "borgers", "vejleder", "vejledere", "vejlederen", "vejleders",
    "virksomhedskonsulent", "virksomhedskonsulenter", "konsulent", "konsulenter", "praktik",
    "praktikplads", "praktikpladser", "flexjob", "løntilskud", "efterværn", "jobcenter", "jobcentret",
    "ips", "cvr", "fodfæste", "teamleder", "teamledere", "dansk", "kr", "min",
}
# Common Danish words that are not English words (so "for", "over", "status", "start", "send", "menu",
# "log", "match", "note", "side", "timer" are not here: an English page uses them too).
DANISH = set("""
og ikke eller til med af den det der som er har kan skal vil ingen alle ny nye gem søg opret slet
vis tilbage næste forrige virksomhed virksomheder virksomheden stilling stillinger stillingen opgave
opgaver opgaven bruger brugere brugeren adgangskode ind ud navn adresse postnummer telefon dato
kontakt kontakter beskrivelse uge ugen dag dage måned år fra om hvis også efter før mellem ved
hos hvor hvad hvem ja nej aldrig altid vælg angiv annullér annuller luk åbn fortryd bekræft svar
forslag forslaget oversigt indstillinger konto mine mit min dine dit din jeres vores lukket åben
åbne aktiv aktive gemt oprettet opdateret slettet ændret ændringer tilføj fjern hent eksportér
importér filtrér sortér søgning resultater intet flere senest seneste første sidste slut kommentar
noter emne emner partnere samarbejde aftale aftaler forløb fase faser indsats indsatser mål
matchliste ønsker ønske styrker kørsel afstand afstande rejsetid besked beskeder hjælp gå indhold
forside virksomhedsportal hovedmenu revisionslog opfølgning opfølgninger henvisning henvisninger
placering placeringer hændelse hændelser fil filer vedhæftet vedhæftede bilag
""".split())
# A word is letters (and hyphens) standing alone: the "af" in a code like 3af1c2 is not a word.
WORD = re.compile(r"(?<!\w)[^\W\d_]+(?:-[^\W\d_]+)*(?!\w)", re.UNICODE)
READ_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
SKIPPED_TAGS = {"script", "style", "template"}
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._stack: list[bool] = []  # per open element: is its text skipped?

    def _skipping(self) -> bool:
        return bool(self._stack) and self._stack[-1]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        skipped = self._skipping() or tag in SKIPPED_TAGS or (attrs.get("lang") or "").startswith("da")
        if not skipped:
            self.parts.extend(attrs[name] for name in READ_ATTRIBUTES if attrs.get(name))
            if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
                self.parts.append(attrs["value"])
        if tag not in VOID_TAGS:
            self._stack.append(skipped)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS:
            self._stack.pop()

    def handle_endtag(self, tag):
        if tag not in VOID_TAGS and self._stack:
            self._stack.pop()

    def handle_data(self, data):
        if not self._skipping():
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts)


def danish_words(html: str, data: list[str] = ()) -> list[str]:
    """The Danish words of ``html``'s UI text, in order of appearance, each once."""
    text = visible_text(html)
    for value in sorted({d for d in data if d and len(d) > 1}, key=len, reverse=True):
        text = text.replace(value, " ")
    found = []
    for word in WORD.findall(text):
        lower = word.lower()
        if lower in KEPT or any(part in KEPT for part in lower.split("-")):
            continue
        if (re.search("[æøå]", lower) or lower in DANISH) and lower not in found:
            found.append(lower)
    return found
