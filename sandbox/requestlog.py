"""One log line per request, for operators; never a query string or token."""

import logging
import time

from flask import Flask, Response, g, request

logger = logging.getLogger("sandbox.requests")


def start_timer() -> None:
    """``before_request``: note when the request began."""
    g.started = time.perf_counter()


def log_request(response: Response) -> Response:
    """``after_request``: method, path, status and milliseconds."""
    if logger.isEnabledFor(logging.INFO):
        elapsed = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
        # The path alone: query strings may carry ?access_token=.
        logger.info(
            "%s %s %s %.1fms",
            request.method,
            request.path,
            response.status_code,
            elapsed,
        )
    return response


def init_app(app: Flask) -> None:
    """Time and log every request."""
    app.before_request(start_timer)
    app.after_request(log_request)
