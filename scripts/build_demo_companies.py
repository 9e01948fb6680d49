"""Generate seeds/demo_companies.json: about 150 fictitious partner companies for the demo.

Usage: python scripts/build_demo_companies.py [--seed N] [--count N] [--out PATH] [--postcodes TSV]

Deterministic: the same seed always writes the same file (random.Random(seed), no clock, no
set iteration). Everything is made up: company names, people, streets, CVR/P-numbers, phone
numbers. CVR numbers are drawn from the 9xxxxxxx range, far above the numbers the CVR register
has issued, and pass the modulus-11 check. Web sites and e-mail addresses use the reserved
".example" top-level domain so the demo can never mail a real company. Postcodes are real and
their city names come from the GeoNames extract in ../shared/data (CC BY 4.0).
"""

from __future__ import annotations

import argparse
import csv
import difflib
import json
import re
import sys
import unicodedata
from pathlib import Path
from random import Random

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POSTCODES = ROOT.parent / "shared" / "data" / "geonames_dk_postcodes.tsv"
DEFAULT_OUT = ROOT / "seeds" / "demo_companies.json"
OFFER_TAGS = ROOT / "seeds" / "offer_tags.csv"
DEFAULT_SEED = 20250107
DEFAULT_COUNT = 150

KONSULENTER = ["konsulent@demo.fodfaeste.dk", "konsulent2@demo.fodfaeste.dk"]
VEJLEDERE = [f"vejleder{i}@demo.fodfaeste.dk" for i in (1, 2, 3)]

# area -> (postcode, weight); the weights favour the main towns.
AREAS: dict[str, list[tuple[str, int]]] = {
    "Aarhus": [
        ("8000", 12), ("8200", 6), ("8210", 5), ("8220", 4), ("8230", 2), ("8240", 2),
        ("8260", 5), ("8270", 2), ("8300", 3), ("8310", 2), ("8320", 1), ("8330", 1),
        ("8340", 1), ("8355", 1), ("8361", 2), ("8362", 2), ("8370", 2), ("8380", 1),
        ("8381", 2), ("8382", 2), ("8462", 1), ("8464", 2), ("8471", 1), ("8520", 2),
        ("8530", 1), ("8541", 1),
    ],
    "Holstebro": [
        ("7500", 14), ("7540", 1), ("7560", 1), ("7570", 1), ("7600", 3), ("7620", 2),
        ("7490", 2), ("7830", 2),
    ],
    "Hedensted": [
        ("8722", 8), ("8723", 2), ("8740", 2), ("8762", 1), ("8763", 1), ("8781", 1),
        ("8783", 2), ("7130", 3), ("7140", 1), ("7160", 2), ("7171", 1),
    ],
}
AREA_SHARE = [("Aarhus", 75), ("Holstebro", 40), ("Hedensted", 35)]
AREA_KONSULENT = {"Aarhus": 0, "Holstebro": 1, "Hedensted": 1}
AREA_PHONE_PREFIXES = {"Aarhus": ["86", "87", "89"], "Holstebro": ["96", "97"], "Hedensted": ["75", "76"]}
AREA_PROGRAMME_TAG = {"Aarhus": "Din vej i job", "Holstebro": "Job in mind", "Hedensted": "Rum til os"}
MOBILE_PREFIXES = ["20", "21", "22", "23", "24", "25", "26", "27", "28", "29", "30", "31",
                   "40", "41", "42", "50", "51", "52", "53", "60", "61", "71"]

