"""Production settings: refuse to start without secrets; `check --deploy` is clean; security
headers (CSP, HSTS, X-Frame-Options) and secure cookies are sent."""

import base64
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
# Production also needs the audit trail's key (hononga/audit/keys.py).
AUDIT_KEY = {"AUDIT_KEYS": "prod=" + base64.b64encode(secrets.token_bytes(32)).decode()}


def _run(env_extra: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS"}}
    env.update({"HONONGA_ENV": "production", **AUDIT_KEY, **env_extra})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _run({"ALLOWED_HOSTS": "hononga.example.org"}, "check")
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_an_audit_key():
    result = _run(
        {
            "SECRET_KEY": secrets.token_urlsafe(60),
            "ALLOWED_HOSTS": "hononga.example.org",
            "AUDIT_KEYS": "",
        },
        "check",
    )
    assert result.returncode != 0
    assert "Set AUDIT_KEYS" in result.stderr


def test_production_collectstatic_needs_no_audit_key(tmp_path):
    # The README's production steps run collectstatic on a build host that may hold no keys.
    result = _run(
        {
            "SECRET_KEY": secrets.token_urlsafe(60),
            "ALLOWED_HOSTS": "hononga.example.org",
            "AUDIT_KEYS": "",
            "STATIC_ROOT": str(tmp_path),
        },
        "collectstatic",
        "--no-input",
        "-v",
        "0",
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "staticfiles.json").exists()


def test_production_server_refuses_to_start_without_an_audit_key():
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS"}}
    env.update(
        {
            "HONONGA_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(60),
            "ALLOWED_HOSTS": "hononga.example.org",
            "AUDIT_KEYS": "",
        }
    )
    result = subprocess.run(
        [sys.executable, "-c", "import hononga.wsgi"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "Set AUDIT_KEYS" in result.stderr


def test_the_server_imports_every_view_before_forking_and_opens_no_connection():
    # `gunicorn --preload` (README) loads hononga.wsgi once in the master and forks the workers
    # from it: the views are imported there (not by each worker's first request), and no
    # database connection exists yet for the workers to share by accident.
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS"}}
    env.update(
        {
            "HONONGA_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(60),
            "ALLOWED_HOSTS": "hononga.example.org",
            **AUDIT_KEY,
        }
    )
    script = (
        "import sys, hononga.wsgi\n"
        "from django.db import connections\n"
        "print('hononga.urls' in sys.modules, 'hononga.contacts.views' in sys.modules,"
        " any(c.connection for c in connections.all(initialized_only=True)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "False"]


def test_the_server_freezes_what_it_loaded_at_start_up_out_of_the_collectors_reach():
    # A full garbage collection walked the 200,000 objects of the loaded application: about 90 ms
    # of CPU on one request in a hundred or so (the home page's p95). hononga.wsgi freezes them.
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS"}}
    env.update(
        {
            "HONONGA_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(60),
            "ALLOWED_HOSTS": "hononga.example.org",
            **AUDIT_KEY,
        }
    )
    script = (
        "import gc, time, hononga.wsgi\n"
        "frozen = gc.get_freeze_count()\n"
        "started = time.process_time(); gc.collect(); took = time.process_time() - started\n"
        "print(frozen > 100_000, took < 0.02)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True"]


def test_production_refuses_a_short_audit_key():
    result = _run(
        {
            "SECRET_KEY": secrets.token_urlsafe(60),
            "ALLOWED_HOSTS": "hononga.example.org",
            "AUDIT_KEYS": "prod=" + base64.b64encode(b"short").decode(),
        },
        "check",
        "--deploy",
    )
    assert result.returncode != 0
    assert "audit keys need at least 32" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = _run({"SECRET_KEY": secrets.token_urlsafe(60)}, "check")
    assert result.returncode != 0
    assert "Set ALLOWED_HOSTS" in result.stderr


def test_production_passes_the_deployment_checks():
    result = _run(
        {"SECRET_KEY": secrets.token_urlsafe(60), "ALLOWED_HOSTS": "hononga.example.org"},
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


PROBE = """
import json
import django
django.setup()
from django.conf import settings
from django.test import Client, override_settings
# Hashed static file names need `collectstatic`; plain names are enough to render the pages here.
override_settings(
    STORAGES={
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
).enable()
client = Client(SERVER_NAME="hononga.example.org")
plain = client.get("/accounts/login/")
secure = client.get("/accounts/login/", secure=True, headers={"x-forwarded-proto": "https"})
missing = client.get("/no-such-page/", secure=True, headers={"x-forwarded-proto": "https"})
print(json.dumps({
    "debug": settings.DEBUG,
    "session_secure": settings.SESSION_COOKIE_SECURE,
    "csrf_secure": settings.CSRF_COOKIE_SECURE,
    "session_httponly": settings.SESSION_COOKIE_HTTPONLY,
    "session_name": settings.SESSION_COOKIE_NAME,
    "csrf_name": settings.CSRF_COOKIE_NAME,
    "plain_status": plain.status_code,
    "plain_location": plain.get("Location", ""),
    "status": secure.status_code,
    "headers": dict(secure.headers),
    "csrf_cookie": {k: str(v) for k, v in secure.cookies[settings.CSRF_COOKIE_NAME].items()},
    "missing_status": missing.status_code,
    "missing_body": missing.content.decode(),
}))
"""


def test_production_sends_the_security_headers_and_secure_cookies():
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS"}},
            "HONONGA_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(60),
            "ALLOWED_HOSTS": "hononga.example.org",
            "DJANGO_SETTINGS_MODULE": "hononga.settings",
            **AUDIT_KEY,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["debug"] is False
    # Plain HTTP is redirected to HTTPS.
    assert probe["plain_status"] == 301
    assert probe["plain_location"].startswith("https://")
    assert probe["status"] == 200
    headers = {k.lower(): v for k, v in probe["headers"].items()}
    assert headers["strict-transport-security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    csp = headers["content-security-policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    # Cookies only over HTTPS, out of reach of scripts.
    assert probe["session_secure"] and probe["csrf_secure"] and probe["session_httponly"]
    assert probe["session_name"].startswith("__Secure-")
    assert probe["csrf_name"].startswith("__Secure-")
    assert probe["csrf_cookie"]["secure"] is not False and probe["csrf_cookie"]["secure"] != ""
    assert probe["csrf_cookie"]["httponly"]
    # No debug pages: a missing page is the friendly 404, not Django's technical page.
    assert probe["missing_status"] == 404
    assert "Page not found" in probe["missing_body"]
    assert "URLconf" not in probe["missing_body"]


MAIL_PROBE = """
import json
import django
django.setup()
from django.conf import settings
print(json.dumps({name: getattr(settings, name) for name in (
    "EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_USE_TLS", "TEXT_BACKEND",
    "MESSAGES_SHOW_SECRETS")}))
"""


def _mail_settings(env_extra: dict[str, str]) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EMAIL_", "TEXT_GATEWAY"))}
    env.update(
        {
            "HONONGA_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(60),
            "ALLOWED_HOSTS": "hononga.example.org",
            "DJANGO_SETTINGS_MODULE": "hononga.settings",
            "MESSAGES_SHOW_SECRETS": "true",  # ignored in production
            **AUDIT_KEY,
            **env_extra,
        }
    )
    result = subprocess.run(
        [sys.executable, "-c", MAIL_PROBE],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_mail_goes_by_smtp_links_are_masked_and_no_outbox_swallows_messages():
    got = _mail_settings({"EMAIL_URL": "smtp://hononga:pw@mail.agency.nz:587/?tls=1"})
    assert got["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (got["EMAIL_HOST"], got["EMAIL_PORT"], got["EMAIL_USE_TLS"]) == (
        "mail.agency.nz",
        587,
        True,
    )
    assert got["MESSAGES_SHOW_SECRETS"] is False
    assert got["TEXT_BACKEND"] == ""  # no gateway set up: no text messages, not an outbox
    without_url = _mail_settings({})
    assert without_url["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    with_gateway = _mail_settings({"TEXT_GATEWAY_URL": "https://sms.example.org/v1/messages"})
    assert with_gateway["TEXT_BACKEND"].endswith("HttpGatewayTextBackend")
