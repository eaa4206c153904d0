"""Team tokens: required, hashed, and valid through the play window plus grace (free play 24 h)."""

import datetime as dt

import pytest

from rallies import play
from rallies.errors import Unauthorized
from rallies.models import Team


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer ", "Basic abc", "Bearer not-a-token", "Token x"])
def test_a_missing_or_malformed_token_is_401_unauthorized(client, header):
    headers = {"Authorization": header} if header is not None else {}
    response = client.get("/api/v1/team/progress", headers=headers)
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["code"] == "unauthorized"


def test_a_class_run_token_lives_until_the_window_ends_plus_grace(app, play_team, db):
    app.config["TOKEN_GRACE_HOURS"] = 5
    team = play_team()
    row = db.session.get(Team, team.team_id)
    assert row.expires_at == team.run.ends_at + dt.timedelta(hours=5)
    header = f"Bearer {team.token}"
    assert play.team_for_token(header, now=row.expires_at).id == row.id
    with pytest.raises(Unauthorized) as caught:
        play.team_for_token(header, now=row.expires_at + dt.timedelta(seconds=1))
    assert caught.value.code == "token_expired"


def test_a_free_play_token_lives_24_hours(make_rally, join_http, db):
    rally = make_rally()
    team = join_http(rally.free_play_code)
    row = db.session.get(Team, team.team_id)
    assert row.expires_at - row.joined_at == dt.timedelta(hours=24)


def test_an_expired_token_is_401_token_expired(play_team, db):
    team = play_team()
    row = db.session.get(Team, team.team_id)
    row.expires_at = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)
    db.session.commit()
    response = team.get("/api/v1/team/progress")
    assert response.status_code == 401 and response.get_json()["code"] == "token_expired"
    assert team.bundle().get_json()["code"] == "token_expired"
