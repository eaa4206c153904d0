"""Helpers for the client API tests: ids, times, sample photos, a team's test client."""

from __future__ import annotations

import datetime as dt
import io
import uuid

from PIL import Image

from tests.factories import ApiClient


def new_id() -> str:
    return str(uuid.uuid4())


def now_iso(delta_s: float = 0) -> str:
    return (dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=delta_s)).isoformat()


def jpeg_with_gps(size=(64, 48), colour=(200, 30, 30)) -> bytes:
    """A photo as a phone takes it: EXIF with a camera and a GPS position."""
    image = Image.new("RGB", size, colour)
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "PupilPhone 3"  # Model
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (52.0, 31.0, 12.0)
    gps[3] = "E"
    gps[4] = (13.0, 24.0, 36.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def png_bytes(size=(32, 32), colour=(10, 120, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


class TeamClient(ApiClient):
    """A test client for one team, with helpers for the writes a phone makes."""

    def __init__(self, client, token: str, join_body: dict):
        super().__init__(client, token)
        self.token = token
        self.join_body = join_body
        self.team_id = join_body["team"]["id"]
        self.rally_id = join_body["rally"]["id"]

    def answer(self, *items) -> dict:
        response = self.client.post("/api/v1/team/answers", json={"answers": list(items)}, headers=self.headers)
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def scan(self, token: str, client_id: str | None = None):
        return self.client.post("/api/v1/team/scans", headers=self.headers, json={
            "id": client_id or new_id(), "payload": f"https://rally.example/q/{token}", "scanned_at": now_iso()})

    def bundle(self, **headers):
        return self.client.get(f"/api/v1/rallies/{self.rally_id}/bundle", headers={**self.headers, **headers})

    def progress(self) -> dict:
        return self.client.get("/api/v1/team/progress", headers=self.headers).get_json()


def item(task_id: int, value, **extra) -> dict:
    return {"id": new_id(), "task_id": task_id, "value": value, "answered_at": now_iso(), **extra}


def tasks_of(rally) -> list:
    return [task for station in rally.stations for task in station.tasks]
