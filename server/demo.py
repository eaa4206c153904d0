"""Demo data for `make run`: a museum, a school, their partnership, a rally with every task
type, and an open class run. Seeding twice changes nothing."""

from __future__ import annotations

import datetime as dt
import io
import math
import struct
import wave

from flask import current_app
from PIL import Image, ImageDraw, ImageFont

from rallies import accounts, authoring, directory, partnerships, publishing
from rallies.db import db, utcnow
from rallies.media_library import add_media
from rallies.models import ClassRun, Institution, User
from rallies.runtime import media_limits, media_storage

DEMO_PASSWORD = "demo-passwort-2026"
LOGINS = {
    "office": "office@demo.kulturrallye.de",
    "editor": "redaktion.meier@demo-stadtmuseum.de",
    "teacher": "lehrerin.yilmaz@demo-gesamtschule.de",
}
INSTITUTION_NAME = "Stadtmuseum Beispielstadt"


def seed() -> str:
    """Create the demo once and describe how to use it."""
    institution = db.session.scalar(db.select(Institution).filter_by(name=INSTITUTION_NAME))
    if institution is None:
        _create()
    return summary()


def summary() -> str:
    run = db.session.scalar(db.select(ClassRun).order_by(ClassRun.id))
    public_url = current_app.config["PUBLIC_URL"]
    rally = run.rally if run else None
    lines = [
        "",
        "Demo ready.",
        f"  Open {public_url}/ in a browser.",
        f"  Logins (password for all: {DEMO_PASSWORD}):",
        *(f"    {role:8s} {email}" for role, email in LOGINS.items()),
    ]
    if run:
        lines += [f"  Class run '{run.class_label}' join code: {run.join_code}  ->  {public_url}/join/{run.join_code}",
                  f"  Free-play code of '{rally.title}': {rally.free_play_code}"]
    return "\n".join(lines)


def _create() -> None:
    office = accounts.create_user(email=LOGINS["office"], password=DEMO_PASSWORD, role="office",
                                  display_name="Programmbüro")
    museum = directory.create_institution(actor=office, name=INSTITUTION_NAME, kind="museum", municipal=True,
                                          address="Museumsplatz 1, 12345 Beispielstadt", region="Mitte",
                                          lat=52.5163, lon=13.3777)
    school = directory.create_school(actor=office, name="Gesamtschule Am Park", address="Parkweg 5, 12345 Beispielstadt",
                                     region="Mitte", lat=52.5200, lon=13.4050)
    editor = accounts.create_user(email=LOGINS["editor"], password=DEMO_PASSWORD, role="editor",
                                  display_name="Jana Meier", institution_ids=[museum.id])
    teacher = accounts.create_user(email=LOGINS["teacher"], password=DEMO_PASSWORD, role="teacher",
                                   display_name="Aylin Yılmaz", school_ids=[school.id])
    _partnership(office, museum, school)
    rally = _rally(museum, editor)
    now = utcnow()
    start = now - dt.timedelta(minutes=5)
    end = now + dt.timedelta(days=7)
    db.session.add(ClassRun(
        rally_id=rally.id, rally_version_id=rally.published_version_id, school_id=school.id, teacher_id=teacher.id,
        partnership_id=partnerships.current_partnership(school.id, museum.id).id, class_label="7b",
        join_code=publishing.unique_join_code(), starts_at=start, ends_at=end, retention_days=30,
        delete_after=end + dt.timedelta(days=30),
    ))
    db.session.flush()


def _partnership(office: User, museum, school) -> None:
    today = utcnow().date()
    p = partnerships.create_partnership(
        school_id=school.id, actor=office, title="Kooperation Museum & Schule",
        members=[{"institution_id": museum.id, "contact_name": "Jana Meier",
                  "contact_email": "jana.meier@demo-stadtmuseum.de"}],
        starts_on=today - dt.timedelta(days=30), ends_on=partnerships.add_years(today, 3),
        open_to_all_pupils=True, programme_named=True, signed_by_both=True,
        school_contact_name="Aylin Yılmaz", school_contact_email="aylin.yilmaz@demo-gesamtschule.de",
    )
    partnerships.attach_agreement(p, _agreement_pdf(), storage=media_storage(), max_bytes=10_000_000, actor=office)
    partnerships.transition(p, "submit", actor=office)
    partnerships.transition(p, "register", actor=office)


def _agreement_pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=14)
    pdf.multi_cell(0, 8, "Kooperationsvereinbarung im Rahmen des Programms Kultur.Schule (Demo)")
    return bytes(pdf.output())


