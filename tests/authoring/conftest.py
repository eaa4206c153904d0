"""Fixtures for the authoring suite: API clients per role, sample media, a rally built through the API."""

from __future__ import annotations

import io
import struct
import wave
import zlib

import pytest
from PIL import Image

API = "/api/manage/v1"


def jpeg(size=(800, 600), colour=(200, 40, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def png(size=(64, 48), colour=(20, 120, 200)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def wav(seconds: float = 0.5) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\x00\x01" * int(8000 * seconds))
    return buffer.getvalue()


def png_bomb(width: int = 60000, height: int = 60000) -> bytes:
    """A tiny PNG whose header claims billions of pixels."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 1024)) + chunk(b"IEND", b""))


@pytest.fixture
def editor_api(api_as, editor):
    return api_as(editor)


@pytest.fixture
def other_institution(make_institution):
    return make_institution(name="Archiv Nachbarstadt")


@pytest.fixture
def other_editor(make_user, other_institution):
    return make_user("editor", institutions=[other_institution])


@pytest.fixture
def other_api(api_as, other_editor):
    return api_as(other_editor)


@pytest.fixture
def upload(editor_api, institution):
    """`upload(data, filename)` posts a file to /media and returns the response."""
    def send(data: bytes, filename: str = "file.bin", *, api=None, institution_id=None):
        return (api or editor_api).post(f"{API}/media", data={
            "institution_id": str(institution_id or institution.id),
            "file": (io.BytesIO(data), filename)}, content_type="multipart/form-data")

    return send


@pytest.fixture
def api_rally(editor_api, institution):
    """`api_rally(stations=[{...station fields, "tasks": [{...}]}])` builds a rally through the API."""
    def build(*, stations=(), api=None, institution_id=None, **fields):
        api = api or editor_api
        body = {"institution_id": institution_id or institution.id, "title": "Spurensuche im Museum",
                "about": "Stadtmuseum, für Klassen 5–7, über die Stadtgeschichte", "theme": "Stadtgeschichte",
                **fields}
        response = api.post(f"{API}/rallies", json=body)
        assert response.status_code == 201, response.get_json()
        rally = response.get_json()
        for spec in stations:
            spec = dict(spec)
            tasks = spec.pop("tasks", [])
            created = api.post(f"{API}/rallies/{rally['id']}/stations", json=spec)
            assert created.status_code == 201, created.get_json()
            for task in tasks:
                added = api.post(f"{API}/stations/{created.get_json()['id']}/tasks", json=task)
                assert added.status_code == 201, added.get_json()
        return api.get(f"{API}/rallies/{rally['id']}").get_json()

    return build


CHOICE = {"type": "single_choice", "prompt_md": "Wer malte *das Bild*?", "points": 10,
          "config": {"options": [{"id": "a", "text": "Rembrandt", "correct": True}, {"id": "b", "text": "Vermeer"}]}}
NUMBER = {"type": "number", "prompt_md": "Wann?", "points": 5, "config": {"value": 1642, "tolerance": 2}}
