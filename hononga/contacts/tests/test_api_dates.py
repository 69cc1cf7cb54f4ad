"""The contacts list's date filters take only YYYY-MM-DD (the shared hononga.core.api.Day).

A bare number would otherwise be read as seconds since 1970 ("?date_to=0" as 1 January 1970).
"""

import pytest
from django.utils import timezone

from hononga.conftest import bearer
from hononga.contacts.tests.factories import make_contact

URL = "/api/v1/contacts"


@pytest.mark.parametrize("field", ["date_from", "date_to"])
@pytest.mark.parametrize("bad", ["0", "1700000000", "1.5", "2026-1-2", "20261102", "2026-02-30"])
def test_a_date_filter_that_is_not_yyyy_mm_dd_is_a_field_problem(
    client, practitioner, whanau, person, field, bad
):
    make_contact(whanau=whanau, practitioner=practitioner, participants=[person])
    response = client.get(URL, {field: bad}, **bearer(practitioner))
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_a_good_date_filters(client, practitioner, whanau, person):
    make_contact(whanau=whanau, practitioner=practitioner, participants=[person])
    today = timezone.localdate().isoformat()
    response = client.get(URL, {"date_from": today, "date_to": today}, **bearer(practitioner))
    assert response.status_code == 200
    assert response.json()["count"] == 1
