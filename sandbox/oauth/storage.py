"""Codes, grants and tokens in the database, so every worker agrees."""

from dataclasses import dataclass

from flask import current_app, g
from sqlalchemy import bindparam, insert, select, update

from sandbox.db import get_connection
from sandbox.models import (
    AccessToken,
    AuthorizationCode,
    Grant,
    GrantOrganizer,
    Namespace,
)
from sandbox.secrets import new_token


@dataclass(frozen=True)
class IssuedToken:
    """What the token endpoint answers, in pretix's key order."""

    access_token: str
    expires_in: int
    scope: str
    refresh_token: str

    def body(self) -> dict:
        """The token response body."""
        return {
            "access_token": self.access_token,
            "expires_in": self.expires_in,
            "token_type": "Bearer",
            "scope": self.scope,
            "refresh_token": self.refresh_token,
        }


def now() -> float:
    """The request's namespace's time."""
    return g.namespace_state.now()


def save_code(
    application_id: int,
    user_id: int,
    redirect_uri: str,
    scope: str,
    organizer_ids: list[int],
    challenge: tuple[str | None, str | None],
) -> str:
    """Store a new single-use authorization code and return it."""
    code = new_token()
    lifetime = current_app.config["CODE_LIFETIME"]
    connection = get_connection()

    connection.execute(
        insert(AuthorizationCode),
        {
            "namespace": g.namespace,
            "code": code,
            "application_id": application_id,
            "user_id": user_id,
            "redirect_uri": redirect_uri,
            "scope": scope,
            "organizer_ids": " ".join(str(item) for item in organizer_ids),
            "code_challenge": challenge[0],
            "code_challenge_method": challenge[1],
            "expires_at": now() + lifetime,
            "doomed": g.namespace_state.doom_next_code,
        },
    )
    if g.namespace_state.doom_next_code:
        connection.execute(
            update(Namespace)
            .where(Namespace.name == g.namespace)
            .values(doom_next_code=False)
        )
    connection.commit()
    return code


_LIVE_CODE = select(AuthorizationCode).where(
    AuthorizationCode.namespace == bindparam("namespace"),
    AuthorizationCode.code == bindparam("code"),
    AuthorizationCode.application_id == bindparam("application_id"),
    AuthorizationCode.used.is_(False),
    AuthorizationCode.doomed.is_(False),
    AuthorizationCode.expires_at > bindparam("now"),
)
_LIVE_GRANT = select(Grant).where(
    Grant.namespace == bindparam("namespace"),
    Grant.refresh_token == bindparam("refresh_token"),
    Grant.application_id == bindparam("application_id"),
    Grant.revoked.is_(False),
)


def find_code(code: str, application_id: int):
    """A live, unused code of this application, or ``None``."""
    params = {
        "namespace": g.namespace,
        "code": code,
        "application_id": application_id,
        "now": now(),
    }
    return get_connection().execute(_LIVE_CODE, params).first()


def claim_code(code_id: int) -> bool:
    """Mark a code used; ``False`` when another request used it first.

    The update is the check, so two token requests racing with one code
    cannot both win.
    """
    claimed = get_connection().execute(
        update(AuthorizationCode)
        .where(AuthorizationCode.id == code_id, AuthorizationCode.used.is_(False))
        .values(used=True)
    )
    return claimed.rowcount == 1


def issue_grant(
    application_id: int, user_id: int, scope: str, organizer_ids: list[int]
) -> IssuedToken:
    """A new grant with its refresh token and a first access token."""
    connection = get_connection()
    refresh_token = new_token()

    grant_id = connection.execute(
        insert(Grant).returning(Grant.id),
        {
            "namespace": g.namespace,
            "user_id": user_id,
            "application_id": application_id,
            "refresh_token": refresh_token,
            "scope": scope,
        },
    ).scalar_one()
    if organizer_ids:
        connection.execute(
            insert(GrantOrganizer),
            [{"grant_id": grant_id, "organizer_id": item} for item in organizer_ids],
        )

    issued = _add_access_token(grant_id, user_id, scope, refresh_token)
    connection.commit()
    return issued


def find_grant(refresh_token: str, application_id: int):
    """The live grant behind a refresh token of this application, if any."""
    params = {
        "namespace": g.namespace,
        "refresh_token": refresh_token,
        "application_id": application_id,
    }
    return get_connection().execute(_LIVE_GRANT, params).first()


def refresh(grant, scope: str) -> IssuedToken | None:
    """Replace the grant's access tokens with a new one; the old stop at once.

    Returns ``None`` when the grant was revoked meanwhile.
    """
    connection = get_connection()

    # Concurrent refreshes of one grant queue on its row (PostgreSQL; SQLite
    # serialises writers anyway) instead of deadlocking on its tokens' rows.
    live = connection.execute(
        select(Grant.id)
        .where(Grant.id == grant.id, Grant.revoked.is_(False))
        .with_for_update()
    ).first()
    if live is None:
        connection.rollback()
        return None

    connection.execute(
        update(AccessToken)
        .where(AccessToken.grant_id == grant.id, AccessToken.revoked.is_(False))
        .values(revoked=True)
    )
    if scope != grant.scope:
        connection.execute(
            update(Grant).where(Grant.id == grant.id).values(scope=scope)
        )

    issued = _add_access_token(grant.id, grant.user_id, scope, grant.refresh_token)
    connection.commit()
    return issued


def _add_access_token(
    grant_id: int, user_id: int, scope: str, refresh_token: str
) -> IssuedToken:
    lifetime = current_app.config["ACCESS_TOKEN_LIFETIME"]
    access_token = new_token()

    get_connection().execute(
        insert(AccessToken),
        {
            "namespace": g.namespace,
            "token": access_token,
            "grant_id": grant_id,
            "user_id": user_id,
            "scope": scope,
            "expires_at": now() + lifetime,
        },
    )
    return IssuedToken(access_token, lifetime, scope, refresh_token)


def revoke(token: str, application_id: int) -> None:
    """Revoke an access token, or a refresh token with its access tokens.

    Unknown tokens and other applications' tokens are ignored, as in pretix.
    """
    connection = get_connection()
    own_grants = select(Grant.id).where(
        Grant.namespace == g.namespace, Grant.application_id == application_id
    )

    connection.execute(
        update(AccessToken)
        .where(
            AccessToken.namespace == g.namespace,
            AccessToken.token == token,
            AccessToken.grant_id.in_(own_grants),
        )
        .values(revoked=True)
    )

    grant_id = connection.execute(
        own_grants.where(Grant.refresh_token == token, Grant.revoked.is_(False))
    ).scalar()
    if grant_id is not None:
        connection.execute(
            update(Grant).where(Grant.id == grant_id).values(revoked=True)
        )
        connection.execute(
            update(AccessToken)
            .where(AccessToken.grant_id == grant_id)
            .values(revoked=True)
        )

    connection.commit()
