"""rallies owned by schools, co-owning partnerships, licences and attribution, change list

Revision ID: b7c1d2e3f4a5
Revises: c4f1a9e2b7d3
Create Date: 2026-12-07 03:30:00

Additive: rallies.institution_id becomes nullable beside a new school_id (a check says
exactly one is set, which every existing row satisfies), plus nullable partnership_id,
attribution and created_by_id, and licence with a default; two new tables.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = 'b7c1d2e3f4a5'
down_revision = 'c4f1a9e2b7d3'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')


def upgrade():
    with op.batch_alter_table('rallies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('school_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('partnership_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('licence', sa.String(length=24), server_default='all-rights-reserved',
                                      nullable=False))
        batch_op.add_column(sa.Column('attribution', JSON, nullable=True))
        batch_op.add_column(sa.Column('created_by_id', sa.Integer(), nullable=True))
        batch_op.alter_column('institution_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_index(batch_op.f('ix_rallies_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rallies_partnership_id'), ['partnership_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_rallies_school_id_schools'), 'schools', ['school_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_rallies_partnership_id_partnerships'), 'partnerships',
                                    ['partnership_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_rallies_created_by_id_users'), 'users', ['created_by_id'], ['id'],
                                    ondelete='SET NULL')
        batch_op.create_check_constraint('one_owner', '(institution_id IS NULL) <> (school_id IS NULL)')

    op.create_table('media_asset_schools',
    sa.Column('media_id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['media_id'], ['media_assets.id'], name=op.f('fk_media_asset_schools_media_id_media_assets'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_media_asset_schools_school_id_schools'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('media_id', 'school_id', name=op.f('pk_media_asset_schools'))
    )
    op.create_table('rally_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rally_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('author', sa.String(length=254), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=True),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['rally_id'], ['rallies.id'], name=op.f('fk_rally_changes_rally_id_rallies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_rally_changes_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['version_id'], ['rally_versions.id'], name=op.f('fk_rally_changes_version_id_rally_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rally_changes'))
    )
    with op.batch_alter_table('rally_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rally_changes_rally_id'), ['rally_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rally_changes_version_id'), ['version_id'], unique=False)


def downgrade():
    with op.batch_alter_table('rally_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rally_changes_version_id'))
        batch_op.drop_index(batch_op.f('ix_rally_changes_rally_id'))
    op.drop_table('rally_changes')
    op.drop_table('media_asset_schools')
    with op.batch_alter_table('rallies', schema=None) as batch_op:
        batch_op.drop_constraint('one_owner', type_='check')
        batch_op.drop_constraint(batch_op.f('fk_rallies_created_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_rallies_partnership_id_partnerships'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_rallies_school_id_schools'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_rallies_partnership_id'))
        batch_op.drop_index(batch_op.f('ix_rallies_school_id'))
        batch_op.alter_column('institution_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('created_by_id')
        batch_op.drop_column('attribution')
        batch_op.drop_column('licence')
        batch_op.drop_column('partnership_id')
        batch_op.drop_column('school_id')
