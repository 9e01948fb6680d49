"""the programmes a teamleder leads

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 10:40:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'programme_leads',
        sa.Column('programme_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'],
                                name=op.f('fk_programme_leads_programme_id_programmes'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_programme_leads_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('programme_id', 'user_id', name=op.f('pk_programme_leads')),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f('ix_programme_leads_user_id'), 'programme_leads', ['user_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_programme_leads_user_id'), table_name='programme_leads')
    op.drop_table('programme_leads')
