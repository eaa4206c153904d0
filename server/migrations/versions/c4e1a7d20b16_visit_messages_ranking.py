"""class visit: messages to every team, the closing ranking switch, last message time

Revision ID: c4e1a7d20b16
Revises: 3d80cbde4b89
Create Date: 2026-12-07 03:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'c4e1a7d20b16'
down_revision = '3d80cbde4b89'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'run_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('class_run_id', sa.Integer(), nullable=False),
        sa.Column('text', sa.String(length=500), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('sender_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['class_run_id'], ['class_runs.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['sender_id'], ['users.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_run_messages_class_run_id'), 'run_messages', ['class_run_id'], unique=False)
    with op.batch_alter_table('class_runs') as batch:
        batch.add_column(sa.Column('show_ranking', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch.add_column(sa.Column('last_message_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('class_runs') as batch:
        batch.drop_column('last_message_at')
        batch.drop_column('show_ranking')
    op.drop_index(op.f('ix_run_messages_class_run_id'), table_name='run_messages')
    op.drop_table('run_messages')
