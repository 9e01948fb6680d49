"""users.language and invitations.language: the language a person reads Fodfæste in (issue 18)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-01 16:45:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    # '': the person has not chosen; the browser's language (or Danish) decides.
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('language', sa.String(length=5), nullable=False, server_default=''))
    # The language the employer is invited in; it becomes the new portal user's choice.
    with op.batch_alter_table('invitations') as batch:
        batch.add_column(sa.Column('language', sa.String(length=5), nullable=False, server_default='da'))


def downgrade():
    with op.batch_alter_table('invitations') as batch:
        batch.drop_column('language')
    with op.batch_alter_table('users') as batch:
        batch.drop_column('language')
