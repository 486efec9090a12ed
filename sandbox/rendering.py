"""pretix's response conventions: compact JSON and the headers every answer has."""

import json
from typing import Any

from flask import Response

JSON_TYPE = "application/json"

# pretix renders API JSON compactly with non-ASCII escaped; the encoder is
# built once because json.dumps with arguments builds a new one per call.
_encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=True).encode

# Django REST framework's order of methods in an ``Allow`` header.
METHOD_ORDER = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")

COMMON_HEADERS = (
    ("Vary", "Accept-Language, Cookie, Host"),
    ("Content-Language", "en"),
    ("X-Frame-Options", "DENY"),
)

HTML_NOT_FOUND = (
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
    "<title>Not found</title></head>\n<body><h1>Not found</h1>"
    "<p>The page you requested does not exist.</p></body></html>\n"
)


def json_response(
    payload: Any, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    """A response rendered the way pretix's API renders JSON."""
    listed = [("Content-Type", JSON_TYPE)]
    if headers:
        listed.extend(headers.items())

    return Response(_encode(payload), status=status, headers=listed)


def html_not_found() -> Response:
    """pretix's HTML 404 page, given for unknown URLs whatever the Accept."""
    response = Response(HTML_NOT_FOUND, status=404, mimetype="text/html")
    response.headers["Vary"] = "Cookie, Host, Accept-Language"
    return response


def slash_redirect(location: str) -> Response:
    """The 301 that adds a missing trailing slash, with a relative Location."""
    response = Response(b"", status=301, mimetype="text/html")
    response.headers["Location"] = location
    response.headers["Vary"] = "Host, Accept-Language"
    return response


def add_common_headers(response: Response) -> Response:
    """Add the headers pretix sends on API and OAuth answers, unless set."""
    headers = response.headers
    # One pass over the headers: each missing lookup in werkzeug's Headers
    # would raise and catch an HTTP exception.
    present = {name.lower() for name, _value in headers}
    for name, value in COMMON_HEADERS:
        if name.lower() not in present:
            headers.add(name, value)
    return response


def allow_header(methods: set[str]) -> str:
    """An ``Allow`` value for a rule's methods, in pretix's order."""
    return ", ".join(method for method in METHOD_ORDER if method in methods)
