"""tasks.eftervaern marks the efterværn follow-along tasks (instead of a title prefix)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 11:00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

# The prefix that marked a follow-along task until now (crm/services/placements.py wrote it).
TITLE_PREFIX = "Efterværn:"


def upgrade():
    # add_column, not a batch: on SQLite a batch rebuilds the table and loses its AUTOINCREMENT (0007).
    op.add_column('tasks', sa.Column('eftervaern', sa.Boolean(), server_default=sa.false(), nullable=False))
    tasks = sa.table('tasks', sa.column('title', sa.String), sa.column('eftervaern', sa.Boolean))
    op.execute(tasks.update().where(tasks.c.title.startswith(TITLE_PREFIX, autoescape=True))
               .values(eftervaern=True))


def downgrade():
    # A plain DROP COLUMN (SQLite ≥ 3.35), not a batch, for the same reason.
    op.drop_column('tasks', 'eftervaern')
