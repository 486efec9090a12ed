"""Putting the fixtures' world into the database: first start and reset."""

import logging

from flask import Flask
from sqlalchemy import Connection, select

from sandbox.clock import namespace_now
from sandbox.db import Database
from sandbox.fixtures import cached_seed, clear_namespace, seed_namespace
from sandbox.models import DEFAULT_NAMESPACE, Namespace

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


def reload(app: Flask) -> None:
    """Reset the default namespace to the fixtures, creating the schema if needed."""
    database: Database = app.extensions["sandbox.db"]
    database.create_schema()

    with database.engine.begin() as connection:
        reset_namespace(connection, app.config["FIXTURES"], DEFAULT_NAMESPACE)

    logger.info("Loaded fixtures from %s", app.config["FIXTURES"])
