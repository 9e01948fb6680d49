"""users.phone: a staff member's work phone, shown to the employers of the companies they look after

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 11:40:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    # add_column, not a batch: on SQLite a batch rebuilds the table and loses its AUTOINCREMENT (0007).
    op.add_column('users', sa.Column('phone', sa.String(length=40), server_default='', nullable=False))


def downgrade():
    # A plain DROP COLUMN (SQLite ≥ 3.35), not a batch, for the same reason.
    op.drop_column('users', 'phone')
