"""Offline geocoding by postcode, and the optional online geocoder against a real local server."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from geopy.distance import geodesic

from crm.extensions import db
from crm.models import GeocodeCache
from crm.services import ValidationError
from crm.services.geocoding import geocode


def test_postcode_8000_geocodes_to_aarhus_c(app):
    with app.app_context():
        result = geocode(street="Rådhuspladsen 2", postcode="8000")
    assert result.city == "Aarhus C"
    assert result.precision == "postcode"
    assert geodesic((result.lat, result.lon), (56.15, 10.20)).km < 2


@pytest.mark.parametrize("postcode, message", [
    ("1234", "Postnummer 1234 findes ikke i Danmark."),
    ("80", "Postnummeret skal være fire cifre."),
    ("abcd", "Postnummeret skal være fire cifre."),
    ("", "Postnummeret skal være fire cifre."),
])
def test_unknown_or_malformed_postcode_is_a_validation_error(app, postcode, message):
    with app.app_context(), pytest.raises(ValidationError) as error:
        geocode(postcode=postcode)
    assert error.value.message == message
    assert error.value.field == "postcode"


def test_unknown_postcode_is_a_form_error_on_the_lookup_page(browser, make_user):
    browser.login(make_user("konsulent"))
    response = browser.post_form("/geo/opslag", {"street": "Vejen 1", "postcode": "1234", "city": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Postnummer 1234 findes ikke i Danmark." in html
    assert 'aria-invalid="true"' in html
    assert 'value="Vejen 1"' in html  # nothing the user typed is lost
    assert "Koordinater" not in html


def test_lookup_page_shows_coordinates_and_precision(browser, make_user):
    browser.login(make_user("vejleder"))
    html = browser.post_form("/geo/opslag", {"postcode": "7500"}).get_data(as_text=True)
    assert "Holstebro" in html and "Postnummer (centrum)" in html


class _NominatimStub(BaseHTTPRequestHandler):
    """A real HTTP server speaking Nominatim's search format, on loopback."""

    answer: list = []
    requests: list = []

    def do_GET(self):  # noqa: N802
        type(self).requests.append(self.path)
        body = json.dumps(type(self).answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def nominatim_server():
    _NominatimStub.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _NominatimStub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def online_app(make_app):
    """An app with the online geocoder switched on."""

    def _make(domain):
        return make_app(GEOCODER="nominatim", GEOCODER_DOMAIN=domain, GEOCODER_SCHEME="http",
                        GEOCODER_TIMEOUT=2)

    return _make


def test_online_geocoder_gives_address_precision_and_caches_the_answer(online_app, nominatim_server):
    _NominatimStub.answer = [{"lat": "56.1572", "lon": "10.2107", "display_name": "Rådhuspladsen 2"}]
    app = online_app(f"127.0.0.1:{nominatim_server.server_port}")
    with app.app_context():
        first = geocode(street="Rådhuspladsen 2", postcode="8000")
        db.session.commit()
        second = geocode(street="Rådhuspladsen 2", postcode="8000")
        assert db.session.query(GeocodeCache).count() == 1
    assert (first.lat, first.lon, first.precision) == (56.1572, 10.2107, "address")
    assert second == first
    assert len(_NominatimStub.requests) == 1


def test_online_answer_outside_denmark_falls_back_to_the_postcode(online_app, nominatim_server):
    _NominatimStub.answer = [{"lat": "48.85", "lon": "2.35", "display_name": "Paris"}]
    app = online_app(f"127.0.0.1:{nominatim_server.server_port}")
    with app.app_context():
        result = geocode(street="Rådhuspladsen 2", postcode="8000")
    assert result.precision == "postcode"


def test_unreachable_online_geocoder_falls_back_to_the_postcode(online_app, caplog):
    app = online_app("127.0.0.1:9")  # nothing listens on the discard port
    with app.app_context():
        result = geocode(street="Rådhuspladsen 2", postcode="8000")
    assert result.precision == "postcode"
    assert result.city == "Aarhus C"
    assert "falling back to the postcode" in caplog.text
