"""Issue 11: wishes as vejledere write them. One test per example in the issue; each compares a target
that fits the wish with nearer or better-placed ones that do not."""

from datetime import timedelta

import pytest
from matcher_fixtures import HOME, TODAY, ids

from matcher import MatchIndex, rank

FILLER = "Vi vil gerne have en ny kollega, der har lyst til at arbejde med mennesker og gerne vil lære nyt."


def north(km):
    return (HOME[0] + km / 111.0, HOME[1])


@pytest.fixture
def company(make_target):
    def make(id, title, **kwargs):
        kwargs.setdefault("at", north(3))
        return make_target(id, title=title, kind="company", hours_min=None, hours_max=None, **kwargs)

    return make


def distractors(make_target, n=5):
    """Nearby partner jobs with filler-heavy descriptions that fit none of the wishes below."""
    titles = ["Butiksassistent", "Kontorassistent", "Chauffør", "Rengøringsassistent", "Lagermedarbejder",
              "Receptionist", "Kok"][:n]
    return [make_target(f"other-{i}", title=t, at=north(0.5), description=FILLER, partner=True, placements=2)
            for i, t in enumerate(titles)]


# Wishes are parsed: filler dropped, terms matched ------------------------------------------------

def test_wish_for_animals_puts_animal_workplaces_first(make_target, company, make_candidate, ranked):
    animal = [company("dyrehandel", "Dyrehandel", description="Zoo-butik med akvarier og kæledyr."),
              company("dyreklinik", "Dyreklinik"),
              make_target("stald", title="Staldmedhjælper", kind="praktik", at=north(3))]
    matches = ranked(make_candidate(wishes=["vil gerne arbejde med dyr"]), distractors(make_target) + animal)
    assert set(ids(matches)[:3]) == {"dyrehandel", "dyreklinik", "stald"}


def test_wish_for_animals_says_which_wish_and_why(company, make_candidate, ranked):
    [match] = ranked(make_candidate(wishes=["Vil gerne arbejde med dyr"]), [company("d", "Dyrehandel")])
    assert match.reasons[0] == "Ønsker arbejde med dyr → Dyrehandel – ansætter dyrepassere"


def test_wish_for_elderly_people_finds_compounds_not_people_in_general(make_target, make_candidate, ranked):
    elderly = make_target("aeldre", title="Medarbejder til ældrecentret", at=north(3))
    driver = make_target("driver", title="Chauffør", at=north(0.5),
                         description="Kørsel med borgere. Du har erfaring med mennesker.")
    matches = ranked(make_candidate(wishes=["arbejde med ældre mennesker"]), [driver, elderly])
    assert ids(matches)[0] == "aeldre"
    assert matches[1].components["wishes"] < 0.3


@pytest.mark.parametrize("wish, title", [("museum", "Museumsvært"), ("bibliotek", "Biblioteksmedhjælper")])
def test_museum_and_library_wishes_find_their_compounds(make_target, make_candidate, ranked, wish, title):
    targets = [make_target("other", at=north(0.5)), make_target("t", title=title)]
    matches = ranked(make_candidate(wishes=[wish]), targets)
    assert ids(matches)[0] == "t"
    assert matches[0].components["wishes"] >= 0.8


def test_wish_for_something_quiet_is_a_need(make_target, make_candidate, ranked):
    quiet = make_target("quiet", title="Kontorassistent", offers={"quiet"}, at=north(3))
    busy = make_target("busy", title="Kontorassistent", at=north(0.5))
    matches = ranked(make_candidate(wishes=["noget stille"]), [busy, quiet])
    assert ids(matches)[0] == "quiet"
    assert "Ønsker noget stille → roligt arbejdsmiljø" in matches[0].reasons
    assert "Mangler roligt arbejdsmiljø" in matches[1].reasons


def test_negated_wish_penalises_targets_that_mention_it(make_target, make_candidate, ranked):
    night = make_target("night", title="Lagermedarbejder", description="Nattevagter på lageret.", at=north(0.5))
    day = make_target("day", title="Lagermedarbejder", description="Dagarbejde på lageret.", at=north(3))
    matches = ranked(make_candidate(wishes=["lager, ikke nattevagt"]), [night, day])
    assert ids(matches) == ["day", "night"]
    assert "Nævner nattevagt, som borgeren ikke ønsker" in matches[1].reasons


def test_negation_alone_is_no_wish_for_it(make_target, make_candidate, ranked):
    phone = make_target("phone", title="Kundeservicemedarbejder", description="Du tager telefonen.", at=north(0.5))
    other = make_target("other", title="Lagermedarbejder", at=north(3))
    matches = ranked(make_candidate(wishes=["ikke telefon"]), [phone, other])
    assert ids(matches) == ["other", "phone"]


