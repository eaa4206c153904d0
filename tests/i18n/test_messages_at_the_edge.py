"""Domain messages (`Msg`) and validation messages are said in the reader's language at the edge."""

from __future__ import annotations

import pickle

from marshmallow import Schema, ValidationError, fields, validate

from rallies.messages import msg, render
from rallies.validation import error_paths

API = "/api/manage/v1"


def test_a_msg_is_its_german_text_until_rendered():
    message = msg("Die Vereinbarung muss mindestens %(years)s Jahre laufen.", years=2)
    assert str(message) == "Die Vereinbarung muss mindestens 2 Jahre laufen."
    english = {"Die Vereinbarung muss mindestens %(years)s Jahre laufen.":
               "The agreement must run at least %(years)s years."}
    assert message.render(lambda text: english.get(text, text)) == "The agreement must run at least 2 years."
    assert pickle.loads(pickle.dumps(message)) == message


def test_nested_messages_and_structures_are_rendered_whole():
    english = {"kleiner als": "less than", "Muss %(op)s %(max)s sein.": "Must be %(op)s %(max)s."}.get
    outer = msg("Muss %(op)s %(max)s sein.", op=msg("kleiner als"), max=3)
    assert render({"a": [outer], "b": 1}, english) == {"a": ["Must be less than 3."], "b": 1}


def test_a_translation_that_breaks_its_placeholders_falls_back_to_german():
    message = msg("Hallo %(name)s", name="Ada")
    assert message.render(lambda text: "Hello %(nom)s") == "Hallo Ada"


def test_marshmallow_messages_are_catalogue_messages_with_their_parameters():
    class Options(Schema):
        options = fields.List(fields.String(), required=True, validate=validate.Length(
            min=2, max=20, error=msg("%(min)s bis %(max)s Antwortmöglichkeiten.")))
        points = fields.Float(validate=validate.Range(min=0, max=1000))

    try:
        Options().load({"options": ["a"], "points": 2000})
    except ValidationError as error:
        paths = error_paths(error.messages)
    assert paths["options"] == ["2 bis 20 Antwortmöglichkeiten."]
    assert paths["options"][0].msgid == "%(min)s bis %(max)s Antwortmöglichkeiten."
    assert paths["points"] == ["Muss größer oder gleich 0 und kleiner oder gleich 1000 sein."]
    try:
        Options().load({})
    except ValidationError as error:
        assert error.messages == {"options": ["Pflichtfeld."]}


def test_client_api_problems_follow_accept_language(client):
    german = client.get("/api/v1/rallies?page=0").get_json()
    english = client.get("/api/v1/rallies?page=0", headers={"Accept-Language": "en-GB,en;q=0.8"}).get_json()
    assert german["code"] == english["code"] == "invalid_request"
    assert german["title"] == "Ungültige Anfrage" and english["title"] == "Invalid request"
    assert german["detail"] == "Einige Felder fehlen oder sind ungültig."
    assert english["detail"] == "Some fields are missing or invalid."
    assert list(german["errors"]) == list(english["errors"]) == ["page"]
    assert german["errors"]["page"] == ["Muss größer oder gleich 1 und kleiner oder gleich 100000 sein."]
    assert english["errors"]["page"] == ["Must be greater than or equal to 1 and less than or equal to 100000."]


def test_an_unknown_api_path_is_a_problem_in_the_asked_language(client):
    german = client.get("/api/v1/nothing-here").get_json()
    english = client.get("/api/v1/nothing-here", headers={"Accept-Language": "en"}).get_json()
    assert (german["code"], german["title"]) == ("not_found", "Nicht gefunden")
    assert (english["code"], english["title"]) == ("not_found", "Not found")


def test_the_api_ignores_the_page_language_of_the_session(client):
    client.get("/login?lang=en")
    body = client.get("/api/v1/nothing-here").get_json()
    assert body["title"] == "Nicht gefunden"


def test_management_api_validation_follows_accept_language(api_as, office):
    api = api_as(office)
    german = api.get(f"{API}/partnerships?status=nonsense").get_json()
    english = api.get(f"{API}/partnerships?status=nonsense", headers={"Accept-Language": "en"}).get_json()
    assert german["code"] == english["code"] == "invalid_request"
    assert german["errors"]["status"][0].startswith("Muss einer dieser Werte sein: draft")
    assert english["errors"]["status"][0].startswith("Must be one of: draft")
    assert english["title"] == "Invalid request"


def test_pages_show_errors_in_the_page_language(client):
    assert "Diese Seite gibt es nicht." in client.get("/nothing-here").get_data(as_text=True)
    assert "There is no such page." in client.get("/nothing-here?lang=en").get_data(as_text=True)
