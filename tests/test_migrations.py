"""Migrations build the same schema as the models, and undo cleanly, on SQLite and PostgreSQL."""

import os

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

import config as app_config
from app import create_app
from app.extensions import db as _db


@pytest.fixture
def empty_database(tmp_path):
    """A database of its own: the shared test database is built by create_all."""
    config = app_config.TestingConfig()
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        admin = sa.create_engine(config.SQLALCHEMY_DATABASE_URI, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text("DROP DATABASE IF EXISTS migrations_check"))
            connection.execute(sa.text("CREATE DATABASE migrations_check"))
        admin.dispose()
        config.SQLALCHEMY_DATABASE_URI = (
            config.SQLALCHEMY_DATABASE_URI.rsplit("/", 1)[0] + "/migrations_check"
        )
    else:
        config.SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'migrations.db'}"
    return config


def test_upgrade_matches_the_models_and_downgrade_empties(empty_database):
    app = create_app(empty_database)
    with app.app_context():
        upgrade()
        with _db.engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), _db.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        downgrade(revision="base")
        tables = set(sa.inspect(_db.engine).get_table_names()) - {"alembic_version"}
        assert tables == set()
        _db.session.remove()
        _db.engine.dispose()
