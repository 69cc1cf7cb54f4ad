"""The home page for each role, the navigation, and the friendly error pages."""

import pytest
from django.test import RequestFactory

from hononga.conftest import client_for
from hononga.core import views as core_views


@pytest.mark.parametrize(
    "role", ["practitioner", "facilitator", "supervisor", "admin_user", "practitioner2"]
)
def test_home_for_every_role(request, role, whanau, django_assert_max_num_queries):
    user = request.getfixturevalue(role)
    client = client_for(user)
    with django_assert_max_num_queries(40):
        response = client.get("/")
    assert response.status_code == 200
    text = response.content.decode()
    assert f"Kia ora, {user.display_name}" in text
    assert 'aria-current="page">Home<' in text or 'aria-current="page"' in text


def test_nav_shows_audit_and_manage_only_to_the_right_roles(practitioner, supervisor, admin_user):
    def nav(user):
        return client_for(user).get("/").content.decode().split("</nav>")[0]

    assert "/audit/" not in nav(practitioner)
    assert "/accounts/manage/" not in nav(practitioner)
    assert "/audit/" in nav(supervisor)
    assert "/accounts/manage/" not in nav(supervisor)
    assert "/audit/" in nav(admin_user)
    assert "/accounts/manage/" in nav(admin_user)


def test_manage_is_marked_current_on_its_pages(admin_client_):
    text = admin_client_.get("/accounts/manage/teams/").content.decode()
    assert 'href="/accounts/manage/" aria-current="page"' in text


def test_the_logout_form_is_marked_for_clearing_drafts(practitioner_client):
    text = practitioner_client.get("/").content.decode()
    assert 'action="/accounts/logout/" class="inline" data-logout' in text


def test_404_page_is_friendly(practitioner_client):
    response = practitioner_client.get("/no-such-page/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "Page not found" in text
    assert "Go to your home page" in text


def test_404_page_for_anonymous_visitors(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_403_page_is_friendly(rf: RequestFactory, practitioner):
    request = rf.get("/")
    request.user = practitioner
    response = core_views.forbidden(request)
    assert response.status_code == 403
    assert "Not allowed" in response.content.decode()


def test_500_page_renders_without_the_database_or_user(rf: RequestFactory):
    # No db fixture: any database access here would fail the test.
    response = core_views.server_error(rf.get("/"))
    assert response.status_code == 500
    text = response.content.decode()
    assert "Something went wrong" in text
    assert "Nothing you entered was half-saved" in text


def test_csrf_failure_page_is_friendly(rf: RequestFactory, practitioner):
    request = rf.post("/")
    request.user = practitioner
    response = core_views.csrf_failure(request, reason="CSRF token missing.")
    assert response.status_code == 403
    text = response.content.decode()
    assert "Not allowed" in text and "reload the page" in text
