"""Family Academy offering texts become versioned content, like school profiles and program
descriptions: history, drafts, review and "source changed, needs update".

Every row of academy_offering_texts becomes a published version of entity type
"academy_offering" in content_versions: the English without a source digest, each
translation with the digest of the current English, so that no translation starts out marked
as needing an update. The table stays, as the copy of each language's published text that
the catalog searches; from now on only publishing a version writes it. No column changes.

Downgrade removes those versions and the reviews of them. The table already holds the
newest published text of every language, so what families read does not change; the
history and unpublished drafts are lost.

Reviewed by hand; the same statements run on SQLite and PostgreSQL.

Revision ID: 0009_academy_content
Revises: 0008_selection
Create Date: 2026-11-22 08:10:25.000000

"""
import hashlib
import json
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_academy_content'
down_revision = '0008_selection'
branch_labels = None
depends_on = None

ENTITY = 'academy_offering'
SOURCE = 'en'

# The tables as this revision knows them, not as the models may later be.
offering_texts = sa.table(
    'academy_offering_texts',
    sa.column('offering_id', sa.Integer),
    sa.column('locale', sa.String),
    sa.column('title', sa.String),
    sa.column('description', sa.Text),
    sa.column('transcript', sa.Text),
)
content_versions = sa.table(
    'content_versions',
    sa.column('id', sa.Integer),
    sa.column('entity_type', sa.String),
    sa.column('entity_id', sa.String),
    sa.column('locale', sa.String),
    sa.column('fields', sa.JSON),
    sa.column('status', sa.String),
    sa.column('source_digest', sa.String),
    sa.column('created_at', sa.DateTime),
    sa.column('published_at', sa.DateTime),
)
content_reviews = sa.table('content_reviews', sa.column('version_id', sa.Integer))


def digest(fields):
    """As app.content.services.digest computes it, frozen here."""
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()


def upgrade():
    rows = op.get_bind().execute(
        sa.select(offering_texts).order_by(offering_texts.c.offering_id, offering_texts.c.locale)
    ).all()
    words = {
        (row.offering_id, row.locale): {
            'title': row.title,
            'description': row.description or '',
            'transcript': row.transcript or '',
        }
        for row in rows
    }
    now = datetime.now(UTC).replace(tzinfo=None)
    versions = []
    for (offering_id, locale), fields in words.items():
        english = words.get((offering_id, SOURCE))
        versions.append({
            'entity_type': ENTITY,
            'entity_id': str(offering_id),
            'locale': locale,
            'fields': fields,
            'status': 'published',
            'source_digest': digest(english) if locale != SOURCE and english else None,
            'created_at': now,
            'published_at': now,
        })
    if versions:
        op.bulk_insert(content_versions, versions)


def downgrade():
    moved = sa.select(content_versions.c.id).where(content_versions.c.entity_type == ENTITY)
    op.execute(content_reviews.delete().where(content_reviews.c.version_id.in_(moved)))
    op.execute(content_versions.delete().where(content_versions.c.entity_type == ENTITY))