# Business types: industry text, DB07 section, size bands, name templates, description,
# contact roles, workplace word for log summaries, favoured offer tags.
# Name templates: {F} a made-up fancy word, {S} a surname, {C} a made-up chain name.
TYPES: list[dict] = [
    dict(text="Bageri", code="C", sizes=["1-9", "10-49"], weight=8,
         names=["{S} Bageri", "Bageriet {F}", "{F} Bageri & Konditori"],
         desc="Håndværksbageri med egen butik og tidlig morgenproduktion.",
         roles=["Bagermester", "Butiksleder", "Indehaver"], place="bageriet",
         offers=["praktik", "low_hours_start", "mentor", "light_work"]),
    dict(text="Café", code="I", sizes=["1-9", "10-49"], weight=7,
         names=["Café {F}", "Kaffebaren {F}", "{F} Kaffe & Brød"],
         desc="Café med frokostkort og brunch i weekenden.",
         roles=["Indehaver", "Køkkenchef", "Souschef"], place="køkkenet",
         offers=["praktik", "flexible_hours", "gradual_increase", "loentilskud"]),
    dict(text="Restaurant", code="I", sizes=["10-49"], weight=3,
         names=["Restaurant {F}", "Spisehuset {F}"],
         desc="Restaurant med åbent køkken og selskaber i weekenderne.",
         roles=["Køkkenchef", "Restaurantchef"], place="opvasken og køkkenet",
         offers=["praktik", "loentilskud", "flexible_hours"]),
    dict(text="Kantine og catering", code="I", sizes=["10-49", "50-249"], weight=3,
         names=["{F} Catering", "Madværkstedet {F}"],
         desc="Driver kantiner for virksomheder og leverer mad til møder.",
         roles=["Kantineleder", "Driftsleder"], place="produktionskøkkenet",
         offers=["praktik", "mentor", "gradual_increase", "flexjob"]),
    dict(text="Hotel og konferencecenter", code="I", sizes=["50-249"], weight=2,
         names=["Hotel {F}", "{F} Kursuscenter"],
         desc="Hotel med konferencefaciliteter og eget køkken.",
         roles=["HR-chef", "Housekeeping-leder", "Hoteldirektør"], place="housekeeping",
         offers=["praktik", "loentilskud", "ambassador", "gradual_increase"]),
    dict(text="Lager og logistik", code="H", sizes=["10-49", "50-249", "250+"], weight=6,
         names=["{F} Logistik", "{F} Lagerhotel", "{S} Distribution"],
         desc="Lager- og distributionscenter med pluk, pak og forsendelse.",
         roles=["Lagerchef", "HR-partner", "Driftsleder"], place="lageret",
         offers=["praktik", "loentilskud", "mentor", "ambassador", "low_hours_start"]),
    dict(text="Vognmand", code="H", sizes=["10-49"], weight=2,
         names=["Vognmand {S}", "{F} Transport"],
         desc="Vognmandsforretning med kørsel for lokale virksomheder.",
         roles=["Vognmand", "Disponent"], place="værkstedet og pladsen",
         offers=["praktik", "loentilskud"]),
    dict(text="Havecenter", code="G", sizes=["10-49"], weight=4,
         names=["{F} Havecenter", "Plantecentret {F}"],
         desc="Havecenter med planteskole, café og sæsonsalg.",
         roles=["Centerchef", "Afdelingsleder", "Gartner"], place="udendørsafdelingen",
         offers=["praktik", "low_hours_start", "quiet", "gradual_increase"]),
    dict(text="Gartneri", code="A", sizes=["1-9", "10-49"], weight=3,
         names=["Gartneriet {F}", "{S} Planteskole"],
         desc="Gartneri med væksthuse og salg til detailhandlen.",
         roles=["Gartner", "Indehaver", "Værkfører"], place="væksthusene",
         offers=["praktik", "quiet", "low_hours_start", "flexjob"]),
    dict(text="Landbrug", code="A", sizes=["1-9"], weight=2,
         names=["Økogården {F}", "{S} Landbrug"],
         desc="Økologisk landbrug med gårdbutik.",
         roles=["Landmand", "Driftsleder"], place="gården",
         offers=["praktik", "quiet", "low_hours_start"]),
    dict(text="IT-konsulenthus", code="J", sizes=["10-49", "50-249"], weight=4,
         names=["{F} IT", "{F} Software", "{F} Digital"],
         desc="IT-virksomhed med support, drift og udvikling for mindre virksomheder.",
         roles=["Direktør", "Teamleder", "HR-ansvarlig"], place="supportafdelingen",
         offers=["quiet", "flexible_hours", "gradual_increase", "light_work", "ambassador"]),
    dict(text="Trykkeri", code="C", sizes=["10-49"], weight=2,
         names=["{F} Tryk", "Trykkeriet {F}"],
         desc="Trykkeri med digitaltryk, efterbehandling og forsendelse.",
         roles=["Produktionsleder", "Indehaver"], place="efterbehandlingen",
         offers=["praktik", "quiet", "mentor"]),
    dict(text="Rengøring", code="N", sizes=["10-49", "50-249"], weight=5,
         names=["{F} Rengøring", "{F} Service", "{S} Erhvervsrengøring"],
         desc="Rengøringsfirma med faste hold hos erhvervskunder og institutioner.",
         roles=["Områdeleder", "Indehaver", "Serviceleder"], place="rengøringsholdene",
         offers=["low_hours_start", "flexible_hours", "loentilskud", "flexjob", "mentor"]),
    dict(text="Vaskeri", code="S", sizes=["10-49"], weight=2,
         names=["{F} Vaskeri", "Vaskeriet {F}"],
         desc="Vaskeri for restauranter og plejecentre.",
         roles=["Driftsleder", "Holdleder"], place="vaskeriet",
         offers=["praktik", "quiet", "low_hours_start", "flexjob"]),
    dict(text="Plejecenter", code="Q", sizes=["50-249"], weight=5,
         names=["Plejecenter {F}", "Plejehjemmet {F}", "Bo- og Plejecenter {F}"],
         desc="Kommunalt plejecenter med boliger, køkken og aktivitetscenter.",
         roles=["Centerleder", "Køkkenleder", "Aktivitetsmedarbejder"], place="køkkenet og aktivitetscentret",
         offers=["praktik", "mentor", "ambassador", "flexjob", "gradual_increase", "step_free"]),
    dict(text="Daginstitution", code="Q", sizes=["10-49"], weight=2,
         names=["Børnehuset {F}", "Naturbørnehaven {F}"],
         desc="Daginstitution med vuggestue og børnehave.",
         roles=["Institutionsleder", "Pædagogisk leder"], place="institutionen",
         offers=["praktik", "mentor", "gradual_increase"]),
    dict(text="Autoværksted", code="G", sizes=["1-9", "10-49"], weight=4,
         names=["{S} Auto", "{F} Autoservice", "Autoværkstedet {F}"],
         desc="Autoværksted med service, dækskifte og reparation af alle bilmærker.",
         roles=["Værkfører", "Indehaver"], place="værkstedet",
         offers=["praktik", "mentor", "loentilskud"]),
    dict(text="Cykelværksted", code="S", sizes=["1-9"], weight=2,
         names=["{F} Cykler", "Cykelsmeden {F}"],
         desc="Cykelforretning med værksted og udlejning.",
         roles=["Indehaver", "Mekaniker"], place="værkstedet",
         offers=["praktik", "low_hours_start", "quiet"]),
    dict(text="Smede- og metalværksted", code="C", sizes=["10-49", "50-249"], weight=3,
         names=["{S} Smedie", "{F} Stål", "{F} Metal"],
         desc="Smedeværksted med svejsning, pladearbejde og montage.",
         roles=["Værkfører", "Produktionschef", "Direktør"], place="værkstedet",
         offers=["praktik", "mentor", "loentilskud", "ambassador"]),
    dict(text="Snedkeri", code="C", sizes=["1-9", "10-49"], weight=3,
         names=["{S} Snedkeri", "Snedkeriet {F}", "{F} Møbler"],
         desc="Snedkeri med specialinventar og møbelproduktion.",
         roles=["Snedkermester", "Værkfører"], place="værkstedet",
         offers=["praktik", "mentor", "quiet", "gradual_increase"]),
    dict(text="Tømrer og murer", code="F", sizes=["10-49"], weight=3,
         names=["{S} Byg", "{F} Tømrer & Snedker", "Murerfirmaet {S}"],
         desc="Byggefirma med renovering og tilbygninger for private og boligforeninger.",
         roles=["Mester", "Projektleder"], place="byggepladsen",
         offers=["praktik", "loentilskud", "mentor"]),
    dict(text="Malerfirma", code="F", sizes=["1-9", "10-49"], weight=2,
         names=["Malerfirmaet {F}", "{S} Maler"],
         desc="Malerfirma med opgaver for boligforeninger og erhverv.",
         roles=["Malermester", "Formand"], place="opgaverne",
         offers=["praktik", "flexible_hours", "loentilskud"]),
    dict(text="El-installatør", code="F", sizes=["10-49"], weight=2,
         names=["{F} El", "{S} El-service"],
         desc="El-installatør med service og nybyggeri.",
         roles=["Installatør", "Kontorleder"], place="lageret og kontoret",
         offers=["praktik", "mentor"]),
    dict(text="Supermarked", code="G", sizes=["10-49", "50-249"], weight=6,
         names=["{C} {T}", "{C} {T}", "Købmand {S}"],
         desc="Dagligvarebutik med bageriafdeling og lang åbningstid.",
         roles=["Butikschef", "Souschef", "Afdelingsleder"], place="butikken og varemodtagelsen",
         offers=["praktik", "low_hours_start", "loentilskud", "flexjob", "ambassador", "flexible_hours"]),
    dict(text="Byggemarked", code="G", sizes=["50-249"], weight=2,
         names=["{F} Byggecenter", "Trælasten {F}"],
         desc="Byggemarked og trælast med proffafdeling.",
         roles=["Varehuschef", "Lagerchef"], place="trælasten",
         offers=["praktik", "loentilskud", "mentor"]),
    dict(text="Genbrugsbutik", code="G", sizes=["1-9", "10-49"], weight=3,
         names=["Genbrugsbutikken {F}", "{F} Genbrug"],
         desc="Socialøkonomisk genbrugsbutik med sortering og salg.",
         roles=["Butiksleder", "Frivilligkoordinator"], place="sorteringen",
         offers=["praktik", "low_hours_start", "quiet", "gradual_increase", "flexjob", "light_work"]),
    dict(text="Boghandel", code="G", sizes=["1-9"], weight=1,
         names=["Boghandlen {F}", "{F} Bøger"],
         desc="Boghandel med papirvarer og skolesalg.",
         roles=["Boghandler"], place="butikken",
         offers=["quiet", "low_hours_start", "light_work"]),
    dict(text="Dyrehandel", code="G", sizes=["1-9"], weight=1,
         names=["{F} Dyrecenter", "Dyrehandlen {F}"],
         desc="Dyrehandel med foder og tilbehør.",
         roles=["Indehaver"], place="butikken",
         offers=["quiet", "low_hours_start", "praktik"]),
    dict(text="Frisør", code="S", sizes=["1-9"], weight=2,
         names=["Salon {F}", "{F} Hår"],
         desc="Frisørsalon med fire stole og kosmetiksalg.",
         roles=["Indehaver"], place="salonen",
         offers=["low_hours_start", "flexible_hours"]),
    dict(text="Revision og bogføring", code="M", sizes=["10-49"], weight=2,
         names=["{F} Revision", "{S} Regnskab"],
         desc="Revisions- og bogføringsvirksomhed for små og mellemstore virksomheder.",
         roles=["Partner", "Kontorchef"], place="kontoret",
         offers=["quiet", "flexible_hours", "light_work", "step_free"]),
    dict(text="Tegnestue", code="M", sizes=["1-9", "10-49"], weight=1,
         names=["Tegnestuen {F}", "{F} Arkitekter"],
         desc="Tegnestue med boligbyggeri og landskab.",
         roles=["Partner", "Kontorleder"], place="tegnestuen",
         offers=["quiet", "flexible_hours", "light_work"]),
    dict(text="Dyreklinik", code="M", sizes=["1-9", "10-49"], weight=1,
         names=["Dyreklinikken {F}"],
         desc="Dyreklinik for familiedyr med eget lille apotek.",
         roles=["Klinikejer", "Klinikassistent"], place="klinikken",
         offers=["praktik", "mentor"]),
    dict(text="Fitnesscenter", code="R", sizes=["1-9", "10-49"], weight=2,
         names=["{F} Fitness", "Træningscentret {F}"],
         desc="Fitnesscenter med holdtræning og ubemandet åbningstid.",
         roles=["Centerleder", "Instruktør"], place="centret",
         offers=["low_hours_start", "flexible_hours", "light_work"]),
    dict(text="Museum og kulturhus", code="R", sizes=["10-49"], weight=2,
         names=["Kulturhuset {F}", "{F} Egnsmuseum"],
         desc="Kulturhus med café, udstillinger og foreningslokaler.",
         roles=["Leder", "Driftsansvarlig"], place="huset",
         offers=["praktik", "quiet", "mentor", "step_free", "light_work"]),
    dict(text="Efterskole og kursussted", code="P", sizes=["10-49", "50-249"], weight=2,
         names=["{F} Efterskole", "{F} Kursussted"],
         desc="Skole med kostafdeling, køkken og pedelfunktion.",
         roles=["Forstander", "Køkkenleder", "Pedel"], place="køkkenet og pedelgården",
         offers=["praktik", "mentor", "gradual_increase"]),
    dict(text="Ejendomsservice", code="L", sizes=["10-49"], weight=2,
         names=["{F} Ejendomsservice", "Boligselskabet {F}"],
         desc="Ejendomsservice for boligforeninger med grøn pleje og vicevært.",
         roles=["Driftschef", "Viceværtsformand"], place="driftsgården",
         offers=["praktik", "loentilskud", "flexjob", "low_hours_start"]),
    dict(text="Genbrug og affald", code="E", sizes=["50-249"], weight=2,
         names=["{F} Miljø & Genbrug", "{F} Affaldsservice"],
         desc="Genbrugsplads og affaldsindsamling for private og erhverv.",
         roles=["Pladsformand", "Driftsleder"], place="genbrugspladsen",
         offers=["praktik", "loentilskud", "flexjob", "mentor"]),
    dict(text="Fjernvarmeværk", code="D", sizes=["1-9", "10-49"], weight=1,
         names=["{F} Fjernvarme"],
         desc="Andelsejet fjernvarmeværk med eget driftsteam.",
         roles=["Driftsleder", "Formand"], place="værket",
         offers=["praktik", "quiet"]),
    dict(text="Forsikringsmægler", code="K", sizes=["10-49"], weight=1,
         names=["{F} Forsikringsmægler", "{F} Finans"],
         desc="Forsikringsmægler for landbrug og mindre virksomheder.",
         roles=["Direktør", "Kontorchef"], place="kontoret",
         offers=["quiet", "flexible_hours", "light_work", "step_free"]),
    dict(text="Kommunal materielgård", code="O", sizes=["50-249"], weight=1,
         names=["Materielgården {F}", "Vej og Park {F}"],
         desc="Kommunal driftsafdeling med vej, park og grønne områder.",
         roles=["Driftsleder", "Formand"], place="materielgården",
         offers=["praktik", "loentilskud", "flexjob", "mentor", "ambassador"]),
    dict(text="Fødevareproduktion", code="C", sizes=["50-249", "250+"], weight=3,
         names=["{F} Fødevarer", "{F} Mejeri", "{F} Pølsemageri"],
         desc="Fødevarevirksomhed med produktion, pakning og kølelager.",
         roles=["HR-chef", "Produktionsleder", "Holdleder"], place="pakkeriet",
         offers=["praktik", "loentilskud", "ambassador", "mentor", "flexjob"]),
    dict(text="Vikar- og servicebureau", code="N", sizes=["10-49"], weight=1,
         names=["{F} Servicepartner"],
         desc="Servicebureau med kantine-, lager- og rengøringsopgaver.",
         roles=["Rekrutteringskonsulent", "Direktør"], place="opgaverne hos kunderne",
         offers=["flexible_hours", "low_hours_start", "loentilskud"]),
]

