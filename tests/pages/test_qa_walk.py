"""What a walk through the integrated product turned up: words in the wrong language, controls
too small or too wide on a phone."""

from __future__ import annotations


import pytest

from tests.pages.helpers import login, text



@pytest.fixture
def office_client(client, office):
    login(client, office)
    return client


def test_the_figures_table_heads_its_rally_column_in_english_on_english_pages(office_client, make_rally):
    make_rally(publish="public")

    english = text(office_client.get("/office/figures?lang=en"))
    german = text(office_client.get("/office/figures?lang=de"))

    assert "<th>Rallies</th>" in english and "Rallyes" not in english
    assert "<th>Rallyes</th>" in german


