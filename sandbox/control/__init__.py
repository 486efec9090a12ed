"""Test controls: the ``/_sandbox/`` API, the journal and injected faults."""

import hmac
from typing import Any

from flask import Flask, Request, current_app

from sandbox.control import journal
from sandbox.errors import NotAuthenticated

CONTROL_PREFIX = "/_sandbox"


def require_admin(request: Request, _store: Any) -> None:
    """The control API wants the admin token when one is set.

    ``serve`` refuses a non-loopback bind without one, so an unset token means
    only this machine can reach the controls.
    """
    expected = current_app.config["ADMIN_TOKEN"]
    if not expected or not request.path.startswith(CONTROL_PREFIX):
        return

    given = request.environ.get("HTTP_AUTHORIZATION", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {expected}".encode()):
        raise NotAuthenticated()


def init_app(app: Flask) -> None:
    """Give the app its journal writer; the steps run from :mod:`sandbox.lifecycle`."""
    journal.init_app(app)
