"""The fixtures' world in the database: seeding and clearing namespaces,
first start and reset."""

import functools
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Flask
from sqlalchemy import Connection, Table, bindparam, delete, insert, select
from sqlalchemy.sql.elements import ColumnElement

from sandbox import models
from sandbox.clock import namespace_now
from sandbox.db import Database
from sandbox.fixtures import Seed, cached_seed
from sandbox.models import DEFAULT_NAMESPACE, Namespace
from sandbox.secrets import new_token
from sandbox.statements import Prepared

logger = logging.getLogger(__name__)


def reset_namespace(connection: Connection, fixtures: str, namespace: str) -> None:
    """Replace a namespace's data with the fixtures', in the caller's transaction."""
    seed = cached_seed(fixtures)

    clear_namespace(connection, namespace)
    seed_namespace(connection, namespace, seed, namespace_now(0.0, None))


def prepare(app: Flask) -> bool:
    """Create a missing schema and seed an empty default namespace.

    Returns whether the fixtures were loaded; existing data is kept.
    """
    database: Database = app.extensions["sandbox.db"]
    database.create_schema()

    with database.engine.begin() as connection:
        present = connection.execute(
            select(Namespace.name).where(Namespace.name == DEFAULT_NAMESPACE)
        ).first()
        if present is not None:
            return False

        reset_namespace(connection, app.config["FIXTURES"], DEFAULT_NAMESPACE)

    logger.info("Loaded fixtures from %s", app.config["FIXTURES"])
    return True


def reset(app: Flask, namespace: str) -> None:
    """Put one namespace back to the app's fixtures, in a transaction of its own."""
    database: Database = app.extensions["sandbox.db"]
    with database.engine.begin() as connection:
        reset_namespace(connection, app.config["FIXTURES"], namespace)


def reload(app: Flask, namespace: str = DEFAULT_NAMESPACE) -> None:
    """Reset a namespace to the fixtures, creating the schema if needed."""
    app.extensions["sandbox.db"].create_schema()
    reset(app, namespace)

    logger.info("Loaded fixtures from %s into %s", app.config["FIXTURES"], namespace)


def seed_namespace(
    connection: Connection, namespace: str, seed: Seed, now: float | datetime
) -> None:
    """Insert ``seed`` as namespace ``namespace`` within the caller's transaction.

    ``now`` is the namespace's time, in seconds since the epoch or as a datetime;
    token expiries count from it.
    """
    if isinstance(now, datetime):
        now = now.timestamp()

    connection.execute(insert(_table(models.Namespace)), {"name": namespace})

    users = _seed_people(connection, namespace, seed)
    organizers = _seed_organizers(connection, namespace, seed, users)
    applications = _seed_applications(connection, namespace, seed)

    ids = _Ids(users, organizers, applications)
    _seed_tokens(connection, namespace, seed, now, ids)


@dataclass(frozen=True)
class _Ids:
    """Database ids of one namespace's rows, by natural key."""

    users: dict[str, int]
    organizers: dict[str, int]
    applications: dict[str, int]


def _seed_people(connection: Connection, namespace: str, seed: Seed) -> dict[str, int]:
    """Insert users, resellers and reseller members; return user ids by e-mail."""
    users = _insert_returning(
        connection,
        models.User,
        "email",
        [{"namespace": namespace, **_fields(user)} for user in seed.users],
    )

    _insert(
        connection,
        models.Reseller,
        [
            {"namespace": namespace, **_fields(reseller, "members")}
            for reseller in seed.resellers
        ],
    )

    _insert(
        connection,
        models.ResellerMember,
        [
            {
                "namespace": namespace,
                "reseller_id": reseller.id,
                "user_id": users[email],
            }
            for reseller in seed.resellers
            for email in reseller.members
        ],
    )
    return users


def _seed_organizers(
    connection: Connection, namespace: str, seed: Seed, users: dict[str, int]
) -> dict[str, int]:
    """Insert organizers and their teams; return organizer ids by slug."""
    organizers = _insert_returning(
        connection,
        models.Organizer,
        "slug",
        [
            {
                "namespace": namespace,
                "slug": organizer.slug,
                "name": organizer.name,
                "reseller_id": organizer.reseller,
            }
            for organizer in seed.organizers
        ],
    )

    _insert(
        connection,
        models.OrganizerMember,
        [
            {"organizer_id": organizers[organizer.slug], "user_id": users[email]}
            for organizer in seed.organizers
            for email in organizer.members
        ],
    )
    return organizers


