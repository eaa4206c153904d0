"""GET /api/v1/rallies: public, published rallies, searchable and nearest first."""

from rallies.models import Rally


def place(db, rally, lat, lon):
    rally.start_lat, rally.start_lon = lat, lon
    db.session.commit()
    return rally


def test_only_public_published_rallies_appear_with_their_fields(make_rally, client, db, institution):
    public = make_rally(title="Farben der Nacht", theme="Malerei")
    make_rally(title="Nur für Partner", publish="partners")
    make_rally(title="Entwurf", publish=None)
    body = client.get("/api/v1/rallies").get_json()
    assert [i["title"] for i in body["items"]] == ["Farben der Nacht"] and body["next"] is None
    assert body["items"][0] == {
        "id": public.id, "title": "Farben der Nacht", "theme": "Malerei", "language": "de", "age_min": 10,
        "age_max": 14, "institution": {"name": institution.name, "kind": "museum"}, "cover": None,
        "start": None, "distance_m": None, "join_code": public.free_play_code}


def test_q_matches_title_theme_and_institution_ignoring_case(make_rally, make_institution, client):
    make_rally(title="Über Brücken", theme="Architektur")
    make_rally(title="Tiere", theme="ÖKOLOGIE")
    make_rally(title="Noten", theme="Musik", owner=make_institution(name="Musikschule Süd"))
    titles = lambda q: sorted(i["title"] for i in client.get(f"/api/v1/rallies?q={q}").get_json()["items"])  # noqa: E731
    assert titles("über") == ["Über Brücken"]
    assert titles("ökologie") == ["Tiere"]
    assert titles("MUSIKSCHULE") == ["Noten"]
    assert titles("nichts") == []


def test_near_keeps_rallies_within_the_radius_nearest_first(make_rally, client, db):
    far = place(db, make_rally(title="Potsdam"), 52.3906, 13.0645)      # ~26 km from Berlin Mitte
    near = place(db, make_rally(title="Mitte"), 52.5200, 13.4050)
    place(db, make_rally(title="München"), 48.1374, 11.5755)
    make_rally(title="Ohne Ort")
    body = client.get("/api/v1/rallies?near=52.5163,13.3777").get_json()
    assert [i["title"] for i in body["items"]] == ["Mitte", "Potsdam"]
    assert body["items"][0]["start"] == {"lat": 52.52, "lon": 13.405}
    assert 1800 < body["items"][0]["distance_m"] < 2000
    assert 20_000 < body["items"][1]["distance_m"] < 30_000
    small = client.get("/api/v1/rallies?near=52.5163,13.3777&radius_km=5").get_json()
    assert [i["id"] for i in small["items"]] == [near.id]
    assert far.id not in [i["id"] for i in small["items"]]


def test_pages_hold_50_items_and_next_is_a_path(make_rally, client, db):
    rally = make_rally(title="Vorlage")
    version_id, code = rally.published_version_id, rally.free_play_code
    for n in range(52):
        db.session.add(Rally(institution_id=rally.institution_id, title=f"Kopie {n:02d}", visibility="public",
                             published_version_id=version_id,  # 8 characters: never the original's 6
                             free_play_code=f"{code[:4]}{n:02d}ZZ".replace("0", "A").replace("1", "B")))
    db.session.commit()
    first = client.get("/api/v1/rallies?q=kopie").get_json()
    assert len(first["items"]) == 50 and first["next"].startswith("/api/v1/rallies?")
    second = client.get(first["next"]).get_json()
    assert len(second["items"]) == 2 and second["next"] is None
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}


def test_bad_discovery_queries_are_422(client):
    for query in ("near=abc", "near=95,10", "radius_km=-1&near=1,1", "page=0"):
        response = client.get(f"/api/v1/rallies?{query}")
        assert response.status_code == 422 and response.get_json()["code"] == "invalid_request", query
