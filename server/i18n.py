"""German and English for the server-rendered pages (Flask-Babel).

German is the source language: the msgids in the templates and forms are the German texts,
English lives in `server/translations/en/LC_MESSAGES/messages.po`. The locale is chosen by
`?lang=de|en` (remembered in the session), else the logged-in user's `locale`, else the
browser's Accept-Language, else German.
"""

from __future__ import annotations

import os

from flask import Flask, request, session
from flask_babel import Babel, get_locale, refresh

LOCALES = ("de", "en")
DEFAULT_LOCALE = "de"
SESSION_KEY = "lang"

babel = Babel()


def select_locale() -> str:
    """The locale for this request; see the module docstring for the order."""
    if not request:
        return DEFAULT_LOCALE
    wanted = request.args.get("lang")
    if wanted in LOCALES:
        if session.get(SESSION_KEY) != wanted:
            session[SESSION_KEY] = wanted
        return wanted
    stored = session.get(SESSION_KEY)
    if stored in LOCALES:
        return stored
    user_locale = _user_locale()
    if user_locale:
        return user_locale
    return request.accept_languages.best_match(LOCALES) or DEFAULT_LOCALE


def _user_locale() -> str | None:
    from flask_login import current_user

    try:
        locale = getattr(current_user, "locale", None) if current_user.is_authenticated else None
    except Exception:  # no login manager or user loader outside a normal request
        return None
    locale = (locale or "").split("_")[0].split("-")[0].lower()
    return locale if locale in LOCALES else None


def current_lang() -> str:
    """The chosen language code (`de`/`en`) for templates, e.g. `<html lang>`."""
    locale = get_locale()
    return locale.language if locale is not None else DEFAULT_LOCALE


def init_i18n(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LOCALE)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", os.path.join(os.path.dirname(__file__), "translations"))
    babel.init_app(app, locale_selector=select_locale)
    # Flask-Babel caches the locale on `g`; an application context that outlives one request
    # (tests, CLI) must not carry the previous request's language over.
    app.before_request(refresh)
    app.jinja_env.globals.update(current_lang=current_lang, available_locales=LOCALES)
