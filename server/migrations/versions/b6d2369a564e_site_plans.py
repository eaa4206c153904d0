"""site plans: a plan image per rally, each station's place on it

Revision ID: b6d2369a564e
Revises: f1bdaa769342
Create Date: 2026-12-07 04:10:00

"""
from alembic import op
import sqlalchemy as sa

revision = 'b6d2369a564e'
down_revision = 'f1bdaa769342'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('rallies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('site_plan_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('site_plan_alt', sa.String(length=300), server_default='', nullable=False))
        batch_op.create_foreign_key(batch_op.f('fk_rallies_site_plan_id_media_assets'), 'media_assets',
                                    ['site_plan_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('stations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('plan_x', sa.Double(), nullable=True))
        batch_op.add_column(sa.Column('plan_y', sa.Double(), nullable=True))


def downgrade():
    with op.batch_alter_table('stations', schema=None) as batch_op:
        batch_op.drop_column('plan_y')
        batch_op.drop_column('plan_x')
    with op.batch_alter_table('rallies', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_rallies_site_plan_id_media_assets'), type_='foreignkey')
        batch_op.drop_column('site_plan_alt')
        batch_op.drop_column('site_plan_id')
