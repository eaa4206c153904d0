"""How long the printable QR kit of a 50-station rally takes (target: under 2 s).

    .venv/bin/python bench/qr_kit.py [--stations 50] [--repeat 5]

Builds an in-memory SQLite app through the migrations, creates a rally whose stations
all unlock by QR code, and times `rallies.qrcodes.kit_pdf` (overview sheets plus one A4
page per station). Prints the times and the PDF's size; asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def build(stations: int):
    from rallies import accounts, authoring
    from rallies.db import db
    from rallies.models import Institution

    institution = Institution(name="Stadtmuseum Beispielstadt", kind="museum", region="Mitte")
    db.session.add(institution)
    db.session.flush()
    editor = accounts.create_user(email="bench@example.org", password="bench password 1", role="editor",
                                  institution_ids=[institution.id])
    rally = authoring.create_rally(institution, actor=editor, title="Spurensuche in der Altstadt",
                                   about="Stadtmuseum, für Klassen 5–7, über die Altstadt")
    for number in range(1, stations + 1):
        authoring.add_station(rally, actor=editor, title=f"Station {number}: Brunnen am Großen Markt",
                              unlock_mode="qr")
    db.session.commit()
    return rally


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stations", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    from flask_migrate import upgrade

    from rallies import qrcodes
    from server import create_app

    with tempfile.TemporaryDirectory() as media:
        app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "MEDIA_STORAGE": media, "SECRET_KEY": "bench",
                          "LOG_LEVEL": "WARNING", "PUBLIC_URL": "https://rally.example"})
        with app.app_context():
            upgrade()
            rally = build(args.stations)
            times, size = [], 0
            for _ in range(args.repeat):
                started = time.perf_counter()
                size = len(qrcodes.kit_pdf(app.config["PUBLIC_URL"], rally))
                times.append(time.perf_counter() - started)
    print(f"QR kit PDF, {args.stations} QR stations, {args.repeat} runs (target < 2 s)")
    print(f"  median {statistics.median(times):.3f} s   best {min(times):.3f} s   worst {max(times):.3f} s")
    print(f"  PDF size {size / 1024:.0f} KB")


if __name__ == "__main__":
    main()
