"""Secrets never reach the logs: a logging filter that masks them in every record.

Installed on every handler in `settings.LOGGING` (a filter on a handler sees the records of
every logger that reaches it; a filter on a logger would miss its children's). It rewrites the
message, its arguments and the formatted traceback of each record, masking:

- one-time tokens in paths: anything after a prefix of `SECRET_PATH_PREFIXES` (`/c/<token>/`, the
  check-in links; features with links of their own add their prefix), as Django logs the path of
  failed requests (`Unprocessable Entity: /c/<token>/`, `Forbidden (CSRF token missing.): …`);
- API tokens (`hon_…`) and `Authorization: Bearer …` values;
- passwords, session ids, CSRF tokens and other `name=value` secrets in query strings, form
  bodies and cookies.

Masking is by pattern, so a record that is not about a request loses nothing but the secret.
"""

import logging
import re
from collections.abc import Iterable

MASK = "[masked]"

# Names whose value is a secret wherever it appears as name=value, name: value or "name": "value".
SECRET_NAMES = (
    "password",
    "password1",
    "password2",
    "old_password",
    "new_password1",
    "new_password2",
    "passwd",
    "secret",
    "token",
    "otp_token",
    "code",
    "api_key",
    "key",
    "sessionid",
    "__Secure-sessionid",
    "csrftoken",
    "__Secure-csrftoken",
    "csrfmiddlewaretoken",
)

DEFAULT_SECRET_PATH_PREFIXES = ("/c/",)


def _prefixes() -> Iterable[str]:
    try:
        from django.conf import settings

        return tuple(getattr(settings, "SECRET_PATH_PREFIXES", DEFAULT_SECRET_PATH_PREFIXES))
    except Exception:  # settings not configured (a bare script): the defaults
        return DEFAULT_SECRET_PATH_PREFIXES


_NAMES = "|".join(re.escape(name) for name in sorted(SECRET_NAMES, key=len, reverse=True))
_PATTERNS = [
    # Authorization: Bearer <token> (and Token / Basic credentials)
    (re.compile(r"(?i)\b(Bearer|Token|Basic)\s+[A-Za-z0-9._~+/=-]+"), r"\1 " + MASK),
    # Our API tokens wherever they appear.
    (re.compile(r"\bhon_[A-Za-z0-9_-]{8,}"), "hon_" + MASK),
    # name=value (query strings, form bodies, cookies), name: value, "name": "value"
    (
        re.compile(rf"(?i)(?<![A-Za-z0-9_-])((?:{_NAMES})[\"']?\s*[=:]\s*[\"']?)[^\s&;,\"'}}]+"),
        r"\1" + MASK,
    ),
]


def mask(text: str, prefixes: Iterable[str] | None = None) -> str:
    """The text with every secret we know the shape of replaced by `[masked]`."""
    for prefix in _prefixes() if prefixes is None else prefixes:
        # The prefix at the start, or after anything but a letter (a space, a quote, "://host").
        text = re.sub(
            rf"({re.escape(prefix)})[^/\s?#\"'<>]+",
            r"\1" + MASK,
            text,
        )
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class MaskSecretsFilter(logging.Filter):
    """Masks secrets in a record's message, arguments and traceback; never drops a record."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        # The message as it will be written (format and arguments merged), masked as a whole:
        # a secret can sit in either, and masking the format string alone would break it.
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep what there is, masked
            message = f"{record.msg} {record.args}"
        record.msg = mask(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        return True
