"""Request timing in the logs."""

import logging

import pytest


@pytest.mark.django_db
def test_each_request_is_logged_with_its_server_time(client, caplog):
    with caplog.at_level(logging.INFO, logger="hononga.requests"):
        client.get("/accounts/login/")
    records = [r for r in caplog.records if r.name == "hononga.requests"]
    assert len(records) == 1
    assert records[0].getMessage().startswith("GET /accounts/login/ 200 ")
    assert records[0].duration_ms >= 0  # type: ignore[attr-defined]
