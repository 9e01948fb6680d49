"""indexes for the PostgreSQL pre-filter: companies (lat, lon), openings (status, confirmed_at);
indexes in the order of Kontakt snart and the openings list (pages that stay flat with data);
a lease (heartbeat, attempts) on jobs, so a job left running by a crashed worker is queued again

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 10:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    # Not in batch mode: on SQLite a batch could rebuild the table and lose its AUTOINCREMENT (0007).
    op.create_index('ix_companies_lat_lon', 'companies', ['lat', 'lon'], unique=False)
    op.create_index('ix_openings_status_confirmed_at', 'openings', ['status', 'confirmed_at'], unique=False)
    # Kontakt snart pages in index order (all partners, or one konsulent's); the openings list too.
    op.drop_index('ix_companies_status_last_contact', table_name='companies')
    op.create_index('ix_companies_status_last_contact_name', 'companies',
                    ['status', 'last_contact_at', 'name', 'id'], unique=False)
    op.create_index('ix_companies_konsulent_stale', 'companies',
                    ['konsulent_id', 'status', 'last_contact_at', 'name', 'id'], unique=False)
    op.create_index('ix_openings_status_updated', 'openings', ['status', 'updated_at', 'id'], unique=False)
    op.add_column('jobs', sa.Column('heartbeat_at', sa.DateTime(), nullable=True))
    op.add_column('jobs', sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    # Not in batch mode either: SQLite (3.35+) drops a column in place, a batch would rebuild the table
    # without its AUTOINCREMENT.
    op.drop_column('jobs', 'attempts')
    op.drop_column('jobs', 'heartbeat_at')
    op.drop_index('ix_openings_status_updated', table_name='openings')
    op.drop_index('ix_companies_konsulent_stale', table_name='companies')
    op.drop_index('ix_companies_status_last_contact_name', table_name='companies')
    op.create_index('ix_companies_status_last_contact', 'companies', ['status', 'last_contact_at'], unique=False)
    op.drop_index('ix_openings_status_confirmed_at', table_name='openings')
    op.drop_index('ix_companies_lat_lon', table_name='companies')
