"""Small factories, exposed as fixtures, for the objects most tests need."""

from __future__ import annotations

import itertools

import pytest

_seq = itertools.count(1)

PASSWORD = "correct horse battery"


@pytest.fixture
def make_institution(db):
    from rallies.models import Institution

    def make(**fields) -> Institution:
        n = next(_seq)
        values = {"name": f"Museum {n}", "kind": "museum", "municipal": True,
                  "region": "Mitte", "address": f"Museumsweg {n}", "lat": 52.52, "lon": 13.40}
        values.update(fields)
        obj = Institution(**values)
        db.session.add(obj)
        db.session.commit()
        return obj

    return make


@pytest.fixture
def make_school(db):
    from rallies.models import School

    def make(**fields) -> School:
        n = next(_seq)
        values = {"name": f"Schule {n}", "region": "Mitte", "address": f"Schulstraße {n}"}
        values.update(fields)
        obj = School(**values)
        db.session.add(obj)
        db.session.commit()
        return obj

    return make


@pytest.fixture
def make_user(db):
    from rallies import accounts

    def make(role: str, *, institutions=(), schools=(), email=None):
        n = next(_seq)
        user = accounts.create_user(
            email=email or f"{role}{n}@example.org", password=PASSWORD, role=role,
            display_name=f"{role.title()} {n}",
            institution_ids=[i.id for i in institutions], school_ids=[s.id for s in schools],
        )
        db.session.commit()
        return user

    return make


@pytest.fixture
def institution(make_institution):
    return make_institution(name="Stadtmuseum Beispielstadt")


@pytest.fixture
def school(make_school):
    return make_school(name="Gesamtschule Am Park")


@pytest.fixture
def office(make_user):
    return make_user("office")


@pytest.fixture
def editor(make_user, institution):
    return make_user("editor", institutions=[institution])


@pytest.fixture
def teacher(make_user, school):
    return make_user("teacher", schools=[school])


class ApiClient:
    """A test client that sends a personal bearer token with every request."""

    def __init__(self, client, secret: str):
        self.client = client
        self.headers = {"Authorization": f"Bearer {secret}"}

    def __getattr__(self, method):
        call = getattr(self.client, method)

        def send(*args, **kwargs):
            headers = {**self.headers, **kwargs.pop("headers", {})}
            return call(*args, headers=headers, **kwargs)

        return send


@pytest.fixture
def api_as(client, db):
    """`api_as(user)` gives a client authenticated with a fresh token of that user."""
    from rallies import accounts

    def make(user) -> ApiClient:
        _, secret = accounts.issue_api_token(user, "tests")
        db.session.commit()
        return ApiClient(client, secret)

    return make


class SentMail:
    """A mail from the outbox folder: headers by name, `text` the decoded plain-text body."""

    def __init__(self, message):
        self.message = message
        self.text = message.get_body(preferencelist=("plain",)).get_content()

    def __getitem__(self, name):
        return self.message[name]

    def link(self) -> str:
        """The set-password link's path in the mail."""
        import re

        return re.search(r"https?://[^/\s]+(/account/set-password/\S+)", self.text).group(1)


@pytest.fixture
def outbox(app):
    """`outbox()` lists the mails sent so far (the outbox folder's .eml files, oldest first)."""
    import email
    import email.policy
    import os

    def read() -> list[SentMail]:
        folder = app.config["MAIL_FILE_PATH"]
        if not os.path.isdir(folder):
            return []
        mails = []
        for name in sorted(os.listdir(folder)):
            with open(os.path.join(folder, name), "rb") as handle:
                mails.append(SentMail(email.message_from_bytes(handle.read(), policy=email.policy.default)))
        return mails

    return read
