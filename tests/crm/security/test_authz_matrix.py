"""The authorization matrix (crm/authz_matrix.csv) holds: every route × role × own and foreign
object, GET and POST, answers as the reviewed file says; marker strings in another vejleder's borger
and another company's opening reach no wrong user; GET changes no data.

The file, not the ``@allow`` decorators, is the source of truth: a new route fails here until
someone has reviewed its row (``scripts/authz_matrix.py`` prints a draft). One world is built per
module and walked once; the tests then judge the recorded answers.

Expected answers. A denied role: 403 (anonymous: 302 to /login?next=…). An allowed role on its own
object (or on any object of an "any" route): 2xx/3xx, never 403/404 and never bounced to the login
page. A scoped role on a foreign object of an own_* route (a vejleder on another vejleder's borger
or task, a teamleder on a borger of a programme they do not lead, an employer on another company's
opening or proposal): 403 or 404. A job (own_job) is its starter's and the admins': the world's one
job is the konsulent's, so a vejleder or teamleder, allowed jobs of their own, gets 403 or 404 on it.
A saved filter (own_filter) is its user's only: the world's are V1's and V2's, so every other staff
role, allowed filters of its own, gets 403 or 404 on both.
Every POST carries a valid CSRF token, so a 400 cannot pass as a denial.
The API routes (``/api/v1``) are walked the same way with each role's bearer token (holding every
scope its role may hold) instead of the session: anonymous there means no token, and is answered
401; their writes by an allowed role on its own object are counted as skipped (tests/crm/api
tests them).
POSTs by an allowed role on its own object are only sent where an empty form is refused without a
write (``HARMLESS_EMPTY_POSTS``); the rest could change or delete data and are counted as skipped.
"""

import csv
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from crm import create_app
from crm.extensions import db
from crm.services.reference import ensure_reference_data
from crm.timeutil import today
from tests.conftest import TEST_PASSWORD, csrf_token_from, empty_all_tables

MATRIX_PATH = Path(__file__).resolve().parents[3] / "crm" / "authz_matrix.csv"
ROLES = ("anonymous", "admin", "teamleder", "vejleder", "konsulent", "employer")
COLUMNS = ("rule", "endpoint", "method", *ROLES, "object")
OBJECTS = {"-", "own_caseload", "own_company", "own_task", "own_job", "own_filter", "own_token", "any"}
# The roles whose reach an own_* object limits; the other allowed roles reach every such object.
SCOPED_ROLES = {"own_caseload": {"vejleder", "teamleder"}, "own_company": {"employer"}, "own_task": {"vejleder"},
                "own_job": {"vejleder", "teamleder"}, "own_filter": {"admin", "teamleder", "vejleder", "konsulent"}}
# A personal access token is its owner's only: the world's own token is the vejleder's (V1), the
# foreign one V2's, so every other role gets 403 or 404 on both.
TOKEN_OWNER = "vejleder"
# Objects of which the world has only another role's: the scoped roles meet none of their own.
NONE_OF_ITS_OWN = {"own_job"}
# Objects of which the world has some of these scoped roles' own (V1's), and none of the others'.
OWN_IN_WORLD = {"own_filter": {"vejleder"}}
# The world's job is an import, not an export: nobody has a file to download there (the export
# tests in tests/crm/jobs download their own), so every allowed role gets 403 or 404.
NO_OWN_OBJECT = {"jobs.download"}
PUBLIC_RULES = {"/login", "/login/totp", "/login/totp/opsaet", "/portal/invitation/<token>",
                "/static/<path:filename>", "/favicon.ico", "/api/v1/openapi.json", "/api/v1/docs",
                # the token in the URL is the key (issue 16): the digest's unsubscribe link, the calendar feed
                "/overblik/afmeld/<unsubscribe_token>", "/kalender/<feed_token>.ics",
                # the language switch on the login page (issue 18)
                "/sprog"}
API_PREFIX = "/api/"
# The world's user of each role (their e-mail is <key>@authz.fodfaeste.dk).
ROLE_USERS = {"admin": "A", "teamleder": "T", "vejleder": "V1", "konsulent": "K", "employer": "E"}

