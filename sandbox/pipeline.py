"""pretix's request pipeline around API views, in pretix's order.

Before the view: content negotiation (406), body parsing (400, 415),
authentication (401), permission (403). The method (405) and validation (400)
come after, from the router and the view. After it: the headers every answer
carries, and the view's ``Allow``.
"""

import json
from typing import Any
from urllib.parse import quote

from flask import Flask, Request, Response, current_app, request
from werkzeug.exceptions import MethodNotAllowed
from werkzeug.routing import RequestRedirect

from sandbox.errors import APIError, ObjectNotFound, PageNotFound
from sandbox.rendering import (
    add_common_headers,
    allow_header,
    html_not_found,
    json_response,
    slash_redirect,
)

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
JSON_MEDIA = frozenset({"*/*", "application/*", "application/json"})
FORM_MEDIA = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
NOT_ACCEPTABLE = "Could not satisfy the request Accept header."
JSON_PARSE_ERROR = "JSON parse error - Expected object or value"
PARSES = [
    "application/json",
    "application/x-www-form-urlencoded",
    "multipart/form-data",
]


def check_request(request: Request, store: Any) -> Response | None:
    """Run pretix's checks for the API view addressed; fill ``store`` (``g``)."""
    endpoint, view_args = _addressed_endpoint(request)
    view_class, allow = _route(endpoint)
    if view_class is None:
        return None

    store.allow = allow

    _negotiate(request)

    method = request.method
    store.body = _parse_body(request) if method in BODY_METHODS else None

    store.principal = principal = view_class.access(method, store)
    view_class.check_object(principal, **view_args)

    if method == "OPTIONS":
        return _describe(view_class)

    return None


def _addressed_endpoint(request: Request) -> tuple[str, dict]:
    # The endpoint and URL arguments of the view addressed, also when the
    # method is not allowed there: the object is checked before the method.
    error = request.routing_exception
    if error is None:
        return request.url_rule.endpoint, request.view_args or {}

    if isinstance(error, RequestRedirect):
        raise SlashMissing()

    if isinstance(error, MethodNotAllowed):
        adapter = current_app.create_url_adapter(request)
        return adapter.match(method=error.valid_methods[0])

    if _exists_with_slash(request):
        raise SlashMissing()

    raise PageNotFound()


def _exists_with_slash(request: Request) -> bool:
    # Werkzeug redirects only when the slashed route takes the request's
    # method; Django's APPEND_SLASH asks whether the slashed path exists.
    if request.path.endswith("/"):
        return False

    adapter = current_app.create_url_adapter(request)
    return bool(adapter.allowed_methods(request.path + "/"))


def _route(endpoint: str) -> tuple[type | None, str]:
    # The API view class behind an endpoint (None for other views) and its
    # Allow header, worked out on the endpoint's first request.
    known = current_app.extensions["sandbox.routes"]
    found = known.get(endpoint)
    if found is None:
        found = known[endpoint] = _describe_route(endpoint)

    return found


def _describe_route(endpoint: str) -> tuple[type | None, str]:
    view_class = getattr(current_app.view_functions[endpoint], "view_class", None)
    if getattr(view_class, "access", None) is None:
        return None, ""

    methods = set()
    for rule in current_app.url_map.iter_rules(endpoint):
        methods |= rule.methods or set()

    return view_class, allow_header(methods)


class SlashMissing(Exception):
    """The URL lacks the trailing slash of a route that has it."""


def add_slash(_error: SlashMissing) -> Response:
    """Django's APPEND_SLASH: redirect GET and HEAD, find nothing otherwise."""
    # An exception raised in an error handler would escape Flask: answer.
    if request.method not in ("GET", "HEAD"):
        return html_not_found()

    location = quote(request.path) + "/"
    query = request.query_string.decode("latin-1")
    if query:
        location += "?" + query

    return slash_redirect(location)


def _negotiate(request: Request) -> None:
    # Django's QueryDict answers a repeated parameter with its last value.
    # Most requests have no query at all, and werkzeug would still parse it.
    if request.environ.get("QUERY_STRING"):
        requested_format = (request.args.getlist("format") or [None])[-1]
        if requested_format is not None and requested_format != "json":
            raise ObjectNotFound()

    accept = request.environ.get("HTTP_ACCEPT")
    if not accept or accept in JSON_MEDIA:
        return

    media = {item.split(";", 1)[0].strip().lower() for item in accept.split(",")}
    if not media & JSON_MEDIA:
        raise APIError(NOT_ACCEPTABLE, 406)


def _parse_body(request: Request) -> dict | list | object:
    raw = request.get_data(cache=True)
    if not raw:
        return {}

    if request.mimetype == "application/json":
        return _parse_json(raw)

    if request.mimetype in FORM_MEDIA:
        # Django's QueryDict gives a repeated key's last value, as DRF reads it.
        return {key: values[-1] for key, values in request.form.lists()}

    content_type = request.headers.get("Content-Type", "")
    raise APIError(f'Unsupported media type "{content_type}" in request.', 415)


def _parse_json(raw: bytes) -> object:
    # UTF-8 only, as pretix reads it: json.loads would also guess UTF-16 and
    # skip a byte-order mark. UnicodeDecodeError is a ValueError.
    try:
        return json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        raise APIError(JSON_PARSE_ERROR) from None


def _reject_constant(constant: str) -> float:
    raise ValueError(f"{constant} is not valid JSON")


def _describe(view_class):
    return json_response(
        {
            "name": view_class.view_name,
            "description": "",
            "renders": ["application/json"],
            "parses": PARSES,
        }
    )


def finish_response(store: Any, response: Response) -> Response:
    """pretix's common headers and the API view's ``Allow``."""
    allow = getattr(store, "allow", None)
    if allow:
        response.headers.set("Allow", allow)

    return add_common_headers(response)


def init_app(app: Flask) -> None:
    """Prepare the pipeline; its steps run from :mod:`sandbox.lifecycle`."""
    app.extensions["sandbox.routes"] = {}
    app.url_map.merge_slashes = False
    app.register_error_handler(SlashMissing, add_slash)
