"""The Danish domain words Fodfæste keeps in its English text, each with its explanation.

The word itself is never translated (it is the same in the model, the URL and the page, see
STYLE.md); the explanation is in the reader's language. ``danish`` tells the page to mark the
word ``lang="da"`` (IPS is English to begin with).
"""

from dataclasses import dataclass

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Term:
    word: str
    explanation: LazyString
    danish: bool = True


TERMS = (
    Term("borger", _l("Borgeren, der deltager i en indsats: en person på offentlig forsørgelse, som lever med en "
                      "psykisk sygdom og vil i ordinært job eller uddannelse. Vises kun med fornavn eller "
                      "initialer og en intern reference.")),
    Term("vejleder", _l("IPS-vejlederen (jobkonsulent, mentor), der har en sagsstamme på højst cirka 20 borgere og "
                        "hjælper dem i job: ønsker, styrker, kontakt til arbejdsgivere og efterværn.")),
    Term("virksomhedskonsulent", _l("Virksomhedskonsulenten, der opbygger og plejer registret over "
                                    "samarbejdsvirksomheder: profil, kontaktpersoner, kontaktlog, aftaler og "
                                    "stillinger.")),
    Term("teamleder", _l("Lederen af en indsats, der fører tilsyn med vejlederne, fordeler borgere og følger de "
                         "tal, indsatsen måles på.")),
    Term("praktik", _l("Virksomhedspraktik: en ulønnet arbejdsprøvning i en virksomhed i nogle uger. Et trin på "
                       "vejen, aldrig målet.")),
    Term("flexjob", _l("Et varigt job på nedsatte timer for en person med varigt nedsat arbejdsevne; "
                       "arbejdsgiveren betaler for de timer, der arbejdes, og kommunen giver et tilskud.")),
    Term("løntilskud", _l("Et job, hvor kommunen betaler en del af lønnen i en periode. Et trin på vejen mod "
                          "ordinære timer.")),
    Term("jobcenter", _l("Kommunens jobcenter: den offentlige beskæftigelsesindsats, der driver indsatserne og "
                         "Fodfæste.")),
    Term("efterværn", _l("Støtten uden tidsbegrænsning, der følger borgeren efter starten i job eller "
                         "uddannelse.")),
    Term("IPS", _l("Individual Placement and Support: metoden, indsatserne bygger på. Ordinært job er målet, "
                   "alle der vil kan deltage, og jobsøgningen begynder med det samme."), danish=False),
    Term("CVR", _l("CVR-nummeret: virksomhedens 8-cifrede nummer i Det Centrale Virksomhedsregister.")),
)
