"""The service worker's cache name follows the player's files, so a release reaches phones as one set."""

from __future__ import annotations

import re

from server.player import shell_version


def test_the_service_worker_names_its_cache_after_the_player_files(app, client):
    response = client.get("/sw.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/" and response.headers["Cache-Control"] == "no-cache"
    version = re.search(r'const VERSION = "([0-9a-f]{12})";', response.get_data(as_text=True))
    assert version and version.group(1) == shell_version(app.static_folder)
    again = client.get("/sw.js", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_changing_one_player_file_changes_the_version(tmp_path):
    player = tmp_path / "player"
    (player / "i18n").mkdir(parents=True)
    (player / "app.js").write_text("export const a = 1;")
    (player / "i18n" / "de.json").write_text('{"x": "y"}')
    before = shell_version(str(tmp_path))
    assert shell_version(str(tmp_path)) == before
    (player / "i18n" / "de.json").write_text('{"x": "z"}')
    assert shell_version(str(tmp_path)) != before
