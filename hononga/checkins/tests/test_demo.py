import io

from hononga.checkins import demo, selectors
from hononga.checkins.models import CheckIn
from hononga.checkins.tests import factories as f
from hononga.factories import AllocationFactory, UserFactory, WhanauFactory
from hononga.whanau.models import PersonKind


def test_demo_check_ins_are_deterministic_idempotent_and_show_flags(team_north):
    aroha = UserFactory(username="demo-practitioner", preferred_name="Aroha", teams=[team_north])
    f.staff_person(aroha)
    for n in range(3):
        whanau = WhanauFactory(name=f"Whānau {n}", team=team_north)
        AllocationFactory(whanau=whanau, user=aroha)
        f.member(whanau, f"Parent{n}", kind=PersonKind.PARENT)
        f.member(whanau, f"Teen{n}", kind=PersonKind.RANGATAHI)
    out = io.StringIO()
    demo.load(out)
    first = list(CheckIn.objects.order_by("id").values_list("score", flat=True))
    assert len(first) > 50 and "demo check-ins" in out.getvalue()
    demo.load(io.StringIO())
    assert CheckIn.objects.count() == len(first)  # nothing added the second time
    items, total = selectors.relationships_needing_attention(user=aroha)
    flags = {flag for item in items for flag in item.flags}
    assert {"reliable_drop", "perception_gap", "overdue"} <= flags and total >= 3
