"""match feedback: shown lists, "passer ikke", weights versions and fits; the employer's reason

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 10:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('match_shown',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('borger_id', sa.Integer(), nullable=False),
    sa.Column('target_key', sa.String(length=40), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('components', sa.JSON(), nullable=False),
    sa.Column('weights_version', sa.String(length=20), nullable=False),
    sa.Column('shown_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['borger_id'], ['borgere.id'], name=op.f('fk_match_shown_borger_id_borgere'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match_shown')),
    sa.UniqueConstraint('borger_id', 'shown_on', 'target_key', name=op.f('uq_match_shown_borger_id')),
    sqlite_autoincrement=True,
    )
    op.create_index(op.f('ix_match_shown_borger_id'), 'match_shown', ['borger_id'], unique=False)
    op.create_index(op.f('ix_match_shown_shown_on'), 'match_shown', ['shown_on'], unique=False)
    op.create_table('match_feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('borger_id', sa.Integer(), nullable=False),
    sa.Column('target_key', sa.String(length=40), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['borger_id'], ['borgere.id'], name=op.f('fk_match_feedback_borger_id_borgere'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match_feedback')),
    sa.UniqueConstraint('borger_id', 'target_key', name=op.f('uq_match_feedback_borger_id')),
    sqlite_autoincrement=True,
    )
    op.create_index(op.f('ix_match_feedback_borger_id'), 'match_feedback', ['borger_id'], unique=False)
    op.create_table('match_weight_fits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('since', sa.Date(), nullable=True),
    sa.Column('report', sa.JSON(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_match_weight_fits_created_by_id_users'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match_weight_fits')),
    sqlite_autoincrement=True,
    )
    op.create_table('match_weights',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('weights', sa.JSON(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('based_on_id', sa.Integer(), nullable=True),
    sa.Column('fit_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('adopted_by_id', sa.Integer(), nullable=True),
    sa.Column('adopted_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['adopted_by_id'], ['users.id'], name=op.f('fk_match_weights_adopted_by_id_users'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['based_on_id'], ['match_weights.id'],
                            name=op.f('fk_match_weights_based_on_id_match_weights'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['fit_id'], ['match_weight_fits.id'],
                            name=op.f('fk_match_weights_fit_id_match_weight_fits'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match_weights')),
    sqlite_autoincrement=True,
    )
    op.create_table('proposal_reasons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('placement_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['placement_id'], ['placements.id'],
                            name=op.f('fk_proposal_reasons_placement_id_placements'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_reasons')),
    sa.UniqueConstraint('placement_id', name=op.f('uq_proposal_reasons_placement_id')),
    sqlite_autoincrement=True,
    )


def downgrade():
    op.drop_table('proposal_reasons')
    op.drop_table('match_weights')
    op.drop_table('match_weight_fits')
    op.drop_index(op.f('ix_match_feedback_borger_id'), table_name='match_feedback')
    op.drop_table('match_feedback')
    op.drop_index(op.f('ix_match_shown_shown_on'), table_name='match_shown')
    op.drop_index(op.f('ix_match_shown_borger_id'), table_name='match_shown')
    op.drop_table('match_shown')