MARKER_B2 = "MARKØR-B2-7f3a"
MARKER_OB = "MARKØR-OB-91c2"
# Searched for by their ASCII tails, so a JSON \u00d8 escape or an XLSX cell cannot hide them.
NEEDLES = {MARKER_B2: "B2-7f3a", MARKER_OB: "OB-91c2"}
BLIND_TO = {
    "anonymous": (MARKER_B2, MARKER_OB),
    "admin": (MARKER_B2,),  # need-to-know: the admin opens no borger record
    "teamleder": (MARKER_B2,),  # B2 is in a programme the teamleder does not lead
    "vejleder": (MARKER_B2,),
    "konsulent": (MARKER_B2,),
    "employer": (MARKER_B2, MARKER_OB),
}
# Tables that a GET may legitimately write to (reading a borger is audited; logins are counted).
# Opening a match list records what it showed (issue 14), as a read is audited.
# A token notes when it was last used.
SNAPSHOT_SKIP = {"audit_events", "login_attempts", "geocode_cache", "match_shown", "api_tokens"}

# POSTs sent by an allowed role on its own object with nothing but the CSRF token: each form has
# a required field (or a version that cannot match), so the view refuses it (form shown again or a
# redirect with a message) and writes nothing; the POST walk checks that no row changed. Not here:
# forms bound to the object (admin.edit_user, borgere.edit, companies.edit_contact keep the stored
# values and read a missing checkbox as "off", so an empty POST would save) and bare action forms
# (logout, confirm, revoke, delete, erase, undo, merge, task done, recovery codes, answers).
HARMLESS_EMPTY_POSTS = {
    "auth.login", "auth.second_factor_verify", "auth.second_factor_setup", "portal.accept_invitation",
    "account.api_tokens", "main.set_language",
    "geo.lookup", "account.set_digest",
    "admin.new_user", "admin.reset_user_password",
    "borgere.new", "borgere.add_to_shortlist", "borgere.reassign", "borgere.propose_target",
    "borgere.exclude", "borgere.advance_placement", "borgere.add_outcome", "borgere.end",
    "borgere.not_a_fit_target", "admin.adopt_weights", "admin.restore_weights",
    "companies.new", "companies.edit", "companies.change_company_status", "companies.new_contact",
    "companies.new_log_entry", "companies.new_task", "companies.save_saved_filter",
    "companies.import_upload", "companies.import_confirm",
    "attachments.company_upload", "attachments.placement_upload",
    "openings.new", "openings.edit", "openings.change_status", "openings.access",
    "portal.new_opening", "portal.edit_opening", "portal.profile", "portal.opening_status",
    "portal.answer",
    "reports.new_programme", "reports.edit_programme",
}

VARIABLE_RE = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


# --- the matrix file --------------------------------------------------------------------------

def load_matrix() -> dict[tuple[str, str], dict[str, str]]:
    with MATRIX_PATH.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {(row["rule"], row["method"]): row for row in rows}


def app_rules(app) -> dict[tuple[str, str], str]:
    """(rule, method) → endpoint for every route the app serves (HEAD/OPTIONS follow GET)."""
    return {(rule.rule, method): rule.endpoint for rule in app.url_map.iter_rules()
            for method in rule.methods - {"HEAD", "OPTIONS"}}


# --- the world --------------------------------------------------------------------------------

@dataclass
class World:
    app: object
    ids: dict
    clients: dict
    tokens: dict
    bearers: dict = field(default_factory=dict)
    get_results: list = field(default_factory=list)
    owner_pages: dict = field(default_factory=dict)
    snapshots: dict = field(default_factory=dict)
    post_results: list | None = None


