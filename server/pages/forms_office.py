"""Forms of the programme office pages: institutions, schools, partnerships, lifecycle steps."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, FieldList, Form, FormField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from rallies.models import ADMITTED_KINDS, REFUSED_KINDS
from server.pages.forms_editor import LocalFloatField

KIND_LABELS_DE = {
    "archive": "Archiv", "library": "Bibliothek", "stage": "Bühne / Theater", "memorial_site": "Gedenkstätte",
    "media_centre": "Medienzentrum", "museum": "Museum", "music_school": "Musikschule",
    "environmental_education": "Umwelt- oder Naturwissenschaftsbildung", "sports_club": "Sportverein",
    "adult_education": "Volkshochschule / Erwachsenenbildung", "kindergarten": "Kindergarten", "day_care": "Kita",
}


def kind_label(kind: str) -> str:
    english = ADMITTED_KINDS.get(kind) or kind.replace("_", " ")
    german = KIND_LABELS_DE.get(kind)
    return f"{german} ({english})" if german and german != english else english


def kind_choices() -> dict[str, list[tuple[str, str]]]:
    """Admitted kinds, and the refused ones (so that choosing them shows why they are refused)."""
    return {
        "Zugelassen / admitted": [(kind, kind_label(kind)) for kind in ADMITTED_KINDS],
        "Nicht zugelassen / not admitted": [(kind, kind_label(kind)) for kind in REFUSED_KINDS],
    }


STATUS_LABELS = {
    "draft": "Entwurf / draft", "submitted": "Eingereicht / submitted", "registered": "Registriert / registered",
    "evaluation_due": "Evaluation fällig / evaluation due", "ended": "Beendet / ended",
}

ACTION_LABELS = {
    "submit": "Einreichen / Submit", "return_to_draft": "Zurück in den Entwurf / Return to draft",
    "register": "Registrieren / Register", "mark_evaluation_due": "Evaluation fällig setzen / Mark evaluation due",
    "renew": "Verlängern / Renew", "end": "Beenden / End",
}


class _PlaceFields(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    address = StringField("Adresse / Address", validators=[Length(max=300)])
    region = StringField("Region (Bezirk) / Region (district)", validators=[Length(max=120)])
    lat = LocalFloatField("Breite / Latitude", validators=[Optional(), NumberRange(-90, 90)])
    lon = LocalFloatField("Länge / Longitude", validators=[Optional(), NumberRange(-180, 180)])

    def service_fields(self) -> dict:
        return {"name": self.name.data.strip(), "address": (self.address.data or "").strip(),
                "region": (self.region.data or "").strip(), "lat": self.lat.data, "lon": self.lon.data}


class InstitutionForm(_PlaceFields):
    kind = SelectField("Art / Kind", choices=kind_choices(), default="museum")
    municipal = BooleanField("Kommunal (städtisch) / Municipal", default=True)

    def service_fields(self) -> dict:
        return {**super().service_fields(), "kind": self.kind.data, "municipal": self.municipal.data}


class SchoolForm(_PlaceFields):
    pass


class MemberForm(Form):
    """One institution's side of a partnership (a subform: the parent form carries the CSRF token)."""

    institution_id = SelectField("Einrichtung / Institution", coerce=int, validators=[Optional()], validate_choice=False)
    contact_name = StringField("Ansprechperson / Contact person", validators=[Length(max=120)])
    contact_email = StringField("E-Mail der Ansprechperson / Contact e-mail", validators=[Length(max=254)])


MEMBER_ROWS = 3


class PartnershipForm(FlaskForm):
    school_id = SelectField("Schule / School", coerce=int)
    title = StringField("Bezeichnung / Title", validators=[Length(max=200)])
    starts_on = DateField("Beginn / Start", validators=[Optional()])
    ends_on = DateField("Ende / End", validators=[Optional()])
    evaluation_interval_years = IntegerField("Evaluation alle … Jahre / Evaluation every … years", default=3,
                                             validators=[DataRequired(), NumberRange(1, 10)])
    school_contact_name = StringField("Ansprechperson der Schule / School contact", validators=[Length(max=120)])
    school_contact_email = StringField("E-Mail der Ansprechperson / School contact e-mail", validators=[Length(max=254)])
    open_to_all_pupils = BooleanField("Angebot offen für alle Schüler:innen / Open to all pupils")
    programme_named = BooleanField("Vereinbarung nennt das Programm / Agreement names the programme")
    signed_by_both = BooleanField("Von beiden Seiten unterschrieben / Signed by both sides")
    members = FieldList(FormField(MemberForm), min_entries=MEMBER_ROWS, max_entries=10)

    def set_choices(self, schools, institutions) -> None:
        self.school_id.choices = [(s.id, s.name) for s in schools]
        options = [(0, "– keine / none –")] + [(i.id, f"{i.name} ({kind_label(i.kind)})") for i in institutions]
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
    file = FileField("Unterschriebene Vereinbarung (PDF) / Signed agreement (PDF)",
                     validators=[FileRequired("Bitte eine PDF-Datei wählen / Choose a PDF file.")])


class TransitionForm(FlaskForm):
    action = SelectField("Schritt / Step", choices=list(ACTION_LABELS.items()))
    note = TextAreaField("Notiz / Note", validators=[Length(max=2000)])
    ends_on = DateField("Neues Ende / New end date", validators=[Optional()])
    ended_on = DateField("Beendet am / Ended on", validators=[Optional()])
    notice_given_on = DateField("Gekündigt am / Notice given on", validators=[Optional()])
    reason = StringField("Grund / Reason", validators=[Length(max=500)])

    def details(self) -> dict:
        action = self.action.data
        if action == "renew":
            return {"ends_on": self.ends_on.data} if self.ends_on.data else {}
        if action == "end":
            return {"ended_on": self.ended_on.data, "notice_given_on": self.notice_given_on.data,
                    "reason": (self.reason.data or "").strip()}
        return {}


class WithdrawForm(FlaskForm):
    reason = TextAreaField("Begründung für die Einrichtung / Reason for the institution",
                           validators=[DataRequired("Bitte begründen / Please give a reason."), Length(max=2000)])