def _picture(title: str, colour: tuple[int, int, int], size=(1600, 1000)) -> bytes:
    """A generated picture, so the demo ships no binary files."""
    image = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(image)
    for i in range(0, size[0], 40):
        shade = tuple(min(255, c + (i % 200) // 4) for c in colour)
        draw.line([(i, 0), (i - 300, size[1])], fill=shade, width=18)
    try:
        font = ImageFont.truetype("DejaVuSans-Bold.ttf", 90)
    except OSError:
        font = ImageFont.load_default()
    draw.rectangle([60, size[1] - 220, size[0] - 60, size[1] - 60], fill=(255, 255, 255))
    draw.text((100, size[1] - 200), title, fill=(20, 20, 30), font=font)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def _melody() -> bytes:
    """A few seconds of a generated tune as WAV."""
    rate = 16000
    notes = [392, 440, 494, 523, 494, 440, 392]
    frames = bytearray()
    for note in notes:
        for n in range(int(rate * 0.35)):
            envelope = min(1.0, n / 400) * max(0.0, 1 - n / (rate * 0.35))
            frames += struct.pack("<h", int(9000 * envelope * math.sin(2 * math.pi * note * n / rate)))
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(bytes(frames))
    return out.getvalue()


def _rally(museum, editor):
    storage, limits = media_storage(), media_limits()
    cover = add_media(_picture("Spurensuche", (30, 70, 120)), storage=storage, limits=limits, institution_id=museum.id)
    hall = add_media(_picture("Die große Halle", (120, 60, 30)), storage=storage, limits=limits, institution_id=museum.id)
    painting = add_media(_picture("Das Stadtbild 1650", (60, 100, 50)), storage=storage, limits=limits,
                         institution_id=museum.id)
    tune = add_media(_melody(), storage=storage, limits=limits, institution_id=museum.id)

    rally = authoring.create_rally(
        museum, actor=editor, title="Spurensuche im Stadtmuseum", theme="Stadtgeschichte",
        description_md="Entdeckt in Teams die Geschichte unserer Stadt: vom **Marktplatz** bis zur Museumshalle.",
        about="Erstellt vom Stadtmuseum Beispielstadt für Klassen 5 bis 8, über 800 Jahre Stadtgeschichte.",
        language="de", age_min=10, age_max=14, subjects=["Geschichte", "Kunst"], start_lat=52.5163,
        start_lon=13.3777, cover_id=cover.id, cover_alt="Titelbild der Rallye mit dem Schriftzug Spurensuche",
        settings={"station_order": "free", "attempts_per_task": 3, "wrong_attempt_penalty": 2,
                  "show_points": True, "show_solutions": True, "offline_feedback": False},
    )
    add = authoring.add_station
    task = authoring.add_task

    s1 = add(rally, actor=editor, title="Willkommen in der großen Halle", unlock_mode="open",
             body_md="Schaut euch in der Halle um. Hier beginnt eure Spurensuche.")
    authoring.attach_station_media(s1, hall.id, "Blick in die große Museumshalle mit hohen Fenstern", actor=editor)
    task(s1, actor=editor, type="info", prompt_md="Lest die Tafel am Eingang. Sie erklärt, wie die Rallye funktioniert.")
    task(s1, actor=editor, type="single_choice", points=10, prompt_md="Wann wurde das Museum gegründet?",
         config={"options": [{"id": "a", "text": "1888", "correct": True}, {"id": "b", "text": "1920"},
                             {"id": "c", "text": "1975"}]},
         feedback_correct="Richtig, 1888!", feedback_wrong="Schaut noch einmal auf die Tafel.")

    s2 = add(rally, actor=editor, title="Das Stadtbild von 1650", unlock_mode="qr",
             body_md="Findet das große Gemälde und scannt den Code daneben.")
    authoring.attach_station_media(s2, painting.id, "Gemälde der Stadt um 1650 mit Kirche und Stadtmauer", actor=editor)
    task(s2, actor=editor, type="multiple_choice", points=10, prompt_md="Was seht ihr auf dem Bild?",
         config={"options": [{"id": "a", "text": "Stadtmauer", "correct": True},
                             {"id": "b", "text": "Kirche", "correct": True}, {"id": "c", "text": "Bahnhof"}],
                 "partial_credit": True})
    tower = task(s2, actor=editor, type="hotspot", points=10,
                 prompt_md="Tippt auf dem Gemälde auf die Kirche.",
                 config={"regions": [{"circle": {"x": 0.5, "y": 0.45, "r": 0.15}}],
                         "aspect": painting.height / painting.width if painting.width else 1.0})
    authoring.attach_task_media(tower, painting.id, "Gemälde der Stadt um 1650 mit Kirche und Stadtmauer",
                                actor=editor)
    task(s2, actor=editor, type="number", points=10, prompt_md="Wie viele Türme hat die Stadtmauer?",
         config={"value": 7, "tolerance": 1, "unit": "Türme"}, hint_text="Zählt auch die halb verdeckten.",
         hint_cost=2)

    s3 = add(rally, actor=editor, title="Werkstatt der Handwerker", unlock_mode="qr",
             body_md="Hier arbeiteten Schmiede, Bäcker und Weber.")
    task(s3, actor=editor, type="order", points=10, prompt_md="Bringt die Schritte des Brotbackens in die richtige Reihenfolge.",
         config={"options": [{"id": "m", "text": "Mehl mahlen"}, {"id": "k", "text": "Teig kneten"},
                             {"id": "b", "text": "Brot backen"}]})
    task(s3, actor=editor, type="cloze", points=10, prompt_md="Ergänzt den Text über die Bäckerzunft.",
         config={"text": "Die Bäcker backten jeden Morgen [[Brot|Brote]] im großen {{Backofen|Kamin|Brunnen}}.",
                 "max_typos": 1})
    task(s3, actor=editor, type="match", points=10, prompt_md="Welches Werkzeug gehört zu welchem Handwerk?",
         config={"pairs": [{"left": {"id": "amboss", "text": "Amboss"}, "right": {"id": "schmied", "text": "Schmied"}},
                           {"left": {"id": "webstuhl", "text": "Webstuhl"}, "right": {"id": "weber", "text": "Weber"}},
                           {"left": {"id": "ofen", "text": "Backofen"}, "right": {"id": "baecker", "text": "Bäcker"}}]})

    s4 = add(rally, actor=editor, title="Musik der alten Stadt", unlock_mode="open",
             body_md="Hört euch die Melodie an, die früher auf dem Marktplatz gespielt wurde.")
    authoring.attach_station_media(s4, tune.id, "", actor=editor)
    task(s4, actor=editor, type="text", points=10, prompt_md="Welches Instrument spielt hier? (ein Wort)",
         config={"accepted_answers": ["Flöte", "Blockflöte", "Querflöte"], "max_typos": 1})

    s5 = add(rally, actor=editor, title="Der Marktplatz", unlock_mode="location", lat=52.5163, lon=13.3777,
             radius_m=60, body_md="Geht hinaus auf den Marktplatz vor dem Museum.")
    task(s5, actor=editor, type="location", points=10, prompt_md="Findet den alten Brunnen.",
         config={"lat": 52.51635, "lon": 13.37775, "radius_m": 25})
    task(s5, actor=editor, type="photo", points=10, prompt_md="Macht ein Foto vom Brunnen – ohne Gesichter!")

    s6 = add(rally, actor=editor, title="Stimmen der Stadt", unlock_mode="open",
             body_md="Stellt euch vor, ihr seid Marktschreier im Jahr 1650.")
    task(s6, actor=editor, type="audio", points=10, prompt_md="Nehmt einen kurzen Marktruf auf (max. 30 Sekunden).")
    task(s6, actor=editor, type="video", points=10, prompt_md="Filmt eine kurze Szene: Wie wurde gehandelt?")

    s7 = add(rally, actor=editor, title="Eure Meinung", unlock_mode="open",
             body_md="Zum Schluss wollen wir wissen, wie euch die Rallye gefallen hat.",
             conditions=[{"after_station": s1.id}])
    task(s7, actor=editor, type="survey", prompt_md="Wie hat euch die Rallye gefallen?",
         config={"scale": {"min": 1, "max": 5, "step": 1, "min_label": "gar nicht", "max_label": "sehr gut"}})
    task(s7, actor=editor, type="survey", prompt_md="Welche Station war am spannendsten?",
         config={"options": [{"id": "halle", "text": "Große Halle"}, {"id": "bild", "text": "Stadtbild"},
                             {"id": "markt", "text": "Marktplatz"}]})
    task(s7, actor=editor, type="text", points=10, prompt_md="Was habt ihr heute Neues gelernt? (Die Lehrkraft bewertet.)",
         config={"teacher_graded": True})

    s8 = add(rally, actor=editor, title="Schatzkammer", unlock_mode="qr",
             body_md="Nur wer schon 30 Punkte hat, findet den Weg in die Schatzkammer.",
             conditions=[{"min_score": 30}])
    task(s8, actor=editor, type="single_choice", points=20, prompt_md="Was bewahrte die Stadt hier auf?",
         config={"options": [{"id": "siegel", "text": "Das Stadtsiegel", "correct": True},
                             {"id": "gold", "text": "Goldbarren"}]})
    publishing.publish(rally, actor=editor, visibility="public")
    return rally
