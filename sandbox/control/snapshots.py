"""Named copies of a namespace, to restore a world mid-test."""

import json

from flask import g
from sqlalchemy import delete, insert, select

from sandbox.db import get_connection
from sandbox.models import Base, Snapshot
from sandbox.world import clear_namespace, namespace_condition

# Snapshots hold the world, not the sandbox's own records of it.
SKIPPED = frozenset({"snapshot", "journal_entry"})


def _tables():
    return [table for table in Base.metadata.sorted_tables if table.name not in SKIPPED]


def take(name: str) -> None:
    """Store every row of the namespace under ``name``, replacing an older one."""
    connection = get_connection()
    data = {}
    for table in _tables():
        condition = namespace_condition(table)
        rows = connection.execute(
            select(table).where(condition), {"namespace": g.namespace}
        )
        data[table.name] = [dict(row._mapping) for row in rows]

    connection.execute(
        delete(Snapshot).where(Snapshot.namespace == g.namespace, Snapshot.name == name)
    )
    connection.execute(
        insert(Snapshot),
        {"namespace": g.namespace, "name": name, "data": json.dumps(data)},
    )
    connection.commit()


def restore(name: str) -> bool:
    """Put the namespace back as it was at snapshot ``name``; ``False`` if unknown."""
    connection = get_connection()
    stored = connection.execute(
        select(Snapshot.data).where(
            Snapshot.namespace == g.namespace, Snapshot.name == name
        )
    ).scalar()
    if stored is None:
        return False

    data = json.loads(stored)
    clear_namespace(connection, g.namespace)
    for table in _tables():
        rows = data.get(table.name)
        if rows:
            connection.execute(insert(table), rows)

    connection.commit()
    return True


def names() -> list[str]:
    """The namespace's snapshot names."""
    statement = (
        select(Snapshot.name)
        .where(Snapshot.namespace == g.namespace)
        .order_by(Snapshot.name)
    )
    return list(get_connection().execute(statement).scalars())


def forget_all() -> None:
    """Forget every snapshot of the namespace."""
    connection = get_connection()
    connection.execute(delete(Snapshot).where(Snapshot.namespace == g.namespace))
    connection.commit()
