"""Property: no input gives a server error (issue 10, point 2).

For every route of the app (``app.url_map``, as the authorization matrix lists it), logged in as a
role the matrix allows there, generated hostile values go into every form field and query
parameter of that route: NUL and other control characters, "²" and other digits ``int()`` refuses,
sNaN/NaN/infinity, numbers beyond 64 bits, 5,000 digits, very long strings, odd unicode, empty
values, negative numbers, dates at the ends of the calendar and tampered select values. Every
answer must be below 500, and no view may raise.

The fields of a route are found the way a browser finds them: every GET page is opened as each
allowed role and its forms are read (action, fields, options, filled-in values); a POST starts
from the values the page filled in, so a valid form with one hostile field reaches the service
and the database. The world is the authorization matrix's (``_build``); it is built again after
a route whose posts changed it, so every route starts from the same data.

First each field gets each hostile value of its kind once (``TARGETED``), then hypothesis adds
random examples: derandomized (the same on every run, so CI is reproducible) and not shrunk; every
failure is reported with the request that caused it. ``HOSTILE_EXAMPLES`` (default 5) sets the
random examples per route; the walk takes about a minute per database on two busy cores.
API routes (``/api/v1``) get the same values as query parameters and JSON body fields, sent with
the role's bearer token (schemathesis fuzzes them against their spec in tests/crm/api).
"""

import io
import os
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from crm import create_app
from crm.extensions import db
from crm.services.reference import ensure_reference_data
from tests.conftest import csrf_token_from, empty_all_tables
from tests.crm.security.test_authz_matrix import _build, _login, app_rules, load_matrix, snapshot, urls_for

pytestmark = pytest.mark.hostile

EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "5"))
LOGINS = {"admin": "A", "teamleder": "T", "vejleder": "V1", "konsulent": "K", "employer": "E"}
# Query parameters some view reads without a form; sent to every route besides its form fields.
QUERY_NAMES = ("page", "next", "konsulent", "borger_id", "andet", "company_id", "q")
# Fields of POST routes whose form the walk cannot see (e.g. the import confirmation needs an
# upload first): what their views read.
BLIND_POST_FIELDS = ("token", "next", "done", "status", "from", "answer", "target", "company_id")

HOSTILE_TEXT = [
    "\x00", "a\x00b", "\x00" * 50, "\x01\x02\x1b\x7f\x85\x9f", "\r\n\t", "²", "³²¹", "١٢", "１２", "½",
    "sNaN", "-sNaN", "NaN", "nan", "inf", "-Infinity", "1e999", "-1e999", "1e-999", "-0", "-1", "0",
    "1_000", " 7 ", "+5", "0x10", "9" * 5000, "99999999999999999999", "-99999999999999999999",
    "2147483648", "9223372036854775808", "", " ", "0001-01-01", "9999-12-31", "0001-01-01T00:00",
    "9999-12-31T23:59", "10000-01-01", "2024-02-30", "1899-12-31", "x" * 10_000, "ø" * 5000,
    "\u202eevil", "\u200b", "\ufeff", "\uffff", "🙂" * 40, "Ω≈ç√∫", "<script>alert(1)</script>",
    "' OR 1=1 --", "%00", "../../etc/passwd", "company:²", "company:99999999999999999999",
    "opening:-1", "caseload:²", "None", "null", "[]", "//evil.example", "javascript:alert(1)",
]
# The value classes that broke something, per kind of field: each field gets each one of its kind
# once (in an otherwise valid form), before hypothesis adds random ones.
NUMBERS = ["²", "9" * 5000, "99999999999999999999", "-99999999999999999999"]
TARGETED = {
    "text": ["a\x00b\x1b", "x" * 10_000, "²"],
    "hidden": [*NUMBERS, "abc", "-1", "a\x00b"],
    "number": [*NUMBERS, "sNaN", "-sNaN", "NaN", "inf", "1e999"],
    "date": ["0001-01-01", "9999-12-31", "²"],
    "datetime-local": ["0001-01-01T00:00", "9999-12-31T23:59", "²"],
    "select": [*NUMBERS, "-1", "a\x00b"],
    "checkbox": ["99999999999999999999", "²", "a\x00b"],
}
FILLED_IN = {"summary": "Kort snak om praktik", "title": "Ring igen", "reason": "Flyttet",
             "name": "Hostil Test ApS", "first_name": "Hostil", "postcode": "8000"}
