from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from hononga.factories import AllocationFactory
from hononga.whanau import access, services


def test_it_shows_a_practitioner_only_their_allocated_whanau(whanau, practitioner, outsider):
    assert list(access.whanau_for_user(practitioner)) == [whanau]
    assert not access.whanau_for_user(outsider).exists()


def test_an_ended_allocation_no_longer_gives_access(whanau, practitioner):
    allocation = whanau.allocations.get(user=practitioner)
    allocation.ended = timezone.localdate() - timedelta(days=1)
    allocation.save()
    assert not access.whanau_for_user(practitioner).exists()


def test_a_future_allocation_does_not_give_access_yet(whanau, outsider):
    AllocationFactory(
        whanau=whanau, user=outsider, started=timezone.localdate() + timedelta(days=3)
    )
    assert not access.whanau_for_user(outsider).exists()


def test_a_supervisor_sees_their_teams_whanau_only(whanau, supervisor, supervisor_south):
    assert list(access.whanau_for_user(supervisor)) == [whanau]
    assert not access.whanau_for_user(supervisor_south).exists()


def test_an_admin_sees_no_case_content_without_breaking_glass(whanau, admin_user):
    assert not access.whanau_for_user(admin_user).exists()
    with pytest.raises(Http404):
        access.get_whanau_for_user(admin_user, whanau.pk)


def test_breaking_glass_gives_read_only_access_for_a_while(whanau, admin_user):
    services.break_glass(
        actor=admin_user,
        whanau_id=whanau.pk,
        reason="Police request about a child's safety tonight",
    )
    assert access.get_whanau_for_user(admin_user, whanau.pk) == whanau
    assert not access.can_edit_whanau(admin_user, whanau)


def test_break_glass_access_expires(whanau, outsider, time_machine):
    services.break_glass(
        actor=outsider, whanau_id=whanau.pk, reason="Covering the duty desk for Aroha today"
    )
    assert access.whanau_for_user(outsider).exists()
    time_machine.move_to(timezone.now() + timedelta(hours=4, minutes=1))
    assert not access.whanau_for_user(outsider).exists()


def test_people_are_visible_through_their_whanau(person, practitioner, outsider):
    assert list(access.people_for_user(practitioner)) == [person]
    assert not access.people_for_user(outsider).exists()


def test_bad_ids_are_404_not_500(practitioner):
    for bad in ["abc", None, "99999999999999999999999", -1]:
        with pytest.raises(Http404):
            access.get_whanau_for_user(practitioner, bad)
        with pytest.raises(Http404):
            access.get_person_for_user(practitioner, bad)