def _build(ids: dict) -> None:
    """Admin A; teamleder T of programme PR; vejleder V1 with borger B1 (in PR), V2 with B2 (marked, in
    programme PR2, which T does not lead) and B3 (in PR); konsulent K; employer E of CA (opening OA,
    B1 proposed) and E2 of CB (opening OB marked, B2 proposed)."""
    from crm.models import DigestKind
    from crm.services.attachments import add_attachment
    from crm.services.borgere import create_borger
    from crm.services.calendar_feed import create_feed
    from crm.services.companies import create_company
    from crm.services.company_import import parse_upload, run_import
    from crm.services.contacts import add_contact_person, create_task
    from crm.services.digest import unsubscribe_token
    from crm.services.invitations import create_invitation
    from crm.services.jobs import create_job
    from crm.services.openings import create_opening
    from crm.services.placements import propose, shortlist
    from crm.services.programmes import create_programme
    from crm.services.saved_filters import save_filter
    from crm.services.users import create_user, set_led_programmes

    def user(key, role, company=None):
        made = create_user(email=f"{key.lower()}@authz.fodfaeste.dk", name=f"Test {key}", role=role,
                           password=TEST_PASSWORD, company_id=company.id if company else None)
        ids[key] = made.id
        return made

    admin = user("A", "admin")
    v1, v2, konsulent = user("V1", "vejleder"), user("V2", "vejleder"), user("K", "konsulent")
    ca = create_company({"name": "Lager Alfa A/S", "postcode": "8000", "industry_text": "Lager",
                          "status": "partner"}, actor=konsulent)
    cb = create_company({"name": "Værksted Beta ApS", "postcode": "8200", "industry_text": "Lager",
                          "status": "partner"}, actor=konsulent)
    user("E", "employer", ca)
    user("E2", "employer", cb)
    programme = create_programme({"name": "Adgangsindsats", "municipality": "Aarhus"}, actor=admin)
    other_programme = create_programme({"name": "Anden indsats", "municipality": "Aarhus"}, actor=admin)
    set_led_programmes(user("T", "teamleder"), [programme.id], actor=admin)

    def borger(vejleder, first_name, **extra):
        data = {"first_name": first_name, "vejleder_id": vejleder.id, "programme_id": programme.id,
                "postcode": "8000", "transport": "bike", "max_travel_minutes": 30, "hours_min": 10,
                "hours_max": 20, "wishes": ["lagerarbejde"], "strengths": ["punktlig"],
                "consent_to_propose": True, "shared_fields": ["first_name", "wishes"],
                "enrolled_on": today() - timedelta(days=60), **extra}
        return create_borger(data, actor=vejleder)

    b1 = borger(v1, "Anna")
    borger(v2, "Cai")  # V2 works in PR too, so PR's figures name both vejledere
    b2 = borger(v2, "Bo", programme_id=other_programme.id, wishes=[f"lagerarbejde {MARKER_B2}", "værkstedshjælper"],
                strengths=[f"{MARKER_B2} styrke"], notes=f"Fortroligt: {MARKER_B2}")
    opening = {"kind": "job", "hours_min": 10, "hours_max": 20, "status": "aaben"}
    oa = create_opening(ca, {**opening, "title": "Lagermedarbejder", "description": "Pluk og pak."},
                        actor=konsulent)
    ob = create_opening(cb, {**opening, "title": "Værkstedshjælper", "description": f"Hemmeligt {MARKER_OB}"},
                        actor=konsulent)
    placements = {}
    for key, b, company, opening_, vejleder in (("P1", b1, ca, oa, v1), ("P2", b2, cb, ob, v2)):
        placement = shortlist(b, company=company, opening=opening_, score=None, components={}, reasons=[],
                              actor=vejleder)
        propose(placement, actor=vejleder)
        placements[key] = placement
    cpa = add_contact_person(ca, {"name": "Karin Alfa"}, actor=konsulent)
    cpb = add_contact_person(cb, {"name": "Kurt Beta"}, actor=konsulent)
    t1 = create_task(title="Ring til Alfa", due=today() + timedelta(days=7), assignee_id=v1.id, company=ca,
                     actor=v1)
    t2 = create_task(title="Ring til Beta", due=today() + timedelta(days=7), assignee_id=v2.id, company=cb,
                     actor=v2)
    f1 = save_filter(v1, name="Partnere", criteria={"status": ["partner"]})
    f2 = save_filter(v2, name="Partnere", criteria={"status": ["partner"]})
    inva, token_a = create_invitation(ca, email="ny-alfa@authz.fodfaeste.dk", actor=konsulent)
    invb, token_b = create_invitation(cb, email="ny-beta@authz.fodfaeste.dk", actor=konsulent)
    report = run_import(parse_upload("firmaer.csv", b"navn,postnummer\nImport Gamma ApS,8000\n"),
                        filename="firmaer.csv", actor=konsulent)
    assert report.batch is not None, report.errors
    job = create_job("company_import.preview", {"token": "x" * 43, "extension": "csv", "filename": "f.csv"},
                     user=konsulent)  # the konsulent's own job: admins see every job, others none
    pdf = b"%PDF-1.4\n%%EOF\n"
    files = {"CAA": add_attachment(ca, filename="aftale-alfa.pdf", content=pdf, actor=konsulent),
             "CBA": add_attachment(cb, filename="aftale-beta.pdf", content=pdf, actor=konsulent),
             "PA1": add_attachment(placements["P1"], filename="praktik-anna.pdf", content=pdf, actor=v1),
             "PA2": add_attachment(placements["P2"], filename=f"praktik-{MARKER_B2}.pdf", content=pdf, actor=v2)}
    ids.update({key: attachment.id for key, attachment in files.items()})
    feed_token = create_feed(v1)
    unsubscribe = unsubscribe_token(v1, DigestKind.TASKS)
    db.session.flush()
    ids.update(FEED=feed_token, UNSUBSCRIBE=unsubscribe)
    ids["BEARERS"] = bearer_tokens(ids)
    ids.update(JOB=job.id, CA=ca.id, CB=cb.id, PR=programme.id, B1=b1.id, B2=b2.id, OA=oa.id, OB=ob.id,
               P1=placements["P1"].id, P2=placements["P2"].id, CPA=cpa.id, CPB=cpb.id, T1=t1.id, T2=t2.id,
               INVA=inva.id, INVB=invb.id, F1=f1.id, F2=f2.id, TOKEN_A=token_a, TOKEN_B=token_b, BATCH=report.batch.id)


