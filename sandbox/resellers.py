"""The reseller ("VAR") API: accounts and the organizers they create."""

from flask import g
from flask_smorest import Blueprint
from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.exc import IntegrityError

from sandbox import schemas
from sandbox.api import documents_errors, responds
from sandbox.auth import Principal, user_access
from sandbox.db import get_connection
from sandbox.errors import APIError, ObjectNotFound
from sandbox.models import (
    GrantOrganizer,
    Organizer,
    OrganizerMember,
    Reseller,
    ResellerMember,
)
from sandbox.pagination import paginate
from sandbox.rendering import json_response
from sandbox.slugs import SLUG_TAKEN, validate_organizer
from sandbox.statements import Prepared
from sandbox.views import APIView

blp = Blueprint(
    "var",
    __name__,
    url_prefix="/api/v1/var",
    description="pretix Hosted's reseller API (user-level OAuth tokens only).",
)

MODEL_NAME = "ResellerAccount"
FIELDS = (
    "id",
    "name",
    "public_name",
    "public_url",
    "support_email",
    "support_phone",
    "communication_language",
)
LARGEST_ID = 2**63 - 1

_COLUMNS = [getattr(Reseller, field) for field in FIELDS]
_MINE = (
    ResellerMember.user_id == bindparam("user_id"),
    Reseller.namespace == bindparam("namespace"),
)
_PAGE = Prepared(
    select(*_COLUMNS)
    .join(ResellerMember)
    .where(*_MINE)
    .order_by(Reseller.id)
    .limit(bindparam("limit"))
    .offset(bindparam("offset"))
)
_COUNT = Prepared(
    select(func.count()).select_from(Reseller).join(ResellerMember).where(*_MINE)
)
_ONE = Prepared(
    select(*_COLUMNS)
    .join(ResellerMember)
    .where(*_MINE, Reseller.id == bindparam("reseller_id"))
)
_INSERT_ORGANIZER = insert(Organizer).returning(Organizer.id)
_INSERT_MEMBER = insert(OrganizerMember)
_INSERT_REACH = insert(GrantOrganizer)
_TAKEN = select(Organizer.id).where(
    Organizer.namespace == bindparam("namespace"),
    func.lower(Organizer.slug) == func.lower(bindparam("slug")),
)


def _mine(principal: Principal) -> dict:
    return {"namespace": g.namespace, "user_id": principal.user_id}


def get_reseller_or_404(principal: Principal, reseller_id: str) -> dict:
    """The caller's reseller account with this id.

    :raise ObjectNotFound: for a malformed id ("Not found."), and for a
        missing account or one the caller may not see (pretix's model 404).
    """
    try:
        number = int(reseller_id)
    except ValueError:
        raise ObjectNotFound() from None

    if abs(number) > LARGEST_ID:
        raise ObjectNotFound(MODEL_NAME)

    params = {**_mine(principal), "reseller_id": number}
    row = _ONE.first(get_connection(), params)
    if row is None:
        raise ObjectNotFound(MODEL_NAME)

    return dict(zip(FIELDS, row, strict=True))


@blp.route("/")
class ResellerList(APIView):
    """The reseller accounts of the token's user."""

    access = staticmethod(user_access)
    view_name = "Reseller Account List"

    @responds(blp, 200, schemas.ResellerPage)
    @documents_errors(blp, 401, 403, 404, 406)
    def get(self):
        """List the reseller accounts you have access to."""
        params = _mine(g.principal)
        connection = get_connection()

        def fetch(offset: int, limit: int) -> list[dict]:
            page = {**params, "offset": offset, "limit": limit}
            return [
                dict(zip(FIELDS, row, strict=True))
                for row in _PAGE.rows(connection, page)
            ]

        def count() -> int:
            return _COUNT.first(connection, params)[0]

        return json_response(paginate(fetch, count))


@blp.route("/<reseller_id>/")
class ResellerDetail(APIView):
    """One reseller account."""

    access = staticmethod(user_access)
    view_name = "Reseller Account Instance"

    @responds(blp, 200, schemas.Reseller)
    @documents_errors(blp, 401, 403, 404, 406)
    def get(self, reseller_id: str):
        """Show one reseller account, identified by its id."""
        return json_response(get_reseller_or_404(g.principal, reseller_id))


@blp.route("/<reseller_id>/create_organizer/")
class CreateOrganizer(APIView):
    """Organizer creation on behalf of a reseller account."""

    access = staticmethod(user_access)
    view_name = "Create organizer"

    @blp.doc(requestBody={"content": {"application/json": {"schema": "NewOrganizer"}}})
    @responds(blp, 201, schemas.CreatedOrganizer)
    @documents_errors(blp, 400, 401, 403, 404, 406, 415)
    def post(self, reseller_id: str):
        """Create an organizer associated with a reseller account."""
        principal = g.principal
        reseller = get_reseller_or_404(principal, reseller_id)

        fields, errors = validate_organizer(g.body)
        if errors and "slug" in fields and _slug_taken(fields["slug"]):
            errors = {"slug": [SLUG_TAKEN], **errors}

        if errors:
            raise APIError(errors)

        organizer_id = _create_organizer(principal, reseller["id"], fields)
        body = {"id": organizer_id, "name": fields["name"], "slug": fields["slug"]}
        return json_response(body, 201)


def _slug_taken(slug: str) -> bool:
    params = {"namespace": g.namespace, "slug": slug}
    return get_connection().execute(_TAKEN, params).first() is not None


def _create_organizer(principal: Principal, reseller_id: int, fields: dict) -> int:
    # One transaction: the organizer, its administrator team and the calling
    # token's reach are committed together before the 201 is sent. The unique
    # index on the folded slug decides a race; the loser gets pretix's 400.
    connection = get_connection()
    try:
        organizer_id = connection.execute(
            _INSERT_ORGANIZER,
            {"namespace": g.namespace, "reseller_id": reseller_id, **fields},
        ).scalar_one()
        connection.execute(
            _INSERT_MEMBER,
            {"organizer_id": organizer_id, "user_id": principal.user_id},
        )
        connection.execute(
            _INSERT_REACH,
            {"organizer_id": organizer_id, "grant_id": principal.grant_id},
        )
        connection.commit()
    except IntegrityError:
        connection.rollback()
        raise APIError({"slug": [SLUG_TAKEN]}) from None

    return organizer_id
