"""results contracts and referral periods

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 10:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('results_contracts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('municipality', sa.String(length=120), nullable=False),
    sa.Column('investor', sa.String(length=120), nullable=False),
    sa.Column('operator', sa.String(length=120), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('investment', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_results_contracts_programme_id_programmes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_results_contracts')),
    sa.UniqueConstraint('programme_id', name=op.f('uq_results_contracts_programme_id')),
    sqlite_autoincrement=True
    )
    op.create_table('payment_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=160), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('cap', sa.Integer(), nullable=True),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('verifier', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['results_contracts.id'], name=op.f('fk_payment_rules_contract_id_results_contracts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_rules')),
    sqlite_autoincrement=True
    )
    op.create_index(op.f('ix_payment_rules_contract_id'), 'payment_rules', ['contract_id'], unique=False)

    op.create_table('result_invoices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=30), nullable=False),
    sa.Column('invoiced_on', sa.Date(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('paid_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['contract_id'], ['results_contracts.id'], name=op.f('fk_result_invoices_contract_id_results_contracts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_result_invoices_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['paid_by_id'], ['users.id'], name=op.f('fk_result_invoices_paid_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_result_invoices')),
    sa.UniqueConstraint('number', name=op.f('uq_result_invoices_number')),
    sqlite_autoincrement=True
    )
    op.create_index(op.f('ix_result_invoices_contract_id'), 'result_invoices', ['contract_id'], unique=False)

    op.create_table('referral_periods',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('borger_id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('plan', sa.String(length=500), nullable=False),
    sa.Column('renewal', sa.Boolean(), nullable=False),
    sa.Column('reminded_at', sa.DateTime(), nullable=True),
    sa.Column('reminder_task_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['borger_id'], ['borgere.id'], name=op.f('fk_referral_periods_borger_id_borgere'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_referral_periods_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_referral_periods_programme_id_programmes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reminder_task_id'], ['tasks.id'], name=op.f('fk_referral_periods_reminder_task_id_tasks'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral_periods')),
    sqlite_autoincrement=True
    )
    op.create_index(op.f('ix_referral_periods_borger_id'), 'referral_periods', ['borger_id'], unique=False)
    op.create_index(op.f('ix_referral_periods_ends_on'), 'referral_periods', ['ends_on'], unique=False)
    op.create_index(op.f('ix_referral_periods_programme_id'), 'referral_periods', ['programme_id'], unique=False)

    op.create_table('result_verifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rule_id', sa.Integer(), nullable=False),
    sa.Column('borger_id', sa.Integer(), nullable=True),
    sa.Column('outcome_event_id', sa.Integer(), nullable=True),
    sa.Column('evidence_kind', sa.String(length=30), nullable=False),
    sa.Column('achieved_on', sa.Date(), nullable=False),
    sa.Column('reference', sa.String(length=20), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('verified_at', sa.DateTime(), nullable=False),
    sa.Column('verified_by_id', sa.Integer(), nullable=True),
    sa.Column('invoice_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['borger_id'], ['borgere.id'], name=op.f('fk_result_verifications_borger_id_borgere'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['invoice_id'], ['result_invoices.id'], name=op.f('fk_result_verifications_invoice_id_result_invoices'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['outcome_event_id'], ['outcome_events.id'], name=op.f('fk_result_verifications_outcome_event_id_outcome_events'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['rule_id'], ['payment_rules.id'], name=op.f('fk_result_verifications_rule_id_payment_rules'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['verified_by_id'], ['users.id'], name=op.f('fk_result_verifications_verified_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_result_verifications')),
    sa.UniqueConstraint('reference', name=op.f('uq_result_verifications_reference')),
    sa.UniqueConstraint('rule_id', 'borger_id', name=op.f('uq_result_verifications_rule_id')),
    sqlite_autoincrement=True
    )
    op.create_index(op.f('ix_result_verifications_borger_id'), 'result_verifications', ['borger_id'], unique=False)
    op.create_index(op.f('ix_result_verifications_invoice_id'), 'result_verifications', ['invoice_id'], unique=False)
    op.create_index(op.f('ix_result_verifications_rule_id'), 'result_verifications', ['rule_id'], unique=False)

    # Not in batch mode: on SQLite a batch could rebuild the table and lose its AUTOINCREMENT (0007).
    op.add_column('programmes', sa.Column('referral_months', sa.Integer(), nullable=True))



def downgrade():
    op.drop_column('programmes', 'referral_months')

    op.drop_index(op.f('ix_result_verifications_rule_id'), table_name='result_verifications')
    op.drop_index(op.f('ix_result_verifications_invoice_id'), table_name='result_verifications')
    op.drop_index(op.f('ix_result_verifications_borger_id'), table_name='result_verifications')

    op.drop_table('result_verifications')
    op.drop_index(op.f('ix_referral_periods_programme_id'), table_name='referral_periods')
    op.drop_index(op.f('ix_referral_periods_ends_on'), table_name='referral_periods')
    op.drop_index(op.f('ix_referral_periods_borger_id'), table_name='referral_periods')

    op.drop_table('referral_periods')
    op.drop_index(op.f('ix_result_invoices_contract_id'), table_name='result_invoices')

    op.drop_table('result_invoices')
    op.drop_index(op.f('ix_payment_rules_contract_id'), table_name='payment_rules')

    op.drop_table('payment_rules')
    op.drop_table('results_contracts')
