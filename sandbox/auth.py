"""Who is calling: pretix's token authentication and its scope rules."""

from dataclasses import dataclass
from typing import NamedTuple

from flask import g, request
from sqlalchemy import bindparam, select

from sandbox.db import get_connection
from sandbox.errors import NOT_PROVIDED, NotAuthenticated, PermissionDenied
from sandbox.models import TeamToken

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

INVALID_TOKEN = "Invalid token."
NO_CREDENTIALS = "Invalid token header. No credentials provided."
HAS_SPACES = "Invalid token header. Token string should not contain spaces."

# Scheme keywords of pretix's token authenticators. Devices do not exist in the
# sandbox, so a device token is always an unknown one.
TOKEN_KEYWORDS = frozenset({"token", "device"})

_TEAM_LOOKUP = select(TeamToken.organizer_id).where(
    TeamToken.namespace == bindparam("namespace"),
    TeamToken.token == bindparam("token"),
)


class TokenRow(NamedTuple):
    """What authentication needs of an access token's row."""

    user_id: int
    grant_id: int
    scope: str
    expires_at: float


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated caller: a user's OAuth grant or an organizer's team."""

    kind: str
    scopes: frozenset[str] = frozenset()
    user_id: int | None = None
    grant_id: int | None = None
    organizer_id: int | None = None

    @property
    def is_oauth(self) -> bool:
        """Whether this is a user-level OAuth access token."""
        return self.kind == "oauth"


def authenticate() -> Principal | None:
    """The caller, or ``None`` without usable credentials.

    :raise NotAuthenticated: for a malformed or unknown ``Token`` header.
    """
    parts = request.headers.get("Authorization", "").split()
    if parts and parts[0].lower() in TOKEN_KEYWORDS:
        return _team_principal(parts)

    token = bearer_token(parts)
    return _oauth_principal(token) if token else None


def bearer_token(parts: list[str] | None = None) -> str | None:
    """The OAuth token a request offers: a ``Bearer`` header, else the query's."""
    if parts is None:
        parts = request.headers.get("Authorization", "").split()

    if len(parts) == 2 and parts[0].lower() == "bearer":
        return parts[1]

    return request.args.get("access_token") or None


def _team_principal(parts: list[str]) -> Principal:
    if len(parts) == 1:
        raise NotAuthenticated(NO_CREDENTIALS)

    if len(parts) > 2:
        raise NotAuthenticated(HAS_SPACES)

    found = None
    if parts[0].lower() == "token":
        params = {"namespace": g.namespace, "token": parts[1]}
        found = get_connection().execute(_TEAM_LOOKUP, params).first()

    if found is None:
        raise NotAuthenticated(INVALID_TOKEN)

    return Principal("team", organizer_id=found.organizer_id)


def _oauth_principal(token: str) -> Principal | None:
    # The namespace's state query fetched the offered token's row already
    # (sandbox.namespaces), in the same round trip.
    token_offered, found = g.get("prefetched_token", (None, None))
    if found is None or token_offered != token:
        return None

    if found.expires_at <= g.namespace_state.now():
        return None

    return Principal(
        "oauth",
        scopes=frozenset(found.scope.split()),
        user_id=found.user_id,
        grant_id=found.grant_id,
    )


def require_scope(principal: Principal, method: str) -> None:
    """pretix's scope rule: ``read`` reads, ``write`` writes, nothing else.

    :raise PermissionDenied: when the token's scopes do not cover ``method``.
    """
    if not principal.is_oauth:
        return

    needed = "read" if method in SAFE_METHODS else "write"
    if needed not in principal.scopes:
        raise PermissionDenied()


def require_principal(principal: Principal | None) -> Principal:
    """The caller, or pretix's 401 when there is none."""
    if principal is None:
        raise NotAuthenticated(NOT_PROVIDED)

    return principal


def _challenge_free(principal_of) -> Principal:
    # /me and /version put session authentication first in pretix, so every
    # failure there is a 403 without a WWW-Authenticate challenge.
    try:
        principal = principal_of()
    except NotAuthenticated as error:
        raise PermissionDenied(error.body["detail"]) from None

    if principal is None:
        raise PermissionDenied(NOT_PROVIDED)

    return principal


def token_access(method: str) -> Principal:
    """OAuth or team token, with the method's scope (most of the API)."""
    principal = require_principal(authenticate())

    require_scope(principal, method)
    return principal


def user_access(method: str) -> Principal:
    """User-level OAuth tokens only; team tokens are refused (``/var/``)."""
    principal = token_access(method)

    if not principal.is_oauth:
        raise PermissionDenied()

    return principal


def profile_access(_method: str) -> Principal:
    """An OAuth token with ``read`` or ``profile`` (``/me``)."""
    principal = _challenge_free(_oauth_only)

    if not principal.scopes & {"read", "profile"}:
        raise PermissionDenied()

    return principal


def any_access(_method: str) -> Principal:
    """Any valid token, failures answered with 403 (``/version``)."""
    return _challenge_free(authenticate)


def _oauth_only() -> Principal | None:
    token = bearer_token()
    return _oauth_principal(token) if token else None
