"""call: the program file's call rules, call schedules, and call solve jobs

Revision ID: e7c2d4a9b1f3
Revises: b0e3a24d480f
Create Date: 2026-12-05 00:20:00

The program file's optional call keys (`[call]`, `[[work_hours]]`, `[[call_pool]]`,
`[[call_request]]`) are kept as the file's entries, in one JSON column, so that importing and
exporting a program file keeps them. A call schedule (draft or numbered published version)
rests on a published block version and keeps its duty file and the program file it was
solved with. A solve job now says what it makes (`kind`: blocks or call) and, for call, which
call draft it made. People get notifications in the app (`notification`) and by e-mail
unless they turn that off (`user.email_notifications`). Residents swap call shifts (`call_swap`: offered, accepted, approved or
declined by a chief, withdrawn); the audit log gains the call schedule's publishing and each
step of a swap.
"""
from alembic import op
import sqlalchemy as sa


revision = 'e7c2d4a9b1f3'
down_revision = 'b0e3a24d480f'
branch_labels = None
depends_on = None


OLD_ACTIONS = ('schedule.published', 'case.verified', 'case.returned', 'request.decided',
               'role.granted', 'role.revoked', 'resident.archived', 'resident.restored',
               'resident.deleted', 'case.edited', 'case.deleted')
NEW_ACTIONS = OLD_ACTIONS + ('call.published', 'swap.offered', 'swap.accepted',
                             'swap.approved', 'swap.declined', 'swap.withdrawn')
CHECK = 'ck_audit_event_known_action'


def _known(actions):
    return "action IN (" + ", ".join(f"'{a}'" for a in actions) + ")"


