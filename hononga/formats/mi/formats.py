"""Dates in te reo Māori pages. Te reo has no settled three-letter month names (Whiringa-ā-nuku
and Whiringa-ā-rangi would both shorten to "Whi"), so short dates use the full month name
(hononga/locale/mi translates it; docs/te-reo.md) and a 24-hour time."""

SHORT_DATE_FORMAT = "j F Y"
SHORT_DATETIME_FORMAT = "j F Y, H:i"
