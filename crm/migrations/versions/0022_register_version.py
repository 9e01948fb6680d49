"""register_version: one counter that moves at every commit changing the company register (issue 12)

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-01 19:30:00

"""

import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "register_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_register_version")),
        sqlite_autoincrement=True,
    )
    # A random start: a database made again at the same URL never repeats a version a cache saw.
    op.bulk_insert(table, [{"id": 1, "version": secrets.randbits(52)}])


def downgrade():
    op.drop_table("register_version")