# Made-up words for names; each is used at most once in the whole file.
FANCY = [
    "Kornblomst", "Solsikke", "Lærkereden", "Havtorn", "Hyldebær", "Mosebakke", "Egeblad",
    "Bøgely", "Lyngtoppen", "Kløvereng", "Hvedekorn", "Rugmarken", "Stjerneskud", "Vindrosen",
    "Fyrtårnet", "Ankerhuset", "Blåbærhøj", "Tranebær", "Søbredden", "Åkande", "Musvågen",
    "Spurven", "Glenten", "Viben", "Stæren", "Ravnsborg", "Ulvedalen", "Rævehøj", "Grævlingen",
    "Odderen", "Bævergården", "Hjortekær", "Elmely", "Pilekrogen", "Rønnebær", "Hasselnød",
    "Kastanjen", "Lindely", "Ahornet", "Birkely", "Skovsyren", "Engblomme", "Kongepen",
    "Valmuen", "Hyben", "Kamille", "Timian", "Salvie", "Rosmarin", "Mynte", "Karse",
    "Honningkrukken", "Bistadet", "Mølledammen", "Vandmøllen", "Stenbroen", "Bakkekammen",
    "Højdedraget", "Dalstrøget", "Kildevældet", "Bækløbet", "Fjordglimt", "Strandengen",
    "Klitrosen", "Marehalm", "Sandrevlen", "Nordlys", "Morgenrøde", "Aftensol",
    "Regnbuen", "Skyhøj", "Tusindfryd", "Mælkebøtten", "Bellisen", "Forglemmigej",
    "Brombær", "Hindbær", "Solbær", "Stikkelsbær", "Kirsebær", "Æblehaven", "Pæretræet",
    "Blommen", "Valnødden", "Agernet", "Kogleriet", "Granly", "Fyrreskoven", "Enebær",
    "Lupinen", "Riddersporen", "Fingerbølen",
    "Perlehønen", "Vibeengen", "Hejren", "Storken", "Svalereden", "Uglebo", "Spættehuset",
    "Kragereden", "Mågeøen", "Tjørnen", "Slåenbær", "Mirabellen", "Humlebien",
    "Sommerfuglen", "Marihønen",
    "Lærkesangen", "Kvikmarken", "Stormly", "Vestenvind", "Østerlund",
    "Sønderlyng", "Nørremose", "Hedebo", "Klokkelyng", "Tyttebær", "Multebær", "Pilegrim",
    "Vandrefalken", "Kompasset", "Sekstanten", "Lodsen", "Ankeret", "Havnefyret",
    "Kærhøgen", "Egekrattet", "Solhverv", "Midsommer", "Løvspring", "Kornmod", "Havblik",
    "Lysningen", "Skovbrynet", "Vesterled", "Nordstjernen", "Karlsvognen", "Mælkevejen",
    "Solstrejf", "Dugdråben", "Havørnen", "Isfuglen", "Gøgen", "Nattergalen", "Rødkælken",
    "Solsorten", "Bogfinken", "Musselmalet", "Kobberhuset", "Tinkruset", "Lerkrukken",
]
# Made-up supermarket chains.
CHAINS = ["Kurvfuld", "Hverdagskøb", "Madglad", "Kvikkurven", "Fyldtkurv", "Spisekurven", "Madhjørnet",
          "Kurvekøb"]
