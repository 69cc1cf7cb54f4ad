"""A minimal iCalendar (RFC 5545) writer for the diary feed: all-day events, escaped, folded."""

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from django.utils import timezone

from hononga.diary.selectors import DiaryItem


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> list[str]:
    # Lines longer than 75 octets are folded (a CRLF then a space), never inside a character.
    out, current = [], ""
    for char in line:
        if len((current + char).encode()) > 75:
            out.append(current)
            current = " " + char
        else:
            current += char
    out.append(current)
    return out


def calendar(items: Iterable[DiaryItem], *, site_url: str, name: str) -> str:
    stamp = timezone.now().astimezone(UTC)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Hononga//My week//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(name)}",
        "REFRESH-INTERVAL;VALUE=DURATION:PT4H",
    ]
    for item in items:
        uid = hashlib.sha256(f"{item.kind}|{item.url}|{item.private_title}".encode()).hexdigest()
        lines += [
            "BEGIN:VEVENT",
            f"UID:{uid[:32]}@hononga",
            f"DTSTAMP:{_utc(stamp)}",
            f"DTSTART;VALUE=DATE:{item.day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{item.day + timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_escape(item.private_title)}",
            f"URL:{site_url}{item.url}",
            f"DESCRIPTION:{_escape(site_url + item.url)}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(part + "\r\n" for line in lines for part in _fold(line))


def _utc(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%SZ")
