"""The whānau and people pages: lists, forms, conflicts, duplicates, break glass, access."""

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from hononga.accounts.models import User
from hononga.audit.models import Action, AuditEvent
from hononga.conftest import client_for
from hononga.factories import (
    AllocationFactory,
    MembershipFactory,
    PersonFactory,
    UserFactory,
    WhanauFactory,
)
from hononga.whanau import services
from hononga.whanau.models import (
    Allocation,
    BreakGlassGrant,
    Membership,
    Person,
    Whanau,
)

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('x')</script>"


def html(response: Any) -> str:
    return str(response.content.decode())


def whanau_post(whanau: Whanau, **changes: Any) -> dict[str, Any]:
    data = {
        "name": whanau.name,
        "team": whanau.team_id,
        "status": whanau.status,
        "summary": whanau.summary,
        "version": whanau.version,
    }
    data.update(changes)
    return data


def person_post(person: Person | None = None, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "preferred_name": "Tama",
        "other_names": "Kōwhai",
        "kind": "rangatahi",
        "date_of_birth": "",
        "languages": "",
        "phone": "",
        "email": "",
        "iwi": "",
        "hapu": "",
    }
    if person is not None:
        data.update(
            preferred_name=person.preferred_name,
            other_names=person.other_names,
            kind=person.kind,
            version=person.version,
        )
    data.update(changes)
    return data


# --- Whānau list ---------------------------------------------------------------------------------


def test_list_search_ignores_macrons_and_case(practitioner_client: Client, whanau: Whanau) -> None:
    response = practitioner_client.get(reverse("whanau:list"), {"q": "KOWHAI WHANAU"})
    assert response.status_code == 200
    assert "Kōwhai whānau" in html(response)
    response = practitioner_client.get(reverse("whanau:list"), {"q": "rātā"})
    assert "Kōwhai whānau" not in html(response)
    assert "No whānau match" in html(response)
    assert AuditEvent.objects.filter(action=Action.LIST).exists()


def test_list_hides_other_teams_whanau(outsider_client: Client, whanau: Whanau) -> None:
    response = outsider_client.get(reverse("whanau:list"), {"q": "kowhai"})
    assert response.status_code == 200
    assert "Kōwhai whānau" not in html(response)


def test_list_filters_and_bad_input(supervisor_client: Client, whanau: Whanau, team_north) -> None:
    WhanauFactory(name="Rātā whānau", team=team_north, status="closed")
    url = reverse("whanau:list")
    page = html(supervisor_client.get(url, {"status": "closed"}))
    assert "Rātā whānau" in page and "Kōwhai whānau" not in page
    page = html(supervisor_client.get(url, {"mine": "on"}))
    assert "Kōwhai whānau" not in page  # the supervisor is not allocated to either
    for bad in ({"status": "nonsense"}, {"team": "abc"}, {"q": "x" * 5000}, {"page": "99999"}):
        assert supervisor_client.get(url, bad).status_code == 200


def test_list_paginates_in_few_queries(
    supervisor_client: Client, team_north, django_assert_max_num_queries: Any
) -> None:
    for n in range(30):
        WhanauFactory(name=f"Whānau {n:02}", team=team_north)
    with django_assert_max_num_queries(20):
        response = supervisor_client.get(reverse("whanau:list"))
    assert "Page 1 of 2" in html(response)
    assert "Page 2 of 2" in html(supervisor_client.get(reverse("whanau:list"), {"page": 2}))


def test_empty_list_helps(practitioner_client: Client) -> None:
    page = html(practitioner_client.get(reverse("whanau:list")))
    assert "No whānau yet" in page
    assert reverse("whanau:create") in page


# --- Whānau create, edit, archive ------------------------------------------------------------


def test_create_keeps_macrons_and_escapes_script(practitioner_client: Client, team_north) -> None:
    response = practitioner_client.post(
        reverse("whanau:create"),
        {"name": "Tūī whānau " + SCRIPT, "team": team_north.pk, "status": "open", "summary": ""},
    )
    whanau = Whanau.objects.get()
    assert response.status_code == 302
    assert whanau.name == "Tūī whānau " + SCRIPT
    page = html(practitioner_client.get(reverse("whanau:detail", args=[whanau.pk])))
    assert SCRIPT not in page
    assert "&lt;script&gt;" in page
    assert AuditEvent.objects.filter(action=Action.CREATE, whanau_id=whanau.pk).exists()