SURNAMES = [
    "Vestergaard", "Kjærsgaard", "Bundgaard", "Thygesen", "Overgaard", "Søndergaard",
    "Damgaard", "Hvidberg", "Lauridsen", "Mikkelsen", "Kirkegaard", "Bisgaard", "Høgh",
    "Bach", "Lykke", "Brøndum", "Krogh", "Villadsen", "Fogh", "Skov", "Holm", "Winther",
    "Ibsen", "Juhl", "Kvist", "Toft", "Dahl", "Bak", "Sloth", "Friis", "Riis", "Brandt",
]
FIRST_NAMES = [
    "Mette", "Anne", "Hanne", "Susanne", "Lene", "Camilla", "Louise", "Maria", "Trine", "Pia",
    "Helle", "Marianne", "Sofie", "Ida", "Karina", "Rikke", "Birgitte", "Tina", "Nanna", "Line",
    "Lars", "Jens", "Peter", "Michael", "Søren", "Henrik", "Thomas", "Martin", "Jesper", "Niels",
    "Anders", "Rasmus", "Kasper", "Morten", "Christian", "Jakob", "Mads", "Brian", "Torben", "Ole",
]
LAST_NAMES = [
    "Jensen", "Nielsen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen",
    "Rasmussen", "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen", "Thomsen", "Poulsen",
    "Johansen", "Knudsen", "Mortensen", "Møller", "Jakobsen", "Jacobsen", "Frederiksen", "Laursen",
    "Dam", "Lund", "Holm", "Bertelsen", "Nørgaard", "Kjeldsen", "Østergaard", "Frandsen",
]
STREET_FIRST = [
    "Kastanje", "Birke", "Ege", "Mølle", "Skov", "Eng", "Smede", "Hvede", "Lærke", "Drossel",
    "Havre", "Kløver", "Hyben", "Rønne", "Pile", "Ahorn", "Hassel", "Fasan", "Glente", "Værksteds",
    "Lager", "Håndværker", "Erhvervs", "Tømrer", "Vævers", "Rebslager", "Garver", "Bødker",
    "Kobbersmede", "Hør", "Humle", "Lyng", "Klint", "Kilde", "Bæk", "Tjørne", "Vibe", "Svane",
]
STREET_LAST = ["vej", "gade", "vænget", "parken", "bakken", "toften", "engen", "høj", "allé", "stien",
               "krogen", "løkken"]
