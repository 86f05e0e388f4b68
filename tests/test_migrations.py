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


def test_offering_texts_move_into_published_versions_and_back(empty_database):
    """0009: each language's offering text becomes a published version; translations are
    current (not "needs update") until the English changes; downgrade leaves the texts."""
    from app.academy import texts
    from app.academy.models import Offering
    from app.content import services as content
    from app.translate import content as content_translation

    app = create_app(empty_database)
    with app.app_context():
        upgrade(revision="0008_selection")
        with _db.engine.begin() as connection:
            offering_id = _offering_with_texts(connection)
        upgrade(revision="0009_academy_content")
        versions = {v.locale: v for v in content.history(texts.ENTITY, offering_id, None)}
        assert set(versions) == {"en", "es", "ko"}
        assert {v.status for v in versions.values()} == {"published"}
        assert versions["en"].source_digest is None
        assert versions["en"].fields == {
            "title": "Reading at home",
            "description": "Habits that build strong readers.",
            "transcript": "",
        }
        assert versions["es"].fields["title"] == "Leyendo en casa"
        spanish = content_translation.item(texts.ENTITY, offering_id, "es")
        assert spanish.state == "published"
        offering = _db.session.get(Offering, int(offering_id))
        english = texts.fields("Reading at home, every day", "Habits.")
        texts.publish_english(offering, english, None)
        _db.session.commit()
        assert content_translation.item(texts.ENTITY, offering_id, "es").state == "needs_update"
        assert offering.text("es").title == "Leyendo en casa"  # families keep the translation
        assert offering.text("en").title == "Reading at home, every day"
        _db.session.remove()

        downgrade(revision="0008_selection")
        with _db.engine.connect() as connection:
            moved = connection.execute(
                sa.text("SELECT count(*) FROM content_versions WHERE entity_type = :kind"),
                {"kind": texts.ENTITY},
            ).scalar()
            kept = connection.execute(
                sa.text("SELECT locale, title FROM academy_offering_texts ORDER BY locale")
            ).all()
        assert moved == 0
        assert [tuple(row) for row in kept] == [
            ("en", "Reading at home, every day"),
            ("es", "Leyendo en casa"),
            ("ko", "집에서 읽기"),
        ]
        upgrade()
        assert content_translation.item(texts.ENTITY, offering_id, "es").state == "published"
        _db.session.remove()  # its open transaction would hold locks the downgrade waits for
        downgrade(revision="base")
        _db.session.remove()
        _db.engine.dispose()


def _offering_with_texts(connection) -> str:
    """An offering as stored before 0009: English, Spanish and Korean rows of text."""
    from datetime import datetime

    now = datetime(2026, 11, 1, 12, 0)
    connection.execute(
        sa.text(
            "INSERT INTO academy_offerings (slug, kind, topic, format, join_url, school_name,"
            " address, grade_band, partner, video_url, status, created_at, updated_at)"
            " VALUES ('reading-at-home', 'webinar', 'achievement', 'online', '', '', '', 'all',"
            " '', '', 'published', :now, :now)"
        ),
        {"now": now},
    )
    offering_id = connection.execute(sa.text("SELECT id FROM academy_offerings")).scalar()
    for locale, title, description in (
        ("en", "Reading at home", "Habits that build strong readers."),
        ("es", "Leyendo en casa", "Hábitos que forman buenos lectores."),
        ("ko", "집에서 읽기", ""),
    ):
        connection.execute(
            sa.text(
                "INSERT INTO academy_offering_texts"
                " (offering_id, locale, title, description, transcript)"
                " VALUES (:offering, :locale, :title, :description, '')"
            ),
            {"offering": offering_id, "locale": locale, "title": title, "description": description},
        )
    return str(offering_id)
