"""The login session: Flask's signed cookie, free for requests without one.

Only the login and consent pages use a session, yet Flask opens and saves one
for every request, building a new signer each time: a third of a bare API
request's cost. API clients send no session cookie, so they skip it all.
"""

from flask import Flask, Request, Response
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface


class LoginSessionInterface(SecureCookieSessionInterface):
    """Signed-cookie sessions whose signer is built once per secret key."""

    def __init__(self) -> None:
        self._signer = (None, None)

    def get_signing_serializer(self, app: Flask):
        key = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        cached_key, signer = self._signer
        if cached_key != key:
            signer = super().get_signing_serializer(app)
            self._signer = (key, signer)

        return signer

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession:
        # Parsing an absent Cookie header still costs; look first.
        if "HTTP_COOKIE" not in request.environ:
            return self.session_class()

        if self.get_cookie_name(app) not in request.cookies:
            return self.session_class()

        return super().open_session(app, request)

    def save_session(
        self, app: Flask, session: SecureCookieSession, response: Response
    ) -> None:
        if session.accessed or session.modified or session:
            super().save_session(app, session, response)


def init_app(app: Flask) -> None:
    """Use the cheaper interface for ``app``'s sessions."""
    app.session_interface = LoginSessionInterface()