INDUSTRIAL_TYPES = {"Lager og logistik", "Vognmand", "Smede- og metalværksted", "Fødevareproduktion",
                    "Genbrug og affald", "Byggemarked", "Kommunal materielgård", "Trykkeri"}

FREE_TAGS = [
    "jobmesse", "CSR-pris 2024", "CSR-pris 2023", "netværksmøde", "sæsonarbejde", "sommerjob",
    "socialøkonomisk", "første kontakt via borger", "ambassadørkursus 2024", "engelsk ok",
    "tidligere praktikant ansat", "kantine", "kørekort ønskeligt", "vagtplan", "morgenhold",
    "weekendarbejde", "ordinære timer", "nyhedsbrev", "frokostmøde",
]
AGREEMENT_NOTES = [
    "Samarbejdsaftale om virksomhedspraktik, op til 2 pladser ad gangen.",
    "Aftale om praktik og løntilskud; fast kontaktperson i virksomheden.",
    "Partnerskabsaftale med mentorordning og halvårligt statusmøde.",
    "Rammeaftale om opstart med få timer og gradvis optrapning.",
    "Aftale om fleksjob og praktik; ambassadør udpeget.",
    "CSR-aftale: virksomheden tager imod borgere til praktik og ordinære timer.",
    "Samarbejdsaftale fornyet uden ændringer.",
]
LOG_SUMMARIES = {
    "meeting": [
        "Møde om mulige praktikpladser i {place}.",
        "Opfølgningsmøde om samarbejdsaftalen med {first}.",
        "Møde med {first} om hvilke opgaver der kan passe til en opstart med få timer.",
        "Statusmøde: et praktikforløb er gået godt og kan blive til ordinære timer.",
        "Møde om at uddanne en ambassadør på arbejdspladsen.",
    ],
    "phone": [
        "Ringede til {first} om ledige stillinger i {place}.",
        "Kort telefonisk opfølgning; {first} er tilfreds med samarbejdet.",
        "Telefonsamtale om en mulig opstart efter sommerferien.",
        "{first} ringede og spurgte efter en ny kandidat til {place}.",
        "Ringede for at aftale et besøg; {first} vender tilbage.",
    ],
    "email": [
        "Sendte materiale om IPS og mentorordningen til {first}.",
        "Mail med forslag til opstartsdato og arbejdstider.",
        "Sendte udkast til samarbejdsaftale til {first}.",
        "Mail fra {first} om at der er travlt i øjeblikket.",
        "Takkemail efter besøget med opsummering af aftaler.",
    ],
    "event": [
        "Mødtes med {first} på jobmessen i {town}.",
        "{first} deltog i netværksmødet for CSR-virksomheder.",
        "Morgenmøde i erhvervsforeningen; {first} fortalte om deres erfaringer.",
    ],
    "visit": [
        "Virksomhedsbesøg med rundvisning i {place}.",
        "Besøg sammen med en vejleder; gode muligheder for opstart med få timer.",
        "Besøg hos {first}: så arbejdspladsen og talte om rummelighed.",
        "Opfølgningsbesøg på arbejdspladsen under et praktikforløb.",
    ],
}
TASK_TITLES = [
    "Følg op på praktikforløbet",
    "Send samarbejdsaftale til underskrift",
    "Book virksomhedsbesøg",
    "Ring til {first} om nye åbninger",
    "Forny samarbejdsaftalen",
    "Inviter til netværksmøde",
    "Aftal opstartsmøde med vejleder",
    "Send nyhedsbrev og invitation til jobmesse",
]
RUMMELIGHED = [
    "Har god erfaring med borgere i praktik.",
    "Lederen er åben for at starte med få timer om ugen.",
    "En erfaren medarbejder kan fungere som mentor.",
    "Ønsker at tage et større socialt ansvar lokalt.",
    "Der er faste rutiner og en rolig arbejdsdag.",
    "Har tidligere ansat en borger i fleksjob.",
    "Interesseret i samarbejde, men har travlt i højsæsonen.",
]
STATUS_WEIGHTS = [("partner", 50), ("dialog", 26), ("emne", 12), ("pause", 7), ("ophoert", 5)]
# Days since the last contact forced onto some partners (stale-relationship demo).
STALE_PARTNER_DAYS = [35, 38, 70, 74, 101, 118, 140]


