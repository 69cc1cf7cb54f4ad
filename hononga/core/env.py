"""Reading settings from the environment, with clear errors for bad values."""

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, *, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {raw!r}") from None
    if value < 0 or value != value or value == float("inf"):
        raise ImproperlyConfigured(f"{name} must be a positive number, not {raw!r}")
    return value


def email_settings_from_url(url: str) -> dict[str, object]:
    """Django's EMAIL_* settings from one URL, e.g. `smtp://user:pass@host:587/?tls=1`.

    `smtp://` (STARTTLS with `?tls=1`), `smtps://` (TLS from the start); `?timeout=` seconds.
    User and password are percent-decoded (write `@` as `%40`).
    """
    from urllib.parse import parse_qs, unquote, urlsplit

    parts = urlsplit(url)
    if parts.scheme not in {"smtp", "smtps"}:
        raise ImproperlyConfigured(
            f"EMAIL_URL must start smtp:// or smtps://, not {parts.scheme or 'nothing'}://"
        )
    try:
        port = parts.port
    except ValueError:
        raise ImproperlyConfigured("EMAIL_URL has a port that is not a number.") from None
    if not parts.hostname:
        raise ImproperlyConfigured("EMAIL_URL needs a host, e.g. smtp://mail.example.org:587")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    flags = {}
    for name in ("tls", "ssl"):
        raw = query.get(name, "").lower()
        if raw not in _TRUE | _FALSE:
            raise ImproperlyConfigured(f"EMAIL_URL: {name} must be 1 or 0, not {raw!r}")
        flags[name] = raw in _TRUE
    use_ssl = parts.scheme == "smtps" or flags["ssl"]
    if use_ssl and flags["tls"]:
        raise ImproperlyConfigured("EMAIL_URL: choose tls (STARTTLS) or smtps/ssl, not both.")
    try:
        timeout = float(query.get("timeout", "20"))
    except ValueError:
        raise ImproperlyConfigured("EMAIL_URL: timeout must be a number of seconds.") from None
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port or (465 if use_ssl else 587 if flags["tls"] else 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": flags["tls"],
        "EMAIL_USE_SSL": use_ssl,
        "EMAIL_TIMEOUT": timeout,
    }
