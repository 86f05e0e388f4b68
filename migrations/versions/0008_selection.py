"""Selection: stored runs (seed, checks, statistics, whole result; dry run until published),
the offers made to families with their answers, and waitlist places in each program's order
(tier, points, lottery number).

Reviewed by hand; downgrade drops the tables in dependency order.

Revision ID: 0008_selection
Revises: 0007_enrollment
Create Date: 2026-11-22 08:02:11.967090

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_selection'
down_revision = '0007_enrollment'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('enrollment_selection_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('seed', sa.String(length=64), nullable=False),
    sa.Column('waitlist_policy', sa.String(length=16), nullable=False),
    sa.Column('input_digest', sa.String(length=64), nullable=False),
    sa.Column('applicants', sa.Integer(), nullable=False),
    sa.Column('left_out', sa.JSON(), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=False),
    sa.Column('checks', sa.JSON(), nullable=False),
    sa.Column('statistics', sa.JSON(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_enrollment_selection_runs_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['cycle_id'], ['enrollment_cycles.id'], name=op.f('fk_enrollment_selection_runs_cycle_id_enrollment_cycles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_enrollment_selection_runs_published_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrollment_selection_runs'))
    )
    with op.batch_alter_table('enrollment_selection_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrollment_selection_runs_cycle_id'), ['cycle_id'], unique=False)

    op.create_table('enrollment_offers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('choice_id', sa.Integer(), nullable=False),
    sa.Column('cycle_program_id', sa.Integer(), nullable=False),
    sa.Column('grade', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('basis', sa.String(length=16), nullable=False),
    sa.Column('priorities', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('offered_at', sa.DateTime(), nullable=False),
    sa.Column('respond_by', sa.DateTime(), nullable=False),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_enrollment_offers_answered_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['application_id'], ['enrollment_applications.id'], name=op.f('fk_enrollment_offers_application_id_enrollment_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['choice_id'], ['enrollment_choices.id'], name=op.f('fk_enrollment_offers_choice_id_enrollment_choices'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['cycle_program_id'], ['enrollment_cycle_programs.id'], name=op.f('fk_enrollment_offers_cycle_program_id_enrollment_cycle_programs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['run_id'], ['enrollment_selection_runs.id'], name=op.f('fk_enrollment_offers_run_id_enrollment_selection_runs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrollment_offers'))
    )
    with op.batch_alter_table('enrollment_offers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrollment_offers_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrollment_offers_run_id'), ['run_id'], unique=False)
        batch_op.create_index('ix_enrollment_offers_seat', ['cycle_program_id', 'grade', 'status'], unique=False)

    op.create_table('enrollment_waitlist',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('choice_id', sa.Integer(), nullable=False),
    sa.Column('cycle_program_id', sa.Integer(), nullable=False),
    sa.Column('grade', sa.Integer(), nullable=False),
    sa.Column('tier', sa.Integer(), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('lottery_number', sa.BigInteger(), nullable=False),
    sa.Column('basis', sa.String(length=16), nullable=False),
    sa.Column('priorities', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['enrollment_applications.id'], name=op.f('fk_enrollment_waitlist_application_id_enrollment_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['choice_id'], ['enrollment_choices.id'], name=op.f('fk_enrollment_waitlist_choice_id_enrollment_choices'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['cycle_program_id'], ['enrollment_cycle_programs.id'], name=op.f('fk_enrollment_waitlist_cycle_program_id_enrollment_cycle_programs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['run_id'], ['enrollment_selection_runs.id'], name=op.f('fk_enrollment_waitlist_run_id_enrollment_selection_runs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrollment_waitlist'))
    )
    with op.batch_alter_table('enrollment_waitlist', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrollment_waitlist_application_id'), ['application_id'], unique=False)
        batch_op.create_index('ix_enrollment_waitlist_seat', ['run_id', 'cycle_program_id', 'grade', 'status'], unique=False)



def downgrade():
    with op.batch_alter_table('enrollment_waitlist', schema=None) as batch_op:
        batch_op.drop_index('ix_enrollment_waitlist_seat')
        batch_op.drop_index(batch_op.f('ix_enrollment_waitlist_application_id'))

    op.drop_table('enrollment_waitlist')
    with op.batch_alter_table('enrollment_offers', schema=None) as batch_op:
        batch_op.drop_index('ix_enrollment_offers_seat')
        batch_op.drop_index(batch_op.f('ix_enrollment_offers_run_id'))
        batch_op.drop_index(batch_op.f('ix_enrollment_offers_application_id'))

    op.drop_table('enrollment_offers')
    with op.batch_alter_table('enrollment_selection_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrollment_selection_runs_cycle_id'))

    op.drop_table('enrollment_selection_runs')