HOSTILE_FILES = [
    b"", b"\x00" * 64, b"PK\x03\x04" + b"\x00" * 100,
    ("navn,postnummer\n" + "".join(f"Fyld {n} ApS,8000\n" for n in range(300)) + "Nul\x00 ApS,8000\n").encode(),
    "navn;postnummer;cvr\nÆble ApS;²;99999999999999999999\n".encode("cp1252"),
    b"navn,postnummer\n\x00\x01\x02,0001\n", b"navn,postnummer\n" + b"x" * 100_000,
]
FILE_NAMES = ["firmaer.csv", "firmaer.xlsx", "a\x00.csv", "../../x.csv", "²." * 200 + "csv", ""]


# --- the forms on a page -------------------------------------------------------------------

@dataclass
class FieldSpec:
    kind: str  # an input type (text, hidden, number, date, datetime-local, ...), select, checkbox, file
    values: list = field(default_factory=list)  # what the page filled in (checked, selected)
    options: list = field(default_factory=list)  # the choices a browser offers


@dataclass
class FormSpec:
    method: str
    action: str
    fields: dict = field(default_factory=dict)


class _Forms(HTMLParser):
    """Every form on a page with its fields, as a browser would submit them."""

    def __init__(self, page_url: str):
        super().__init__()
        self.page_url, self.forms = page_url, []
        self._form = self._select = self._textarea = None

    def _field(self, name: str, kind: str) -> FieldSpec:
        return self._form.fields.setdefault(name, FieldSpec(kind))

    def handle_starttag(self, tag, attrs):
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            self._form = FormSpec(a.get("method", "get").upper(), a.get("action") or self.page_url)
            self.forms.append(self._form)
            return
        if self._form is None or not a.get("name"):
            if tag == "option" and self._select is not None:
                self._select.options.append(a.get("value", ""))
                if "selected" in a:
                    self._select.values.append(a.get("value", ""))
            return
        name = a["name"]
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                spec = self._field(name, "checkbox")
                spec.options.append(a.get("value", "y"))
                if "checked" in a:
                    spec.values.append(a.get("value", "y"))
            elif kind == "file":
                self._field(name, "file")
            elif kind not in ("submit", "button", "reset", "image"):
                self._field(name, kind).values[:] = [a.get("value", "")]
        elif tag == "button" and a.get("value"):
            self._field(name, "checkbox").options.append(a["value"])
        elif tag == "select":
            self._select = self._field(name, "select")
        elif tag == "textarea":
            self._textarea = self._field(name, "text")
            self._textarea.values[:] = [""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.values[0] += data

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None:
            if not self._select.values and self._select.options:  # a browser sends the first option
                self._select.values.append(self._select.options[0])
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = self._textarea.values[0]  # HTML drops a line break right after <textarea>
            self._textarea.values[0] = text[2:] if text.startswith("\r\n") else text.removeprefix("\n")
            self._textarea = None
        elif tag == "form":
            self._form = None


def _merge(into: dict, fields: dict) -> None:
    for name, spec in fields.items():
        known = into.setdefault(name, FieldSpec(spec.kind))
        known.values = known.values or list(spec.values)
        known.options += [o for o in spec.options if o not in known.options]


# --- the world ------------------------------------------------------------------------------

@dataclass
class HostileWorld:
    app: object
    ids: dict = field(default_factory=dict)
    clients: dict = field(default_factory=dict)
    tokens: dict = field(default_factory=dict)
    pristine: dict | None = None

    def build(self) -> None:
        """Fresh data and fresh logged-in clients."""
        with self.app.app_context():
            empty_all_tables()
            ensure_reference_data()
            self.ids.clear()
            _build(self.ids)
            db.session.commit()
            db.session.remove()
        self.clients = {role: self.app.test_client() for role in ("anonymous", *LOGINS)}
        page = self.clients["anonymous"].get("/login")
        self.tokens = {"anonymous": csrf_token_from(page.get_data(as_text=True))}
        for role, key in LOGINS.items():
            self.tokens[role] = _login(self.clients[role], f"{key.lower()}@authz.fodfaeste.dk")
        self.pristine = snapshot(self.app)

    def build_again_if_changed(self) -> None:
        if snapshot(self.app) != self.pristine:
            self.build()


@pytest.fixture  # function scope: the world's sessions are signed by the suite's clock, as the requests are
def hostile_world(database_url, instance_path):
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789", "SERVER_NAME": None,
        "PASSWORD_HASH_PROFILE": "cheapest", "MAIL_BACKEND": "locmem",
        # Every rebuild logs four users in again; RATELIMIT_ENABLED=False would stick to the shared limiter.
        "LOGIN_RATE_LIMIT": "100000 per minute", "API_RATE_LIMIT": "100000 per minute",
    })
    world = HostileWorld(app)
    world.build()
    yield world
    with app.app_context():
        db.session.remove()
        empty_all_tables()
        db.session.remove()
        db.engine.dispose()