def test_create_rejects_oversized_and_other_teams(
    practitioner_client: Client, team_north, team_south
) -> None:
    response = practitioner_client.post(
        reverse("whanau:create"),
        {"name": "x" * 201, "team": team_north.pk, "status": "open"},
    )
    assert response.status_code == 200
    assert "There is a problem" in html(response)
    response = practitioner_client.post(
        reverse("whanau:create"), {"name": "Tūī", "team": team_south.pk, "status": "open"}
    )
    assert response.status_code == 200
    assert not Whanau.objects.exists()


def test_admin_cannot_create_whanau(admin_client_: Client, team_north) -> None:
    response = admin_client_.post(
        reverse("whanau:create"), {"name": "Tūī", "team": team_north.pk, "status": "open"}
    )
    assert response.status_code == 403
    assert not Whanau.objects.exists()


def test_edit_saves_and_shows_history(
    practitioner_client: Client, practitioner: User, whanau: Whanau
) -> None:
    response = practitioner_client.post(
        reverse("whanau:edit", args=[whanau.pk]), whanau_post(whanau, summary="Kōrero tuatahi")
    )
    assert response.status_code == 302
    whanau.refresh_from_db()
    assert whanau.summary == "Kōrero tuatahi" and whanau.version == 2
    page = html(practitioner_client.get(reverse("whanau:detail", args=[whanau.pk])))
    assert "History" in page and "Kōrero tuatahi" in page and "Aroha" in page


def test_stale_edit_shows_both_versions_and_writes_nothing(
    practitioner_client: Client, supervisor: User, whanau: Whanau
) -> None:
    stale = whanau_post(whanau, summary="Mine: the koro moved in")
    services.whanau_update(
        actor=supervisor,
        whanau_id=whanau.pk,
        expected_version=whanau.version,
        changes={"summary": "Theirs: new school"},
    )
    events = AuditEvent.objects.count()
    response = practitioner_client.post(reverse("whanau:edit", args=[whanau.pk]), stale)
    assert response.status_code == 200
    page = html(response)
    assert "Someone else changed this record" in page
    assert "Mine: the koro moved in" in page and "Theirs: new school" in page
    assert str(supervisor) in page
    whanau.refresh_from_db()
    assert whanau.summary == "Theirs: new school" and whanau.version == 2
    assert AuditEvent.objects.count() == events


def test_edit_access(
    outsider_client: Client, admin_client_: Client, whanau: Whanau, facilitator: User
) -> None:
    url = reverse("whanau:edit", args=[whanau.pk])
    assert outsider_client.get(url).status_code == 404
    assert outsider_client.post(url, whanau_post(whanau, name="Hacked")).status_code == 404
    assert admin_client_.get(url).status_code == 404
    # A break-glass reader sees but cannot change.
    services.break_glass(actor=facilitator, whanau_id=whanau.pk, reason="Urgent safety concern.")
    response = client_for(facilitator).post(url, whanau_post(whanau, name="Changed"))
    assert response.status_code == 403
    whanau.refresh_from_db()
    assert whanau.name == "Kōwhai whānau"


def test_archive_needs_a_reason(practitioner_client: Client, whanau: Whanau) -> None:
    url = reverse("whanau:archive", args=[whanau.pk])
    assert "Yes, archive" in html(practitioner_client.get(url))
    response = practitioner_client.post(url, {"reason": "", "version": whanau.version})
    assert response.status_code == 200 and "There is a problem" in html(response)
    whanau.refresh_from_db()
    assert whanau.archived_at is None
    response = practitioner_client.post(url, {"reason": "Whānau moved away", "version": 1})
    assert response.status_code == 302
    whanau.refresh_from_db()
    assert whanau.archived_at is not None
    assert AuditEvent.objects.filter(action=Action.ARCHIVE, whanau_id=whanau.pk).exists()


def test_archive_outsider_404(outsider_client: Client, whanau: Whanau) -> None:
    url = reverse("whanau:archive", args=[whanau.pk])
    assert outsider_client.post(url, {"reason": "x", "version": 1}).status_code == 404


# --- Whānau page -----------------------------------------------------------------------------


def test_detail_outsiders_get_404_alike(outsider_client: Client, whanau: Whanau) -> None:
    hidden = outsider_client.get(reverse("whanau:detail", args=[whanau.pk]))
    missing = outsider_client.get(reverse("whanau:detail", args=[whanau.pk + 1000]))
    assert hidden.status_code == missing.status_code == 404
    assert "Kōwhai" not in html(hidden)