def _seed_applications(
    connection: Connection, namespace: str, seed: Seed
) -> dict[str, int]:
    """Insert the OAuth applications; return their ids by client_id."""
    return _insert_returning(
        connection,
        models.Application,
        "client_id",
        [
            {
                "namespace": namespace,
                **_fields(application, "redirect_uris"),
                # pretix (django-oauth-toolkit) keeps redirect URIs space-separated.
                "redirect_uris": " ".join(application.redirect_uris),
            }
            for application in seed.applications
        ],
    )


def _seed_tokens(
    connection: Connection, namespace: str, seed: Seed, now: float, ids: _Ids
) -> None:
    """Insert one grant and one access token per fixture token, and team tokens."""
    refresh_tokens = [token.refresh_token or new_token() for token in seed.tokens]
    grants = _insert_returning(
        connection,
        models.Grant,
        "refresh_token",
        [
            {
                "namespace": namespace,
                "user_id": ids.users[token.user],
                "application_id": ids.applications[token.application],
                "refresh_token": refresh,
                "scope": token.scope,
                "revoked": False,
            }
            for token, refresh in zip(seed.tokens, refresh_tokens, strict=True)
        ],
    )

    pairs = list(zip(seed.tokens, refresh_tokens, strict=True))
    _insert(
        connection,
        models.GrantOrganizer,
        [
            {"grant_id": grants[refresh], "organizer_id": ids.organizers[slug]}
            for token, refresh in pairs
            for slug in token.organizers
        ],
    )
    _insert(
        connection,
        models.AccessToken,
        [
            {
                "namespace": namespace,
                "token": token.access_token,
                "grant_id": grants[refresh],
                "user_id": ids.users[token.user],
                "scope": token.scope,
                "expires_at": now + token.expires_in,
                "revoked": False,
            }
            for token, refresh in pairs
        ],
    )
    _insert(
        connection,
        models.TeamToken,
        [
            {
                "namespace": namespace,
                "token": team_token.token,
                "organizer_id": ids.organizers[team_token.organizer],
            }
            for team_token in seed.team_tokens
        ],
    )


def _table(model: type[models.Base]) -> Table:
    return model.__table__  # type: ignore[return-value]


def _fields(record: object, *leave_out: str) -> dict[str, Any]:
    return {
        name: value for name, value in vars(record).items() if name not in leave_out
    }


def _insert(
    connection: Connection, model: type[models.Base], rows: list[dict[str, Any]]
) -> None:
    """Insert ``rows`` in one executemany; an empty list inserts nothing."""
    if rows:
        _prepared_insert(model, tuple(rows[0])).many(connection, rows)


@functools.cache
def _prepared_insert(model: type[models.Base], columns: tuple[str, ...]) -> Prepared:
    # Resets run these for every test; SQLAlchemy's per-row parameter work was
    # a third of a reset.
    return Prepared(insert(_table(model)), columns=columns)


def _insert_returning(
    connection: Connection,
    model: type[models.Base],
    key: str,
    rows: list[dict[str, Any]],
) -> dict[Any, int]:
    """Insert ``rows`` in one statement and map each row's ``key`` to its id."""
    if not rows:
        return {}

    table = _table(model)
    statement = insert(table).returning(table.c.id, table.c[key])
    result = connection.execute(statement, rows)
    return {natural: row_id for row_id, natural in result}


# -- Clearing ------------------------------------------------------------------


def clear_namespace(connection: Connection, namespace: str) -> None:
    """Delete every row of ``namespace`` from every table, children first."""
    for statement in _clearing_statements():
        statement.run(connection, {"namespace": namespace})


@functools.cache
def _clearing_statements() -> tuple[Prepared, ...]:
    """One DELETE per table that belongs to a namespace, children first."""
    statements = []
    for table in reversed(models.Base.metadata.sorted_tables):
        condition = namespace_condition(table)
        if condition is not None:
            statements.append(Prepared(delete(table).where(condition)))
    return tuple(statements)


def namespace_condition(table: Table) -> ColumnElement[bool] | None:
    """Which of ``table``'s rows belong to the bound namespace."""
    namespace = bindparam("namespace")
    if table.info.get("survives_reset"):
        return None
    if table.name == models.Namespace.__tablename__:
        return table.c.name == namespace
    if "namespace" in table.c:
        return table.c.namespace == namespace

    # A table without the column belongs to the namespace of the rows it points at.
    for foreign_key in sorted(table.foreign_keys, key=lambda fk: fk.parent.name):
        parent = foreign_key.column.table
        if "namespace" in parent.c:
            owned = select(foreign_key.column).where(parent.c.namespace == namespace)
            return foreign_key.parent.in_(owned)
    return None