def test_wish_for_few_hours_prefers_few_hours(make_target, make_candidate, ranked):
    long_hours = make_target("long", title="Butiksassistent", hours_min=25.0, hours_max=37.0, at=north(0.5))
    short_hours = make_target("short", title="Butiksassistent", hours_min=8.0, hours_max=15.0, at=north(3))
    c = make_candidate(wishes=["få timer i en butik"], hours_min=10.0, hours_max=37.0)
    matches = ranked(c, [long_hours, short_hours])
    assert ids(matches) == ["short", "long"]
    assert "Ønsker få timer → 8–15 timer om ugen" in matches[0].reasons


def test_wish_for_outdoor_work_finds_gardening(make_target, make_candidate, ranked):
    matches = ranked(make_candidate(wishes=["udendørs"]),
                     [make_target("office", title="Kontorassistent", at=north(0.5)),
                      make_target("garden", title="Gartnermedhjælper", at=north(3))])
    assert ids(matches)[0] == "garden"


# Danish morphology -------------------------------------------------------------------------------

def test_pedel_finds_pedelmedhjaelper(make_target, make_candidate, ranked):
    matches = ranked(make_candidate(wishes=["pedel"]),
                     [make_target("other", at=north(0.5)), make_target("p", title="Pedelmedhjælper", kind="praktik")])
    assert ids(matches)[0] == "p"
    assert matches[0].reasons[0] == "Ønsker pedel → Pedelmedhjælper"


def test_short_wish_word_does_not_match_a_word_it_merely_starts(make_target, make_candidate, ranked):
    farm = make_target("farm", title="Medhjælper", description="Du dyrker grøntsager og passer marken.")
    [match] = ranked(make_candidate(wishes=["dyr"]), [farm])
    assert match.components["wishes"] < 0.3


# Wishes the demo data did not find ----------------------------------------------------------------

def test_paedagogmedhjaelper_wish_meets_a_daginstitution_without_openings(make_target, company, make_candidate,
                                                                        ranked):
    institution = company("bh", "Daginstitution", industry="Sundhed og socialvæsen",
                          description="Børnehuset Solsikken. Integreret institution med 60 børn.")
    matches = ranked(make_candidate(wishes=["pædagogmedhjælper"]), distractors(make_target, 3) + [institution])
    assert ids(matches)[0] == "bh"
    assert matches[0].reasons[0] == "Ønsker pædagogmedhjælper → Daginstitution – ansætter pædagogmedhjælpere"


@pytest.mark.parametrize(
    "wish, title, kind",
    [("køkkenmedhjælper", "Kantinemedhjælper", "loentilskud"), ("programmør", "IT-konsulenthus", "company"),
     ("it-support", "IT-konsulenthus", "company")],
)
def test_demo_wishes_find_their_openings_and_companies(make_target, make_candidate, ranked, wish, title, kind):
    hours = {"hours_min": None, "hours_max": None} if kind == "company" else {}
    target = make_target("t", title=title, kind=kind, at=north(3), **hours)
    matches = ranked(make_candidate(wishes=[wish]), distractors(make_target, 3) + [target])
    assert ids(matches)[0] == "t"


@pytest.mark.parametrize("wish, title", [("warehouse", "Lagermedarbejder"), ("cleaning", "Rengøringsassistent")])
def test_english_wishes_find_danish_titles(make_target, make_candidate, ranked, wish, title):
    targets = [make_target("other", at=north(0.5)), make_target("t", title=title)]
    matches = ranked(make_candidate(wishes=[wish]), targets)
    assert ids(matches)[0] == "t"
    assert matches[0].components["wishes"] >= 0.8


# The occupation hierarchy --------------------------------------------------------------------------

def test_neighbouring_occupation_gets_partial_credit_and_says_so(make_target, make_candidate, ranked):
    pc = make_target("pc", title="PC-tekniker", at=north(3))
    shop = make_target("shop", title="Butiksassistent", at=north(0.5))
    matches = ranked(make_candidate(wishes=["IT-supporter"]), [shop, pc])
    assert ids(matches)[0] == "pc"
    assert 0.4 < matches[0].components["wishes"] < 0.8
    assert "Ønsker it-supporter → PC-tekniker, beslægtet med IT-supporter" in matches[0].reasons


def test_same_occupation_beats_a_neighbouring_one(make_target, make_candidate, ranked):
    matches = ranked(make_candidate(wishes=["IT-supporter"]),
                     [make_target("pc", title="PC-tekniker"), make_target("it", title="IT-supporter")])
    assert ids(matches) == ["it", "pc"]


# Industry labels are not occupations ---------------------------------------------------------------

@pytest.mark.parametrize(
    "wish, industry, wished",
    [
        ("kontor", "Offentlig administration, forsvar og politi", "Kontorassistent"),
        ("chauffør", "Transport", "Buschauffør"),
        ("tjener", "Hoteller og restauranter", "Tjener"),
    ],
)
def test_industry_label_is_not_read_as_an_occupation(make_target, make_candidate, ranked, wish, industry, wished):
    unrelated = make_target("unrelated", title="Kantinemedhjælper", industry=industry, at=north(0.5))
    matches = ranked(make_candidate(wishes=[wish]), [unrelated, make_target("wished", title=wished, at=north(3))])
    assert ids(matches)[0] == "wished"
    assert matches[1].components["wishes"] < 0.3


