"""stations.qr_printed_token: which QR code was downloaded for printing (publish checklist)

Revision ID: c4f1a9e2b7d3
Revises: c4e1a7d20b16
Create Date: 2026-12-07 03:40:00

"""
from alembic import op
import sqlalchemy as sa

revision = 'c4f1a9e2b7d3'
down_revision = 'c4e1a7d20b16'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('stations') as batch_op:
        batch_op.add_column(sa.Column('qr_printed_token', sa.String(length=43), nullable=True))


def downgrade():
    with op.batch_alter_table('stations') as batch_op:
        batch_op.drop_column('qr_printed_token')
