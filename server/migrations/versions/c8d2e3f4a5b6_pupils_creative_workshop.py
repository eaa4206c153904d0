"""the pupils' creative workshop: workshops, teams, draft stations, tasks and media

Revision ID: c8d2e3f4a5b6
Revises: b6d2369a564e
Create Date: 2026-12-07 04:00:00

Additive: five new tables.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = 'c8d2e3f4a5b6'
down_revision = 'b6d2369a564e'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')
TS = sa.DateTime(timezone=True)


def upgrade():
    op.create_table('workshops',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('teacher_id', sa.Integer(), nullable=True),
    sa.Column('class_label', sa.String(length=40), nullable=False),
    sa.Column('topic', sa.String(length=200), nullable=False),
    sa.Column('join_code', sa.String(length=8), nullable=False),
    sa.Column('starts_at', TS, nullable=False),
    sa.Column('ends_at', TS, nullable=False),
    sa.Column('retention_days', sa.Integer(), nullable=False),
    sa.Column('delete_after', TS, nullable=False),
    sa.Column('purged_at', TS, nullable=True),
    sa.Column('created_at', TS, nullable=False),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_workshops_school_id_schools')),
    sa.ForeignKeyConstraint(['teacher_id'], ['users.id'], name=op.f('fk_workshops_teacher_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workshops')),
    sa.UniqueConstraint('join_code', name=op.f('uq_workshops_join_code'))
    )
    with op.batch_alter_table('workshops', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workshops_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_workshops_delete_after'), ['delete_after'], unique=False)
    op.create_table('workshop_teams',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('joined_at', TS, nullable=False),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], name=op.f('fk_workshop_teams_workshop_id_workshops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workshop_teams')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_workshop_teams_token_hash'))
    )
    with op.batch_alter_table('workshop_teams', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workshop_teams_workshop_id'), ['workshop_id'], unique=False)
    op.create_table('workshop_stations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('teacher_comment', sa.Text(), nullable=False),
    sa.Column('updated_at', TS, nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['workshop_teams.id'], name=op.f('fk_workshop_stations_team_id_workshop_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workshop_stations'))
    )
    with op.batch_alter_table('workshop_stations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workshop_stations_team_id'), ['team_id'], unique=False)
    op.create_table('workshop_tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=20), nullable=False),
    sa.Column('prompt', sa.Text(), nullable=False),
    sa.Column('config', JSON, nullable=False),
    sa.ForeignKeyConstraint(['station_id'], ['workshop_stations.id'], name=op.f('fk_workshop_tasks_station_id_workshop_stations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workshop_tasks'))
    )
    with op.batch_alter_table('workshop_tasks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workshop_tasks_station_id'), ['station_id'], unique=False)
    op.create_table('workshop_media',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('storage_name', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('content_type', sa.String(length=60), nullable=False),
    sa.Column('bytes', sa.Integer(), nullable=False),
    sa.Column('alt', sa.String(length=300), nullable=False),
    sa.Column('created_at', TS, nullable=False),
    sa.ForeignKeyConstraint(['station_id'], ['workshop_stations.id'], name=op.f('fk_workshop_media_station_id_workshop_stations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workshop_media'))
    )
    with op.batch_alter_table('workshop_media', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workshop_media_station_id'), ['station_id'], unique=False)


def downgrade():
    for table, column in (('workshop_media', 'station_id'), ('workshop_tasks', 'station_id'),
                          ('workshop_stations', 'team_id'), ('workshop_teams', 'workshop_id')):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_{column}'))
        op.drop_table(table)
    with op.batch_alter_table('workshops', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workshops_delete_after'))
        batch_op.drop_index(batch_op.f('ix_workshops_school_id'))
    op.drop_table('workshops')
