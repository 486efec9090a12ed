"""The flask-smorest ``Api`` that publishes the OpenAPI spec and its docs UI."""

from flask import Flask
from flask_smorest import Api, Blueprint
from flask_swagger_ui import get_swaggerui_blueprint

from sandbox import schemas

ERROR_DESCRIPTIONS = {
    400: "Invalid request body",
    401: "Authentication failure",
    403: "Valid credentials without permission",
    404: "Not found, or no permission to see it",
    405: "Method not allowed",
    406: "The Accept header excludes JSON",
    415: "Unsupported Content-Type",
}


def responds(blueprint: Blueprint, status: int, schema=None, **doc):
    """Document a view's success response, as ``blueprint.response`` would.

    pretix views return ready :class:`flask.Response` objects, which
    flask-smorest's wrapper passes through untouched; the wrapper is dropped
    and only its documentation kept, since it would cost every request a call.
    """

    def decorate(view):
        documented = blueprint.response(status, schema, **doc)(view)
        view._apidoc = documented._apidoc
        return view

    return decorate


def documents_errors(blueprint: Blueprint, *statuses: int):
    """Document pretix's error bodies for ``statuses`` on a view method."""

    def decorate(view):
        documented = view
        for status in statuses:
            schema = schemas.ValidationErrors if status == 400 else schemas.ErrorDetail
            documented = blueprint.alt_response(
                status, schema=schema, description=ERROR_DESCRIPTIONS[status]
            )(documented)

        # Keep the documentation, not alt_response's pass-through wrappers:
        # each would cost every request a call through the app context.
        view._apidoc = documented._apidoc
        return view

    return decorate


API_CONFIG = {
    "API_TITLE": "pretix-sandbox",
    "API_VERSION": "2026.8.0",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
}
DOCS_URL = "/api/v1/docs"
SPEC_URL = "/api/v1/openapi.json"


def init_app(app: Flask, blueprints: list[Blueprint]) -> Api:
    """Publish ``blueprints`` and the spec describing them.

    flask-smorest's ``Api`` keeps the spec it builds, so each app gets its own.
    """
    for key, value in API_CONFIG.items():
        app.config.setdefault(key, value)

    api = Api(app)
    for blueprint in blueprints:
        api.register_blueprint(blueprint)

    # The docs UI's scripts and styles ship with flask-swagger-ui: no CDN.
    app.register_blueprint(
        get_swaggerui_blueprint(DOCS_URL, SPEC_URL, {"app_name": "pretix-sandbox"})
    )

    app.extensions["sandbox.api"] = api
    return api
