"""Family Academy: offerings with their texts and languages, sessions, registrations with
waitlist positions, attendance, and reminders (unique per session and registration, so a
reminder is queued once however often the command runs).

Reviewed by hand; downgrade drops the tables in dependency order.

Revision ID: 0005_academy
Revises: 0004_portal
Create Date: 2026-11-22 06:21:51.441449

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_academy'
down_revision = '0004_portal'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('academy_offerings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('topic', sa.String(length=32), nullable=False),
    sa.Column('format', sa.String(length=16), nullable=False),
    sa.Column('join_url', sa.String(length=500), nullable=False),
    sa.Column('school_name', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('grade_band', sa.String(length=16), nullable=False),
    sa.Column('partner', sa.String(length=200), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('completion_required', sa.Integer(), nullable=True),
    sa.Column('video_url', sa.String(length=500), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_academy_offerings')),
    sa.UniqueConstraint('slug', name=op.f('uq_academy_offerings_slug'))
    )
    with op.batch_alter_table('academy_offerings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_academy_offerings_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_academy_offerings_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_academy_offerings_topic'), ['topic'], unique=False)

    op.create_table('academy_offering_languages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('offering_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('code', sa.String(length=10), nullable=False),
    sa.ForeignKeyConstraint(['offering_id'], ['academy_offerings.id'], name=op.f('fk_academy_offering_languages_offering_id_academy_offerings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_academy_offering_languages')),
    sa.UniqueConstraint('offering_id', 'role', 'code', name=op.f('uq_academy_offering_languages_offering_id_role_code'))
    )
    with op.batch_alter_table('academy_offering_languages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_academy_offering_languages_code'), ['code'], unique=False)
        batch_op.create_index(batch_op.f('ix_academy_offering_languages_offering_id'), ['offering_id'], unique=False)

    op.create_table('academy_offering_texts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('offering_id', sa.Integer(), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('transcript', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['offering_id'], ['academy_offerings.id'], name=op.f('fk_academy_offering_texts_offering_id_academy_offerings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_academy_offering_texts')),
    sa.UniqueConstraint('offering_id', 'locale', name=op.f('uq_academy_offering_texts_offering_id_locale'))
    )
    with op.batch_alter_table('academy_offering_texts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_academy_offering_texts_offering_id'), ['offering_id'], unique=False)

    op.create_table('academy_registrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('offering_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('waitlist_position', sa.Integer(), nullable=True),
    sa.Column('interpretation', sa.String(length=10), nullable=True),
    sa.Column('participant_name', sa.String(length=120), nullable=False),
    sa.Column('family_language', sa.String(length=10), nullable=False),
    sa.Column('zip_code', sa.String(length=5), nullable=True),
    sa.Column('local_district', sa.String(length=16), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('registered_at', sa.DateTime(), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.Column('completed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['offering_id'], ['academy_offerings.id'], name=op.f('fk_academy_registrations_offering_id_academy_offerings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_academy_registrations_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_academy_registrations')),
    sa.UniqueConstraint('offering_id', 'user_id', name=op.f('uq_academy_registrations_offering_id_user_id'))
    )
    with op.batch_alter_table('academy_registrations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_academy_registrations_completed_at'), ['completed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_academy_registrations_offering_id'), ['offering_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_academy_registrations_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_academy_registrations_user_id'), ['user_id'], unique=False)

    op.create_table('academy_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('offering_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['offering_id'], ['academy_offerings.id'], name=op.f('fk_academy_sessions_offering_id_academy_offerings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_academy_sessions'))
    )
    with op.batch_alter_table('academy_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_academy_sessions_offering_id'), ['offering_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_academy_sessions_starts_at'), ['starts_at'], unique=False)

    op.create_table('academy_attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('present', sa.Boolean(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_academy_attendance_recorded_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['registration_id'], ['academy_registrations.id'], name=op.f('fk_academy_attendance_registration_id_academy_registrations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['academy_sessions.id'], name=op.f('fk_academy_attendance_session_id_academy_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_academy_attendance')),
    sa.UniqueConstraint('session_id', 'registration_id', name=op.f('uq_academy_attendance_session_id_registration_id'))
    )
    with op.batch_alter_table('academy_attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_academy_attendance_registration_id'), ['registration_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_academy_attendance_session_id'), ['session_id'], unique=False)

    op.create_table('academy_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('queued_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['registration_id'], ['academy_registrations.id'], name=op.f('fk_academy_reminders_registration_id_academy_registrations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['academy_sessions.id'], name=op.f('fk_academy_reminders_session_id_academy_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_academy_reminders')),
    sa.UniqueConstraint('session_id', 'registration_id', name=op.f('uq_academy_reminders_session_id_registration_id'))
    )
    with op.batch_alter_table('academy_reminders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_academy_reminders_registration_id'), ['registration_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_academy_reminders_session_id'), ['session_id'], unique=False)



def downgrade():
    with op.batch_alter_table('academy_reminders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_academy_reminders_session_id'))
        batch_op.drop_index(batch_op.f('ix_academy_reminders_registration_id'))

    op.drop_table('academy_reminders')
    with op.batch_alter_table('academy_attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_academy_attendance_session_id'))
        batch_op.drop_index(batch_op.f('ix_academy_attendance_registration_id'))

    op.drop_table('academy_attendance')
    with op.batch_alter_table('academy_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_academy_sessions_starts_at'))
        batch_op.drop_index(batch_op.f('ix_academy_sessions_offering_id'))

    op.drop_table('academy_sessions')
    with op.batch_alter_table('academy_registrations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_academy_registrations_user_id'))
        batch_op.drop_index(batch_op.f('ix_academy_registrations_status'))
        batch_op.drop_index(batch_op.f('ix_academy_registrations_offering_id'))
        batch_op.drop_index(batch_op.f('ix_academy_registrations_completed_at'))

    op.drop_table('academy_registrations')
    with op.batch_alter_table('academy_offering_texts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_academy_offering_texts_offering_id'))

    op.drop_table('academy_offering_texts')
    with op.batch_alter_table('academy_offering_languages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_academy_offering_languages_offering_id'))
        batch_op.drop_index(batch_op.f('ix_academy_offering_languages_code'))

    op.drop_table('academy_offering_languages')
    with op.batch_alter_table('academy_offerings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_academy_offerings_topic'))
        batch_op.drop_index(batch_op.f('ix_academy_offerings_status'))
        batch_op.drop_index(batch_op.f('ix_academy_offerings_kind'))

    op.drop_table('academy_offerings')
