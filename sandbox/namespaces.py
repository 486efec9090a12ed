"""Independent worlds in one server, picked per request by a header."""

import re
from dataclasses import dataclass

from flask import Flask, current_app, g, request
from sqlalchemy import and_, bindparam, select
from sqlalchemy.exc import IntegrityError

from sandbox.auth import TokenRow, bearer_token
from sandbox.clock import namespace_now
from sandbox.db import get_connection, get_db
from sandbox.errors import APIError
from sandbox.models import DEFAULT_NAMESPACE, AccessToken, Namespace

HEADER = "X-Sandbox-Namespace"
VALID_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
INVALID_NAME = (
    "X-Sandbox-Namespace must be 1 to 64 letters, digits, dots, dashes or "
    "underscores, starting with a letter or digit."
)

_STATE = select(
    Namespace.clock_offset,
    Namespace.frozen_at,
    Namespace.faults_active,
    Namespace.journal_active,
    Namespace.doom_next_code,
).where(Namespace.name == bindparam("name"))
STATE_COLUMNS = 5

# The same row with the offered OAuth token's, in one round trip: most API
# requests carry a bearer token, and authentication needs this row anyway.
_STATE_AND_TOKEN = _STATE.add_columns(
    AccessToken.user_id,
    AccessToken.grant_id,
    AccessToken.scope,
    AccessToken.expires_at,
).outerjoin(
    AccessToken,
    and_(
        AccessToken.namespace == Namespace.name,
        AccessToken.token == bindparam("token"),
        AccessToken.revoked.is_(False),
    ),
)


@dataclass(frozen=True, slots=True)
class NamespaceState:
    """What a request needs to know of its namespace, read once per request."""

    name: str
    clock_offset: float
    frozen_at: float | None
    faults_active: bool
    journal_active: bool
    doom_next_code: bool

    def now(self) -> float:
        """Seconds since the epoch on this namespace's clock."""
        return namespace_now(self.clock_offset, self.frozen_at)


def select_namespace() -> None:
    """``before_request``: read the namespace, seeding it on first use.

    :raise APIError: 400 for a malformed namespace name.
    """
    name = request.headers.get(HEADER) or DEFAULT_NAMESPACE
    if not VALID_NAME.match(name):
        raise APIError(INVALID_NAME)

    g.namespace = name
    token = bearer_token()
    if token is None:
        g.namespace_state = load_state(name)
        return

    row = _state_row(_STATE_AND_TOKEN, {"name": name, "token": token})
    g.namespace_state = NamespaceState(name, *row[:STATE_COLUMNS])
    token_row = TokenRow(*row[STATE_COLUMNS:])
    g.prefetched_token = (token, None if token_row.user_id is None else token_row)


def load_state(name: str) -> NamespaceState:
    """The namespace's state, after seeding it from the fixtures if new."""
    return NamespaceState(name, *_state_row(_STATE, {"name": name}))


def _state_row(statement, params: dict):
    row = get_connection().execute(statement, params).first()
    if row is None:
        _seed(params["name"])
        row = get_connection().execute(statement, params).first()

    return row


def _seed(name: str) -> None:
    from sandbox.world import reset_namespace

    # Two workers may see a new namespace at once; the primary key lets one
    # seed it and the other find it seeded.
    try:
        with get_db().engine.begin() as connection:
            reset_namespace(connection, current_app.config["FIXTURES"], name)
    except IntegrityError:
        pass


def init_app(app: Flask) -> None:
    """Pick the namespace before anything else looks at the request."""
    app.before_request(select_namespace)
