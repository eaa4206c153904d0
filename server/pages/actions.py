"""The one block page routes share: validate the form, call the service, commit, flash, redirect.

A DomainError rolls back whatever the service changed; with a form its field errors go next
to the fields and the page is shown again (`again`), without one the message is flashed and
the author goes back (`back`, else `to`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from flask import flash, redirect

from rallies.db import db
from rallies.errors import DomainError
from server.i18n import say
from server.pages.forms import attach_errors


@dataclass
class Failed:
    """Why the action did not happen: the service error (None when the form itself was invalid)."""

    error: DomainError | None = None
    leftovers: list[str] = field(default_factory=list)

    @property
    def status(self) -> int:
        return self.error.status if self.error is not None else 422

    @property
    def messages(self) -> list[str]:
        """The error's message plus what found no field (for a list above the form)."""
        return [say(self.error.message), *self.leftovers] if self.error is not None else list(self.leftovers)


def _value(spec, result):
    return spec(result) if callable(spec) else spec


def submit(action: Callable[[], Any], *, done, to, form=None, again: Callable[[Failed], Any] | None = None,
           default_field: str | None = None, back=None,
           error_text: Callable[[DomainError], str] | None = None):
    """Run `action` for a valid form: commit, flash `done`, redirect to `to` (each may be a function of the result)."""
    if form is not None and not form.validate_on_submit():
        return again(Failed())
    try:
        result = action()
    except DomainError as error:
        db.session.rollback()
        if form is not None and again is not None:
            leftovers = attach_errors(form, error, default_field=default_field)
            return again(Failed(error, leftovers))
        flash(error_text(error) if error_text else say(error.message), "error")
        return redirect(_value(back if back is not None else to, None))
    db.session.commit()
    flash(_value(done, result), "success")
    return redirect(_value(to, result))
