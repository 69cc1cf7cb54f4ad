"""The whānau a request's user may see, read once for the request (the home page's panels filter
by the list): the same whānau as whanau_for_user, whoever asks and however they see them."""

from datetime import timedelta
from typing import Any

from django.test import RequestFactory
from django.utils import timezone

from hononga.factories import AllocationFactory, WhanauFactory
from hononga.whanau import access, services


def _request(user: Any) -> Any:
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_the_list_is_whanau_for_user_read_once_per_request(
    practitioner,
    practitioner2,
    supervisor,
    admin_user,
    whanau,
    team_south,
    django_assert_num_queries,
):
    south = WhanauFactory(team=team_south)
    AllocationFactory(whanau=south, user=practitioner2)
    ended = WhanauFactory(team=team_south)
    AllocationFactory(
        whanau=ended,
        user=practitioner,
        started=timezone.localdate() - timedelta(days=30),
        ended=timezone.localdate() - timedelta(days=1),
    )
    services.break_glass(actor=practitioner, whanau_id=south.pk, reason="Urgent safety concern.")
    for user in (practitioner, practitioner2, supervisor, admin_user):
        request = _request(user)
        expected = sorted(access.whanau_for_user(user).values_list("pk", flat=True))
        with django_assert_num_queries(1):
            assert access.visible_whanau_id_list(request) == expected
            assert access.visible_whanau_id_list(request) == expected  # remembered
    assert access.visible_whanau_id_list(_request(practitioner)) == sorted([whanau.pk, south.pk])
    assert access.visible_whanau_id_list(_request(admin_user)) == []
