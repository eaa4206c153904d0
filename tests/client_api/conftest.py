"""Fixtures for the client API: teams joined over HTTP and clients carrying their tokens."""

from __future__ import annotations

import pytest

from tests.client_api.helpers import TeamClient


@pytest.fixture
def join_http(client):
    """`join_http(code, name)` joins over the API and gives a TeamClient."""
    counter = iter(range(1, 10_000))

    def join(code: str, name: str | None = None) -> TeamClient:
        response = client.post("/api/v1/join", json={"code": code, "team_name": name or f"Team {next(counter)}"})
        assert response.status_code == 201, response.get_json()
        body = response.get_json()
        return TeamClient(client, body["token"], body)

    return join


@pytest.fixture
def play_team(make_rally, make_run, join_http):
    """`play_team(stations=..., settings=...)` builds a rally, opens a run and joins one team."""

    def make(**rally_kw) -> TeamClient:
        rally = make_rally(**rally_kw)
        run = make_run(rally)
        team = join_http(run.join_code)
        team.rally = rally
        team.run = run
        return team

    return make


