"""Independent worlds in one server, picked per request by a header."""

import re
from typing import Any, NamedTuple

from flask import Request, current_app
from sqlalchemy import and_, bindparam, select
from sqlalchemy.exc import IntegrityError

from sandbox.auth import TokenRow, read_credentials
from sandbox.clock import namespace_now
from sandbox.db import get_connection, get_db
from sandbox.errors import APIError
from sandbox.models import DEFAULT_NAMESPACE, AccessToken, Namespace
from sandbox.statements import Prepared

HEADER = "X-Sandbox-Namespace"
ENVIRON_KEY = "HTTP_X_SANDBOX_NAMESPACE"
VALID_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
INVALID_NAME = (
    "X-Sandbox-Namespace must be 1 to 64 letters, digits, dots, dashes or "
    "underscores, starting with a letter or digit."
)

_STATE_QUERY = select(
    Namespace.clock_offset,
    Namespace.frozen_at,
    Namespace.faults_active,
    Namespace.journal_active,
    Namespace.doom_next_code,
).where(Namespace.name == bindparam("name"))
STATE_COLUMNS = 5

_STATE = Prepared(_STATE_QUERY)

# The same row with the offered OAuth token's, in one round trip: most API
# requests carry a bearer token, and authentication needs this row anyway.
_STATE_AND_TOKEN = Prepared(
    _STATE_QUERY.add_columns(
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
)


class NamespaceState(NamedTuple):
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


def select_namespace(request: Request, store: Any) -> None:
    """Read the namespace into ``store`` (``flask.g``), seeding it on first use.

    The offered OAuth token's row comes in the same query.

    :raise APIError: 400 for a malformed namespace name.
    """
    name = request.environ.get(ENVIRON_KEY) or DEFAULT_NAMESPACE
    if not VALID_NAME.match(name):
        raise APIError(INVALID_NAME)

    store.namespace = name
    store.credentials = credentials = read_credentials(request)
    if credentials.bearer is None:
        store.namespace_state = load_state(name)
        return

    row = _state_row(_STATE_AND_TOKEN, {"name": name, "token": credentials.bearer})
    store.namespace_state = _namespace_state(name, row)
    if row[STATE_COLUMNS] is not None:
        credentials.token_row = TokenRow(*row[STATE_COLUMNS:])


def load_state(name: str) -> NamespaceState:
    """The namespace's state, after seeding it from the fixtures if new."""
    return _namespace_state(name, _state_row(_STATE, {"name": name}))


def _namespace_state(name: str, row) -> NamespaceState:
    # The driver's row: SQLite answers booleans as 0 and 1.
    offset, frozen_at, faults, journal, doom = row[:STATE_COLUMNS]
    return NamespaceState(
        name, offset, frozen_at, bool(faults), bool(journal), bool(doom)
    )


def _state_row(statement: Prepared, params: dict):
    row = statement.first(get_connection(), params)
    if row is None:
        _seed(params["name"])
        row = statement.first(get_connection(), params)

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
