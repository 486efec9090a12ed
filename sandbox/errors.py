"""The sandbox's one error path: exceptions carrying pretix's status and body."""

from typing import Any

from flask import Flask, Response, g, request
from werkzeug.exceptions import (
    HTTPException,
    MethodNotAllowed,
    NotFound,
    RequestEntityTooLarge,
)

from sandbox.rendering import allow_header, html_not_found, json_response

NOT_PROVIDED = "Authentication credentials were not provided."
NO_PERMISSION = "You do not have permission to perform this action."
NOT_FOUND = "Not found."
SERVER_ERROR = "A server error occurred."
TOO_LARGE = "Request body too large."


class APIError(Exception):
    """A failure answered with pretix's JSON body.

    ``body`` is a string (sent as ``{"detail": body}``) or a ready mapping
    such as validation errors.
    """

    status = 400

    def __init__(
        self,
        body: str | dict[str, Any],
        status: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(body)
        self.body = {"detail": body} if isinstance(body, str) else body
        self.status = status or self.status
        self.headers = headers or {}


class NotAuthenticated(APIError):
    """401 with the ``Token`` challenge that pretix always sends."""

    status = 401

    def __init__(self, detail: str = NOT_PROVIDED) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": "Token"})


class PermissionDenied(APIError):
    """403, for a valid credential that may not do this."""

    status = 403

    def __init__(self, detail: str = NO_PERMISSION) -> None:
        super().__init__(detail)


class ObjectNotFound(APIError):
    """404 for a missing object, named the way Django names its model."""

    status = 404

    def __init__(self, model: str | None = None) -> None:
        detail = f"No {model} matches the given query." if model else NOT_FOUND
        super().__init__(detail)


class PageNotFound(Exception):
    """Answer with pretix's HTML 404 page rather than JSON."""


def render_api_error(error: APIError) -> Response:
    """The JSON response for an :class:`APIError`."""
    return json_response(error.body, error.status, error.headers)


def render_http_exception(error: HTTPException) -> Response:
    """Werkzeug's exceptions, in pretix's shapes."""
    if isinstance(error, MethodNotAllowed):
        return _method_not_allowed(error)

    if isinstance(error, NotFound) or error.code is None:
        return html_not_found()

    if isinstance(error, RequestEntityTooLarge):
        return json_response({"detail": TOO_LARGE}, 413)

    messages = getattr(error, "data", {}).get("messages")
    if messages:
        # webargs' validation of a control API body, in pretix's error shape.
        body = {
            key: value for group in messages.values() for key, value in group.items()
        }
        return json_response(body, 400)

    if error.code >= 500:
        return json_response({"detail": SERVER_ERROR}, error.code)

    return json_response({"detail": error.description}, error.code)


def _method_not_allowed(error: MethodNotAllowed) -> Response:
    # API views answer in JSON (their Allow comes from the pipeline); plain
    # Django views such as the OAuth endpoints answer with an empty page.
    if g.get("allow"):
        detail = f'Method "{request.method}" not allowed.'
        return json_response({"detail": detail}, 405)

    response = Response(b"", status=405, mimetype="text/html")
    response.headers["Allow"] = allow_header(set(error.valid_methods or ()))
    return response


def init_app(app: Flask) -> None:
    """Route every failure through one renderer."""
    app.register_error_handler(APIError, render_api_error)
    app.register_error_handler(HTTPException, render_http_exception)
    app.register_error_handler(PageNotFound, lambda _error: html_not_found())
