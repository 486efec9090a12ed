"""The API's root, its version and the user behind a token."""

from flask import g, url_for
from flask_smorest import Blueprint
from sqlalchemy import bindparam, select

from sandbox import schemas
from sandbox.api import documents_errors, responds
from sandbox.auth import any_access, profile_access
from sandbox.db import get_connection
from sandbox.models import User
from sandbox.rendering import json_response
from sandbox.site import base_url
from sandbox.views import APIView

blp = Blueprint("index", __name__, url_prefix="/api/v1", description="About the API.")

PRETIX_VERSION = {"pretix": "2026.8.0", "pretix_numeric": 20260080005000}
ROUTES = {"organizers": "organizers.OrganizerList", "var": "var.ResellerList"}

_ME = select(
    User.email, User.fullname, User.locale, User.is_staff, User.timezone
).where(User.id == bindparam("user_id"))


@blp.route("/")
class Root(APIView):
    """The map of the API."""

    view_name = "Api Root"

    @responds(blp, 200, description="Route names and their absolute URLs")
    @documents_errors(blp, 401, 403, 406)
    def get(self):
        """List the API's collections with their URLs."""
        root = base_url()
        return json_response(
            {name: root + url_for(endpoint) for name, endpoint in ROUTES.items()}
        )


@blp.route("/version")
class Version(APIView):
    """The imitated pretix version."""

    access = staticmethod(any_access)
    view_name = "Version"

    @responds(blp, 200, schemas.Version)
    @documents_errors(blp, 403, 406)
    def get(self):
        """Show the pretix version the sandbox answers as."""
        return json_response(PRETIX_VERSION)


@blp.route("/me")
class Me(APIView):
    """The user behind an OAuth token."""

    access = staticmethod(profile_access)
    view_name = "Me"

    @responds(blp, 200, schemas.Me)
    @documents_errors(blp, 403, 406)
    def get(self):
        """Show the user your OAuth token acts for (scope read or profile)."""
        params = {"user_id": g.principal.user_id}
        row = get_connection().execute(_ME, params).one()
        return json_response(row._asdict())
