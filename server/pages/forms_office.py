"""Forms of the programme office pages: institutions, schools, partnerships, lifecycle steps."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, FieldList, Form, FormField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from rallies.models import ADMITTED_KINDS, REFUSED_KINDS
from rallies.models.institutions import kind_name
from server.i18n import say
from server.pages.forms_editor import LocalFloatField

def kind_label(kind: str) -> str:
    """An institution kind's name in the reader's language, said once."""
    return say(kind_name(kind))


def kind_choices() -> dict[str, list[tuple[str, str]]]:
    """Admitted kinds, and the refused ones (so that choosing them shows why they are refused)."""
    return {
        str(_l("Zugelassen")): [(kind, kind_label(kind)) for kind in ADMITTED_KINDS],
        str(_l("Nicht zugelassen")): [(kind, kind_label(kind)) for kind in REFUSED_KINDS],
    }


STATUS_LABELS = {
    "draft": _l("Entwurf"), "submitted": _l("Eingereicht"), "registered": _l("Registriert"),
    "evaluation_due": _l("Evaluation fällig"), "ended": _l("Beendet"),
}

ACTION_LABELS = {
    "submit": _l("Einreichen"), "return_to_draft": _l("Zurück in den Entwurf"),
    "register": _l("Registrieren"), "mark_evaluation_due": _l("Evaluation fällig setzen"),
    "renew": _l("Verlängern"), "end": _l("Beenden"),
}


class _PlaceFields(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    address = StringField(_l("Adresse"), validators=[Length(max=300)])
    region = StringField(_l("Region (Bezirk)"), validators=[Length(max=120)])
    lat = LocalFloatField(_l("Breite"), validators=[Optional(), NumberRange(-90, 90)])
    lon = LocalFloatField(_l("Länge"), validators=[Optional(), NumberRange(-180, 180)])

    def service_fields(self) -> dict:
        return {"name": self.name.data.strip(), "address": (self.address.data or "").strip(),
                "region": (self.region.data or "").strip(), "lat": self.lat.data, "lon": self.lon.data}


class InstitutionForm(_PlaceFields):
    kind = SelectField(_l("Art"), choices=kind_choices, default="museum")
    municipal = BooleanField(_l("Kommunal (städtisch)"), default=True)

    def service_fields(self) -> dict:
        return {**super().service_fields(), "kind": self.kind.data, "municipal": self.municipal.data}


class SchoolForm(_PlaceFields):
    pass


class MemberForm(Form):
    """One institution's side of a partnership (a subform: the parent form carries the CSRF token)."""

    institution_id = SelectField(_l("Einrichtung"), coerce=int, validators=[Optional()], validate_choice=False)
    contact_name = StringField(_l("Ansprechperson"), validators=[Length(max=120)])
    contact_email = StringField(_l("E-Mail der Ansprechperson"), validators=[Length(max=254)])


MEMBER_ROWS = 3


class PartnershipForm(FlaskForm):
    school_id = SelectField(_l("Schule"), coerce=int)
    title = StringField(_l("Bezeichnung"), validators=[Length(max=200)])
    starts_on = DateField(_l("Beginn"), validators=[Optional()])
    ends_on = DateField(_l("Ende"), validators=[Optional()])
    evaluation_interval_years = IntegerField(_l("Evaluation alle … Jahre"), default=3,
                                             validators=[DataRequired(), NumberRange(1, 10)])
    school_contact_name = StringField(_l("Ansprechperson der Schule"), validators=[Length(max=120)])
    school_contact_email = StringField(_l("E-Mail der Ansprechperson"), validators=[Length(max=254)])
    open_to_all_pupils = BooleanField(_l("Angebot offen für alle Schüler:innen"))
    programme_named = BooleanField(_l("Vereinbarung nennt das Programm"))
    signed_by_both = BooleanField(_l("Von beiden Seiten unterschrieben"))
    members = FieldList(FormField(MemberForm), min_entries=MEMBER_ROWS, max_entries=10)

    def set_choices(self, schools, institutions) -> None:
        self.school_id.choices = [(s.id, s.name) for s in schools]
        options = [(0, _l("– keine –"))] + [(i.id, f"{i.name} ({kind_label(i.kind)})") for i in institutions]
        for entry in self.members:
            entry.form.institution_id.choices = options

    @classmethod
    def for_partnership(cls, p) -> "PartnershipForm":
        members = [{"institution_id": m.institution_id, "contact_name": m.contact_name,
                    "contact_email": m.contact_email} for m in p.members]
        members += [{"institution_id": 0, "contact_name": "", "contact_email": ""}] * max(0, MEMBER_ROWS - len(members))
        return cls(formdata=None, school_id=p.school_id, title=p.title, starts_on=p.starts_on, ends_on=p.ends_on,
                   evaluation_interval_years=p.evaluation_interval_years, school_contact_name=p.school_contact_name,
                   school_contact_email=p.school_contact_email, open_to_all_pupils=p.open_to_all_pupils,
                   programme_named=p.programme_named, signed_by_both=p.signed_by_both, members=members)

    def member_rows(self) -> list[dict]:
        """The chosen institutions with their contacts; empty rows are left out."""
        return [{"institution_id": entry.form.institution_id.data,
                 "contact_name": (entry.form.contact_name.data or "").strip(),
                 "contact_email": (entry.form.contact_email.data or "").strip()}
                for entry in self.members if entry.form.institution_id.data]

    def service_fields(self) -> dict:
        return {
            "title": (self.title.data or "").strip(), "starts_on": self.starts_on.data, "ends_on": self.ends_on.data,
            "evaluation_interval_years": self.evaluation_interval_years.data,
            "school_contact_name": (self.school_contact_name.data or "").strip(),
            "school_contact_email": (self.school_contact_email.data or "").strip(),
            "open_to_all_pupils": self.open_to_all_pupils.data, "programme_named": self.programme_named.data,
            "signed_by_both": self.signed_by_both.data,
        }


class AgreementForm(FlaskForm):
    file = FileField(_l("Unterschriebene Vereinbarung (PDF)"),
                     validators=[FileRequired(_l("Bitte eine PDF-Datei wählen."))])


class TransitionForm(FlaskForm):
    action = SelectField(_l("Schritt"), choices=list(ACTION_LABELS.items()))
    note = TextAreaField(_l("Notiz"), validators=[Length(max=2000)])
    ends_on = DateField(_l("Neues Ende"), validators=[Optional()])
    ended_on = DateField(_l("Beendet am"), validators=[Optional()])
    notice_given_on = DateField(_l("Gekündigt am"), validators=[Optional()])
    reason = StringField(_l("Grund"), validators=[Length(max=500)])

    def details(self) -> dict:
        action = self.action.data
        if action == "renew":
            return {"ends_on": self.ends_on.data} if self.ends_on.data else {}
        if action == "end":
            return {"ended_on": self.ended_on.data, "notice_given_on": self.notice_given_on.data,
                    "reason": (self.reason.data or "").strip()}
        return {}


class WithdrawForm(FlaskForm):
    reason = TextAreaField(_l("Begründung für die Einrichtung"),
                           validators=[DataRequired(_l("Bitte begründen.")), Length(max=2000)])
