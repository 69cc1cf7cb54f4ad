"""Small text helpers: macron- and case-insensitive search keys, safe spreadsheet cells."""

import unicodedata


def fold(text: str) -> str:
    """A search key that ignores macrons, other diacritics and case: "Whānau" -> "whanau"."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def spreadsheet_safe(value: object) -> str:
    """A CSV cell that no spreadsheet will run as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text
