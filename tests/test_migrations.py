"""The Alembic migrations: they build the models' schema and keep the data."""

import warnings

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from click.testing import CliRunner
from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import IntegrityError

from sandbox import cli, close_app, create_app, migrations
from sandbox.models import Base, Organizer


@pytest.fixture
def database(database_url, tmp_path):
    """The :class:`Database` of an app on a fresh, empty database."""
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "test"})
    app.instance_path = str(tmp_path / "instance")
    yield app.extensions["sandbox.db"]
    close_app(app)


def _organizers(database) -> list[str]:
    with database.engine.connect() as connection:
        return list(connection.execute(select(Organizer.slug).order_by(Organizer.id)))


def _add_organizer(database, slug: str) -> None:
    with database.engine.begin() as connection:
        connection.execute(
            insert(Organizer), {"namespace": "default", "slug": slug, "name": slug}
        )


def test_head_is_the_newest_file_and_the_only_head():
    scripts = ScriptDirectory.from_config(migrations.alembic_config())

    assert scripts.get_heads() == [migrations.head()]


def test_create_schema_migrates_an_empty_database_to_head(database):
    database.create_schema()

    with database.engine.connect() as connection:
        assert migrations.current_revision(connection) == migrations.head()


def test_migrated_schema_matches_the_models(database):
    database.create_schema()

    with database.engine.connect() as connection, warnings.catch_warnings():
        # SQLite cannot reflect the index on lower(slug); the next test checks it.
        warnings.filterwarnings("ignore", "autogenerate skipping", UserWarning)
        warnings.filterwarnings("ignore", "Skipped unsupported reflection")
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)

    assert diff == []


def test_migrated_slugs_are_unique_ignoring_case(database):
    database.create_schema()
    _add_organizer(database, "acme")

    with pytest.raises(IntegrityError):
        _add_organizer(database, "ACME")


def test_upgrading_again_keeps_the_data(database):
    database.create_schema()
    _add_organizer(database, "acme")

    database.create_schema()
    with database.engine.begin() as connection:
        migrations.upgrade(connection)

    assert _organizers(database) == [("acme",)]


def test_a_current_database_skips_alembic(database, monkeypatch):
    database.create_schema()

    def fail(_connection):
        raise AssertionError("migrations ran on a current database")

    monkeypatch.setattr(migrations, "upgrade", fail)
    database.create_schema()


def test_tables_made_before_migrations_are_refused(database):
    Base.metadata.create_all(database.engine)

    with pytest.raises(RuntimeError, match="made before migrations"):
        database.create_schema()


def test_init_applies_the_migrations(database, database_url, monkeypatch):
    apps = []
    make_app = cli._app

    def recording_app(*args):
        apps.append(make_app(*args))
        return apps[-1]

    monkeypatch.setattr(cli, "_app", recording_app)
    monkeypatch.setenv("SANDBOX_SECRET_KEY", "test")

    result = CliRunner().invoke(cli.main, ["init", "--database", database_url])
    for app in apps:
        close_app(app)

    with database.engine.connect() as connection:
        revision = migrations.current_revision(connection)
        organizers = connection.execute(select(func.count(Organizer.id))).scalar()

    assert result.exit_code == 0, result.output
    assert revision == migrations.head()
    assert organizers > 0


def test_migrations_run_in_one_transaction_on_sqlite(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"})
    database = app.extensions["sandbox.db"]

    with database.engine.connect() as connection:
        connection.exec_driver_sql("CREATE TABLE idempotency_record (id INTEGER)")
        connection.commit()
    with pytest.raises(Exception, match="idempotency_record"):
        database.create_schema()

    with database.engine.connect() as connection:
        tables = connection.execute(
            text("SELECT name FROM sqlite_master WHERE type = 'table'")
        ).scalars()
        assert set(tables) == {"idempotency_record"}
    database.engine.dispose()
