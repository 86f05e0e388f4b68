"""Translation workbench: messages, live translations, suggestions and their history, the
glossary, catalog versions (read by every worker to reload), and content reviews.

Reviewed by hand; downgrade drops the tables in dependency order.

Revision ID: 0006_translate
Revises: 0005_academy
Create Date: 2026-11-22 06:31:46.600509

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_translate'
down_revision = '0005_academy'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('catalog_versions',
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('locale', name=op.f('pk_catalog_versions'))
    )
    op.create_table('translation_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('msgid', sa.Text(), nullable=False),
    sa.Column('msgid_plural', sa.Text(), nullable=True),
    sa.Column('context', sa.String(length=200), nullable=True),
    sa.Column('flags', sa.JSON(), nullable=False),
    sa.Column('locations', sa.JSON(), nullable=False),
    sa.Column('obsolete', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('obsoleted_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_translation_messages')),
    sa.UniqueConstraint('key', name=op.f('uq_translation_messages_key'))
    )
    with op.batch_alter_table('translation_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_translation_messages_obsolete'), ['obsolete'], unique=False)

    op.create_table('translation_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('strings', sa.JSON(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_translation_events_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['message_id'], ['translation_messages.id'], name=op.f('fk_translation_events_message_id_translation_messages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_translation_events'))
    )
    with op.batch_alter_table('translation_events', schema=None) as batch_op:
        batch_op.create_index('ix_translation_events_message', ['message_id', 'locale'], unique=False)

    op.create_table('translation_glossary',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('term', sa.String(length=100), nullable=False),
    sa.Column('translation', sa.String(length=100), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_translation_glossary_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_translation_glossary')),
    sa.UniqueConstraint('locale', 'kind', 'term', 'translation', name=op.f('uq_translation_glossary_locale_kind_term_translation'))
    )
    with op.batch_alter_table('translation_glossary', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_translation_glossary_locale'), ['locale'], unique=False)

    op.create_table('translation_strings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('strings', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('origin', sa.String(length=16), nullable=False),
    sa.Column('previous_source', sa.Text(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['message_id'], ['translation_messages.id'], name=op.f('fk_translation_strings_message_id_translation_messages'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_translation_strings_reviewed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_translation_strings_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_translation_strings')),
    sa.UniqueConstraint('message_id', 'locale', name=op.f('uq_translation_strings_message_id_locale'))
    )
    with op.batch_alter_table('translation_strings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_translation_strings_locale'), ['locale'], unique=False)

    op.create_table('translation_suggestions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('strings', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(), nullable=True),
    sa.Column('review_comment', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_translation_suggestions_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['message_id'], ['translation_messages.id'], name=op.f('fk_translation_suggestions_message_id_translation_messages'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], name=op.f('fk_translation_suggestions_reviewer_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_translation_suggestions'))
    )
    with op.batch_alter_table('translation_suggestions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_translation_suggestions_message_id'), ['message_id'], unique=False)
        batch_op.create_index('ix_translation_suggestions_pending', ['locale', 'status'], unique=False)

    op.create_table('content_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], name=op.f('fk_content_reviews_reviewer_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['version_id'], ['content_versions.id'], name=op.f('fk_content_reviews_version_id_content_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_content_reviews'))
    )
    with op.batch_alter_table('content_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_content_reviews_version_id'), ['version_id'], unique=False)



def downgrade():
    with op.batch_alter_table('content_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_content_reviews_version_id'))

    op.drop_table('content_reviews')
    with op.batch_alter_table('translation_suggestions', schema=None) as batch_op:
        batch_op.drop_index('ix_translation_suggestions_pending')
        batch_op.drop_index(batch_op.f('ix_translation_suggestions_message_id'))

    op.drop_table('translation_suggestions')
    with op.batch_alter_table('translation_strings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_translation_strings_locale'))

    op.drop_table('translation_strings')
    with op.batch_alter_table('translation_glossary', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_translation_glossary_locale'))

    op.drop_table('translation_glossary')
    with op.batch_alter_table('translation_events', schema=None) as batch_op:
        batch_op.drop_index('ix_translation_events_message')

    op.drop_table('translation_events')
    with op.batch_alter_table('translation_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_translation_messages_obsolete'))

    op.drop_table('translation_messages')
    op.drop_table('catalog_versions')
