"""The spec is generated from the routes, valid OpenAPI 3.1, complete, and documented on a page
served from vendored files."""

import re

from openapi_spec_validator import validate
from openapi_spec_validator.validation import OpenAPIV31SpecValidator

from tests.crm.security.test_authz_matrix import app_rules


def test_the_spec_is_valid_openapi_3_1(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    spec = response.get_json()
    assert spec["openapi"] == "3.1.0"
    validate(spec, cls=OpenAPIV31SpecValidator)


def test_every_api_route_is_in_the_spec_with_problem_errors_and_bearer_auth(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    documented = {(re.sub(r"\{(\w+)\}", r"<int:\1>", path), method.upper())
                  for path, operations in spec["paths"].items() for method in operations if method != "parameters"}
    served = {key for key in app_rules(app) if key[0].startswith("/api/v1/")
              and key[0] not in ("/api/v1/openapi.json", "/api/v1/docs")}
    assert served == documented
    assert spec["security"] == [{"bearer": []}]
    default = spec["components"]["responses"]["DEFAULT_ERROR"]
    assert list(default["content"]) == ["application/problem+json"]
    for operations in spec["paths"].values():
        for method, operation in operations.items():
            if method != "parameters":
                assert operation["responses"]["default"] == {"$ref": "#/components/responses/DEFAULT_ERROR"}


def test_the_docs_page_uses_only_vendored_files(client):
    page = client.get("/api/v1/docs").get_data(as_text=True)
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources and all(source.startswith("/static/") for source in sources)
    for source in [*sources, "/static/vendor/swagger-ui/LICENSE"]:
        with client.get(source) as response:
            assert response.status_code == 200, source
