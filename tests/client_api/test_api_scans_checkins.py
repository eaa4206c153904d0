"""POST /api/v1/team/scans and /team/checkins: unlocking stations, once, by code or by place."""

from rallies.models import Checkin, Scan, StationUnlock
from tests.client_api.helpers import new_id, now_iso


def count(db, model, **where):
    return db.session.scalar(db.select(db.func.count()).select_from(model).filter_by(**where))


def test_a_scan_of_the_full_url_or_bare_token_unlocks_once(play_team, db):
    team = play_team(stations=[{"unlock_mode": "qr", "tasks": ["info"]}, {"unlock_mode": "qr", "tasks": ["info"]}])
    first, second = team.rally.stations
    scan_id = new_id()
    response = team.scan(first.qr_token, scan_id)
    assert response.status_code == 200
    assert response.get_json() == {"id": scan_id, "status": "accepted",
                                    "station": {"id": first.id, "title": first.title}, "unlocked": True}
    replay = team.scan(first.qr_token, scan_id)
    assert replay.status_code == 200 and replay.get_json()["status"] == "duplicate"
    bare = team.post("/api/v1/team/scans", json={"id": new_id(), "payload": f"  {second.qr_token}\n",
                                                 "scanned_at": now_iso()})
    assert bare.get_json()["station"]["id"] == second.id
    assert count(db, Scan, team_id=team.team_id) == 2
    assert count(db, StationUnlock, team_id=team.team_id) == 2
    states = {s["id"]: s["state"] for s in team.progress()["stations"]}
    assert states == {first.id: "unlocked", second.id: "unlocked"}


def test_a_scan_in_fixed_order_is_stored_but_the_station_stays_locked(play_team):
    team = play_team(stations=[{"tasks": ["info"]}, {"unlock_mode": "qr", "tasks": ["info"]}],
                     settings={"station_order": "fixed"})
    response = team.scan(team.rally.stations[1].qr_token)
    assert response.get_json()["status"] == "accepted" and response.get_json()["unlocked"] is False


def test_a_token_of_another_rally_or_unknown_is_404_unknown_code(play_team, make_rally, db):
    team = play_team(stations=[{"unlock_mode": "qr", "tasks": ["info"]}])
    other = make_rally(stations=[{"unlock_mode": "qr", "tasks": ["info"]}])
    for token in (other.stations[0].qr_token, "nonsense"):
        response = team.scan(token)
        assert response.status_code == 404 and response.get_json()["code"] == "unknown_code"
    assert count(db, Scan, team_id=team.team_id) == 0


def test_scan_ids_are_scoped_to_the_team_and_reuse_is_refused(play_team, join_http, db):
    team = play_team(stations=[{"unlock_mode": "qr", "tasks": ["info"]}, {"unlock_mode": "qr", "tasks": ["info"]}])
    first, second = team.rally.stations
    scan_id = new_id()
    team.scan(first.qr_token, scan_id)
    reused = team.scan(second.qr_token, scan_id)
    assert reused.status_code == 409 and reused.get_json()["code"] == "id_reused"
    other_team = join_http(team.run.join_code, "Andere")
    assert other_team.scan(first.qr_token, scan_id).get_json()["status"] == "accepted"


def test_scan_bodies_are_validated(play_team):
    team = play_team(stations=[{"unlock_mode": "qr", "tasks": ["info"]}])
    token = team.rally.stations[0].qr_token
    for body, field in [({"id": new_id(), "payload": token, "scanned_at": "2026-05-01T10:00:00"}, "scanned_at"),
                        ({"id": "not-a-uuid", "payload": token, "scanned_at": now_iso()}, "id"),
                        ({"id": new_id(), "scanned_at": now_iso()}, "payload")]:
        response = team.post("/api/v1/team/scans", json=body)
        assert response.status_code == 422 and field in response.get_json()["errors"], body


def test_a_checkin_inside_the_radius_unlocks_the_station(play_team, db):
    team = play_team(stations=[{"unlock_mode": "location", "lat": 52.52, "lon": 13.405, "radius_m": 100,
                                "tasks": ["info"]}])
    station = team.rally.stations[0]
    checkin_id = new_id()
    body = {"id": checkin_id, "station_id": station.id, "lat": 52.5205, "lon": 13.405, "accuracy_m": 10,
            "at": now_iso()}
    response = team.post("/api/v1/team/checkins", json=body)
    result = response.get_json()
    assert response.status_code == 200 and result["status"] == "accepted"
    assert result["inside"] is True and result["unlocked"] is True and 50 < result["distance_m"] < 60
    assert team.post("/api/v1/team/checkins", json={**body, "at": now_iso(5)}).get_json()["status"] == "duplicate"
    reused = team.post("/api/v1/team/checkins", json={**body, "lat": 52.6})
    assert reused.status_code == 409 and reused.get_json()["code"] == "id_reused"
    assert count(db, Checkin, team_id=team.team_id) == 1


def test_a_very_inaccurate_fix_never_unlocks_a_far_station(play_team, db):
    team = play_team(stations=[{"unlock_mode": "location", "lat": 52.52, "lon": 13.405, "radius_m": 100,
                                "tasks": ["info"]}])
    station = team.rally.stations[0]
    response = team.post("/api/v1/team/checkins", json={
        "id": new_id(), "station_id": station.id, "lat": 52.529, "lon": 13.405, "accuracy_m": 5000,
        "at": now_iso()})
    result = response.get_json()
    assert result["status"] == "accepted" and result["inside"] is False and result["unlocked"] is False
    assert 990 < result["distance_m"] < 1010
    assert count(db, StationUnlock, team_id=team.team_id) == 0
    assert db.session.scalar(db.select(Checkin).filter_by(team_id=team.team_id)).inside is False
    # 140 m away with radius 100: the allowance is min(accuracy, 50, radius/2) = 50 m, so inside.
    near = team.post("/api/v1/team/checkins", json={
        "id": new_id(), "station_id": station.id, "lat": 52.52126, "lon": 13.405, "accuracy_m": 5000,
        "at": now_iso()}).get_json()
    assert 135 < near["distance_m"] < 145 and near["inside"] is True


def test_checkin_errors(play_team, make_rally):
    team = play_team(stations=[{"tasks": ["info"]}])
    other = make_rally(stations=[{"unlock_mode": "location", "tasks": ["info"]}])
    base = {"lat": 52.52, "lon": 13.4, "accuracy_m": 5, "at": now_iso()}
    open_station = team.post("/api/v1/team/checkins", json={"id": new_id(), "station_id": team.rally.stations[0].id,
                                                            **base})
    assert open_station.status_code == 422 and open_station.get_json()["code"] == "not_a_location_station"
    foreign = team.post("/api/v1/team/checkins", json={"id": new_id(), "station_id": other.stations[0].id, **base})
    assert foreign.status_code == 404 and foreign.get_json()["code"] == "not_found"
    for bad in ({"lat": 91}, {"lon": -181}, {"at": "2026-05-01T10:00:00"}, {"accuracy_m": -1}):
        response = team.post("/api/v1/team/checkins", json={"id": new_id(), "station_id": 1, **base, **bad})
        assert response.status_code == 422 and set(bad) <= set(response.get_json()["errors"]), bad
