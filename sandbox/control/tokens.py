"""Tokens without a browser, and OAuth failures on demand."""

from flask import g
from sqlalchemy import func, select, update

from sandbox.db import get_connection
from sandbox.errors import APIError
from sandbox.models import (
    AccessToken,
    Application,
    Namespace,
    Organizer,
    OrganizerMember,
    User,
)
from sandbox.oauth import storage
from sandbox.oauth.clients import SCOPES


def mint(
    email: str, scope: str, slugs: list[str] | None, client_id: str | None
) -> dict:
    """Issue a grant as the consent page would; the token endpoint's body.

    :raise APIError: 400 naming the unknown user, organizer, scope or client.
    """
    user_id = _user_id(email)
    application_id = _application_id(client_id)
    scope = _scope(scope)
    organizer_ids = _organizer_ids(user_id, slugs)

    issued = storage.issue_grant(application_id, user_id, scope, organizer_ids)
    return issued.body()


def _user_id(email: str) -> int:
    found = (
        get_connection()
        .execute(
            select(User.id).where(
                User.namespace == g.namespace, func.lower(User.email) == email.lower()
            )
        )
        .scalar()
    )
    if found is None:
        raise APIError({"user": [f"No user {email!r} in this namespace."]})
    return found


def _application_id(client_id: str | None) -> int:
    statement = select(Application.id).where(Application.namespace == g.namespace)
    if client_id:
        statement = statement.where(Application.client_id == client_id)

    found = get_connection().execute(statement.order_by(Application.id)).scalar()
    if found is None:
        raise APIError({"client_id": ["No such application in this namespace."]})
    return found


def _scope(scope: str) -> str:
    words = set(scope.split())
    if not words or not words <= set(SCOPES):
        raise APIError({"scope": [f"Use words of: {' '.join(SCOPES)}."]})
    return " ".join(item for item in SCOPES if item in words)


def _organizer_ids(user_id: int, slugs: list[str] | None) -> list[int]:
    rows = (
        get_connection()
        .execute(
            select(Organizer.id, Organizer.slug)
            .join(OrganizerMember, OrganizerMember.organizer_id == Organizer.id)
            .where(OrganizerMember.user_id == user_id)
        )
        .all()
    )
    by_slug = {row.slug: row.id for row in rows}
    if slugs is None:
        return sorted(by_slug.values())

    unknown = [slug for slug in slugs if slug not in by_slug]
    if unknown:
        message = f"The user is in no team of: {', '.join(unknown)}."
        raise APIError({"organizers": [message]})
    return sorted(by_slug[slug] for slug in slugs)


def expire(token: str) -> bool:
    """Make an access token expire now; ``False`` if it is unknown."""
    connection = get_connection()
    changed = connection.execute(
        update(AccessToken)
        .where(AccessToken.namespace == g.namespace, AccessToken.token == token)
        .values(expires_at=g.namespace_state.now())
    )
    connection.commit()
    return changed.rowcount > 0


def doom_next_code() -> None:
    """Make the next authorization code fail at the token endpoint."""
    connection = get_connection()
    connection.execute(
        update(Namespace)
        .where(Namespace.name == g.namespace)
        .values(doom_next_code=True)
    )
    connection.commit()
