"""One log line per request, for operators; never a query string or token."""

import logging
import time
from typing import Any

from flask import Request, Response

logger = logging.getLogger("sandbox.requests")


def start_timer(store: Any) -> None:
    """Note in ``store`` (``flask.g``) when the request began."""
    store.started = time.perf_counter()


def log_request(request: Request, store: Any, response: Response) -> None:
    """Method, path, status and milliseconds."""
    if logger.isEnabledFor(logging.INFO):
        elapsed = (time.perf_counter() - store.started) * 1000
        # The path alone: query strings may carry ?access_token=.
        logger.info(
            "%s %s %s %.1fms",
            request.method,
            request.path,
            response.status_code,
            elapsed,
        )
