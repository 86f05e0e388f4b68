"""Unified enrollment: cycles with their windows, programs and seats per grade, priority
rules, applications (one lottery number per applicant per cycle, a version for optimistic
locking, a client token so a retried submission is stored once), ranked choices, priority
claims and stashed drafts.

Reviewed by hand; downgrade drops the tables in dependency order.

Revision ID: 0007_enrollment
Revises: 0006_translate
Create Date: 2026-11-22 06:37:53.805822

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_enrollment'
down_revision = '0006_translate'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('enrollment_cycles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_year', sa.String(length=9), nullable=False),
    sa.Column('opens_at', sa.DateTime(), nullable=False),
    sa.Column('on_time_closes_at', sa.DateTime(), nullable=False),
    sa.Column('late_closes_at', sa.DateTime(), nullable=False),
    sa.Column('results_at', sa.DateTime(), nullable=False),
    sa.Column('respond_by', sa.DateTime(), nullable=False),
    sa.Column('waitlist_policy', sa.String(length=16), nullable=False),
    sa.Column('max_choices', sa.Integer(), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrollment_cycles')),
    sa.UniqueConstraint('school_year', name=op.f('uq_enrollment_cycles_school_year'))
    )
    op.create_table('enrollment_draft_stashes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('endpoint', sa.String(length=64), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrollment_draft_stashes')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_enrollment_draft_stashes_token_hash'))
    )
    with op.batch_alter_table('enrollment_draft_stashes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrollment_draft_stashes_created_at'), ['created_at'], unique=False)

    op.create_table('enrollment_applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('source', sa.String(length=8), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('child_first_name', sa.String(length=100), nullable=False),
    sa.Column('child_last_name', sa.String(length=100), nullable=False),
    sa.Column('name_key', sa.String(length=201), nullable=False),
    sa.Column('date_of_birth', sa.Date(), nullable=False),
    sa.Column('grade', sa.Integer(), nullable=False),
    sa.Column('current_school', sa.String(length=200), nullable=False),
    sa.Column('street', sa.String(length=200), nullable=False),
    sa.Column('city', sa.String(length=100), nullable=False),
    sa.Column('zip_code', sa.String(length=5), nullable=False),
    sa.Column('home_language', sa.String(length=8), nullable=False),
    sa.Column('student_id', sa.String(length=12), nullable=False),
    sa.Column('contact_name', sa.String(length=200), nullable=False),
    sa.Column('contact_email', sa.String(length=254), nullable=False),
    sa.Column('contact_phone', sa.String(length=32), nullable=False),
    sa.Column('contact_locale', sa.String(length=10), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.Column('confirmation_number', sa.String(length=16), nullable=True),
    sa.Column('submission_token', sa.String(length=64), nullable=True),
    sa.Column('client_token', sa.String(length=64), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(), nullable=True),
    sa.Column('lottery_number', sa.BigInteger(), nullable=True),
    sa.Column('duplicate_cleared_at', sa.DateTime(), nullable=True),
    sa.Column('duplicate_cleared_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['cycle_id'], ['enrollment_cycles.id'], name=op.f('fk_enrollment_applications_cycle_id_enrollment_cycles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['duplicate_cleared_by_id'], ['users.id'], name=op.f('fk_enrollment_applications_duplicate_cleared_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'], name=op.f('fk_enrollment_applications_entered_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_enrollment_applications_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrollment_applications')),
    sa.UniqueConstraint('confirmation_number', name=op.f('uq_enrollment_applications_confirmation_number')),
    sa.UniqueConstraint('user_id', 'client_token', name=op.f('uq_enrollment_applications_user_id_client_token'))
    )
    with op.batch_alter_table('enrollment_applications', schema=None) as batch_op:
        batch_op.create_index('ix_enrollment_applications_child', ['cycle_id', 'name_key', 'date_of_birth'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrollment_applications_cycle_id'), ['cycle_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrollment_applications_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrollment_applications_user_id'), ['user_id'], unique=False)

    op.create_table('enrollment_priority_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('tier', sa.Integer(), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['cycle_id'], ['enrollment_cycles.id'], name=op.f('fk_enrollment_priority_rules_cycle_id_enrollment_cycles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrollment_priority_rules')),
    sa.UniqueConstraint('cycle_id', 'kind', name=op.f('uq_enrollment_priority_rules_cycle_id_kind'))
    )
    op.create_table('enrollment_cycle_programs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('eligibility_check', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['cycle_id'], ['enrollment_cycles.id'], name=op.f('fk_enrollment_cycle_programs_cycle_id_enrollment_cycles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_enrollment_cycle_programs_program_id_programs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrollment_cycle_programs')),
    sa.UniqueConstraint('cycle_id', 'program_id', name=op.f('uq_enrollment_cycle_programs_cycle_id_program_id'))
    )
    with op.batch_alter_table('enrollment_cycle_programs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrollment_cycle_programs_cycle_id'), ['cycle_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrollment_cycle_programs_program_id'), ['program_id'], unique=False)

    op.create_table('enrollment_choices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('cycle_program_id', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('eligibility', sa.String(length=16), nullable=False),
    sa.Column('eligibility_decided_by_id', sa.Integer(), nullable=True),
    sa.Column('eligibility_decided_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['enrollment_applications.id'], name=op.f('fk_enrollment_choices_application_id_enrollment_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['cycle_program_id'], ['enrollment_cycle_programs.id'], name=op.f('fk_enrollment_choices_cycle_program_id_enrollment_cycle_programs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['eligibility_decided_by_id'], ['users.id'], name=op.f('fk_enrollment_choices_eligibility_decided_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrollment_choices')),
    sa.UniqueConstraint('application_id', 'cycle_program_id', name=op.f('uq_enrollment_choices_application_id_cycle_program_id'))
    )
    with op.batch_alter_table('enrollment_choices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrollment_choices_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrollment_choices_cycle_program_id'), ['cycle_program_id'], unique=False)

    op.create_table('enrollment_seats',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_program_id', sa.Integer(), nullable=False),
    sa.Column('grade', sa.Integer(), nullable=False),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['cycle_program_id'], ['enrollment_cycle_programs.id'], name=op.f('fk_enrollment_seats_cycle_program_id_enrollment_cycle_programs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrollment_seats')),
    sa.UniqueConstraint('cycle_program_id', 'grade', name=op.f('uq_enrollment_seats_cycle_program_id_grade'))
    )
    op.create_table('enrollment_claims',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('choice_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('sibling_name', sa.String(length=200), nullable=False),
    sa.Column('sibling_student_id', sa.String(length=12), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['choice_id'], ['enrollment_choices.id'], name=op.f('fk_enrollment_claims_choice_id_enrollment_choices'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_enrollment_claims_decided_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrollment_claims')),
    sa.UniqueConstraint('choice_id', 'kind', name=op.f('uq_enrollment_claims_choice_id_kind'))
    )
    with op.batch_alter_table('enrollment_claims', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrollment_claims_choice_id'), ['choice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrollment_claims_status'), ['status'], unique=False)



def downgrade():
    with op.batch_alter_table('enrollment_claims', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrollment_claims_status'))
        batch_op.drop_index(batch_op.f('ix_enrollment_claims_choice_id'))

    op.drop_table('enrollment_claims')
    op.drop_table('enrollment_seats')
    with op.batch_alter_table('enrollment_choices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrollment_choices_cycle_program_id'))
        batch_op.drop_index(batch_op.f('ix_enrollment_choices_application_id'))

    op.drop_table('enrollment_choices')
    with op.batch_alter_table('enrollment_cycle_programs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrollment_cycle_programs_program_id'))
        batch_op.drop_index(batch_op.f('ix_enrollment_cycle_programs_cycle_id'))

    op.drop_table('enrollment_cycle_programs')
    op.drop_table('enrollment_priority_rules')
    with op.batch_alter_table('enrollment_applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrollment_applications_user_id'))
        batch_op.drop_index(batch_op.f('ix_enrollment_applications_status'))
        batch_op.drop_index(batch_op.f('ix_enrollment_applications_cycle_id'))
        batch_op.drop_index('ix_enrollment_applications_child')

    op.drop_table('enrollment_applications')
    with op.batch_alter_table('enrollment_draft_stashes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrollment_draft_stashes_created_at'))

    op.drop_table('enrollment_draft_stashes')
    op.drop_table('enrollment_cycles')