def weighted_choice(rng: Random, pairs: list[tuple]) -> object:
    values, weights = zip(*pairs)
    return rng.choices(values, weights=weights, k=1)[0]


def load_cities(path: Path) -> dict[str, str]:
    """Postcode -> place name from the GeoNames TSV (first row per postcode)."""
    cities: dict[str, str] = {}
    with path.open(encoding="utf-8") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        for row in csv.DictReader(lines, delimiter="\t"):
            cities.setdefault(row["postcode"].strip(), row["place"].strip())
    return cities


def load_offer_codes(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as handle:
        return [row["code"] for row in csv.DictReader(handle)]


def cvr_check_digit(first7: str) -> int | None:
    total = sum(int(d) * w for d, w in zip(first7, (2, 7, 6, 5, 4, 3, 2)))
    digit = (-total) % 11
    return None if digit == 10 else digit


def make_cvr(rng: Random, used: set[str]) -> str:
    while True:
        first7 = str(rng.randint(9000000, 9999999))
        digit = cvr_check_digit(first7)
        if digit is not None and first7 + str(digit) not in used:
            used.add(first7 + str(digit))
            return first7 + str(digit)


def phone(rng: Random, prefix: str) -> str:
    return " ".join([prefix] + [f"{rng.randint(0, 99):02d}" for _ in range(3)])


def slugify(text: str) -> str:
    text = text.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa").replace("&", "og")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def name_key(name: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", name.casefold()).replace("_", " ").split())


class NameMaker:
    """Draws distinct, not-too-similar company names (no near-duplicates in the seed)."""

    def __init__(self, rng: Random):
        self.rng = rng
        self.fancy = list(FANCY)
        rng.shuffle(self.fancy)
        self.surnames = list(SURNAMES)
        rng.shuffle(self.surnames)
        self.chains = list(CHAINS)
        rng.shuffle(self.chains)
        self.keys: list[str] = []

    def _too_close(self, key: str) -> bool:
        return any(difflib.SequenceMatcher(None, key, k).ratio() >= 0.75 for k in self.keys)

    def make(self, btype: dict, city: str) -> str:
        for _ in range(200):
            template = self.rng.choice(btype["names"])
            if ("{C}" in template and not self.chains) or ("{S}" in template and not self.surnames) \
                    or ("{F}" in template and not self.fancy):
                continue
            surname = self.surnames[-1] if self.surnames else ""
            if template.startswith("{S}") and not surname.endswith("s"):
                surname += "s"  # genitive: "Vestergaards Bageri"
            name = template.format(F=self.fancy[-1] if self.fancy else "", S=surname,
                                   C=self.chains[-1] if self.chains else "", T=city)
            name = " ".join(name.split())
            key = name_key(name)
            if not key or self._too_close(key):
                # try the next word next time (deterministic rotation)
                for stack, mark in ((self.fancy, "{F}"), (self.surnames, "{S}"), (self.chains, "{C}")):
                    if mark in template:
                        stack.insert(0, stack.pop())
                continue
            if "{F}" in template:
                self.fancy.pop()
            if "{S}" in template:
                self.surnames.pop()
            if "{C}" in template:
                self.chains.pop()
            self.keys.append(key)
            return name
        raise RuntimeError("ran out of distinct names; add words to FANCY")


