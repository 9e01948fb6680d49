"""Kontakt snart's indexes end in the Danish sort key, not the name: the never-contacted partners
are listed in Danish order, which an index on the name (compared byte by byte) cannot give, so each
page sorted every such partner (issue 12)

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-01 23:30:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade():
    # Not in batch mode: on SQLite a batch could rebuild the table and lose its AUTOINCREMENT (0007).
    op.drop_index("ix_companies_konsulent_stale", table_name="companies")
    op.drop_index("ix_companies_status_last_contact_name", table_name="companies")
    op.create_index("ix_companies_status_last_contact_sort", "companies",
                    ["status", "last_contact_at", "sort_key", "id"], unique=False)
    op.create_index("ix_companies_konsulent_stale_sort", "companies",
                    ["konsulent_id", "status", "last_contact_at", "sort_key", "id"], unique=False)


def downgrade():
    op.drop_index("ix_companies_konsulent_stale_sort", table_name="companies")
    op.drop_index("ix_companies_status_last_contact_sort", table_name="companies")
    op.create_index("ix_companies_status_last_contact_name", "companies",
                    ["status", "last_contact_at", "name", "id"], unique=False)
    op.create_index("ix_companies_konsulent_stale", "companies",
                    ["konsulent_id", "status", "last_contact_at", "name", "id"], unique=False)
