"""Who is calling: pretix's token authentication and its scope rules."""

from dataclasses import dataclass
from typing import Any, NamedTuple

from flask import Request
from sqlalchemy import bindparam, select

from sandbox.db import get_connection
from sandbox.errors import NOT_PROVIDED, NotAuthenticated, PermissionDenied
from sandbox.models import TeamToken
from sandbox.statements import Prepared

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

INVALID_TOKEN = "Invalid token."
NO_CREDENTIALS = "Invalid token header. No credentials provided."
HAS_SPACES = "Invalid token header. Token string should not contain spaces."

# Scheme keywords of pretix's token authenticators. Devices do not exist in the
# sandbox, so a device token is always an unknown one.
TOKEN_KEYWORDS = frozenset({"token", "device"})

_TEAM_LOOKUP = Prepared(
    select(TeamToken.organizer_id).where(
        TeamToken.namespace == bindparam("namespace"),
        TeamToken.token == bindparam("token"),
    )
)


class TokenRow(NamedTuple):
    """What authentication needs of an access token's row."""

    user_id: int
    grant_id: int
    scope: str
    expires_at: float


@dataclass(slots=True)
class Credentials:
    """What a request offers as credentials, read once per request.

    ``token_row`` is the offered OAuth token's row when it exists and is not
    revoked; :mod:`sandbox.namespaces` fetches it with the namespace.
    """

    header: list[str]
    bearer: str | None
    token_row: TokenRow | None = None


def read_credentials(request: Request) -> Credentials:
    """The request's ``Authorization`` header, split, and its OAuth token.

    The token is a ``Bearer`` header's, else the ``access_token`` query
    parameter's.
    """
    header = request.environ.get("HTTP_AUTHORIZATION", "").split()
    if len(header) == 2 and header[0].lower() == "bearer":
        return Credentials(header, header[1])

    # Asking werkzeug's MultiDict for a missing key costs an exception.
    args = request.args
    query_token = args["access_token"] if "access_token" in args else None
    return Credentials(header, query_token or None)


class Principal(NamedTuple):
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


def authenticate(store: Any) -> Principal | None:
    """The caller, or ``None`` without usable credentials.

    ``store`` is the request's ``flask.g``, holding its credentials and its
    namespace's state.

    :raise NotAuthenticated: for a malformed or unknown ``Token`` header.
    """
    credentials = store.credentials
    header = credentials.header
    if header and header[0].lower() in TOKEN_KEYWORDS:
        return _team_principal(header, store.namespace)

    return _oauth_principal(store) if credentials.bearer else None


def _team_principal(header: list[str], namespace: str) -> Principal:
    if len(header) == 1:
        raise NotAuthenticated(NO_CREDENTIALS)

    if len(header) > 2:
        raise NotAuthenticated(HAS_SPACES)

    found = None
    if header[0].lower() == "token":
        params = {"namespace": namespace, "token": header[1]}
        found = _TEAM_LOOKUP.first(get_connection(), params)

    if found is None:
        raise NotAuthenticated(INVALID_TOKEN)

    return Principal("team", organizer_id=found[0])


def _oauth_principal(store: Any) -> Principal | None:
    found = store.credentials.token_row
    if found is None or found.expires_at <= store.namespace_state.now():
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


def _challenge_free(principal_of, store: Any) -> Principal:
    # /me and /version put session authentication first in pretix, so every
    # failure there is a 403 without a WWW-Authenticate challenge.
    try:
        principal = principal_of(store)
    except NotAuthenticated as error:
        raise PermissionDenied(error.body["detail"]) from None

    if principal is None:
        raise PermissionDenied(NOT_PROVIDED)

    return principal


def token_access(method: str, store: Any) -> Principal:
    """OAuth or team token, with the method's scope (most of the API)."""
    principal = require_principal(authenticate(store))

    require_scope(principal, method)
    return principal


def user_access(method: str, store: Any) -> Principal:
    """User-level OAuth tokens only; team tokens are refused (``/var/``)."""
    principal = token_access(method, store)

    if not principal.is_oauth:
        raise PermissionDenied()

    return principal


def profile_access(_method: str, store: Any) -> Principal:
    """An OAuth token with ``read`` or ``profile`` (``/me``)."""
    principal = _challenge_free(_oauth_only, store)

    if not principal.scopes & {"read", "profile"}:
        raise PermissionDenied()

    return principal


def any_access(_method: str, store: Any) -> Principal:
    """Any valid token, failures answered with 403 (``/version``)."""
    return _challenge_free(authenticate, store)


def _oauth_only(store: Any) -> Principal | None:
    return _oauth_principal(store) if store.credentials.bearer else None