def test_detail_shows_members_and_is_audited(
    practitioner_client: Client,
    whanau: Whanau,
    person: Person,
    django_assert_max_num_queries: Any,
) -> None:
    for n in range(8):
        MembershipFactory(whanau=whanau, person=PersonFactory(preferred_name=f"Tamaiti{n}"))
    with django_assert_max_num_queries(40):
        response = practitioner_client.get(reverse("whanau:detail", args=[whanau.pk]))
    page = html(response)
    assert "Mere Kōwhai" in page and "mother" in page and "Tamaiti7" in page
    assert AuditEvent.objects.filter(action=Action.VIEW, whanau_id=whanau.pk).exists()


def test_membership_add_edit_remove(
    practitioner_client: Client, practitioner: User, whanau: Whanau, person: Person
) -> None:
    other = WhanauFactory(name="Rātā whānau", team=whanau.team)
    AllocationFactory(whanau=other, user=practitioner)
    response = practitioner_client.post(
        reverse("whanau:membership_add", args=[other.pk]),
        {"person": person.pk, "role": "auntie", "started": "2024-02-01"},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(whanau=other, person=person)
    assert membership.role == "auntie"
    # Dates in the wrong order: a clear message, nothing saved.
    response = practitioner_client.post(
        reverse("whanau:membership_edit", args=[membership.pk]),
        {"role": "whaea", "started": "2024-02-01", "ended": "2023-01-01", "version": 1},
    )
    assert response.status_code == 200 and "There is a problem" in html(response)
    response = practitioner_client.post(
        reverse("whanau:membership_edit", args=[membership.pk]),
        {"role": "whaea", "started": "2024-02-01", "ended": "", "version": 1},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == "whaea"
    response = practitioner_client.post(
        reverse("whanau:membership_archive", args=[membership.pk]),
        {"reason": "Moved to Australia", "version": membership.version},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.archived_at is not None


def test_membership_pages_access(
    outsider_client: Client, supervisor: User, whanau: Whanau, person: Person
) -> None:
    membership = Membership.objects.get(person=person)
    url = reverse("whanau:membership_edit", args=[membership.pk])
    assert outsider_client.get(url).status_code == 404
    assert (
        outsider_client.get(reverse("whanau:membership_add", args=[whanau.pk])).status_code == 404
    )
    # Another practitioner in the same team who is not allocated: 404 too.
    stranger = UserFactory(teams=[whanau.team])
    assert client_for(stranger).post(url, {"role": "x", "version": 1}).status_code == 404
    membership.refresh_from_db()
    assert membership.role == "mother"


def test_allocations_only_by_supervisor(
    practitioner_client: Client,
    supervisor_client: Client,
    whanau: Whanau,
    facilitator: User,
) -> None:
    url = reverse("whanau:allocation_add", args=[whanau.pk])
    data = {"user": facilitator.pk, "started": "2025-01-01", "ended": ""}
    assert practitioner_client.post(url, data).status_code == 403
    assert not Allocation.objects.filter(user=facilitator).exists()
    assert "Allocate staff" in html(
        supervisor_client.get(reverse("whanau:detail", args=[whanau.pk]))
    )
    response = supervisor_client.post(url, data)
    assert response.status_code == 302
    allocation = Allocation.objects.get(user=facilitator)
    bad = supervisor_client.post(url, {"user": facilitator.pk, "started": "not a date"})
    assert bad.status_code == 200 and "There is a problem" in html(bad)
    end = reverse("whanau:allocation_end", args=[allocation.pk])
    assert practitioner_client.post(end, {"ended": "2025-02-01"}).status_code == 403
    response = supervisor_client.post(end, {"ended": "2025-02-01", "version": 1})
    assert response.status_code == 302
    allocation.refresh_from_db()
    assert allocation.ended == date(2025, 2, 1)


def test_allocation_end_outsider_404(outsider_client: Client, whanau: Whanau) -> None:
    allocation = Allocation.objects.get(whanau=whanau)
    url = reverse("whanau:allocation_end", args=[allocation.pk])
    assert outsider_client.post(url, {"ended": "2025-01-01"}).status_code == 404


# --- People --------------------------------------------------------------------------------------


def test_people_list_search_and_queries(
    practitioner_client: Client, whanau: Whanau, person: Person, django_assert_max_num_queries: Any
) -> None:
    for n in range(30):
        MembershipFactory(whanau=whanau, person=PersonFactory(preferred_name=f"Hēmi{n:02}"))
    hidden = WhanauFactory(name="Hidden whānau")
    MembershipFactory(whanau=hidden, person=person)
    with django_assert_max_num_queries(20):
        response = practitioner_client.get(reverse("whanau:people"))
    assert "Page 1 of 2" in html(response)
    page = html(practitioner_client.get(reverse("whanau:people"), {"q": "mere kowhai"}))
    assert "Mere Kōwhai" in page and "Hēmi" not in page
    assert "Hidden whānau" not in page


def test_people_list_outsider_sees_nobody(outsider_client: Client, person: Person) -> None:
    page = html(outsider_client.get(reverse("whanau:people"), {"q": "mere"}))
    assert "Mere" not in page


def test_person_page(
    practitioner_client: Client,
    outsider_client: Client,
    person: Person,
    whanau: Whanau,
    django_assert_max_num_queries: Any,
) -> None:
    url = reverse("whanau:person", args=[person.pk])
    # 30, the notification bell, and the whānau space panel (privacy: its access row, and
    # who may open it).
    with django_assert_max_num_queries(33):
        page = html(practitioner_client.get(url))
    assert "Mere Kōwhai" in page and "Kōwhai whānau" in page and "History" in page
    assert AuditEvent.objects.filter(action=Action.VIEW, whanau_id=whanau.pk).exists()
    assert outsider_client.get(url).status_code == 404
    assert outsider_client.get(reverse("whanau:person", args=[99999])).status_code == 404


def test_person_create_shows_duplicates_first(
    practitioner_client: Client, whanau: Whanau, person: Person
) -> None:
    url = reverse("whanau:person_create")
    data = person_post(preferred_name="Mere", other_names="Kowhai", whanau=whanau.pk)
    response = practitioner_client.post(url, data)
    assert response.status_code == 200
    page = html(response)
    assert "Is this someone already on record?" in page
    assert reverse("whanau:person", args=[person.pk]) in page
    assert Person.objects.count() == 1
    response = practitioner_client.post(url, {**data, "confirm_new": "on"})
    assert response.status_code == 302
    assert Person.objects.count() == 2


def test_person_create_without_duplicates_and_bad_input(
    practitioner_client: Client, whanau: Whanau
) -> None:
    url = reverse("whanau:person_create")
    assert practitioner_client.get(url, {"whanau": whanau.pk}).status_code == 200
    bad = practitioner_client.post(
        url, person_post(preferred_name="x" * 300, email="nope", whanau=whanau.pk)
    )
    assert bad.status_code == 200 and "There is a problem" in html(bad)
    assert not Person.objects.exists()
    response = practitioner_client.post(
        url, person_post(preferred_name="Ānaru " + SCRIPT, whanau=whanau.pk, membership_role="pāpā")
    )
    assert response.status_code == 302
    created = Person.objects.get()
    assert created.preferred_name == "Ānaru " + SCRIPT
    page = html(practitioner_client.get(reverse("whanau:person", args=[created.pk])))
    assert SCRIPT not in page and "Ānaru &lt;script&gt;" in page


def test_person_create_in_someone_elses_whanau_refused(
    outsider_client: Client, admin_client_: Client, whanau: Whanau
) -> None:
    url = reverse("whanau:person_create")
    response = outsider_client.post(url, person_post(whanau=whanau.pk, confirm_new="on"))
    assert response.status_code in {200, 403}
    assert admin_client_.post(url, person_post(whanau=whanau.pk)).status_code == 403
    assert not Person.objects.exists()


def test_person_stale_edit_conflict(
    practitioner_client: Client, supervisor: User, person: Person
) -> None:
    stale = person_post(person, languages="te reo Māori")
    services.person_update(
        actor=supervisor,
        person_id=person.pk,
        expected_version=person.version,
        changes={"languages": "English, Samoan"},
    )
    response = practitioner_client.post(reverse("whanau:person_edit", args=[person.pk]), stale)
    assert response.status_code == 200
    page = html(response)
    assert "te reo Māori" in page and "English, Samoan" in page
    assert "Someone else changed this record" in page
    person.refresh_from_db()
    assert person.languages == "English, Samoan" and person.version == 2


def test_person_edit_and_archive(
    practitioner_client: Client, outsider_client: Client, person: Person
) -> None:
    edit = reverse("whanau:person_edit", args=[person.pk])
    assert outsider_client.post(edit, person_post(person, iwi="x")).status_code == 404
    response = practitioner_client.post(edit, person_post(person, iwi="Ngāti Porou"))
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.iwi == "Ngāti Porou"
    archive = reverse("whanau:person_archive", args=[person.pk])
    assert outsider_client.post(archive, {"reason": "x"}).status_code == 404
    response = practitioner_client.post(archive, {"reason": "Recorded twice", "version": 2})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.archived_at is not None


# --- Break glass -------------------------------------------------------------------------------


def test_break_glass_grants_logged_access(
    admin_client_: Client, admin_user: User, whanau: Whanau, supervisor_client: Client
) -> None:
    detail = reverse("whanau:detail", args=[whanau.pk])
    assert admin_client_.get(detail).status_code == 404
    url = reverse("whanau:break_glass")
    short = admin_client_.post(url, {"whanau": whanau.pk, "reason": "because"})
    assert short.status_code == 200 and "There is a problem" in html(short)
    assert not BreakGlassGrant.objects.exists()
    reason = "Police called about tamariki safety " + SCRIPT
    response = admin_client_.post(url, {"whanau": whanau.pk, "reason": reason})
    assert response.status_code == 302 and response["Location"] == detail
    page = html(admin_client_.get(detail))
    assert "through break glass" in page and "Change details" not in page
    assert AuditEvent.objects.filter(action=Action.BREAK_GLASS, whanau_id=whanau.pk).exists()
    # The whānau's supervisor sees who broke glass and why (escaped).
    page = html(supervisor_client.get(detail))
    assert "Break-glass access" in page and "Police called about tamariki safety" in page
    assert SCRIPT not in page


def test_break_glass_does_not_reveal_what_exists(admin_client_: Client, whanau: Whanau) -> None:
    url = reverse("whanau:break_glass")
    reason = "Checking a reported concern urgently"
    for bad in (whanau.pk + 1000, 2**40, "abc", -1):
        response = admin_client_.post(url, {"whanau": bad, "reason": reason})
        assert response.status_code == 200
        assert "Kōwhai" not in html(response)
    assert not BreakGlassGrant.objects.exists()


def test_break_glass_not_needed_for_own_whanau(practitioner_client: Client, whanau: Whanau) -> None:
    response = practitioner_client.post(
        reverse("whanau:break_glass"),
        {"whanau": whanau.pk, "reason": "Just want to look at it"},
    )
    assert response.status_code == 302
    assert not BreakGlassGrant.objects.exists()


def test_pages_need_login(client: Client, whanau: Whanau) -> None:
    for url in (
        reverse("whanau:list"),
        reverse("whanau:detail", args=[whanau.pk]),
        reverse("whanau:people"),
        reverse("whanau:break_glass"),
    ):
        assert client.get(url).status_code == 302


def test_glass_reader_cannot_write_people_or_members(
    facilitator: User, whanau: Whanau, person: Person
) -> None:
    services.break_glass(actor=facilitator, whanau_id=whanau.pk, reason="Urgent safety concern.")
    reader = client_for(facilitator)
    assert reader.get(reverse("whanau:person", args=[person.pk])).status_code == 200
    response = reader.post(
        reverse("whanau:person_edit", args=[person.pk]), person_post(person, iwi="x")
    )
    assert response.status_code == 403
    membership = Membership.objects.get(person=person)
    response = reader.post(
        reverse("whanau:membership_archive", args=[membership.pk]), {"reason": "x", "version": 1}
    )
    assert response.status_code == 403
    assert reader.get(reverse("whanau:membership_add", args=[whanau.pk])).status_code == 403
    person.refresh_from_db()
    membership.refresh_from_db()
    assert person.iwi == "" and membership.archived_at is None


def test_membership_stale_edit_conflict(
    practitioner_client: Client, supervisor: User, person: Person
) -> None:
    membership = Membership.objects.get(person=person)
    services.membership_update(
        actor=supervisor,
        membership_id=membership.pk,
        expected_version=membership.version,
        changes={"role": "kuia"},
    )
    response = practitioner_client.post(
        reverse("whanau:membership_edit", args=[membership.pk]),
        {"role": "whaea", "started": "", "ended": "", "version": 1},
    )
    page = html(response)
    assert response.status_code == 200
    assert "Someone else changed this record" in page and "kuia" in page and "whaea" in page
    membership.refresh_from_db()
    assert membership.role == "kuia"


def test_history_names_the_team_that_changed(
    team_north: Any, team_south: Any, whanau: Whanau
) -> None:
    boss = UserFactory(username="boss", role="supervisor", teams=[team_north, team_south])
    services.whanau_update(
        actor=boss, whanau_id=whanau.pk, expected_version=1, changes={"team": team_south}
    )
    page = html(client_for(boss).get(reverse("whanau:detail", args=[whanau.pk])))
    assert "Team North" in page and "Team South" in page and "→" in page
