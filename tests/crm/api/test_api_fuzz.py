"""schemathesis fuzzes the API against its own spec (issue 15): a token per role, every operation,
derandomized and bounded. Not one answer may be a server error, and every answer must be what the
spec says (status code, content type, headers, body schema). The world is the authorization
matrix's, so many generated requests reach real objects (own and foreign) besides random ids.
schemathesis draws both valid and invalid requests (its default generation modes). Every drawn
request is sent with each role's token in turn, so every operation meets every role (a role drawn
at random per example missed some: the employer never reached its own opening's status).
``API_FUZZ_EXAMPLES`` (default 6) sets the examples per operation, each sent once per role."""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from schemathesis import checks

from crm.extensions import db
from tests.crm.security.test_authz_matrix import ROLES, _build

EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "6"))
CHECKS = [checks.not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
          checks.response_headers_conformance, checks.response_schema_conformance]
# Path ids of the world's objects (own and foreign), drawn beside schemathesis' own integers.
WORLD_IDS = {"company_id": ("CA", "CB"), "opening_id": ("OA", "OB"), "borger_id": ("B1", "B2")}


@pytest.fixture
def fuzz_world(app):
    ids = {}
    with app.app_context():
        _build(ids)
        db.session.commit()
    return ids


@pytest.fixture
def api_schema(app, fuzz_world):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@schema.given(pick=st.sampled_from((None, 0, 1)))
@settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
          phases=(Phase.explicit, Phase.generate), suppress_health_check=list(HealthCheck))
def test_the_api_keeps_its_spec_and_never_fails_for_any_role(case, pick, fuzz_world):
    for name, keys in WORLD_IDS.items():
        if pick is not None and name in (case.path_parameters or {}):
            case.path_parameters[name] = fuzz_world[keys[pick]]
    for role in ROLES:
        try:
            case.call_and_validate(headers=dict(fuzz_world["BEARERS"][role]), checks=CHECKS)
        except Exception as exc:
            exc.add_note(f"with the {role}'s token")
            raise