def status_history(rng: Random, status: str, stale_days: int | None) -> list[dict]:
    """Status changes oldest first, ending with *status*; strictly decreasing days_ago."""
    if status == "emne":
        path = ["emne"]
    elif status == "dialog":
        path = ["emne", "dialog"] if rng.random() < 0.7 else ["dialog"]
    elif status == "partner":
        path = ["emne", "dialog", "partner"] if rng.random() < 0.6 else ["dialog", "partner"]
    elif status == "pause":
        path = ["emne", "dialog", "partner", "pause"] if rng.random() < 0.5 else ["dialog", "partner", "pause"]
    else:
        path = ["dialog", "partner", "ophoert"] if rng.random() < 0.7 else ["emne", "dialog", "ophoert"]
    last = rng.randint(3, 120) if status != "partner" else rng.randint(30, 700)
    if stale_days is not None:
        last = max(last, stale_days + rng.randint(30, 300))
    days = [last]
    for _ in path[1:]:
        days.append(days[-1] + rng.randint(14, 200))
    days.reverse()
    return [{"status": s, "days_ago": d} for s, d in zip(path, days)]


def pick_offers(rng: Random, btype: dict, status: str, all_codes: list[str]) -> list[str]:
    lo, hi = {"partner": (2, 6), "dialog": (0, 4), "emne": (0, 2), "pause": (1, 4), "ophoert": (0, 3)}[status]
    k = rng.randint(lo, hi)
    favoured = [c for c in btype["offers"] if c in all_codes]
    others = [c for c in all_codes if c not in favoured]
    chosen: list[str] = []
    while len(chosen) < k:
        pool = favoured if (favoured and rng.random() < 0.75) else others
        pool = [c for c in pool if c not in chosen] or [c for c in all_codes if c not in chosen]
        chosen.append(rng.choice(pool))
    return [c for c in all_codes if c in chosen]  # stable order, as in offer_tags.csv


def make_contacts(rng: Random, btype: dict, domain: str, prefix: str) -> list[dict]:
    n = rng.choices([1, 2, 3], weights=[45, 40, 15])[0]
    roles = list(btype["roles"]) + ["HR-ansvarlig", "Afdelingsleder", "Medarbejder og ambassadør"]
    contacts, seen = [], []
    for i in range(n):
        while True:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            if first not in [s.split()[0] for s in seen]:
                break
        name = f"{first} {last}"
        seen.append(name)
        role = roles[i] if i < len(btype["roles"]) else rng.choice(roles)
        mobile = rng.random() < 0.6
        contacts.append({
            "name": name,
            "role": role,
            "phone": phone(rng, rng.choice(MOBILE_PREFIXES) if mobile else prefix),
            "email": f"{slugify(first)}.{slugify(last)}@{domain}",
            "primary": i == 0,
        })
    return contacts


def make_log(rng: Random, status: str, history: list[dict], contacts: list[dict], owner: str,
             btype: dict, town: str, stale_days: int | None) -> list[dict]:
    first_day = history[0]["days_ago"]
    if stale_days is not None:
        n = rng.randint(1, 4)
        newest = stale_days
    else:
        n = rng.randint(*{"partner": (1, 6), "dialog": (1, 4), "emne": (0, 2), "pause": (0, 3),
                          "ophoert": (0, 3)}[status])
        newest = {"partner": rng.randint(0, 28), "dialog": rng.randint(0, 40),
                  "emne": rng.randint(0, 60)}.get(status, history[-1]["days_ago"])
        newest = min(newest, first_day)
    n = min(n, first_day - newest + 1)  # no contact before the first status entry
    if n <= 0:
        return []
    days = {newest}
    while len(days) < n:
        days.add(rng.randint(newest + 1, first_day))
    entries = []
    for d in sorted(days, reverse=True):
        kind = rng.choices(["meeting", "phone", "email", "event", "visit"], weights=[25, 30, 20, 8, 17])[0]
        contact = rng.choice(contacts)
        first = contact["name"].split()[0]
        by = owner if rng.random() < 0.7 else rng.choice(VEJLEDERE + KONSULENTER)
        summary = rng.choice(LOG_SUMMARIES[kind]).format(first=first, place=btype["place"], town=town)
        entries.append({
            "days_ago": d,
            "kind": kind,
            "by": by,
            "with": contact["name"],
            "summary": summary,
            "face_to_face": kind in ("meeting", "visit", "event"),
        })
    return entries


def make_tasks(rng: Random, status: str, contacts: list[dict], owner: str, stale: bool) -> list[dict]:
    n = rng.choices([0, 1, 2], weights=[35, 45, 20])[0]
    if stale:
        n = max(n, 1)
    if status == "ophoert":
        n = 0
    tasks = []
    titles = rng.sample(TASK_TITLES, n)
    for i, title in enumerate(titles):
        due = rng.randint(-25, 45)
        if stale and i == 0:
            due = -rng.randint(5, 30)
        tasks.append({
            "title": title.format(first=contacts[0]["name"].split()[0]),
            "due_in_days": due,
            "assignee": owner if rng.random() < 0.85 else rng.choice(KONSULENTER),
            "done": due < 0 and not (stale and i == 0) and rng.random() < 0.5,
        })
    return tasks


