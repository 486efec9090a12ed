"""The OAuth endpoints: authorize (with consent), token and revocation."""

from urllib.parse import quote

from authlib.common.urls import add_params_to_uri
from authlib.oauth2.rfc6749.errors import InvalidRequestError, OAuth2Error
from flask import (
    Blueprint,
    Response,
    current_app,
    render_template,
    request,
    url_for,
)
from sqlalchemy import select

from sandbox.db import get_connection
from sandbox.models import Organizer, OrganizerMember
from sandbox.oauth import authorize, storage
from sandbox.oauth.grants import AUTH_METHODS
from sandbox.oauth.login import check_csrf, current_user, found

bp = Blueprint("oauth", __name__, url_prefix="/api/v1/oauth")

SCOPE_DESCRIPTIONS = {
    "profile": "See your name, email address and locale",
    "read": "Read data of the organizers you choose",
    "write": "Change data of the organizers you choose",
}
NO_CACHE = "max-age=0, no-cache, no-store, must-revalidate, private"
REQUIRED = "This field is required."


def server():
    """The app's authorization server."""
    return current_app.extensions["sandbox.oauth"]


@bp.route("/authorize", methods=["GET", "POST"])
def authorize_view():
    """Ask the logged-in user to let an application act for them."""
    user = current_user()
    if user is None:
        return _login_redirect()

    params = request.form if request.method == "POST" else request.args
    try:
        asked = authorize.validate(params)
    except authorize.AuthorizePageError as error:
        return _error_page(error)
    except OAuth2Error as error:
        return server().handle_error_response(None, error)

    if request.method == "GET" and asked.needs_consent:
        return _consent_page(asked, user, error=None)

    if request.method == "POST":
        check_csrf()
        if "allow" not in request.form:
            return _deny(asked)

    return _grant(asked, user)


def _login_redirect():
    # Django's get_full_path: the raw query string, and no "?" without one.
    query = request.query_string.decode("latin-1")
    full_path = request.path + ("?" + query if query else "")
    return found(url_for("control.login") + "?next=" + quote(full_path, safe="/"))


def _grant(asked: authorize.AuthorizeRequest, user):
    organizer_ids = _chosen_organizers(asked, user)
    if organizer_ids is None:
        return _consent_page(asked, user, error=REQUIRED)

    code = storage.save_code(
        asked.client.id,
        user.id,
        asked.redirect_uri,
        asked.scope,
        organizer_ids,
        (asked.code_challenge, asked.code_challenge_method),
    )
    params = [("code", code)]
    if asked.state:
        params.append(("state", asked.state))
    return found(add_params_to_uri(asked.redirect_uri, params))


def _deny(asked: authorize.AuthorizeRequest):
    params = [("error", "access_denied")]
    if asked.state:
        params.append(("state", asked.state))
    return found(add_params_to_uri(asked.redirect_uri, params))


def _chosen_organizers(asked, user) -> list[int] | None:
    # None means the form must be shown again: no organizer, or one the user
    # has no team in.
    if not asked.needs_consent:
        return []

    available = {row.id for row in _user_organizers(user.id)}
    try:
        chosen = {int(item) for item in request.form.getlist("organizers")}
    except ValueError:
        return None

    if not chosen or not chosen <= available:
        return None

    return sorted(chosen)


def _user_organizers(user_id: int):
    statement = (
        select(Organizer.id, Organizer.name, Organizer.slug)
        .join(OrganizerMember, OrganizerMember.organizer_id == Organizer.id)
        .where(OrganizerMember.user_id == user_id)
        .order_by(Organizer.name)
    )
    return get_connection().execute(statement).all()


def _consent_page(asked: authorize.AuthorizeRequest, user, error: str | None):
    show_organizers = asked.scope.split() != ["profile"]
    page = render_template(
        "consent.html",
        application=asked.client.name,
        user=user,
        scopes=[(scope, SCOPE_DESCRIPTIONS[scope]) for scope in asked.scope.split()],
        hidden=asked.hidden_fields(),
        organizers=_user_organizers(user.id) if show_organizers else [],
        show_organizers=show_organizers,
        chosen=set(request.form.getlist("organizers")),
        error=error,
    )
    response = Response(page, 200, mimetype="text/html")
    response.headers["Cache-Control"] = NO_CACHE
    return response


def _error_page(error: authorize.AuthorizePageError):
    page = render_template(
        "oauth_error.html", error=error.error, description=error.description
    )
    return Response(page, 400, mimetype="text/html")


@bp.route("/token", methods=["POST"])
def token():
    """Exchange a code or a refresh token for an access token."""
    return server().create_token_response()


@bp.route("/revoke_token", methods=["POST"])
def revoke_token():
    """Revoke an access or refresh token; unknown tokens are fine."""
    oauth_request = server().create_oauth2_request(request)
    try:
        token_value = request.form.get("token")
        if not token_value:
            raise InvalidRequestError("Missing token parameter.")
        client = server().authenticate_client(oauth_request, AUTH_METHODS, "revocation")
    except OAuth2Error as error:
        return server().handle_error_response(oauth_request, error)

    storage.revoke(token_value, client.id)
    return Response(b"", 200, mimetype="text/html")
