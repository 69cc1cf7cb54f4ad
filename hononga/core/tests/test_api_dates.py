"""The shared `Day` type: only "YYYY-MM-DD" text is a date; numbers get a clear 422."""

import pytest

from hononga.audit.models import AuditEvent
from hononga.whanau.models import Allocation
from hononga.whanau.tests.test_api_whanau import Api

PROBLEM = "application/problem+json"


@pytest.mark.parametrize(
    "started", [20260101, 5, 0, 1.5, "20260101", "5", "2026-1-01", " 2026-01-01", True, []]
)
def test_a_date_that_is_not_yyyy_mm_dd_text_is_refused(admin_user, whanau, facilitator, started):
    api = Api(admin_user)  # creating its token is audited
    before = (Allocation.objects.count(), AuditEvent.objects.count())
    response = api.post(
        "/allocations", {"whanau_id": whanau.pk, "user_id": facilitator.pk, "started": started}
    )
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == PROBLEM
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert "started" in errors
    assert "YYYY-MM-DD" in errors["started"]
    assert (Allocation.objects.count(), AuditEvent.objects.count()) == before


def test_a_yyyy_mm_dd_date_is_accepted(admin_user, whanau, facilitator):
    response = Api(admin_user).post(
        "/allocations",
        {"whanau_id": whanau.pk, "user_id": facilitator.pk, "started": "2026-01-01"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["started"] == "2026-01-01"
