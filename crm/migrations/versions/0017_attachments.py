"""attachments: files on companies and placements, stored on disk with a checksum (issue 16)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 13:45:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'attachments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('company_id', sa.Integer(), nullable=True),
        sa.Column('placement_id', sa.Integer(), nullable=True),
        sa.Column('storage_key', sa.String(length=64), nullable=False),
        sa.Column('original_name', sa.String(length=200), nullable=False),
        sa.Column('content_type', sa.String(length=120), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
        sa.Column('uploaded_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint('(company_id IS NULL) <> (placement_id IS NULL)', name=op.f('ck_attachments_one_owner')),
        sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name='fk_attachments_company_id_companies'),
        sa.ForeignKeyConstraint(['placement_id'], ['placements.id'], name='fk_attachments_placement_id_placements',
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name='fk_attachments_uploaded_by_id_users',
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name='pk_attachments'),
        sa.UniqueConstraint('storage_key', name='uq_attachments_storage_key'),
        sqlite_autoincrement=True,
    )
    op.create_index('ix_attachments_company_id', 'attachments', ['company_id'], unique=False)
    op.create_index('ix_attachments_placement_id', 'attachments', ['placement_id'], unique=False)


def downgrade():
    op.drop_index('ix_attachments_placement_id', table_name='attachments')
    op.drop_index('ix_attachments_company_id', table_name='attachments')
    op.drop_table('attachments')