def _login(client, email: str) -> str:
    page = client.get("/login")
    token = csrf_token_from(page.get_data(as_text=True))
    response = client.post("/login", data={"email": email, "password": TEST_PASSWORD, "csrf_token": token})
    assert response.status_code == 302 and "/login" not in response.headers["Location"], email
    home = client.get(response.headers["Location"])
    assert home.status_code == 200, email
    return csrf_token_from(home.get_data(as_text=True))


def bearer_tokens(ids: dict) -> dict[str, dict]:
    """An API token per role for the world's user of that role, with every scope the role may hold:
    role → the Authorization header (anonymous: none); V2 gets one too (the foreign token)."""
    from crm.models import User
    from crm.permissions import scopes_for
    from crm.services.api_tokens import create_token

    headers = {"anonymous": {}}
    for role, key in (*ROLE_USERS.items(), ("other vejleder", "V2")):
        user = db.session.get(User, ids[key])
        made = create_token(user, name="Matrix", scopes=scopes_for(user), days=365, actor=None)
        headers[role] = {"Authorization": f"Bearer {made.secret}"}
        ids[f"API_TOKEN_{key}"] = made.token.id
    return headers


def send(world, role: str, method: str, url: str):
    """One request of the walk: a page with the role's session (a POST with its CSRF token), an
    API route with the role's bearer token only."""
    client = world.clients[role]
    if url.startswith(API_PREFIX):
        return client.open(url, method=method, headers=world.bearers[role],
                           json={} if method != "GET" else None)
    if method == "GET":
        return client.get(url)
    return client.open(url, method=method, data={"csrf_token": world.tokens[role]})


