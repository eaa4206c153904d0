"""Forms of the office's account pages: inviting a person and changing an account. No password fields."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Email, Length
from wtforms.widgets import CheckboxInput, ListWidget

from server.auth import ROLE_LABELS

LOCALE_LABELS = {"de": "Deutsch", "en": "English"}


class CheckboxesField(SelectMultipleField):
    """A list of checkboxes: easier than a multiple select on a phone."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class _AccountFields(FlaskForm):
    display_name = StringField(_l("Name"), validators=[Length(max=120)])
    role = SelectField(_l("Rolle"), choices=list(ROLE_LABELS.items()), default="teacher")
    locale = SelectField(_l("Sprache"), choices=list(LOCALE_LABELS.items()), default="de")
    institution_ids = CheckboxesField(_l("Einrichtungen (für die Redaktion)"), coerce=int, validate_choice=False)
    school_ids = CheckboxesField(_l("Schulen (für Lehrkräfte)"), coerce=int, validate_choice=False)

    def set_choices(self, schools, institutions) -> None:
        self.institution_ids.choices = [(i.id, i.name) for i in institutions]
        self.school_ids.choices = [(s.id, s.name) for s in schools]

    def validate(self, extra_validators=None) -> bool:
        """Memberships must fit the role; said here in the reader's language before the service checks it."""
        ok = super().validate(extra_validators)
        role = self.role.data
        if role == "editor" and not self.institution_ids.data:
            self.institution_ids.errors = [*self.institution_ids.errors, _l("Bitte mindestens eine Einrichtung wählen.")]
            ok = False
        if role == "teacher" and not self.school_ids.data:
            self.school_ids.errors = [*self.school_ids.errors, _l("Bitte mindestens eine Schule wählen.")]
            ok = False
        return ok

    def service_fields(self) -> dict:
        role = self.role.data
        return {"display_name": (self.display_name.data or "").strip(), "role": role, "locale": self.locale.data,
                "institution_ids": list(self.institution_ids.data or []) if role == "editor" else [],
                "school_ids": list(self.school_ids.data or []) if role == "teacher" else []}


class InviteForm(_AccountFields):
    email = EmailField(_l("E-Mail"), validators=[DataRequired(), Email(), Length(max=254)])

    def service_fields(self) -> dict:
        return {**super().service_fields(), "email": self.email.data}


class AccountForm(_AccountFields):
    active = BooleanField(_l("Darf sich anmelden"))

    @classmethod
    def for_user(cls, user) -> "AccountForm":
        return cls(formdata=None, display_name=user.display_name, role=user.role, locale=user.locale,
                   active=user.active, institution_ids=sorted(user.institution_ids), school_ids=sorted(user.school_ids))

    def service_fields(self) -> dict:
        return {**super().service_fields(), "active": self.active.data}
