"""Parent-portal linking: students, guardian contacts, links, hashed one-time codes, link
requests and failed attempts (the brute-force counters live in the database).

Reviewed by hand: the partial unique index allows one active link per account and student
on both SQLite and PostgreSQL.

Revision ID: 0004_portal
Revises: 0003_cache_stamps
Create Date: 2026-11-22 06:15:59.876993

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_portal'
down_revision = '0003_cache_stamps'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('portal_failed_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('student_key', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('alerted_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_portal_failed_attempts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_portal_failed_attempts'))
    )
    with op.batch_alter_table('portal_failed_attempts', schema=None) as batch_op:
        batch_op.create_index('ix_portal_failed_attempts_student_time', ['student_key', 'created_at'], unique=False)
        batch_op.create_index('ix_portal_failed_attempts_user_time', ['user_id', 'created_at'], unique=False)

    op.create_table('portal_students',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.String(length=10), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('cds_code', sa.String(length=14), nullable=False),
    sa.Column('grade', sa.Integer(), nullable=False),
    sa.Column('home_language', sa.String(length=16), nullable=False),
    sa.Column('bus_eligible', sa.Boolean(), nullable=False),
    sa.Column('bus_route', sa.String(length=16), nullable=True),
    sa.Column('bus_stop', sa.String(length=200), nullable=True),
    sa.Column('pickup_time', sa.Time(), nullable=True),
    sa.Column('dropoff_time', sa.Time(), nullable=True),
    sa.Column('attendance_year', sa.String(length=7), nullable=True),
    sa.Column('days_enrolled', sa.Integer(), nullable=True),
    sa.Column('days_attended', sa.Integer(), nullable=True),
    sa.Column('attendance_as_of', sa.Date(), nullable=True),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['cds_code'], ['schools.cds_code'], name=op.f('fk_portal_students_cds_code_schools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_portal_students')),
    sa.UniqueConstraint('district_id', name=op.f('uq_portal_students_district_id'))
    )
    with op.batch_alter_table('portal_students', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_portal_students_cds_code'), ['cds_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_portal_students_grade'), ['grade'], unique=False)
        batch_op.create_index(batch_op.f('ix_portal_students_is_demo'), ['is_demo'], unique=False)

    op.create_table('portal_guardian_contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('relation', sa.String(length=32), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('restricted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['student_id'], ['portal_students.id'], name=op.f('fk_portal_guardian_contacts_student_id_portal_students'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_portal_guardian_contacts'))
    )
    with op.batch_alter_table('portal_guardian_contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_portal_guardian_contacts_student_id'), ['student_id'], unique=False)

    op.create_table('portal_guardian_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('method', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.Column('ended_by_id', sa.Integer(), nullable=True),
    sa.Column('end_reason', sa.String(length=32), nullable=True),
    sa.Column('end_note', sa.String(length=1000), nullable=True),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_portal_guardian_links_approved_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['contact_id'], ['portal_guardian_contacts.id'], name=op.f('fk_portal_guardian_links_contact_id_portal_guardian_contacts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['ended_by_id'], ['users.id'], name=op.f('fk_portal_guardian_links_ended_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['student_id'], ['portal_students.id'], name=op.f('fk_portal_guardian_links_student_id_portal_students'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_portal_guardian_links_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_portal_guardian_links'))
    )
    with op.batch_alter_table('portal_guardian_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_portal_guardian_links_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_portal_guardian_links_ended_at'), ['ended_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_portal_guardian_links_student_id'), ['student_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_portal_guardian_links_user_id'), ['user_id'], unique=False)
        batch_op.create_index('uq_portal_guardian_links_active', ['student_id', 'user_id'], unique=True, sqlite_where=sa.text('ended_at IS NULL'), postgresql_where=sa.text('ended_at IS NULL'))

    op.create_table('portal_link_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.Column('used_by_id', sa.Integer(), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['contact_id'], ['portal_guardian_contacts.id'], name=op.f('fk_portal_link_codes_contact_id_portal_guardian_contacts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_portal_link_codes_issued_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['student_id'], ['portal_students.id'], name=op.f('fk_portal_link_codes_student_id_portal_students'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['used_by_id'], ['users.id'], name=op.f('fk_portal_link_codes_used_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_portal_link_codes')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_portal_link_codes_code_hash'))
    )
    with op.batch_alter_table('portal_link_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_portal_link_codes_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_portal_link_codes_student_id'), ['student_id'], unique=False)

    op.create_table('portal_link_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('cds_code', sa.String(length=14), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=True),
    sa.Column('typed_student_id', sa.String(length=10), nullable=False),
    sa.Column('student_first_name', sa.String(length=100), nullable=False),
    sa.Column('student_last_name', sa.String(length=100), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('requester_name', sa.String(length=200), nullable=False),
    sa.Column('relation', sa.String(length=32), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('deny_reason', sa.String(length=32), nullable=True),
    sa.Column('staff_note', sa.Text(), nullable=False),
    sa.Column('link_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['cds_code'], ['schools.cds_code'], name=op.f('fk_portal_link_requests_cds_code_schools')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_portal_link_requests_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['link_id'], ['portal_guardian_links.id'], name=op.f('fk_portal_link_requests_link_id_portal_guardian_links'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['student_id'], ['portal_students.id'], name=op.f('fk_portal_link_requests_student_id_portal_students'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_portal_link_requests_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_portal_link_requests'))
    )
    with op.batch_alter_table('portal_link_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_portal_link_requests_cds_code'), ['cds_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_portal_link_requests_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_portal_link_requests_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_portal_link_requests_student_id'), ['student_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_portal_link_requests_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('portal_link_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_portal_link_requests_user_id'))
        batch_op.drop_index(batch_op.f('ix_portal_link_requests_student_id'))
        batch_op.drop_index(batch_op.f('ix_portal_link_requests_status'))
        batch_op.drop_index(batch_op.f('ix_portal_link_requests_created_at'))
        batch_op.drop_index(batch_op.f('ix_portal_link_requests_cds_code'))

    op.drop_table('portal_link_requests')
    with op.batch_alter_table('portal_link_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_portal_link_codes_student_id'))
        batch_op.drop_index(batch_op.f('ix_portal_link_codes_contact_id'))

    op.drop_table('portal_link_codes')
    with op.batch_alter_table('portal_guardian_links', schema=None) as batch_op:
        batch_op.drop_index('uq_portal_guardian_links_active', sqlite_where=sa.text('ended_at IS NULL'), postgresql_where=sa.text('ended_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_portal_guardian_links_user_id'))
        batch_op.drop_index(batch_op.f('ix_portal_guardian_links_student_id'))
        batch_op.drop_index(batch_op.f('ix_portal_guardian_links_ended_at'))
        batch_op.drop_index(batch_op.f('ix_portal_guardian_links_created_at'))

    op.drop_table('portal_guardian_links')
    with op.batch_alter_table('portal_guardian_contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_portal_guardian_contacts_student_id'))

    op.drop_table('portal_guardian_contacts')
    with op.batch_alter_table('portal_students', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_portal_students_is_demo'))
        batch_op.drop_index(batch_op.f('ix_portal_students_grade'))
        batch_op.drop_index(batch_op.f('ix_portal_students_cds_code'))

    op.drop_table('portal_students')
    with op.batch_alter_table('portal_failed_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_portal_failed_attempts_user_time')
        batch_op.drop_index('ix_portal_failed_attempts_student_time')

    op.drop_table('portal_failed_attempts')
