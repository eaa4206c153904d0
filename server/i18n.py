"""German and English for the server-rendered pages (Flask-Babel).

German is the source language: the msgids in the templates and forms are the German texts,
English lives in `server/translations/en/LC_MESSAGES/messages.po`. The locale is chosen by
`?lang=de|en` (remembered in the session), else the logged-in user's `locale`, else the
browser's Accept-Language, else German. The JSON APIs (`/api/…`, `/media/…`) follow
`Accept-Language` alone: an app's request says which language its messages should be in.

Texts from the domain are `rallies.messages.Msg`s; `say()` renders them (and lazy strings,
lists and dicts of them) in the request's language. See docs/notes-i18n.md.
"""

from __future__ import annotations

import os

from flask import Flask, current_app, request, session
from flask_babel import Babel, get_locale, refresh

from client_api.problems import say as _say
from rallies.messages import Msg

LOCALES = ("de", "en")
DEFAULT_LOCALE = "de"
SESSION_KEY = "lang"
API_PREFIXES = ("/api/", "/media/")


def languages() -> tuple[str, ...]:
    """The selectable languages: `LANGUAGES` in the config (tests add a pseudo-locale)."""
    return tuple(current_app.config.get("LANGUAGES") or LOCALES)


def say(value):
    """Render a `Msg`, a lazy string, or lists and dicts of them in the request's language."""
    return _say(value)

babel = Babel()


def select_locale() -> str:
    """The locale for this request; see the module docstring for the order."""
    if not request:
        return DEFAULT_LOCALE
    locales = languages()
    if request.path.startswith(API_PREFIXES):
        return request.accept_languages.best_match(locales) or DEFAULT_LOCALE
    wanted = request.args.get("lang")
    if wanted in locales:
        if session.get(SESSION_KEY) != wanted:
            session[SESSION_KEY] = wanted
        return wanted
    stored = session.get(SESSION_KEY)
    if stored in locales:
        return stored
    user_locale = _user_locale()
    if user_locale:
        return user_locale
    return request.accept_languages.best_match(locales) or DEFAULT_LOCALE


def _user_locale() -> str | None:
    from flask_login import current_user

    try:
        locale = getattr(current_user, "locale", None) if current_user.is_authenticated else None
    except Exception:  # no login manager or user loader outside a normal request
        return None
    locale = (locale or "").split("_")[0].split("-")[0].lower()
    return locale if locale in languages() else None


def current_lang() -> str:
    """The chosen language code (`de`/`en`) for templates, e.g. `<html lang>`."""
    locale = get_locale()
    return locale.language if locale is not None else DEFAULT_LOCALE


def init_i18n(app: Flask) -> None:
    from server.formatting import init_formatting

    init_formatting(app)
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LOCALE)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", os.path.join(os.path.dirname(__file__), "translations"))
    babel.init_app(app, locale_selector=select_locale)
    # Flask-Babel caches the locale on `g`; an application context that outlives one request
    # (tests, CLI) must not carry the previous request's language over.
    app.before_request(refresh)
    app.jinja_env.globals.update(current_lang=current_lang, available_locales=LOCALES, say=say)
    app.jinja_env.filters["say"] = say
    # A Msg printed in a template (`{{ rule.message }}`) is said in the page's language.
    app.jinja_env.finalize = _finalize


def _finalize(value):
    return say(value) if isinstance(value, Msg) else value
