"""The fake OAuth 2 issuer: pretix's "Connect with pretix" flow."""

from flask import Flask
from flask_wtf.csrf import CSRFError

from sandbox.oauth import login, views
from sandbox.oauth.server import create_server


def init_app(app: Flask) -> None:
    """Register the login pages, the OAuth endpoints and the server."""
    app.config.setdefault("WTF_CSRF_FIELD_NAME", login.CSRF_FIELD)
    app.config.setdefault("SESSION_COOKIE_NAME", "pretix_session")
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")

    app.extensions["sandbox.oauth"] = create_server()
    app.register_blueprint(login.bp)
    app.register_blueprint(views.bp)
    app.register_error_handler(CSRFError, login.refuse_forgery)