@pytest.fixture(scope="module")
def world(database_url, instance_path):
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789", "SERVER_NAME": None,
        "PASSWORD_HASH_PROFILE": "cheapest", "MAIL_BACKEND": "locmem", "API_RATE_LIMIT": "100000 per minute",
    })
    ids = {}
    with app.app_context():
        empty_all_tables()
        ensure_reference_data()
        _build(ids)
        db.session.commit()
    clients = {role: app.test_client() for role in ROLES}
    anonymous_page = clients["anonymous"].get("/login")
    tokens = {"anonymous": csrf_token_from(anonymous_page.get_data(as_text=True))}
    for role, key in ROLE_USERS.items():
        tokens[role] = _login(clients[role], f"{key.lower()}@authz.fodfaeste.dk")
    yield World(app=app, ids=ids, clients=clients, tokens=tokens, bearers=ids["BEARERS"])
    with app.app_context():
        db.session.remove()
        empty_all_tables()
        db.session.remove()
        db.engine.dispose()


# --- filling URLs ---------------------------------------------------------------------------

# A URL naming a parent and a child object: "mismatch" pairs an own parent with another parent's
# child (B1 with B2's placement, CA with CB's contact person), which every role must get a 404 for.
PARENT_VARIABLES = {"borger_id", "company_id"}
CHILD_VARIABLES = {"placement_id", "contact_id", "invitation_id", "user_id", "attachment_id"}


def _values(endpoint: str, variant: str, ids: dict) -> dict[str, list[str]]:
    if variant == "mismatch":
        own_values = _values(endpoint, "own", ids)
        foreign_values = _values(endpoint, "foreign", ids)
        return {name: foreign_values[name] if name in CHILD_VARIABLES else value
                for name, value in own_values.items()}
    own = variant == "own"
    if endpoint == "openings.revoke_user":
        user = ids["E"] if own else ids["E2"]  # an employer user of the company in the URL
    else:
        user = ids["V1"] if own else ids["V2"]

    def pick(own_key: str, foreign_key: str):
        return ids[own_key] if own else ids[foreign_key]

    return {
        "borger_id": [pick("B1", "B2")], "placement_id": [pick("P1", "P2")],
        "opening_id": [pick("OA", "OB")], "company_id": [pick("CA", "CB")],
        "contact_id": [pick("CPA", "CPB")], "task_id": [pick("T1", "T2")],
        "invitation_id": [pick("INVA", "INVB")], "user_id": [user], "filter_id": [pick("F1", "F2")],
        "attachment_id": [pick("PA1", "PA2") if endpoint.startswith("attachments.placement") else pick("CAA", "CBA")],
        "batch_id": [ids["BATCH"]], "job_id": [ids["JOB"]], "programme_id": [ids["PR"]], "key": ["enrolled"],
        "fmt": ["csv", "xlsx"], "token": [pick("TOKEN_A", "TOKEN_B")], "filename": ["css/app.css"],
        "feed_token": [ids["FEED"]], "unsubscribe_token": [ids["UNSUBSCRIBE"]],
        "token_id": [pick("API_TOKEN_V1", "API_TOKEN_V2")],
    }


def urls_for(rule: str, endpoint: str, variant: str, ids: dict) -> list[str]:
    values = _values(endpoint, variant, ids)
    urls = [rule]
    for name in VARIABLE_RE.findall(rule):
        assert name in values, f"{rule}: no world value for <{name}>; add one in _values"
        urls = [re.sub(rf"<(?:[^:<>]+:)?{name}>", str(value), url, count=1)
                for url in urls for value in values[name]]
    return urls


def variants(row: dict) -> tuple[str, ...]:
    names = set(VARIABLE_RE.findall(row["rule"]))
    if not names or row["object"] == "-":
        return ("own",)
    if names & PARENT_VARIABLES and names & CHILD_VARIABLES and row["endpoint"] != "reports.contacts":
        return ("own", "foreign", "mismatch")
    return ("own", "foreign")


def expectation(row: dict, role: str, variant: str) -> str:
    if row[role] != "allow":
        return "deny"
    if variant == "mismatch" or row["endpoint"] in NO_OWN_OBJECT:
        return "hidden"
    if row["object"] == "own_token" and (variant == "foreign" or role != TOKEN_OWNER):
        return "hidden"
    if role in SCOPED_ROLES.get(row["object"], ()) and (
            variant == "foreign" or row["object"] in NONE_OF_ITS_OWN
            or role not in OWN_IN_WORLD.get(row["object"], {role})):
        return "hidden"
    return "allow"


