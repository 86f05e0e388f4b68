"""Schools, their published data (outcomes, resources, demographics), programs, and
versioned content (school profiles, program descriptions).

Reviewed by hand: composite natural keys on the data tables make the importer idempotent;
downgrade drops the tables in dependency order.

Revision ID: 0002_schools
Revises: 0001_foundation
Create Date: 2026-11-22 05:16:43.475059

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002_schools'
down_revision = '0001_foundation'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('data_sources',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('dataset_id', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('school_year', sa.String(length=7), nullable=False),
    sa.Column('release_date', sa.String(length=10), nullable=True),
    sa.Column('url', sa.String(length=300), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_sources'))
    )
    op.create_table('metrics',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('unit', sa.String(length=32), nullable=False),
    sa.Column('better_direction', sa.String(length=8), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('source_label', sa.String(length=200), nullable=False),
    sa.Column('source_url', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_metrics'))
    )
    op.create_table('subgroups',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subgroups'))
    )
    op.create_table('content_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entity_type', sa.String(length=32), nullable=False),
    sa.Column('entity_id', sa.String(length=32), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('source_digest', sa.String(length=64), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_content_versions_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_content_versions_published_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_content_versions'))
    )
    with op.batch_alter_table('content_versions', schema=None) as batch_op:
        batch_op.create_index('ix_content_versions_entity', ['entity_type', 'entity_id', 'locale'], unique=False)

    op.create_table('district_outcomes',
    sa.Column('cds_code', sa.String(length=14), nullable=False),
    sa.Column('school_year', sa.String(length=7), nullable=False),
    sa.Column('metric_id', sa.String(length=64), nullable=False),
    sa.Column('subgroup_id', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Float(), nullable=True),
    sa.Column('numerator', sa.Float(), nullable=True),
    sa.Column('denominator', sa.Float(), nullable=True),
    sa.Column('reliability', sa.String(length=16), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['metric_id'], ['metrics.id'], name=op.f('fk_district_outcomes_metric_id_metrics')),
    sa.ForeignKeyConstraint(['source_id'], ['data_sources.id'], name=op.f('fk_district_outcomes_source_id_data_sources')),
    sa.ForeignKeyConstraint(['subgroup_id'], ['subgroups.id'], name=op.f('fk_district_outcomes_subgroup_id_subgroups')),
    sa.PrimaryKeyConstraint('cds_code', 'school_year', 'metric_id', 'subgroup_id', name=op.f('pk_district_outcomes'))
    )
    op.create_table('schools',
    sa.Column('cds_code', sa.String(length=14), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('school_type', sa.String(length=64), nullable=False),
    sa.Column('level', sa.String(length=32), nullable=False),
    sa.Column('grade_span', sa.String(length=16), nullable=False),
    sa.Column('grade_low', sa.Integer(), nullable=False),
    sa.Column('grade_high', sa.Integer(), nullable=False),
    sa.Column('charter', sa.Boolean(), nullable=False),
    sa.Column('magnet', sa.Boolean(), nullable=False),
    sa.Column('title_i', sa.Boolean(), nullable=False),
    sa.Column('virtual_type', sa.String(length=1), nullable=False),
    sa.Column('street', sa.String(length=200), nullable=False),
    sa.Column('city', sa.String(length=100), nullable=False),
    sa.Column('state', sa.String(length=2), nullable=False),
    sa.Column('zip', sa.String(length=5), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=False),
    sa.Column('longitude', sa.Float(), nullable=False),
    sa.Column('enrollment', sa.Integer(), nullable=True),
    sa.Column('english_learner_pct', sa.Float(), nullable=True),
    sa.Column('socioeconomically_disadvantaged_pct', sa.Float(), nullable=True),
    sa.Column('students_with_disabilities_pct', sa.Float(), nullable=True),
    sa.Column('staff_teachers', sa.Float(), nullable=True),
    sa.Column('staff_administrators', sa.Float(), nullable=True),
    sa.Column('staff_total', sa.Float(), nullable=True),
    sa.Column('profile_year', sa.String(length=7), nullable=False),
    sa.Column('profile_source_id', sa.Integer(), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('website', sa.String(length=300), nullable=True),
    sa.Column('contact_year', sa.String(length=4), nullable=True),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('search_text', sa.String(length=400), nullable=False),
    sa.ForeignKeyConstraint(['profile_source_id'], ['data_sources.id'], name=op.f('fk_schools_profile_source_id_data_sources')),
    sa.PrimaryKeyConstraint('cds_code', name=op.f('pk_schools'))
    )
    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_schools_is_demo'), ['is_demo'], unique=False)
        batch_op.create_index(batch_op.f('ix_schools_level'), ['level'], unique=False)
        batch_op.create_index(batch_op.f('ix_schools_zip'), ['zip'], unique=False)

    op.create_table('programs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cds_code', sa.String(length=14), nullable=False),
    sa.Column('program_type', sa.String(length=32), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=True),
    sa.Column('grade_low', sa.Integer(), nullable=False),
    sa.Column('grade_high', sa.Integer(), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['cds_code'], ['schools.cds_code'], name=op.f('fk_programs_cds_code_schools'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programs'))
    )
    with op.batch_alter_table('programs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programs_cds_code'), ['cds_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_programs_program_type'), ['program_type'], unique=False)

    op.create_table('school_demographics',
    sa.Column('cds_code', sa.String(length=14), nullable=False),
    sa.Column('group_id', sa.String(length=64), nullable=False),
    sa.Column('count', sa.Integer(), nullable=True),
    sa.Column('pct', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['cds_code'], ['schools.cds_code'], name=op.f('fk_school_demographics_cds_code_schools'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('cds_code', 'group_id', name=op.f('pk_school_demographics'))
    )
    op.create_table('school_outcomes',
    sa.Column('cds_code', sa.String(length=14), nullable=False),
    sa.Column('school_year', sa.String(length=7), nullable=False),
    sa.Column('metric_id', sa.String(length=64), nullable=False),
    sa.Column('subgroup_id', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Float(), nullable=True),
    sa.Column('numerator', sa.Float(), nullable=True),
    sa.Column('denominator', sa.Float(), nullable=True),
    sa.Column('reliability', sa.String(length=16), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['cds_code'], ['schools.cds_code'], name=op.f('fk_school_outcomes_cds_code_schools'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['metric_id'], ['metrics.id'], name=op.f('fk_school_outcomes_metric_id_metrics')),
    sa.ForeignKeyConstraint(['source_id'], ['data_sources.id'], name=op.f('fk_school_outcomes_source_id_data_sources')),
    sa.ForeignKeyConstraint(['subgroup_id'], ['subgroups.id'], name=op.f('fk_school_outcomes_subgroup_id_subgroups')),
    sa.PrimaryKeyConstraint('cds_code', 'school_year', 'metric_id', 'subgroup_id', name=op.f('pk_school_outcomes'))
    )
    op.create_table('school_resources',
    sa.Column('cds_code', sa.String(length=14), nullable=False),
    sa.Column('school_year', sa.String(length=7), nullable=False),
    sa.Column('metric_id', sa.String(length=64), nullable=False),
    sa.Column('dimension', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Float(), nullable=True),
    sa.Column('numerator', sa.Float(), nullable=True),
    sa.Column('denominator', sa.Float(), nullable=True),
    sa.Column('class_count_small', sa.Integer(), nullable=True),
    sa.Column('class_count_medium', sa.Integer(), nullable=True),
    sa.Column('class_count_large', sa.Integer(), nullable=True),
    sa.Column('class_size_bands', sa.String(length=32), nullable=True),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['cds_code'], ['schools.cds_code'], name=op.f('fk_school_resources_cds_code_schools'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['metric_id'], ['metrics.id'], name=op.f('fk_school_resources_metric_id_metrics')),
    sa.ForeignKeyConstraint(['source_id'], ['data_sources.id'], name=op.f('fk_school_resources_source_id_data_sources')),
    sa.PrimaryKeyConstraint('cds_code', 'school_year', 'metric_id', 'dimension', name=op.f('pk_school_resources'))
    )


def downgrade():
    op.drop_table('school_resources')
    op.drop_table('school_outcomes')
    op.drop_table('school_demographics')
    with op.batch_alter_table('programs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_programs_program_type'))
        batch_op.drop_index(batch_op.f('ix_programs_cds_code'))

    op.drop_table('programs')
    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_schools_zip'))
        batch_op.drop_index(batch_op.f('ix_schools_level'))
        batch_op.drop_index(batch_op.f('ix_schools_is_demo'))

    op.drop_table('schools')
    op.drop_table('district_outcomes')
    with op.batch_alter_table('content_versions', schema=None) as batch_op:
        batch_op.drop_index('ix_content_versions_entity')

    op.drop_table('content_versions')
    op.drop_table('subgroups')
    op.drop_table('metrics')
    op.drop_table('data_sources')
