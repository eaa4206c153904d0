"""The player's catalogues: every language has every key (and every plural form it needs), and
every key the player's code uses exists; no German/English pair texts hide in the code."""

from __future__ import annotations

import json
import pathlib
import re

import pytest

PLAYER = pathlib.Path(__file__).resolve().parents[2] / "server" / "static" / "player"
# The pupils' creative workshop speaks through the same catalogues and i18n module.
WORKSHOP = PLAYER.parent / "workshop"
SCRIPTS = (*PLAYER.glob("*.js"), *WORKSHOP.glob("*.js"))
LANGUAGES = ("de", "en", "tr", "uk", "ar")
# CLDR plural categories the player's counts can fall into, per language.
PLURAL_FORMS = {"de": {"one", "other"}, "en": {"one", "other"}, "tr": {"one", "other"},
                "uk": {"one", "few", "many", "other"}, "ar": {"zero", "one", "two", "few", "many", "other"}}
# Keys built from a prefix and a value in code (`t(\`state.${state}\`)`), with every value used.
DYNAMIC_KEYS = {
    "state": ("locked", "unlocked", "checking", "done"),
    "unlock": ("qr", "location"),
    "dir": ("n", "ne", "e", "se", "s", "sw", "w", "nw"),
    "media.take": ("photo", "audio", "video"),
}
# The workshop's own problem codes (`/api/v1/workshop…`) get the pupils' words too.
WORKSHOP_ERROR_CODES = ("workshop_not_started", "workshop_ended", "alt_required", "too_many", "token_expired")
# Every error code of CLIENT_API.md the phone can meet gets the pupil's own words.
ERROR_CODES = ("network", "unknown_code", "team_name_taken", "team_name_refused", "run_not_open", "invalid_request",
               "rate_limited", "unauthorized", "token_expired", "station_locked", "already_solved",
               "already_submitted", "attempts_exhausted", "finished", "window_closed", "time_limit",
               "invalid_value", "invalid_item", "invalid_id", "id_reused", "unknown_task", "too_large",
               "unsupported_media", "wrong_task_type", "not_a_location_station", "not_found", "malformed_json",
               "internal_error", "upload_failed")


def catalogue(code: str) -> dict:
    return json.loads((PLAYER / "i18n" / f"{code}.json").read_text(encoding="utf-8"))


def keys_used_in_code() -> set[str]:
    keys = set()
    for script in SCRIPTS:
        keys |= set(re.findall(r"""\bt\(\s*["']([a-z0-9_.]+)["']""", script.read_text(encoding="utf-8")))
    for prefix, values in DYNAMIC_KEYS.items():
        keys |= {f"{prefix}.{v}" if prefix != "media.take" else f"media.take_{v}" for v in values}
    keys |= {f"error.{code}" for code in ERROR_CODES}
    keys |= {f"workshop.error_{code}" for code in WORKSHOP_ERROR_CODES}
    return keys


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_language_has_every_key_of_the_german_catalogue(code):
    german, other = catalogue("de"), catalogue(code)
    assert sorted(set(german) - set(other)) == [], f"{code} lacks these keys"
    assert sorted(set(other) - set(german)) == [], f"{code} has keys German does not know"


@pytest.mark.parametrize("code", LANGUAGES)
def test_plural_texts_have_every_form_the_language_needs(code):
    german = catalogue("de")
    for key, value in catalogue(code).items():
        if isinstance(german[key], dict):
            assert isinstance(value, dict), f"{code}:{key} must have plural forms"
            assert PLURAL_FORMS[code] <= set(value), f"{code}:{key} lacks {PLURAL_FORMS[code] - set(value)}"
        else:
            assert isinstance(value, str) and value.strip(), f"{code}:{key} is empty"


@pytest.mark.parametrize("code", LANGUAGES)
def test_placeholders_match_the_german_text(code):
    def names(value):
        texts = value.values() if isinstance(value, dict) else [value]
        return set().union(*(re.findall(r"\{(\w+)\}", text) for text in texts))

    german = catalogue("de")
    for key, value in catalogue(code).items():
        # A form may leave {count} out when its words say the number ("one", "two").
        assert names(value) - {"count"} <= names(german[key]) | {"count"}, f"{code}:{key} has unknown placeholders"
        assert names(german[key]) - {"count"} <= names(value), f"{code}:{key} drops a placeholder"


def test_every_key_the_player_uses_is_in_the_catalogues():
    german = catalogue("de")
    missing = sorted(keys_used_in_code() - set(german))
    assert missing == [], "keys used in code but in no catalogue"


def test_the_player_code_holds_no_bilingual_texts():
    """The old player said everything twice ("Antwort senden / Submit"); texts belong in catalogues."""
    pattern = re.compile(r"""["'`][^"'`\n]*[a-zäöüß] / [A-Z][a-z][^"'`\n]*["'`]""")
    offenders = {script.name: pattern.findall(script.read_text(encoding="utf-8"))
                 for script in SCRIPTS}
    assert {name: found for name, found in offenders.items() if found} == {}


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_server_rendered_player_shell_speaks_the_chosen_language(client, code):
    page = page_in(client, f"/play?lang={code}", code)
    assert catalogue(code)["app.loading"] in page
    again = client.get("/join/ABCDEF")  # the choice is remembered (cookie) for the next page
    assert f'<html lang="{code}"' in again.get_data(as_text=True)


def test_the_player_shell_follows_the_browser_language_until_a_choice_is_made(client):
    page = client.get("/play", headers={"Accept-Language": "uk-UA,uk;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="uk"' in page and 'data-lang-chosen="0"' in page
    assert '<html lang="de"' in client.get("/q/sometoken", headers={"Accept-Language": "fr"}).get_data(as_text=True)


def test_the_workshop_code_holds_no_texts_of_its_own():
    """The workshop's words live in the player's catalogues: no quoted sentence or word of German in its code."""
    script = (WORKSHOP / "workshop.js").read_text(encoding="utf-8")
    literals = [a or b for a, b in re.findall(r"'([^'\n]*)'|\"([^\"\n]*)\"", script)]
    texts = [text for text in literals
             if re.search(r"[äöüÄÖÜß’]", text) or re.match(r"[A-ZÄÖÜ][a-zäöüß]+[ ,.!?:]", text)]
    assert texts == []
    assert "../player/i18n.js" in script  # one i18n mechanism: the player's


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_workshop_page_speaks_the_chosen_language(client, code):
    page = page_in(client, f"/workshop/ABCDEF?lang={code}", code)
    assert f"<title>{catalogue(code)['workshop.title']}</title>" in page
    assert f'<html lang="{code}"' in client.get("/play").get_data(as_text=True)  # the same remembered choice


def page_in(client, path: str, code: str) -> str:
    """The page at `path`, checked to be served in language `code` (right to left for Arabic)."""
    response = client.get(path)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'<html lang="{code}" dir="{"rtl" if code == "ar" else "ltr"}"' in page
    return page
