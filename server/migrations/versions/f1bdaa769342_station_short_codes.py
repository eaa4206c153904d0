"""station short codes: five characters typed instead of scanning a QR code

Revision ID: f1bdaa769342
Revises: b7c1d2e3f4a5
Create Date: 2026-12-07 03:40:00

Existing QR stations get a code at once, unique within their rally.
"""
import secrets

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'f1bdaa769342'
down_revision = 'b7c1d2e3f4a5'
branch_labels = None
depends_on = None

# The join-code alphabet as it stands today (rallies/tokens.py), copied so this revision never changes.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def upgrade():
    with op.batch_alter_table('stations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('short_code', sa.String(length=5), nullable=True))
        batch_op.create_unique_constraint('uq_stations_rally_id_short_code', ['rally_id', 'short_code'])

    stations = sa.table('stations', sa.column('id', sa.Integer), sa.column('rally_id', sa.Integer),
                        sa.column('unlock_mode', sa.String), sa.column('qr_token', sa.String),
                        sa.column('short_code', sa.String))
    connection = op.get_bind()
    rows = connection.execute(sa.select(stations.c.id, stations.c.rally_id)
                              .where(stations.c.unlock_mode == 'qr', stations.c.qr_token.is_not(None))
                              .order_by(stations.c.id)).all()
    taken = {}
    for station_id, rally_id in rows:
        used = taken.setdefault(rally_id, set())
        while True:
            code = "".join(secrets.choice(ALPHABET) for _ in range(5))
            if code not in used:
                break
        used.add(code)
        connection.execute(stations.update().where(stations.c.id == station_id).values(short_code=code))


def downgrade():
    with op.batch_alter_table('stations', schema=None) as batch_op:
        batch_op.drop_constraint('uq_stations_rally_id_short_code', type_='unique')
        batch_op.drop_column('short_code')