def judge(expected: str, role: str, endpoint: str, response) -> str | None:
    """None when the answer fits the expectation, else what was wrong."""
    status = response.status_code
    location = response.headers.get("Location", "")
    if expected == "deny":
        api = endpoint.startswith("api.")
        if role == "anonymous":
            ok = status == 401 if api else status == 302 and location.startswith("/login?next=")
        else:
            ok = status == 403
        wanted = "403" if role != "anonymous" else "401" if api else "302 to login"
        return None if ok else f"expected denial ({wanted}), got {status}"
    if expected == "hidden":
        return None if status in (403, 404) else f"expected 403/404 for a foreign object, got {status}"
    if status >= 400:
        return f"expected access, got {status}"
    if role != "anonymous" and not endpoint.startswith("auth.") and location.startswith("/login"):
        return f"expected access, was sent to the login page ({location})"
    return None


def body_text(response) -> str:
    data = response.get_data()
    parts = [data.decode("utf-8", "replace")]
    if data[:2] == b"PK":  # XLSX: look inside every entry
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts += [archive.read(name).decode("utf-8", "replace") for name in archive.namelist()]
    return "\n".join(parts)


def snapshot(app) -> dict[str, object]:
    """Row count, sum of version columns and a digest of the rows of every table (audit and login
    tables aside): the digest also catches a change that bumps no version (a flag, a timestamp)."""
    state = {}
    with app.app_context():
        for table in db.metadata.sorted_tables:
            if table.name in SNAPSHOT_SKIP:
                continue
            state[table.name] = db.session.scalar(sa.select(sa.func.count()).select_from(table))
            for column in table.columns:
                if column.name == "version" or column.name.endswith("_version"):
                    total = db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(column), 0)))
                    state[f"{table.name}.{column.name}"] = int(total)
            rows = db.session.execute(sa.select(table).order_by(*table.primary_key.columns)).all()
            state[f"{table.name} rows"] = hashlib.sha256(repr(rows).encode()).hexdigest()[:16]
        db.session.remove()
    return state


# --- the walks -------------------------------------------------------------------------------

@dataclass
class Case:
    role: str
    method: str
    url: str
    endpoint: str
    variant: str
    expected: str
    problem: str | None
    body: str = field(default="", repr=False)

    def __str__(self):
        return f"{self.method} {self.url} as {self.role} ({self.variant}, {self.endpoint}): {self.problem}"


def _walk_gets(world: World) -> None:
    matrix = load_matrix()
    for (rule, method), endpoint in sorted(app_rules(world.app).items()):
        row = matrix.get((rule, method))
        if method != "GET" or row is None:
            continue
        for variant in variants(row):
            for url in urls_for(rule, endpoint, variant, world.ids):
                for role in ROLES:
                    expected = expectation(row, role, variant)
                    with send(world, role, "GET", url) as response:
                        problem = judge(expected, role, endpoint, response)
                        world.get_results.append(Case(role, method, url, endpoint, variant, expected, problem,
                                                      body_text(response)))


@pytest.fixture(scope="module")
def get_walk(world):
    world.snapshots["before_get"] = snapshot(world.app)
    _walk_gets(world)
    world.snapshots["after_get"] = snapshot(world.app)
    # B2's own vejleder, outside the walk: what the marker guard compares with.
    owner = world.app.test_client()
    _login(owner, "v2@authz.fodfaeste.dk")
    for url in (f"/borgere/{world.ids['B2']}", f"/borgere/{world.ids['B2']}/indsigt.json"):
        with owner.get(url) as response:
            world.owner_pages[url] = (response.status_code, body_text(response))
    return world


