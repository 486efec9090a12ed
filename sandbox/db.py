"""The database engine, sessions and the explicit schema step."""

import logging
import os
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from sandbox import migrations
from sandbox.statements import IDLE, without_nul

logger = logging.getLogger(__name__)


class Database:
    """One engine and session factory per app, made once at start-up.

    Requests use one connection per thread, kept across requests: checking
    a connection out of the pool and back in cost a third of a small
    request. Each request ends by rolling back whatever it left open.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = _make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._held = threading.local()
        # Every thread's connection, with what closes it when its thread ends.
        self._opened: dict[Connection, weakref.finalize] = {}
        self._lock = threading.Lock()
        _DATABASES.add(self)

    def thread_connection(self) -> Connection:
        """This thread's connection, opened on its first use."""
        connection = getattr(self._held, "connection", None)
        if connection is not None and not connection.invalidated:
            return connection

        if connection is not None:
            self._close(connection)

        connection = self._held.connection = self.engine.connect()
        # Threads of a development server live for one request each. The
        # thread's locals are dropped as it exits (the Thread object may live
        # on much longer), and the connection goes back to the pool with them.
        self._held.exit_sentinel = sentinel = _ExitSentinel()
        closer = weakref.finalize(sentinel, self._close, connection)
        with self._lock:
            self._opened[connection] = closer
        return connection

    def end_request(self) -> None:
        """Roll back what this thread's request left uncommitted."""
        connection = getattr(self._held, "connection", None)
        if connection is None:
            return

        if connection.in_transaction():
            connection.rollback()

        # Prepared statements run on the driver, which may have begun a
        # transaction of its own: psycopg does unless in autocommit; SQLite's
        # reads begin none, and its writes are SQLAlchemy's.
        if connection.dialect.name == "postgresql":
            driver = connection.connection.driver_connection
            if driver.info.transaction_status != IDLE:
                driver.rollback()

    def close(self) -> None:
        """Close every thread's connection and the pool, e.g. when the app ends."""
        with self._lock:
            opened, self._opened = self._opened, {}
        for connection, closer in opened.items():
            closer.detach()
            connection.close()

        self._held = threading.local()
        self.engine.dispose()

    def _close(self, connection: Connection) -> None:
        with self._lock:
            closer = self._opened.pop(connection, None)
        if closer is None:
            return

        closer.detach()
        connection.close()

    def _forget_inherited(self) -> None:
        # A forked worker must not touch its parent's connections, not even
        # to close them; they stay referenced so nothing finalizes them.
        _INHERITED.append((self._held, self._opened))
        self._held = threading.local()
        self._opened = {}
        self._lock = threading.Lock()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose transaction commits on success, rolls back on error."""
        with self.sessions.begin() as session:
            yield session

    def create_schema(self) -> None:
        """Migrate the schema to the newest revision; existing data is kept."""
        with self.engine.begin() as connection:
            _lock_for_migrations(connection)
            revision = migrations.current_revision(connection)
            if revision == migrations.head():
                return

            if revision is None and self.engine.dialect.has_table(
                connection, "namespace"
            ):
                raise RuntimeError(
                    f"{self.engine.url.render_as_string(hide_password=True)} holds"
                    " tables made before migrations existed; start on a new"
                    " database (delete the SQLite file) and run init"
                )

            logger.info("Migrating the schema from %s", revision or "nothing")
            migrations.upgrade(connection)


class _ExitSentinel:
    """Lives in a thread's locals only, so it dies as the thread exits."""


# Every Database of this process, for the one fork handler below.
_DATABASES: "weakref.WeakSet[Database]" = weakref.WeakSet()
# Connections a forked process inherited and must leave alone.
_INHERITED: list = []


def _forget_all_inherited() -> None:
    for database in list(_DATABASES):
        database._forget_inherited()


os.register_at_fork(after_in_child=_forget_all_inherited)


def _lock_for_migrations(connection: Connection) -> None:
    # Servers starting together on one database take turns. On SQLite an
    # explicit BEGIN also makes the DDL one atomic transaction (the driver
    # would commit each statement alone); on PostgreSQL the lock's key is the
    # schema's, so databases in other schemas never wait.
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    elif connection.dialect.name == "postgresql":
        connection.execute(
            text("SELECT pg_advisory_xact_lock(hashtext(current_schema()))")
        )


POOL_RECYCLE_SECONDS = 1800


def _make_engine(url: str) -> Engine:
    if not url.startswith("sqlite"):
        # No pre-ping: it costs every request a round trip. Recycling bounds
        # how stale a pooled connection gets instead.
        engine = create_engine(url, pool_recycle=POOL_RECYCLE_SECONDS)
        event.listen(engine, "before_cursor_execute", _unmatchable_nul, retval=True)
        return engine

    engine = create_engine(url, connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _tune_sqlite)
    return engine


def _unmatchable_nul(_conn, _cursor, statement, parameters, _context, _many):
    return statement, without_nul(parameters)


def _tune_sqlite(connection, _record) -> None:
    # WAL lets worker processes read while one writes; NORMAL sync keeps every
    # committed transaction across a process crash, which is what a sandbox needs.
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def default_url(app: Flask) -> str:
    """The SQLite file in the app's instance folder."""
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{Path(app.instance_path) / 'sandbox.sqlite3'}"


def init_app(app: Flask) -> None:
    """Bind a :class:`Database` to ``app``; creates no tables."""
    url = app.config["DATABASE_URL"] or default_url(app)
    app.extensions["sandbox.db"] = Database(url)
    app.teardown_appcontext(end_connection_use)


def get_db() -> Database:
    """The current app's database."""
    return current_app.extensions["sandbox.db"]


def get_connection() -> Connection:
    """The connection of this thread, for the current request."""
    return current_app.extensions["sandbox.db"].thread_connection()


def end_connection_use(_error: BaseException | None = None) -> None:
    """Leave this thread's connection clean for its next request."""
    current_app.extensions["sandbox.db"].end_request()
