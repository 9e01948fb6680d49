"""The spec (``/api/v1/openapi.json``, generated from the routes and schemas) and its page."""

import copy

from flask import current_app, jsonify, render_template

from crm.api import api_of, docs_bp


@docs_bp.route("/openapi.json")
def openapi_json():
    """The OpenAPI 3.1 description of the API."""
    spec = copy.deepcopy(api_of(current_app).spec.to_dict())
    spec["servers"] = [{"url": "/"}]
    return jsonify(spec)


@docs_bp.route("/docs")
def docs():
    """The API's documentation page (Swagger UI, vendored under static/vendor/)."""
    return render_template("api/docs.html")
