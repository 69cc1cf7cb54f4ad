"""Every flag a person sees on the map and the relationship page is words, never a code."""

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from hononga.checkins.tests import factories as f

CODES = ("reliable_drop", "reliable_rise", "perception_gap", "dropped, low", "dropped")


def visible_text(html):
    """What a person can read: no tags, attributes (CSS classes) or script data."""
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_flags_are_words_on_the_map_and_the_relationship_page(
    practitioner_client, whanau, person, worker_person
):
    relationship = f.relationship_between(whanau, person, worker_person)
    f.checkin(relationship, person, answers=f.items(9), when=timezone.now() - timedelta(days=30))
    f.checkin(relationship, person, answers=f.items(6))  # a reliable drop, a drop, low
    for url in (
        reverse("relationships:map", args=[whanau.pk]),
        reverse("relationships:detail", args=[relationship.pk]),
    ):
        html = visible_text(practitioner_client.get(url).content.decode())
        assert "Reliable drop" in html and "Low" in html, url
        for code in CODES:
            assert code not in html, (url, code)
    page = practitioner_client.get(reverse("relationships:map", args=[whanau.pk])).content
    assert "Reliable drop, Dropped, Low" in page.decode()
