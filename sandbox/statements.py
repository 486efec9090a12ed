"""Hot statements: SQLAlchemy Core compiled once, run on the driver's connection.

Executing through a SQLAlchemy ``Connection`` costs about 50 µs a statement
in Python on this stack (transaction bookkeeping, result objects, type
processors), several times what SQLite takes to answer. The statements every
API request runs are written in Core like the rest, compiled once per
dialect, and run on the request's own DBAPI connection, so transactions and
pooling stay SQLAlchemy's.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.sql import Executable

# psycopg's TransactionStatus.IDLE: connected, no transaction open.
IDLE = 0


def without_nul(parameters):
    """``parameters`` with NUL swapped for U+FFFD in every string.

    PostgreSQL refuses NUL in text, where pretix answers 500. The sandbox
    never stores a NUL, so a value holding one may only fail to match: swap
    it for U+FFFD, which no stored value holds either.
    """
    if isinstance(parameters, Mapping):
        return {key: _swap_nul(value) for key, value in parameters.items()}

    if isinstance(parameters, list | tuple):
        return [without_nul(value) for value in parameters]

    return _swap_nul(parameters)


def _swap_nul(value):
    if isinstance(value, str) and "\x00" in value:
        return value.replace("\x00", "\ufffd")

    return value


class Prepared:
    """One Core statement, compiled for a dialect on first use."""

    def __init__(
        self,
        statement: Executable,
        columns: Sequence[str] | None = None,
        plan_each_run: bool = False,
    ) -> None:
        # ``columns`` names the values of an INSERT, which Core would
        # otherwise list in full. ``plan_each_run`` keeps PostgreSQL from
        # planning the statement once for all parameters: psycopg prepares a
        # statement on the server after five runs, and a generic plan may
        # be far worse than one made for the parameters at hand.
        self.statement = statement
        self.columns = columns
        self.prepare = False if plan_each_run else None
        self._compiled: dict[str, tuple[str, tuple[str, ...] | None]] = {}

    def rows(self, connection: Connection, params: Mapping[str, Any]) -> list:
        """Every row, as the driver's tuples."""
        return self._cursor(connection, params).fetchall()

    def first(self, connection: Connection, params: Mapping[str, Any]):
        """The first row as the driver's tuple, or ``None``."""
        return self._cursor(connection, params).fetchone()

    def run(self, connection: Connection, params: Mapping[str, Any]) -> None:
        """Run a statement that returns no rows."""
        self._cursor(connection, params)

    def many(self, connection: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        """Run the statement once per mapping in ``rows``."""
        sql, positions = self._for(connection)
        if positions is not None:
            rows = [[row[name] for name in positions] for row in rows]
        if connection.dialect.name == "postgresql":
            rows = without_nul(rows)

        connection.connection.driver_connection.cursor().executemany(sql, rows)

    def _cursor(self, connection: Connection, params: Mapping[str, Any]):
        sql, positions = self._for(connection)
        driver = connection.connection.driver_connection
        values = params if positions is None else [params[name] for name in positions]
        if connection.dialect.name != "postgresql":
            return driver.execute(sql, values)

        # The engine's NUL guard (sandbox.db) sees only SQLAlchemy's statements.
        values = without_nul(values)
        if (
            connection.in_transaction()
            or driver.info.transaction_status != IDLE
            or driver.autocommit
        ):
            return driver.execute(sql, values, prepare=self.prepare)

        # Outside a transaction, psycopg would send a BEGIN of its own and the
        # request's end a ROLLBACK: two round trips for one read.
        driver.autocommit = True
        try:
            return driver.execute(sql, values, prepare=self.prepare)
        finally:
            driver.autocommit = False

    def _for(self, connection: Connection) -> tuple[str, Sequence[str] | None]:
        name = connection.dialect.name
        found = self._compiled.get(name)
        if found is None:
            found = self._compiled[name] = _compile(self, connection)

        return found


def _compile(prepared: Prepared, connection: Connection):
    statement = prepared.statement
    compiled = statement.compile(
        dialect=connection.dialect,
        column_keys=prepared.columns,
        # An INSERT without RETURNING: what the driver's executemany wants.
        for_executemany=prepared.columns is not None,
    )
    # Parameters SQLAlchemy would still rewrite at execution time cannot be
    # passed straight to the driver. Its type conversions are skipped too:
    # prepared statements bind strings and numbers only.
    if compiled.post_compile_params:
        raise ValueError(f"not preparable for {connection.dialect.name}: {statement}")

    positions = tuple(compiled.positiontup) if compiled.positional else None
    return str(compiled), positions
