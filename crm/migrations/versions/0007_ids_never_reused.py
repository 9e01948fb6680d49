"""ids and borger references are never reused

SQLite gave a deleted row's id to the next row (the highest id + 1), so a borger created after
an erasure inherited the erased person's id, URL, reference (B-<id>) and audit trail. Every
table with an integer id becomes AUTOINCREMENT on SQLite (PostgreSQL sequences never go back),
with its counter set past every id the audit log has seen, so an id erased before this
migration cannot come back either. References are now drawn at random; borger_references keeps
every reference ever issued, including the old B-<id> ones, so none is issued twice.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 08:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

# Tables with an integer id, and the audit log's object_type for the ids it records of them.
ID_TABLES = {
    'audit_events': None, 'borgere': 'borger', 'companies': 'company', 'company_status_changes': None,
    'contact_log': None, 'contact_persons': None, 'import_batches': 'import_batch', 'import_changes': None,
    'invitations': None, 'openings': None, 'outcome_events': None, 'placement_events': None,
    'placements': None, 'programme_targets': None, 'programmes': 'programme', 'recovery_codes': None,
    'tasks': 'task', 'users': 'user',
}


def _highest_id_ever(conn, table, object_type):
    """The highest id the table has had: its rows, and the ids the audit log names."""
    highest = conn.execute(sa.text(f'SELECT max(id) FROM "{table}"')).scalar() or 0
    if object_type is not None:
        audited = conn.execute(sa.text(
            "SELECT object_id FROM audit_events WHERE object_type = :type AND object_id IS NOT NULL"),
            {"type": object_type}).scalars()
        highest = max([highest, *(int(value) for value in audited if value.isdigit())])
    if conn.dialect.name == 'postgresql':
        sequence = conn.execute(sa.text(
            "SELECT pg_get_serial_sequence(:table, 'id')"), {"table": table}).scalar()
        if sequence is not None:
            used = conn.execute(sa.text(f'SELECT last_value, is_called FROM {sequence}')).one()
            highest = max(highest, used.last_value if used.is_called else used.last_value - 1)
    return highest


def upgrade():
    conn = op.get_bind()
    op.create_table('borger_references',
    sa.Column('reference', sa.String(length=20), nullable=False),
    sa.PrimaryKeyConstraint('reference', name=op.f('pk_borger_references'))
    )
    # Every reference issued so far: the living borgere's, and B-<id> for every id ever used
    # (an erased borger's old reference must not be drawn for someone new).
    issued = set(conn.execute(sa.text('SELECT reference FROM borgere')).scalars())
    issued |= {f'B-{n:04d}' for n in range(1, _highest_id_ever(conn, 'borgere', 'borger') + 1)}
    if issued:
        op.bulk_insert(sa.table('borger_references', sa.column('reference', sa.String)),
                       [{'reference': reference} for reference in sorted(issued)])

    sqlite = conn.dialect.name == 'sqlite'
    if sqlite:
        for table, object_type in ID_TABLES.items():
            highest = _highest_id_ever(conn, table, object_type)
            with op.batch_alter_table(table, recreate='always',
                                      table_kwargs={'sqlite_autoincrement': True}) as batch_op:
                if table == 'borgere':
                    batch_op.create_foreign_key(batch_op.f('fk_borgere_reference_borger_references'),
                                                'borger_references', ['reference'], ['reference'])
            # The copy set the counter to the highest id left; ids deleted above it stay used.
            conn.execute(sa.text('DELETE FROM sqlite_sequence WHERE name = :table'), {'table': table})
            conn.execute(sa.text('INSERT INTO sqlite_sequence (name, seq) VALUES (:table, :seq)'),
                         {'table': table, 'seq': highest})
    else:
        with op.batch_alter_table('borgere', schema=None) as batch_op:
            batch_op.create_foreign_key(batch_op.f('fk_borgere_reference_borger_references'),
                                        'borger_references', ['reference'], ['reference'])


def downgrade():
    conn = op.get_bind()
    if conn.dialect.name == 'sqlite':
        for table in ID_TABLES:
            with op.batch_alter_table(table, recreate='always',
                                      table_kwargs={'sqlite_autoincrement': False}) as batch_op:
                if table == 'borgere':
                    batch_op.drop_constraint(batch_op.f('fk_borgere_reference_borger_references'),
                                             type_='foreignkey')
    else:
        with op.batch_alter_table('borgere', schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f('fk_borgere_reference_borger_references'), type_='foreignkey')
    op.drop_table('borger_references')