def _audit_actions(actions):
    """Let the audit log's check accept `actions`. PostgreSQL alters the constraint in place.
    SQLite cannot: the append-only table is rebuilt with every row, its index and its two
    triggers (dropping a table fires no trigger)."""
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(op.f(CHECK), 'audit_event', type_='check')
        op.create_check_constraint(op.f(CHECK), 'audit_event', _known(actions))
        return
    op.execute("DROP TRIGGER audit_event_no_update")
    op.execute("DROP TRIGGER audit_event_no_delete")
    op.drop_index('ix_audit_event_program', table_name='audit_event')
    op.rename_table('audit_event', 'audit_event_old')
    op.create_table(
        'audit_event',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('program_id', sa.Integer(), nullable=True),
        sa.Column('program_name', sa.String(length=200), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('actor_email', sa.String(length=254), nullable=False),
        sa.Column('action', sa.String(length=40), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('detail', sa.JSON(), nullable=False),
        sa.CheckConstraint(_known(actions), name=op.f(CHECK)),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event')),
    )
    op.execute("INSERT INTO audit_event SELECT id, at, program_id, program_name, actor_id, "
               "actor_email, action, subject, detail FROM audit_event_old")
    op.drop_table('audit_event_old')
    op.create_index('ix_audit_event_program', 'audit_event', ['program_id', 'id'])
    for verb in ("UPDATE", "DELETE"):
        op.execute(f"CREATE TRIGGER audit_event_no_{verb.lower()} BEFORE {verb} ON audit_event"
                   f" BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: {verb} refused');"
                   " END")


def upgrade():
    _audit_actions(NEW_ACTIONS)
    with op.batch_alter_table('program') as batch_op:
        batch_op.add_column(sa.Column('call_rules', sa.JSON(), nullable=False,
                                      server_default='{}'))
    op.create_table(
        'call_schedule',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('program_id', sa.Integer(), nullable=False),
        sa.Column('schedule_id', sa.Integer(), nullable=False),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('version', sa.Integer(), nullable=True),
        sa.Column('data', sa.JSON(), nullable=False),
        sa.Column('program_toml', sa.Text(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('published_by_id', sa.Integer(), nullable=True),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.CheckConstraint("(state = 'published') = (version IS NOT NULL)",
                           name=op.f('ck_call_schedule_published_has_version')),
        sa.CheckConstraint("state IN ('draft', 'published')",
                           name=op.f('ck_call_schedule_known_state')),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id'],
                                name=op.f('fk_call_schedule_created_by_id_user'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['program_id'], ['program.id'],
                                name=op.f('fk_call_schedule_program_id_program'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['published_by_id'], ['user.id'],
                                name=op.f('fk_call_schedule_published_by_id_user'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['schedule_id'], ['schedule.id'],
                                name=op.f('fk_call_schedule_schedule_id_schedule'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_call_schedule')),
        sa.UniqueConstraint('program_id', 'version', name='uq_call_schedule_version'),
    )
    with op.batch_alter_table('solve_job') as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=16), server_default='blocks',
                                      nullable=False))
        batch_op.add_column(sa.Column('call_schedule_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_solve_job_call_schedule_id_call_schedule'),
                                    'call_schedule', ['call_schedule_id'], ['id'],
                                    ondelete='SET NULL')
        batch_op.create_check_constraint(op.f('ck_solve_job_known_kind'),
                                         "kind IN ('blocks', 'call')")
    op.create_table(
        'call_swap',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('program_id', sa.Integer(), nullable=False),
        sa.Column('call_schedule_id', sa.Integer(), nullable=False),
        sa.Column('pool', sa.String(length=64), nullable=False),
        sa.Column('start', sa.String(length=16), nullable=False),
        sa.Column('end', sa.String(length=16), nullable=False),
        sa.Column('giver_id', sa.Integer(), nullable=False),
        sa.Column('taker_id', sa.Integer(), nullable=True),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('result_id', sa.Integer(), nullable=True),
        sa.CheckConstraint("state NOT IN ('accepted', 'approved') OR taker_id IS NOT NULL",
                           name=op.f('ck_call_swap_taken_has_taker')),
        sa.CheckConstraint("state IN ('offered', 'accepted', 'approved', 'declined', "
                           "'withdrawn')", name=op.f('ck_call_swap_known_state')),
        sa.ForeignKeyConstraint(['call_schedule_id'], ['call_schedule.id'],
                                name=op.f('fk_call_swap_call_schedule_id_call_schedule'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'],
                                name=op.f('fk_call_swap_decided_by_id_user'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['giver_id'], ['resident.id'],
                                name=op.f('fk_call_swap_giver_id_resident'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['program_id'], ['program.id'],
                                name=op.f('fk_call_swap_program_id_program'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['result_id'], ['call_schedule.id'],
                                name=op.f('fk_call_swap_result_id_call_schedule'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['taker_id'], ['resident.id'],
                                name=op.f('fk_call_swap_taker_id_resident'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_call_swap')),
    )
    op.create_table(
        'notification',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('program_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('subject', sa.String(length=200), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('link', sa.String(length=500), nullable=False),
        sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['program_id'], ['program.id'],
                                name=op.f('fk_notification_program_id_program'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'],
                                name=op.f('fk_notification_user_id_user'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notification')),
    )
    op.create_index('ix_notification_user', 'notification', ['user_id', 'id'])
    with op.batch_alter_table('user') as batch_op:
        batch_op.add_column(sa.Column('email_notifications', sa.Boolean(),
                                      server_default=sa.true(), nullable=False))
    with op.batch_alter_table('call_swap') as batch_op:
        batch_op.create_index('ix_call_swap_one_open_per_shift', ['program_id', 'pool', 'start'],
                              unique=True,
                              sqlite_where=sa.text("state IN ('offered', 'accepted')"),
                              postgresql_where=sa.text("state IN ('offered', 'accepted')"))


def downgrade():
    # Refused, before anything changes, while the log holds an event of a new kind: the log
    # is never erased (and SQLite runs these statements outside a transaction).
    held = op.get_bind().execute(sa.text(
        "SELECT count(*) FROM audit_event WHERE NOT " + _known(OLD_ACTIONS))).scalar()
    if held:
        raise RuntimeError(f"the audit log holds {held} event(s) this revision introduced "
                           "(call schedules published, call swaps); the previous schema "
                           "cannot hold them, and the log is never erased")
    with op.batch_alter_table('user') as batch_op:
        batch_op.drop_column('email_notifications')
    op.drop_index('ix_notification_user', table_name='notification')
    op.drop_table('notification')
    op.drop_table('call_swap')
    with op.batch_alter_table('solve_job') as batch_op:
        batch_op.drop_constraint(op.f('ck_solve_job_known_kind'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_solve_job_call_schedule_id_call_schedule'),
                                 type_='foreignkey')
        batch_op.drop_column('call_schedule_id')
        batch_op.drop_column('kind')
    op.drop_table('call_schedule')
    with op.batch_alter_table('program') as batch_op:
        batch_op.drop_column('call_rules')
    _audit_actions(OLD_ACTIONS)
