"""Databases for the benchmark: fresh, seeded by the CLI, then padded in bulk.

The extra organizers live in the fixtures' own namespace, belong to reseller
3 and have ops@example.com as their member. The benchmark's token (partner's)
neither sees nor reaches them, so its pages stay the same while every table
the list and create queries touch grows: ``organizer``, its slug indexes and
``organizer_member``.
"""

import subprocess
import sys
import time
import warnings
from pathlib import Path

from sqlalchemy import MetaData, create_engine, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SAWarning

NAMESPACE = "default"
OWNER_RESELLER = 3
OWNER_EMAIL = "ops@example.com"
SERVE = str(Path(sys.executable).with_name("pretix-sandbox"))


def sqlite_url(directory: Path, name: str) -> str:
    """A SQLite URL for a file that does not exist yet."""
    path = directory / f"{name}.sqlite3"
    for leftover in directory.glob(f"{name}.sqlite3*"):
        leftover.unlink()

    return f"sqlite:///{path}"


def postgres_problem(url: str) -> str | None:
    """Why PostgreSQL at ``url`` cannot be used, or ``None``; creates the database."""
    target = make_url(url)
    try:
        admin = create_engine(
            target.set(database="postgres"), isolation_level="AUTOCOMMIT"
        )
        with admin.connect() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"),
                {"name": target.database},
            ).first()
            if exists is None:
                connection.execute(text(f'CREATE DATABASE "{target.database}"'))
        admin.dispose()
    except Exception as error:  # any failure means "not available"
        return f"{type(error).__name__}: {str(error).splitlines()[0]}"

    return None


def wipe_postgres(url: str) -> None:
    """Drop every table of the benchmark's own database."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def seed(url: str, fixtures: str) -> None:
    """Create the schema and load the fixtures with ``pretix-sandbox init``."""
    subprocess.run(
        [SERVE, "init", "--database", url, "--fixtures", fixtures],
        check=True,
        capture_output=True,
        timeout=120,
    )


def add_organizers(url: str, count: int) -> float:
    """Insert ``count`` organizers nobody benchmarked can see; returns seconds."""
    started = time.perf_counter()
    if not count:
        return 0.0

    engine = create_engine(url)
    tables = MetaData()
    with warnings.catch_warnings():
        # The folded-slug index is an expression SQLAlchemy cannot reflect;
        # only the columns are needed here.
        warnings.simplefilter("ignore", SAWarning)
        tables.reflect(engine, only=["organizer", "organizer_member", "user"])
    organizer = tables.tables["organizer"]
    member = tables.tables["organizer_member"]
    user = tables.tables["user"]

    rows = [
        {
            "namespace": NAMESPACE,
            "slug": f"bulk-{number:06d}",
            "name": f"Bulk Organizer {number}",
            "reseller_id": OWNER_RESELLER,
        }
        for number in range(count)
    ]
    with engine.begin() as connection:
        owner = connection.execute(
            select(user.c.id).where(
                user.c.namespace == NAMESPACE, user.c.email == OWNER_EMAIL
            )
        ).scalar_one()
        connection.execute(insert(organizer), rows)
        bulk = select(organizer.c.id, owner).where(
            organizer.c.namespace == NAMESPACE, organizer.c.slug.like("bulk-%")
        )
        connection.execute(
            insert(member).from_select(["organizer_id", "user_id"], bulk)
        )

    if engine.dialect.name == "postgresql":
        # What autovacuum does within a minute anyway, done before measuring
        # so that it cannot change plans halfway through a run.
        with engine.connect().execution_options(
            isolation_level="AUTOCOMMIT"
        ) as connection:
            connection.execute(text("ANALYZE"))

    engine.dispose()
    return time.perf_counter() - started
