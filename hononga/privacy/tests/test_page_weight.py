"""The whānau space stays light for a phone on a slow connection: no script, one small extra
stylesheet, and pages of a few kilobytes (the budget docs/privacy.md states)."""

import gzip
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from hononga.privacy.tests.test_te_reo import scene  # noqa: F401 (a full space: every section)

pytestmark = pytest.mark.django_db

STATIC = Path(settings.BASE_DIR) / "static"
# The budget (docs/privacy.md): per page, as sent and compressed on the wire by a proxy.
HTML_BUDGET = 16_000
CSS_BUDGET = 14_000  # both stylesheets, uncompressed; cached after the first page
WIRE_BUDGET = 10_000  # a first visit's HTML and CSS, gzip-compressed


def _assets(html: str) -> list[str]:
    return re.findall(r'<(?:link|script|img)[^>]+(?:href|src)="([^"]+)"', html)


def test_the_space_pages_are_within_their_budget(scene, space_client, space_person):  # noqa: F811
    pages = {
        "home": (space_client, reverse("privacy:space_home")),
        "check-ins": (space_client, reverse("privacy:space_checkins")),
        "sign in": (Client(), reverse("privacy:space_sign_in")),
    }
    for name, (client, url) in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        html = response.content
        text = html.decode()
        assert "<script" not in text, name
        assets = _assets(text)
        stylesheets = [a for a in assets if a.endswith(".css")]
        assert sorted(Path(s).name for s in stylesheets) == ["hononga.css", "privacy.css"], name
        assert all(a.endswith((".css", ".svg")) for a in assets), (name, assets)
        css = b"".join((STATIC / "css" / Path(s).name).read_bytes() for s in stylesheets)
        assert len(html) <= HTML_BUDGET, (name, len(html))
        assert len(css) <= CSS_BUDGET, len(css)
        wire = len(gzip.compress(html)) + len(gzip.compress(css))
        assert wire <= WIRE_BUDGET, (name, wire)