def build(seed: int, count: int, cities: dict[str, str], offer_codes: list[str]) -> list[dict]:
    rng = Random(seed)
    names = NameMaker(rng)
    used_cvr: set[str] = set()
    used_pnr: set[str] = set()

    statuses = [weighted_choice(rng, STATUS_WEIGHTS) for _ in range(count)]
    partner_idx = [i for i, s in enumerate(statuses) if s == "partner"]
    stale_for = dict(zip(rng.sample(partner_idx, len(STALE_PARTNER_DAYS)), STALE_PARTNER_DAYS))
    total_share = sum(w for _, w in AREA_SHARE)
    areas = []
    for area, share in AREA_SHARE:
        areas += [area] * round(count * share / total_share)
    areas = (areas + [AREA_SHARE[0][0]] * count)[:count]
    rng.shuffle(areas)
    type_pairs = [(t, t["weight"]) for t in TYPES]

    companies = []
    for i in range(count):
        area, status = areas[i], statuses[i]
        postcode = weighted_choice(rng, AREAS[area])
        city = cities[postcode]
        btype = weighted_choice(rng, type_pairs)
        name = names.make(btype, city)
        if rng.random() < 0.35 and btype["code"] not in ("O", "Q"):
            name += rng.choice([" ApS", " ApS", " A/S", " I/S"])
        stale = stale_for.get(i)
        slug = slugify(re.sub(r"\b(ApS|A/S|I/S)$", "", name))
        domain = f"{slug}.example"
        prefix = rng.choice(AREA_PHONE_PREFIXES[area])
        owner = KONSULENTER[AREA_KONSULENT[area]] if rng.random() < 0.8 else rng.choice(KONSULENTER)

        history = status_history(rng, status, stale)
        contacts = make_contacts(rng, btype, domain, prefix)
        log = make_log(rng, status, history, contacts, owner, btype, city, stale)

        agreement = None
        partner_since = next((h["days_ago"] for h in history if h["status"] == "partner"), None)
        if partner_since is not None and (
            (status == "partner" and rng.random() < 0.85) or (status == "pause" and rng.random() < 0.5)
        ):
            signed = max(partner_since - rng.randint(0, 10), 1)
            # ~10 % overdue for renewal, ~15 % due within a month, the rest later
            renewal = weighted_choice(rng, [(rng.randint(-30, -1), 10), (rng.randint(1, 30), 15),
                                            (rng.randint(31, 365), 75)])
            agreement = {"signed_days_ago": signed, "renewal_in_days": renewal,
                         "note": rng.choice(AGREEMENT_NOTES)}

        tags: list[str] = []
        if rng.random() < 0.45:
            tags.append(AREA_PROGRAMME_TAG[area])
        tags += rng.sample(FREE_TAGS, rng.choices([0, 1, 2, 3], weights=[30, 40, 22, 8])[0])

        size = rng.choice(btype["sizes"])
        street = rng.choice(["Industri", "Lager", "Erhvervs", "Værksteds"] if btype["text"] in INDUSTRIAL_TYPES
                            and rng.random() < 0.6 else STREET_FIRST) + rng.choice(STREET_LAST)
        number = str(rng.randint(1, 140)) + (rng.choice(["A", "B", "C"]) if rng.random() < 0.12 else "")

        cvr = None if rng.random() < 0.10 else make_cvr(rng, used_cvr)
        pnummer = None
        if cvr is not None and rng.random() < 0.75:
            while pnummer is None or pnummer in used_pnr:
                pnummer = str(rng.randint(9000000000, 9999999999))
            used_pnr.add(pnummer)

        description = f"{btype['desc']} {rng.choice(RUMMELIGHED)}"
        if status == "ophoert":
            description = f"{btype['desc']} Samarbejdet er stoppet, men kan genoptages senere."

        companies.append({
            "name": name,
            "cvr": cvr,
            "pnummer": pnummer,
            "address": f"{street} {number}",
            "postcode": postcode,
            "city": city,
            "industry_code": btype["code"],
            "industry_text": btype["text"],
            "size_band": size,
            "website": f"https://www.{domain}",
            "phone": phone(rng, prefix),
            "email": f"{rng.choice(['info', 'kontakt', 'post'])}@{domain}",
            "description": description,
            "status": status,
            "status_history": history,
            "agreement": agreement,
            "offers": pick_offers(rng, btype, status, offer_codes),
            "tags": tags,
            "konsulent": owner,
            "contacts": contacts,
            "log": log,
            "tasks": make_tasks(rng, status, contacts, owner, stale is not None),
        })
    return companies


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--count", type=int, default=DEFAULT_COUNT)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--postcodes", type=Path, default=DEFAULT_POSTCODES)
    args = parser.parse_args(argv)

    cities = load_cities(args.postcodes)
    missing = sorted({p for pcs in AREAS.values() for p, _ in pcs} - set(cities))
    if missing:
        print(f"Postcodes missing from {args.postcodes}: {', '.join(missing)}", file=sys.stderr)
        return 1
    companies = build(args.seed, args.count, cities, load_offer_codes(OFFER_TAGS))
    args.out.write_text(json.dumps(companies, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"Wrote {len(companies)} companies to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
