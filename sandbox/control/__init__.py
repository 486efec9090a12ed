"""Test controls: the ``/_sandbox/`` API, the journal and injected faults."""

import hmac

from flask import Flask, current_app, request

from sandbox.control import faults, journal
from sandbox.errors import NotAuthenticated

CONTROL_PREFIX = "/_sandbox"


def require_admin() -> None:
    """``before_request``: the control API wants the admin token when one is set.

    ``serve`` refuses a non-loopback bind without one, so an unset token means
    only this machine can reach the controls.
    """
    expected = current_app.config["ADMIN_TOKEN"]
    if not expected or not request.path.startswith(CONTROL_PREFIX):
        return

    given = request.headers.get("Authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {expected}".encode()):
        raise NotAuthenticated()


def init_app(app: Flask) -> None:
    """Wire the controls in: admin check, faults before views, journal after."""
    app.before_request(require_admin)
    app.before_request(faults.inject)
    journal.init_app(app)
