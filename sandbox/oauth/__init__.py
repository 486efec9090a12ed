"""The fake OAuth 2 issuer: pretix's "Connect with pretix" flow."""

from flask import Flask
from flask_wtf.csrf import CSRFError, generate_csrf

from sandbox.oauth import login, session, views
from sandbox.oauth.server import create_server

SESSION_DEFAULTS = {
    "SESSION_COOKIE_NAME": "pretix_session",
    "SESSION_COOKIE_SAMESITE": "Lax",
}


def init_app(app: Flask) -> None:
    """Register the login pages, the OAuth endpoints and the server."""
    app.config.setdefault("WTF_CSRF_FIELD_NAME", login.CSRF_FIELD)
    # Flask fills these keys with its defaults before any extension runs, so
    # setdefault would never apply; a value someone configured is kept.
    for key, value in SESSION_DEFAULTS.items():
        if app.config[key] == Flask.default_config[key]:
            app.config[key] = value

    session.init_app(app)
    app.extensions["sandbox.oauth"] = create_server()
    app.register_blueprint(login.bp)
    app.register_blueprint(views.bp)
    app.register_error_handler(CSRFError, login.refuse_forgery)
    # The forms' hidden token; CSRFProtect is not used, as it would also guard
    # the API and the token endpoint.
    app.jinja_env.globals["csrf_token"] = generate_csrf
