"""indexes for the PostgreSQL pre-filter: companies (lat, lon), openings (status, confirmed_at)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 10:30:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    # Not in batch mode: on SQLite a batch could rebuild the table and lose its AUTOINCREMENT (0007).
    op.create_index('ix_companies_lat_lon', 'companies', ['lat', 'lon'], unique=False)
    op.create_index('ix_openings_status_confirmed_at', 'openings', ['status', 'confirmed_at'], unique=False)


def downgrade():
    op.drop_index('ix_openings_status_confirmed_at', table_name='openings')
    op.drop_index('ix_companies_lat_lon', table_name='companies')
