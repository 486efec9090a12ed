"""Independent worlds in one server, picked per request by a header."""

import re
from dataclasses import dataclass

from flask import Flask, current_app, g, request
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from sandbox.clock import namespace_now
from sandbox.db import get_connection, get_db
from sandbox.errors import APIError
from sandbox.models import DEFAULT_NAMESPACE, Namespace

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
    g.namespace_state = load_state(name)


def load_state(name: str) -> NamespaceState:
    """The namespace's state, after seeding it from the fixtures if new."""
    row = get_connection().execute(_STATE, {"name": name}).first()
    if row is None:
        _seed(name)
        row = get_connection().execute(_STATE, {"name": name}).first()

    return NamespaceState(name, *row)


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