# Typos -------------------------------------------------------------------------------------------

def test_known_word_is_not_corrected_into_another(vocabulary):
    titles = {vocabulary.occupations[i].title for i in vocabulary.lookup("byggeri")}
    assert "fødevareoperatør" not in titles


def test_carpenter_wishing_byggeri_does_not_get_a_brewery(make_target, make_candidate, ranked):
    brewery = make_target("brewery", title="Bryggeriarbejder", at=north(0.5))
    carpenter = make_target("carpenter", title="Tømrer", at=north(3))
    matches = ranked(make_candidate(wishes=["byggeri"]), [brewery, carpenter])
    assert ids(matches)[0] == "carpenter"
    assert matches[1].components["wishes"] < 0.5


def test_real_typo_is_still_corrected(make_target, make_candidate, ranked):
    matches = ranked(make_candidate(wishes=["rengørringsassistent"]),
                     [make_target("other", at=north(0.5)), make_target("r", title="Rengøringsassistent")])
    assert ids(matches)[0] == "r"


# The bare API ships its vocabulary -------------------------------------------------------------------

def test_bare_rank_has_synonyms(make_target, make_candidate):
    targets = [make_target("office", title="Kontorassistent", at=north(0.5)),
               make_target("warehouse", title="Lagermedarbejder", at=north(3))]
    assert ids(rank(make_candidate(wishes=["pluk og pak"]), targets, today=TODAY))[0] == "warehouse"
    assert ids(MatchIndex(targets).rank(make_candidate(wishes=["pluk og pak"]), today=TODAY))[0] == "warehouse"


def test_shipped_vocabulary_is_found_from_another_working_directory(tmp_path, monkeypatch):
    import subprocess
    import sys

    from matcher_fixtures import REPO

    code = "from matcher import default_vocabulary as d; v = d(); print(len(v), len(v.concepts), len(v.workplaces))"
    env = {"PYTHONPATH": str(REPO)}
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                         check=True).stdout.split()
    assert int(out[0]) >= 300 and int(out[1]) >= 10 and int(out[2]) >= 10


# Explanations ----------------------------------------------------------------------------------------

def test_match_without_wish_credit_says_so(company, make_candidate, ranked):
    [match] = ranked(make_candidate(wishes=["bager"]), [company("f", "Frisør", description="Frisørsalon i Viby")])
    assert "Ingen af borgerens ønsker" in match.reasons
    assert not any(r.startswith("Ønsker") for r in match.reasons)


def test_borger_without_wishes_gets_no_no_wish_reason(make_target, make_candidate, ranked):
    [match] = ranked(make_candidate(wishes=[]), [make_target("a")])
    assert "Ingen af borgerens ønsker" not in match.reasons


# Kind against distance -------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "job_title, job_km, praktik_km",
    [("Helpdeskmedarbejder", 9.0, 2.0),  # the case: the job's title is a synonym
     ("IT-supporter", 9.3, 0.2)],  # the same title, the job near the limit, the praktik next door
)
def test_ordinary_job_within_reach_beats_nearer_praktik(make_target, make_candidate, ranked, job_title, job_km,
                                                        praktik_km):
    """Issue 11, point 9: an IT praktik 2 km away vs. an ordinary part-time helpdesk job 9 km away,
    for a borger who wishes IT support and travels up to 45 min by public transport."""
    praktik = make_target("praktik", title="IT-supporter", kind="praktik", at=north(praktik_km), hours_min=15.0,
                          hours_max=30.0)
    job = make_target("job", title=job_title, description="Deltidsstilling i vores helpdesk.", at=north(job_km),
                      hours_min=10.0, hours_max=20.0)
    c = make_candidate(wishes=["IT support"], transport="public", max_travel_minutes=45,
                       hours_min=15.0, hours_max=30.0)
    matches = ranked(c, [praktik, job])
    assert ids(matches) == ["job", "praktik"]
    assert matches[1].travel_minutes < matches[0].travel_minutes <= 45


def test_praktik_that_fits_the_wish_still_beats_an_unwished_job(make_target, make_candidate, ranked):
    praktik = make_target("praktik", title="IT-supporter", kind="praktik", at=north(5))
    job = make_target("job", title="Kok", at=north(1))
    assert ids(ranked(make_candidate(wishes=["IT support"]), [job, praktik]))[0] == "praktik"


def test_stale_company_matches_its_workplace(company, make_candidate, ranked):
    old = company("old", "Plejecenter", updated=TODAY - timedelta(days=200))
    [match] = ranked(make_candidate(wishes=["social- og sundhedshjælper"]), [old])
    assert match.reasons[0] == "Ønsker social- og sundhedshjælper → Plejecenter – ansætter social- og sundhedshjælpere"
