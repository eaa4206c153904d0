"""What the editor and office forms share: putting a service's field errors onto a form."""

from __future__ import annotations

from rallies.errors import DomainError
from server.i18n import say


def attach_errors(form, error: DomainError, *, default_field: str | None = None) -> list[str]:
    """Show a DomainError's field errors next to the form's fields; return those with no field.

    Service error paths are the service's field names (`title`, `settings.station_order`,
    `members.0.institution_id`); a form may map other paths with an `error_aliases` dict.
    With `default_field`, whatever has no field of its own (or the message, when the error
    names no fields) is shown there instead of being returned.
    """
    leftovers: list[str] = []
    aliases = getattr(form, "error_aliases", {}) if form is not None else {}
    errors = say(error.errors or {})
    message = say(error.message)
    if not errors:
        leftovers.append(message)
    for path, messages in errors.items():
        messages = messages if isinstance(messages, list) else [str(messages)]
        alias = aliases.get(path) or next((v for k, v in aliases.items() if path.startswith(k + ".")), None)
        field = _find_field(form, alias or path) if form is not None else None
        if field is not None:
            _add(field, messages)
        else:
            leftovers.extend(f"{path}: {message}" for message in messages)
    if leftovers and default_field and form is not None and default_field in form._fields:
        _add(form._fields[default_field], [message] if not errors else leftovers)
        return []
    return leftovers


def _find_field(form, path: str):
    """`settings.station_order` → form.station_order; `members.0.contact_email` → form.members[0].contact_email."""
    if path.startswith("settings."):
        path = path[len("settings."):]
    parts = path.split(".")
    field = form._fields.get(parts[0])
    for part in parts[1:]:
        if field is None:
            return None
        if part.isdigit() and hasattr(field, "entries"):
            index = int(part)
            field = field.entries[index] if index < len(field.entries) else None
        elif hasattr(field, "form"):
            field = field.form._fields.get(part)
        else:
            return None
    return field if field is not None and not hasattr(field, "entries") and not hasattr(field, "form") else None


def _add(field, messages: list[str]) -> None:
    field.errors = [*field.errors, *messages]
