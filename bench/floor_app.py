"""The floor: the least a Flask + SQLAlchemy app can do for the same request.

POST /answers with `Authorization: Bearer <team number>` and the same body as ours
({answers: [{id, task_id, value, answered_at}]}): validate the JSON, insert the batch in one
`INSERT … ON CONFLICT DO NOTHING RETURNING` (idempotent on (team, id), so replays come back
`duplicate`), commit, answer per item.
No team lookup, no rules, no scoring: what is left is the framework, the driver and the
database, which is what our server's throughput is measured against.

Run: DATABASE_URL=postgresql+psycopg://... gunicorn bench.floor_app:app
"""

from __future__ import annotations

import datetime as dt
import os
import uuid

from flask import Flask, jsonify, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import JSON, DateTime, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class FloorAnswer(db.Model):
    __tablename__ = "floor_answers"
    __table_args__ = (UniqueConstraint("team_id", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int]
    client_id: Mapped[str] = mapped_column(String(36))
    task_id: Mapped[int]
    value: Mapped[object] = mapped_column(JSON().with_variant(JSONB(), "postgresql"), nullable=True)
    answered_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


def create_app(database_url: str | None = None) -> Flask:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url or os.environ["DATABASE_URL"]
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True}
    db.init_app(app)

    @app.post("/answers")
    def answers():
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.isdigit():
            return jsonify(error="unauthorized"), 401
        body = request.get_json(silent=True)
        items = body.get("answers") if isinstance(body, dict) else None
        if not isinstance(items, list) or not 1 <= len(items) <= 100:
            return jsonify(error="invalid_request"), 422
        now = dt.datetime.now(dt.timezone.utc)
        rows = [_valid(item) for item in items]
        valid = [{**row, "team_id": int(token), "received_at": now} for row in rows if row is not None]
        inserted: set[str] = set()
        if valid:  # one statement for the whole batch: the least the database can be asked
            inserted = set(db.session.scalars(
                insert(FloorAnswer).values(valid)
                .on_conflict_do_nothing(index_elements=["team_id", "client_id"]).returning(FloorAnswer.client_id)))
        db.session.commit()
        results = []
        for item, row in zip(items, rows):
            if row is None:
                results.append({"id": item.get("id") if isinstance(item, dict) else None, "status": "rejected"})
            else:
                fresh = row["client_id"] in inserted
                inserted.discard(row["client_id"])  # a second copy in the same batch is a duplicate
                results.append({"id": row["client_id"], "status": "accepted" if fresh else "duplicate"})
        return jsonify(results=results)

    return app


def _valid(item) -> dict | None:
    if not isinstance(item, dict) or not all(k in item for k in ("id", "task_id", "value", "answered_at")):
        return None
    try:
        client_id = str(uuid.UUID(item["id"]))
        answered_at = dt.datetime.fromisoformat(item["answered_at"])
    except (TypeError, ValueError, AttributeError):
        return None
    if answered_at.tzinfo is None or not isinstance(item["task_id"], int) or isinstance(item["task_id"], bool):
        return None
    return {"client_id": client_id, "task_id": item["task_id"], "value": item["value"], "answered_at": answered_at}


def create_schema(database_url: str) -> None:
    app = create_app(database_url)
    with app.app_context():
        db.create_all()
        db.engine.dispose()


app = create_app() if os.environ.get("DATABASE_URL") else None
