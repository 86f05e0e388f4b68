"""Cache stamps: a version counter per kind of data, read to key rendered pages.

Revision ID: 0003_cache_stamps
Revises: 0002_schools
"""
from alembic import op
import sqlalchemy as sa


revision = '0003_cache_stamps'
down_revision = '0002_schools'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('cache_stamps',
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_cache_stamps'))
    )


def downgrade():
    op.drop_table('cache_stamps')
