"""Dates in English pages: "25 Nov 2026" in tables, "25 Nov 2026, 2:05 p.m." with a time."""

SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, g:i a"
