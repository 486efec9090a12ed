"""Logging fixture users in and out, for the consent page."""

from flask import (
    Blueprint,
    Response,
    g,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf.csrf import CSRFError, validate_csrf
from sqlalchemy import func, select
from wtforms import ValidationError

from sandbox.db import get_connection
from sandbox.models import User
from sandbox.secrets import check_password

bp = Blueprint("control", __name__, url_prefix="/control")

UNKNOWN_CREDENTIALS = "This combination of credentials is not known to our system."
CSRF_FIELD = "csrfmiddlewaretoken"


def found(location: str) -> Response:
    """A 302 with an empty body, as Django redirects."""
    return Response(b"", status=302, headers={"Location": location})


def current_user():
    """The logged-in user of the request's namespace, or ``None``."""
    user_id = session.get("user_id")
    if user_id is None or session.get("namespace") != g.namespace:
        return None

    statement = select(User).where(User.id == user_id, User.namespace == g.namespace)
    return get_connection().execute(statement).first()


def check_csrf() -> None:
    """Refuse a form post without this session's CSRF token.

    :raise CSRFError: answered with a 403 page.
    """
    try:
        validate_csrf(request.form.get(CSRF_FIELD))
    except ValidationError as error:
        raise CSRFError(error.args[0]) from None


def _safe_next(target: str | None) -> str:
    # Only paths on this site: an absolute or protocol-relative URL would
    # make the login page an open redirect.
    if target and target.startswith("/") and not target.startswith("//"):
        return target

    return url_for("control.login")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log a fixture user in, then go back to ``next``."""
    next_url = request.values.get("next", "")
    if request.method == "GET":
        return render_template("login.html", next=next_url, email="", error=None)

    check_csrf()
    email = request.form.get("email", "").strip()
    user = _find_user(email)

    if user is None or not check_password(
        user.password_hash, request.form.get("password", "")
    ):
        page = render_template(
            "login.html", next=next_url, email=email, error=UNKNOWN_CREDENTIALS
        )
        return page, 200

    session.clear()
    session["user_id"] = user.id
    session["namespace"] = g.namespace
    return found(_safe_next(next_url))


def _find_user(email: str):
    if not email:
        return None

    statement = select(User).where(
        User.namespace == g.namespace, func.lower(User.email) == email.lower()
    )
    return get_connection().execute(statement).first()


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    """Forget the logged-in user."""
    session.clear()
    return found(url_for("control.login"))


def refuse_forgery(error: CSRFError):
    """A form posted without a valid CSRF token: a 403 page."""
    page = render_template(
        "oauth_error.html", error="csrf_failed", description=error.description
    )
    return page, 403
