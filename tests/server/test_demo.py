"""The demo that `make run` seeds: complete, playable, and created only once."""

from rallies.models import ClassRun, Rally, RallyVersion, User
from rallies.tasks import REGISTRY


def test_demo_seed_creates_a_playable_rally_with_every_task_type_once(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "seed"])
    second = runner.invoke(args=["demo", "seed"])
    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    assert db.session.query(Rally).count() == 1
    assert db.session.query(ClassRun).count() == 1
    run = db.session.scalar(db.select(ClassRun))
    assert run.join_code in first.output and run.join_code in second.output
    snapshot = db.session.get(RallyVersion, run.rally_version_id).snapshot
    types = {task["type"] for station in snapshot["stations"] for task in station["tasks"]}
    assert types == set(REGISTRY)
    modes = {station["unlock"]["mode"] for station in snapshot["stations"]}
    assert modes == {"open", "qr", "location"}
    assert len(snapshot["stations"]) >= 8
    images = [m for s in snapshot["stations"] for m in s["media"] if m["content_type"].startswith("image/")]
    assert images and all(m["alt"] for m in images)
    assert any(m["content_type"].startswith("audio/") for s in snapshot["stations"] for m in s["media"])


def test_demo_logins_work(app, db, client):
    from server.demo import DEMO_PASSWORD, LOGINS

    app.test_cli_runner().invoke(args=["demo", "seed"])
    assert db.session.query(User).count() == 3
    response = client.post("/login", data={"email": LOGINS["teacher"], "password": DEMO_PASSWORD})
    assert response.status_code == 302
