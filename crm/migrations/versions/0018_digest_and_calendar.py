"""the daily e-mail digest (opt-outs per kind, one run per user and day) and private calendar feeds (issue 16)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01 13:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('digest_opt_outs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_digest_opt_outs_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_digest_opt_outs')),
    sa.UniqueConstraint('user_id', 'kind', name=op.f('uq_digest_opt_outs_user_id')),
    sqlite_autoincrement=True,
    )
    op.create_index(op.f('ix_digest_opt_outs_user_id'), 'digest_opt_outs', ['user_id'], unique=False)
    op.create_table('digest_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('made_at', sa.DateTime(), nullable=False),
    sa.Column('items', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_digest_runs_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_digest_runs')),
    sa.UniqueConstraint('user_id', 'day', name=op.f('uq_digest_runs_user_id')),
    sqlite_autoincrement=True,
    )
    op.create_index(op.f('ix_digest_runs_user_id'), 'digest_runs', ['user_id'], unique=False)
    op.create_table('calendar_feeds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_calendar_feeds_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_feeds')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_calendar_feeds_token_hash')),
    sa.UniqueConstraint('user_id', name=op.f('uq_calendar_feeds_user_id')),
    sqlite_autoincrement=True,
    )


def downgrade():
    op.drop_table('calendar_feeds')
    op.drop_index(op.f('ix_digest_runs_user_id'), table_name='digest_runs')
    op.drop_table('digest_runs')
    op.drop_index(op.f('ix_digest_opt_outs_user_id'), table_name='digest_opt_outs')
    op.drop_table('digest_opt_outs')
