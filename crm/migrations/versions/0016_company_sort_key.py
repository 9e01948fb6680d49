"""companies.sort_key: the name in Danish alphabetical order, indexed (issue 16)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 11:45:00

"""
import sqlalchemy as sa
from alembic import op

from crm.sorting import SORT_KEY_LENGTH, sort_key

# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

# Byte order on both databases: SQLite compares text in binary, PostgreSQL needs "C".
SORT_KEY_TYPE = sa.String(SORT_KEY_LENGTH).with_variant(sa.String(SORT_KEY_LENGTH, collation="C"), "postgresql")


def upgrade():
    # Not in batch mode: on SQLite a batch could rebuild the table and lose its AUTOINCREMENT (0007).
    op.add_column('companies', sa.Column('sort_key', SORT_KEY_TYPE, nullable=False, server_default=sa.text("''")))
    companies = sa.table("companies", sa.column("id"), sa.column("name_key"), sa.column("sort_key"))
    conn = op.get_bind()
    rows = conn.execute(sa.select(companies.c.id, companies.c.name_key)).all()
    if rows:
        conn.execute(companies.update().where(companies.c.id == sa.bindparam("_id"))
                     .values(sort_key=sa.bindparam("_sort_key")),
                     [{"_id": company_id, "_sort_key": sort_key(name_key)} for company_id, name_key in rows])
    op.create_index('ix_companies_sort_key', 'companies', ['sort_key'], unique=False)


def downgrade():
    op.drop_index('ix_companies_sort_key', table_name='companies')
    # A plain DROP COLUMN (SQLite ≥ 3.35), not a batch, for the same reason.
    op.drop_column('companies', 'sort_key')
