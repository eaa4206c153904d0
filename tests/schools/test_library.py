"""The library: public rallies of every owner, copied with attribution under the author's licence."""

from __future__ import annotations

from rallies import authoring, publishing
from rallies.models import Rally

API = "/api/manage/v1"


def test_the_library_lists_public_rallies_of_institutions_and_schools_by_filter(db, api_as, make_rally, school_rally,
                                                                                editor):
    museum = make_rally(publish="public", title="Malerei im Museum", subjects=["Kunst"], age_min=10, age_max=12)
    make_rally(publish="partners", title="Nur für Partner")
    ours = school_rally(publish="public", title="Unser Schulhof", licence="CC-BY-SA-4.0")
    school_rally(publish="school", title="Nur für uns")
    api = api_as(editor)
    titles = [item["title"] for item in api.get(f"{API}/library").get_json()]
    assert titles == ["Malerei im Museum", "Unser Schulhof"]
    assert [i["title"] for i in api.get(f"{API}/library?subject=kunst").get_json()] == ["Malerei im Museum"]
    assert [i["title"] for i in api.get(f"{API}/library?age=16").get_json()] == ["Unser Schulhof"]
    assert [i["title"] for i in api.get(f"{API}/library?q=gesamtschule").get_json()] == ["Unser Schulhof"]
    item = api.get(f"{API}/library?q=schulhof").get_json()[0]
    assert item["owner"] == {"type": "school", "id": ours.school_id, "name": "Gesamtschule Am Park"}
    assert item["licence"] == "CC-BY-SA-4.0" and item["copyable"] is True
    assert museum.licence == "all-rights-reserved"


def test_a_teacher_copies_a_museums_cc_rally_with_attribution_shown_to_players(db, api_as, make_rally, teacher,
                                                                               school, editor, client):
    original = make_rally(publish=None, title="Die Nachtwache", stations=[{"tasks": ["text"]}, {"tasks": ["info"]}])
    authoring.update_rally(original, actor=editor, licence="CC-BY-4.0")
    authoring.update_station(original.stations[1], actor=editor, conditions=[{"after_station": original.stations[0].id}])
    publishing.publish(original, actor=editor, visibility="public")
    # A later, unpublished draft must not travel with the copy.
    authoring.update_station(original.stations[0], actor=editor, title="Geheimer Entwurf")
    db.session.commit()
    api = api_as(teacher)
    response = api.post(f"{API}/library/{original.id}/copy", json={"school_id": school.id})
    assert response.status_code == 201, response.get_json()
    copy = db.session.get(Rally, response.get_json()["id"])
    assert copy.school_id == school.id and copy.licence == "CC-BY-4.0"
    assert copy.attribution == {"rally_id": original.id, "title": "Die Nachtwache",
                                "owner": "Stadtmuseum Beispielstadt", "version": 1, "licence": "CC-BY-4.0"}
    assert [s.title for s in copy.stations] == ["Station 1", "Station 2"]
    assert copy.stations[1].conditions == [{"after_station": copy.stations[0].id}]
    version = publishing.publish(copy, actor=teacher, visibility="school")
    db.session.commit()
    from rallies.bundle import build_bundle

    bundle = build_bundle(version.snapshot, version.version)
    assert bundle["rally"]["attribution"]["owner"] == "Stadtmuseum Beispielstadt"
    assert bundle["rally"]["licence"] == "CC-BY-4.0"
    assert bundle["rally"]["institution"] == {"name": "Gesamtschule Am Park", "kind": "school"}


def test_all_rights_reserved_allows_no_copy(db, api_as, make_rally, teacher, school):
    original = make_rally(publish="public")
    response = api_as(teacher).post(f"{API}/library/{original.id}/copy", json={"school_id": school.id})
    assert response.status_code == 409
    assert response.get_json()["code"] == "licence_forbids_copy"
    assert db.session.scalar(db.select(db.func.count(Rally.id))) == 1


def test_a_rally_outside_the_library_is_not_found(db, api_as, make_rally, teacher, school):
    partners_only = make_rally(publish="partners")
    response = api_as(teacher).post(f"{API}/library/{partners_only.id}/copy", json={"school_id": school.id})
    assert response.status_code == 404


def test_copying_ones_own_rally_keeps_station_conditions_pointing_at_the_copies(db, make_rally, editor, institution):
    rally = make_rally(publish=None, stations=[{"tasks": ["text"]}, {"tasks": ["text"]}, {"tasks": ["text"]}])
    first, second, third = rally.stations
    authoring.update_station(second, actor=editor, conditions=[{"after_station": first.id}])
    authoring.update_station(third, actor=editor, conditions=[{"after_station": second.id}, {"min_score": 5}])
    db.session.commit()
    clone = publishing.copy_rally(rally, institution, actor=editor)
    db.session.commit()
    db.session.expire_all()
    clone = db.session.get(Rally, clone.id)
    c1, c2, c3 = clone.stations
    assert c2.conditions == [{"after_station": c1.id}]
    assert c3.conditions == [{"after_station": c2.id}, {"min_score": 5}]
    assert publishing.publish_problems(clone) == {}
