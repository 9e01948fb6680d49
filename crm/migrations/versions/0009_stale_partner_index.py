"""an index for counting stale partners (status, last contact)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 09:40:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    # Not in batch mode: on SQLite a batch could rebuild the table and lose its AUTOINCREMENT (0007).
    op.create_index('ix_companies_status_last_contact', 'companies', ['status', 'last_contact_at'], unique=False)


def downgrade():
    op.drop_index('ix_companies_status_last_contact', table_name='companies')