@dataclass
class Route:
    rule: str
    method: str
    endpoint: str
    roles: list
    fields: dict = field(default_factory=dict)
    pages: dict = field(default_factory=dict)  # role → a page with the route's form


def _routes(world: HostileWorld) -> list[Route]:
    """Every (rule, method) with its allowed roles and the fields of the forms that reach it."""
    matrix = load_matrix()
    routes = {}
    for (rule, method), endpoint in sorted(app_rules(world.app).items()):
        row = matrix[(rule, method)]
        roles = [role for role in ("anonymous", *LOGINS) if row[role] == "allow"]
        routes[(endpoint, method)] = Route(rule, method, endpoint, roles)
    adapter = world.app.url_map.bind("localhost")
    for route in [r for r in routes.values() if r.method == "GET"]:
        for role in route.roles:
            for url in urls_for(route.rule, route.endpoint, "own", world.ids):
                with world.clients[role].get(url) as response:
                    if response.status_code != 200 or response.mimetype != "text/html":
                        continue
                    parser = _Forms(url)
                    parser.feed(response.get_data(as_text=True))
                for form in parser.forms:
                    try:
                        endpoint, _ = adapter.match(urlsplit(form.action).path, method=form.method)
                    except (HTTPException, RequestRedirect):
                        continue
                    if (endpoint, form.method) in routes:
                        target = routes[(endpoint, form.method)]
                        _merge(target.fields, form.fields)
                        target.pages.setdefault(role, url)
    return sorted(routes.values(), key=lambda r: (r.endpoint == "auth.logout", r.endpoint, r.method))


# --- hostile values -------------------------------------------------------------------------

def _hostile_value(options: list) -> st.SearchStrategy:
    ids = [str(n) for n in range(1, 12)]
    listed = st.sampled_from(HOSTILE_TEXT)
    return st.one_of(
        listed, listed, listed,  # the known troublemakers most of the time
        st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.floats().map(str),
        st.sampled_from(options + ids),  # a real choice, or another object's id
    )


def _field_value(spec: FieldSpec) -> st.SearchStrategy:
    if spec.kind == "file":
        return st.tuples(st.sampled_from(HOSTILE_FILES), st.sampled_from(FILE_NAMES))
    hostile = _hostile_value(spec.options)
    return st.one_of(hostile.map(lambda v: [v]), st.lists(hostile, max_size=3))


def _changes(fields: dict) -> st.SearchStrategy:
    """One or two fields given hostile values; the others keep what the page filled in, so the
    form is otherwise valid and the hostile value reaches the service."""
    if not fields:
        return st.just({})
    one = st.sampled_from(sorted(fields)).flatmap(lambda name: st.tuples(st.just(name), _field_value(fields[name])))
    return st.lists(one, min_size=1, max_size=2).map(dict)


def _request(route: Route, fields: dict) -> st.SearchStrategy:
    """(role, query, form data) for one request to the route."""
    if route.method == "GET":
        query_names, body_fields = [*QUERY_NAMES, *fields], {}
    else:
        query_names, body_fields = list(QUERY_NAMES), fields or {n: FieldSpec("text") for n in BLIND_POST_FIELDS}
    kept = _kept(body_fields)
    return st.tuples(
        st.sampled_from(route.roles),
        st.dictionaries(st.sampled_from(query_names), _hostile_value([]).map(lambda v: [v]), max_size=3),
        _changes(body_fields).map(lambda changes: {**kept, **changes}),
    )


def _send(world: HostileWorld, route: Route, url: str, role: str, query: dict, form: dict):
    data = {}
    for name, value in form.items():
        if isinstance(value, tuple):  # a file
            content, filename = value
            data[name] = (io.BytesIO(content), filename)
        elif value:
            data[name] = value
    client = world.clients[role]
    if route.rule.startswith("/api/"):  # the API: the role's bearer token, a JSON body
        headers = world.ids["BEARERS"][role]
        if route.method == "GET":
            return client.get(url, query_string=query, headers=headers)
        body = {name: value[0] if isinstance(value, list) and len(value) == 1 else value
                for name, value in form.items() if not isinstance(value, tuple)}
        return client.open(url, method=route.method, query_string=query, json=body, headers=headers)
    if route.method == "GET":
        return client.get(url, query_string={**_kept(route.fields), **query})
    data["csrf_token"] = world.tokens[role]
    return client.open(url, method=route.method, query_string=query, data=data,
                       content_type="multipart/form-data")


