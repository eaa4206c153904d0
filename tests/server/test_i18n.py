"""German and English pages with Flask-Babel: German by default, English on request."""

import pathlib
import re

from babel.messages.pofile import read_po

from tests.factories import PASSWORD

TRANSLATIONS = pathlib.Path(__file__).resolve().parents[2] / "server" / "translations"


def html_lang(page: str) -> str:
    return re.search(r'<html lang="([^"]+)"', page).group(1)


def test_pages_are_german_by_default(client):
    page = client.get("/login").get_data(as_text=True)
    assert html_lang(page) == "de"
    assert "<h1>Anmelden</h1>" in page and "Log in" not in page
    assert 'aria-current="true">Deutsch</a>' in page


def test_lang_parameter_switches_to_english_and_sticks(client):
    page = client.get("/login?lang=en").get_data(as_text=True)
    assert html_lang(page) == "en"
    assert "<h1>Log in</h1>" in page and "Anmelden" not in page
    assert 'aria-current="true">English</a>' in page
    again = client.get("/login").get_data(as_text=True)
    assert html_lang(again) == "en" and "<h1>Log in</h1>" in again
    back = client.get("/login?lang=de").get_data(as_text=True)
    assert html_lang(back) == "de" and "<h1>Anmelden</h1>" in back


def test_an_unknown_lang_parameter_is_ignored(client):
    page = client.get("/login?lang=fr").get_data(as_text=True)
    assert html_lang(page) == "de" and "<h1>Anmelden</h1>" in page


def test_the_browser_language_is_followed(client):
    page = client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert html_lang(page) == "en" and "<h1>Log in</h1>" in page
    german = client.get("/login", headers={"Accept-Language": "fr, de;q=0.5"}).get_data(as_text=True)
    assert html_lang(german) == "de"


def test_a_user_with_english_locale_sees_english_after_logging_in(db, client, teacher):
    teacher.locale = "en"
    db.session.commit()
    assert client.get("/account/password").status_code == 302
    client.post("/login", data={"email": teacher.email, "password": PASSWORD})
    page = client.get("/account/password").get_data(as_text=True)
    assert html_lang(page) == "en"
    assert "<h1>Change password</h1>" in page and "Current password" in page and "Log out" in page


def test_a_german_user_sees_german_and_lang_overrides_the_user_locale(db, client, teacher):
    client.post("/login", data={"email": teacher.email, "password": PASSWORD})
    page = client.get("/account/password").get_data(as_text=True)
    assert html_lang(page) == "de" and "<h1>Passwort ändern</h1>" in page and "Aktuelles Passwort" in page
    english = client.get("/account/password?lang=en").get_data(as_text=True)
    assert html_lang(english) == "en" and "<h1>Change password</h1>" in english


def test_form_errors_and_flashes_are_translated(client, teacher):
    response = client.post("/login?lang=en", data={"email": teacher.email, "password": "wrong password!"})
    assert "E-mail or password is wrong." in response.get_data(as_text=True)
    german = client.post("/login?lang=de", data={"email": teacher.email, "password": "wrong password!"})
    assert "E-Mail oder Passwort ist falsch." in german.get_data(as_text=True)


def test_the_error_and_landing_pages_are_translated(client):
    missing = client.get("/no-such-page?lang=en")
    assert missing.status_code == 404
    page = missing.get_data(as_text=True)
    assert "Error 404" in page and html_lang(page) == "en"
    german = client.get("/no-such-page?lang=de").get_data(as_text=True)
    assert "Fehler 404" in german
    landing = client.get("/?lang=en").get_data(as_text=True)
    assert "Play a rally" in landing and "Rallye spielen" not in landing
    assert "Rallye spielen" in client.get("/?lang=de").get_data(as_text=True)


def test_every_message_has_an_english_translation():
    with open(TRANSLATIONS / "messages.pot", "rb") as handle:
        template = read_po(handle)
    with open(TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po", "rb") as handle:
        english = read_po(handle)
    ids = [message.id for message in template if message.id]
    assert len(ids) > 100
    missing = [msgid for msgid in ids if not (english.get(msgid) and english.get(msgid).string)]
    assert missing == []
    assert not [m.id for m in english if m.id and "fuzzy" in m.flags]
    assert (TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.mo").is_file()