@pytest.fixture(scope="module")
def post_walk(get_walk):
    world = get_walk
    matrix = load_matrix()
    results, skipped = [], []
    world.snapshots["before_post"] = snapshot(world.app)
    for (rule, method), endpoint in sorted(app_rules(world.app).items()):
        row = matrix.get((rule, method))
        if method == "GET" or row is None:
            continue
        for variant in variants(row):
            for url in urls_for(rule, endpoint, variant, world.ids):
                for role in ROLES:
                    expected = expectation(row, role, variant)
                    if expected == "allow" and (variant != "own" or endpoint not in HARMLESS_EMPTY_POSTS):
                        skipped.append((role, method, url))
                        continue
                    with send(world, role, method, url) as response:
                        problem = judge(expected, role, endpoint, response)
                    results.append(Case(role, method, url, endpoint, variant, expected, problem))
    world.snapshots["after_post"] = snapshot(world.app)
    world.post_results = results
    world.post_skipped = skipped
    return world


def _report(deviations) -> str:
    return "\n".join(str(case) for case in deviations)


# --- the matrix file matches the app ---------------------------------------------------------

def test_every_route_and_method_of_the_app_has_a_row_in_the_matrix(world):
    missing = sorted(set(app_rules(world.app)) - set(load_matrix()))
    assert missing == [], "routes missing from crm/authz_matrix.csv (review a row for each; "\
        "scripts/authz_matrix.py prints a draft):\n" + "\n".join(f"{m} {r}" for r, m in missing)


def test_every_row_of_the_matrix_names_a_route_the_app_has(world):
    gone = sorted(set(load_matrix()) - set(app_rules(world.app)))
    assert gone == [], "rows for routes that no longer exist:\n" + "\n".join(f"{m} {r}" for r, m in gone)


def test_matrix_rows_name_the_endpoint_the_app_serves(world):
    served = app_rules(world.app)
    wrong = [(key, row["endpoint"], served[key]) for key, row in load_matrix().items()
             if key in served and row["endpoint"] != served[key]]
    assert wrong == []


def test_matrix_cells_use_only_known_values():
    with MATRIX_PATH.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames) == COLUMNS
        bad = [row for row in reader
               if any(row[role] not in ("allow", "deny") for role in ROLES) or row["object"] not in OBJECTS]
    assert bad == []


def test_only_login_second_factor_invitation_language_and_static_are_open_to_anonymous_users():
    public = {rule for (rule, _), row in load_matrix().items() if row["anonymous"] == "allow"}
    assert public == PUBLIC_RULES


# --- the app answers as the matrix says ------------------------------------------------------

def test_every_get_answers_every_role_as_the_matrix_says(get_walk):
    deviations = [case for case in get_walk.get_results if case.problem]
    assert len(get_walk.get_results) > 300
    assert deviations == [], f"{len(deviations)} deviations:\n{_report(deviations)}"


def test_every_post_answers_every_role_as_the_matrix_says(post_walk):
    deviations = [case for case in post_walk.post_results if case.problem]
    assert len(post_walk.post_results) > 150
    assert deviations == [], f"{len(deviations)} deviations:\n{_report(deviations)}"


def test_marker_strings_reach_no_wrong_user(get_walk):
    leaks = [f"{marker} in GET {case.url} as {case.role}"
             for case in get_walk.get_results for marker in BLIND_TO.get(case.role, ())
             if NEEDLES[marker] in case.body]
    assert leaks == [], "\n".join(leaks)


def test_markers_are_visible_where_they_belong(get_walk):
    """Guards the leak test: the markers are really in the world and found in pages and exports."""
    seen = {(case.role, marker) for case in get_walk.get_results for marker in NEEDLES
            if NEEDLES[marker] in case.body}
    assert ("konsulent", MARKER_OB) in seen
    assert get_walk.owner_pages
    for url, (status, body) in get_walk.owner_pages.items():
        assert status == 200 and NEEDLES[MARKER_B2] in body, url


def test_get_requests_change_no_data(get_walk):
    assert get_walk.snapshots["after_get"] == get_walk.snapshots["before_get"]


def test_refused_and_empty_posts_change_no_data(post_walk):
    assert post_walk.snapshots["after_post"] == post_walk.snapshots["before_post"]