def _kept(fields: dict) -> dict:
    """What the page filled in (a file field starts empty), and what a user types into the
    required fields a new form leaves empty, so a hostile value elsewhere reaches the service."""
    kept = {name: list(spec.values) for name, spec in fields.items() if spec.kind != "file" and spec.values}
    return {**kept, **{name: [value] for name, value in FILLED_IN.items()
                       if name in fields and not any(kept.get(name, []))}}


def _shown(values: dict) -> dict:
    return {k: (v if len(repr(v)) < 100 else f"{repr(v)[:80]}…") for k, v in values.items()}


def _attempt(world: HostileWorld, route: Route, url: str, role: str, query: dict, form: dict) -> str | None:
    """Send one request; the problem (a status of 500 or more, or an exception) or None."""
    try:
        with _send(world, route, url, role, query, form) as response:
            status = response.status_code
    except Exception as exc:  # the test client re-raises a view's exception (TESTING)
        with world.app.app_context():
            db.session.remove()
        problem = f"raised {exc!r}"[:300]
    else:
        if status < 500:
            if status == 302 and route.method != "GET":
                _refresh(world, route, role)
            return None
        problem = f"answered {status}"
    changed = {k: v for k, v in {**query, **form}.items() if v != route.fields.get(k, FieldSpec("")).values}
    return f"{route.method} {url} as {role} with {_shown(changed)}: {problem}"


def _refresh(world: HostileWorld, route: Route, role: str) -> None:
    """After a post that went through, read the form again (a save moves the record's version)."""
    page = route.pages.get(role)
    if page is None:
        return
    with world.clients[role].get(page) as response:
        parser = _Forms(page)
        parser.feed(response.get_data(as_text=True))
    for form in parser.forms:
        for name, spec in form.fields.items():
            if name in route.fields and spec.kind in ("hidden",) and name != "csrf_token":
                route.fields[name].values = list(spec.values)


def _targeted(world: HostileWorld, route: Route, url: str, failures: list) -> None:
    """Each field, in an otherwise valid form, gets each hostile value of its kind once."""
    fields = {n: s for n, s in route.fields.items() if n != "csrf_token"}
    cases = [(name, value) for name, spec in sorted(fields.items())
             for value in (HOSTILE_FILES[3:4] if spec.kind == "file" else TARGETED.get(spec.kind, TARGETED["text"]))]
    if route.method == "GET":  # views read their query parameters on GET
        cases += [(name, value) for name in QUERY_NAMES for value in ("²", "99999999999999999999")]
    for number, (name, value) in enumerate(cases):
        role = route.roles[number % len(route.roles)]
        query, form = ({name: [value]}, {}) if name in QUERY_NAMES and name not in fields else ({}, {})
        if not query:
            kept = _kept(fields)
            change = (value, "firmaer.csv") if fields[name].kind == "file" else [value]
            if route.method == "GET":
                query = {**kept, name: change}
            else:
                form = {**kept, name: change}
        elif route.method != "GET":
            form = _kept(fields)
        problem = _attempt(world, route, url, role, query, form)
        if problem:
            failures.append(problem)


def _walk_route(world: HostileWorld, route: Route, failures: list) -> None:
    urls = urls_for(route.rule, route.endpoint, "own", world.ids)
    fields = {n: s for n, s in route.fields.items() if n != "csrf_token"}
    _targeted(world, route, urls[0], failures)
    found = []

    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
              phases=(Phase.explicit, Phase.generate), suppress_health_check=list(HealthCheck))
    @given(st.sampled_from(urls), _request(route, fields))
    def attack(url, request):
        role, query, form = request
        problem = _attempt(world, route, url, role, query, form)
        if problem:
            found.append(problem)
            raise AssertionError(problem)

    try:
        attack()
    except AssertionError:
        failures.append(found[-1])
    if route.method != "GET" or route.endpoint.startswith("auth."):
        world.build_again_if_changed()


def test_no_route_answers_hostile_input_with_a_server_error(hostile_world):
    routes = _routes(hostile_world)
    assert len(routes) > 100
    assert sum(len(r.fields) for r in routes) > 150, "the walk found too few form fields"
    failures = []
    for route in routes:
        _walk_route(hostile_world, route, failures)
    assert failures == [], f"{len(failures)} requests answered with a server error:\n" + "\n".join(failures)
