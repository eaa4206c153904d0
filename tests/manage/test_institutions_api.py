"""The management API for institutions and schools: admitted kinds, office writes, who sees what."""

import pytest

from rallies.models import ADMITTED_KINDS, Institution, School
from tests.support.problems import assert_problem

API = "/api/manage/v1"
MUSEUM = {"name": "Kunsthalle Nord", "kind": "museum", "municipal": False, "address": "Hafenstraße 1",
          "region": "Nord", "lat": 53.55, "lon": 9.99}


@pytest.fixture
def office_api(api_as, office):
    return api_as(office)


def test_calls_without_a_token_are_401_problems(client):
    for path in ("/institutions", "/institution-kinds", "/schools", "/schools/1"):
        body = assert_problem(client.get(API + path), 401, "unauthorized")
        assert "token" in body["detail"]
    response = client.post(f"{API}/institutions", json=MUSEUM)
    assert_problem(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_admitted_kinds_are_listed_with_labels(api_as, teacher):
    kinds = api_as(teacher).get(f"{API}/institution-kinds").get_json()
    assert {k["kind"]: k["label"] for k in kinds} == ADMITTED_KINDS
    assert "kindergarten" not in {k["kind"] for k in kinds}


def test_the_office_registers_an_institution(db, office_api):
    response = office_api.post(f"{API}/institutions", json=MUSEUM)
    assert response.status_code == 201
    body = response.get_json()
    assert body["kind_label"] == "Museum" and body["municipal"] is False and body["lat"] == 53.55
    stored = db.session.get(Institution, body["id"])
    assert (stored.name, stored.address, stored.region) == ("Kunsthalle Nord", "Hafenstraße 1", "Nord")


def test_kindergartens_and_day_care_are_refused_with_the_reason(db, office_api):
    for kind in ("kindergarten", "day_care"):
        body = assert_problem(office_api.post(f"{API}/institutions", json={**MUSEUM, "kind": kind}), 422,
                              "kind_not_admitted")
        assert "nicht zugelassen" in body["detail"] and body["errors"]["kind"] == [body["detail"]]
    assert db.session.query(Institution).count() == 0


INVALID_INSTITUTIONS = [
    ({"kind": "zoo"}, "kind"), ({"kind": 7}, "kind"), ({"name": ""}, "name"), ({"name": None}, "name"),
    ({"municipal": "perhaps"}, "municipal"), ({"lat": "north"}, "lat"), ({"lat": 95.0}, "lat"),
    ({"lat": None}, "lat"),  # only one coordinate
    ({"address": {"street": "x"}}, "address"), ({"website": "https://x"}, "website"),
]


def test_invalid_institutions_are_refused_and_nothing_is_stored(db, office_api):
    for change, field in INVALID_INSTITUTIONS:
        body = assert_problem(office_api.post(f"{API}/institutions", json={**MUSEUM, **change}), 422,
                              "invalid_request")
        assert field in body["errors"], change
    assert db.session.query(Institution).count() == 0


def test_missing_fields_and_malformed_json(db, office_api):
    body = assert_problem(office_api.post(f"{API}/institutions", json={}), 422, "invalid_request")
    assert set(body["errors"]) == {"name", "kind"}
    assert_problem(office_api.post(f"{API}/institutions", data="{", content_type="application/json"), 400,
                   "malformed_json")
    assert_problem(office_api.post(f"{API}/institutions", json=["a list"]), 422, "invalid_request")
    assert db.session.query(Institution).count() == 0


def test_the_office_edits_an_institution_but_not_into_a_refused_kind(db, office_api, institution):
    response = office_api.patch(f"{API}/institutions/{institution.id}", json={"region": "Süd", "municipal": False})
    assert response.status_code == 200 and response.get_json()["region"] == "Süd"
    refused = office_api.patch(f"{API}/institutions/{institution.id}", json={"region": "Ost", "kind": "day_care"})
    assert_problem(refused, 422, "kind_not_admitted")
    assert_problem(office_api.patch(f"{API}/institutions/{institution.id}", json={"lon": "x"}), 422, "invalid_request")
    db.session.rollback()
    stored = db.session.get(Institution, institution.id)
    assert (stored.region, stored.municipal, stored.kind) == ("Süd", False, "museum")


def test_editors_see_only_their_institutions(db, api_as, editor, institution, make_institution):
    other = make_institution(name="Stadtarchiv")
    api = api_as(editor)
    assert [i["id"] for i in api.get(f"{API}/institutions").get_json()] == [institution.id]
    own = api.get(f"{API}/institutions/{institution.id}").get_json()
    assert own["address"] == institution.address
    assert_problem(api.get(f"{API}/institutions/{other.id}"), 404, "not_found")
    assert_problem(api.patch(f"{API}/institutions/{other.id}", json={"name": "Mine"}), 404, "not_found")
    assert_problem(api.patch(f"{API}/institutions/{institution.id}", json={"name": "Mine"}), 403, "forbidden")
    assert_problem(api.post(f"{API}/institutions", json=MUSEUM), 403, "forbidden")
    db.session.rollback()
    assert db.session.get(Institution, other.id).name == "Stadtarchiv"
    assert db.session.query(Institution).count() == 2


def test_teachers_see_every_institution_but_only_its_public_fields(api_as, teacher, institution, make_institution):
    other = make_institution(name="Stadtarchiv", kind="archive")
    api = api_as(teacher)
    listed = api.get(f"{API}/institutions").get_json()
    assert {i["name"] for i in listed} == {institution.name, "Stadtarchiv"}
    assert all(set(i) == {"id", "name", "kind", "kind_label", "municipal", "region"} for i in listed)
    one = api.get(f"{API}/institutions/{other.id}").get_json()
    assert one["kind_label"] == "Archiv" and "address" not in one


def test_the_office_registers_and_edits_schools(db, office_api):
    created = office_api.post(f"{API}/schools", json={"name": "Grundschule Süd", "region": "Süd"})
    assert created.status_code == 201
    sid = created.get_json()["id"]
    patched = office_api.patch(f"{API}/schools/{sid}", json={"address": "Lindenallee 3", "lat": 52.1, "lon": 13.1})
    assert patched.get_json()["address"] == "Lindenallee 3"
    stored = db.session.get(School, sid)
    assert (stored.name, stored.lat, stored.lon) == ("Grundschule Süd", 52.1, 13.1)


def test_invalid_schools_are_refused_and_nothing_is_stored(db, office_api, school):
    for body, field in [({}, "name"), ({"name": ""}, "name"), ({"name": 12}, "name"),
                        ({"name": "S", "lon": "east"}, "lon"), ({"name": "S", "lat": 50.0}, "lon"),
                        ({"name": "S", "pupils": 300}, "pupils")]:
        response = office_api.post(f"{API}/schools", json=body)
        assert field in assert_problem(response, 422, "invalid_request")["errors"], body
    patched = office_api.patch(f"{API}/schools/{school.id}", json={"name": "Neu", "lat": "x"})
    assert "lat" in assert_problem(patched, 422, "invalid_request")["errors"]
    assert_problem(office_api.post(f"{API}/schools", data="[", content_type="application/json"), 400,
                   "malformed_json")
    db.session.rollback()
    assert [s.name for s in db.session.query(School)] == [school.name]


def test_teachers_see_only_their_schools(db, api_as, teacher, school, make_school, editor):
    other = make_school(name="Realschule West")
    api = api_as(teacher)
    assert [s["name"] for s in api.get(f"{API}/schools").get_json()] == [school.name]
    assert api.get(f"{API}/schools/{school.id}").get_json()["name"] == school.name
    assert_problem(api.get(f"{API}/schools/{other.id}"), 404, "not_found")
    assert_problem(api.patch(f"{API}/schools/{other.id}", json={"name": "Meine"}), 404, "not_found")
    assert_problem(api.patch(f"{API}/schools/{school.id}", json={"name": "Meine"}), 403, "forbidden")
    assert_problem(api.post(f"{API}/schools", json={"name": "Neue Schule"}), 403, "forbidden")
    assert api_as(editor).get(f"{API}/schools").get_json() == []
    db.session.rollback()
    assert sorted(s.name for s in db.session.query(School)) == [school.name, "Realschule West"]
