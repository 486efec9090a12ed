"""The schema's Alembic migrations, run from code: no alembic.ini is needed.

A developer adds a revision after changing :mod:`sandbox.models` with::

    python -c "from sandbox.migrations import revise; revise('what changed')"

which autogenerates it against an empty SQLite database, to be reviewed by hand.
"""

import functools
import tempfile
from pathlib import Path

from sqlalchemy import Connection, inspect, text

FOLDER = Path(__file__).parent
VERSION_TABLE = "alembic_version"


@functools.cache
def head() -> str:
    """The newest revision, read from the file names without loading Alembic.

    Revisions are numbered ``0001``, ``0002``... and their files start with
    the number, so a start-up sees that a database is current in one query.
    A test checks this against Alembic's own view of the versions folder.
    """
    return max(path.name[:4] for path in (FOLDER / "versions").glob("[0-9]*.py"))


def alembic_config(url: str | None = None, connection: Connection | None = None):
    """An Alembic config for this folder, on ``url`` or an open ``connection``."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(FOLDER))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection

    return config


def current_revision(connection: Connection) -> str | None:
    """The revision the database is at; ``None`` before the first migration."""
    if not inspect(connection).has_table(VERSION_TABLE):
        return None

    return connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def upgrade(connection: Connection) -> None:
    """Apply every missing migration inside the caller's transaction."""
    from alembic import command

    command.upgrade(alembic_config(connection=connection), "head")


def revise(message: str) -> None:
    """Autogenerate the next revision from the models (for developers)."""
    from alembic import command
    from alembic.script import ScriptDirectory

    with tempfile.TemporaryDirectory() as folder:
        config = alembic_config(f"sqlite:///{Path(folder) / 'empty.sqlite3'}")
        command.upgrade(config, "head")
        head = ScriptDirectory.from_config(config).get_current_head()
        number = int(head or "0") + 1
        command.revision(config, message, autogenerate=True, rev_id=f"{number:04d}")
