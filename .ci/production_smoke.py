"""Production smoke test: the README's production steps, run for real, then checked over HTTP.

With HONONGA_ENV=production, a fresh PostgreSQL database and a throw-away SECRET_KEY it runs
`migrate`, `collectstatic --no-input` (into a temporary STATIC_ROOT) and `check --deploy`, starts
gunicorn as the README does (on a free port), and checks — as a TLS-terminating proxy would send
them, with `X-Forwarded-Proto: https` — the login page, logging in (password, then the second
factor, which production requires), a logged-in page, a hashed static file, the OpenAPI document,
and the production headers and cookies. Exits non-zero, saying what failed, on the first problem.

    .venv/bin/python .ci/production_smoke.py     (or: make smoke-production)

Needs PostgreSQL at 127.0.0.1:5432 (user postgres, trust auth), as .ci/run starts it; set
SMOKE_ADMIN_URL to use another server (the database is made and dropped there).
"""

import base64
import hashlib
import hmac
import http.client
import json
import os
import re
import secrets
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
HOST = "hononga.example.org"
ADMIN_URL = os.environ.get("SMOKE_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
USERNAME = "smoke-practitioner"
PASSWORD = secrets.token_urlsafe(18)


class SmokeFailure(Exception):
    pass


def check(condition: bool, what: str) -> None:
    if not condition:
        raise SmokeFailure(what)
    print(f"  ok  {what}")


def run(args: list[str], env: dict[str, str], **kwargs: object) -> str:
    print("  $", " ".join(str(a) for a in args))
    done = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, **kwargs)  # type: ignore[call-overload]
    if done.returncode != 0:
        raise SmokeFailure(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def psql(sql: str) -> None:
    subprocess.run(
        ["psql", ADMIN_URL, "-q", "-c", sql],
        check=True,
        env={**os.environ, "PGOPTIONS": "--client-min-messages=warning"},
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def totp(secret_hex: str, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    """RFC 6238 code, computed independently of django-otp."""
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(bytes.fromhex(secret_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


class Browser:
    """Just enough of a browser behind a TLS proxy: cookies (Secure ones too), https headers."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: dict[str, str] | None = None, https: bool = True
    ) -> tuple[int, http.client.HTTPMessage, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Host": HOST}
        if https:
            headers["X-Forwarded-Proto"] = "https"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"https://{HOST}"
            headers["Referer"] = f"https://{HOST}{path}"
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        content = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if value and "max-age=0" not in header.lower():
                self.cookies[name.strip()] = value
            else:
                self.cookies.pop(name.strip(), None)
        connection.close()
        return response.status, response.headers, content

    def form(self, path: str) -> str:
        status, _headers, content = self.request("GET", path)
        check(status == 200, f"GET {path} answers 200 (got {status})")
        html = content.decode()
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        if not match:
            raise SmokeFailure(f"no CSRF token in {path}")
        return match.group(1)


def smoke(env: dict[str, str], port: int) -> None:
    browser = Browser(port)

    status, headers, _ = browser.request("GET", "/accounts/login/", https=False)
    check(status == 301 and headers["Location"].startswith("https://"), "plain http redirects")

    status, headers, content = browser.request("GET", "/accounts/login/")
    check(status == 200, f"login page answers 200 (got {status})")
    check("max-age=31536000" in headers.get("Strict-Transport-Security", ""), "HSTS, one year")
    check("preload" in headers.get("Strict-Transport-Security", ""), "HSTS preload")
    csp = headers.get("Content-Security-Policy", "")
    check("script-src 'self'" in csp and "unsafe-inline" not in csp, f"strict CSP ({csp})")
    check(headers.get("X-Frame-Options") == "DENY", "X-Frame-Options: DENY")
    check(headers.get("X-Content-Type-Options") == "nosniff", "X-Content-Type-Options: nosniff")
    check(headers.get("Referrer-Policy") == "same-origin", "Referrer-Policy: same-origin")
    set_cookies = headers.get_all("Set-Cookie") or []
    csrf_cookie = [c for c in set_cookies if c.startswith("__Secure-csrftoken=")]
    check(bool(csrf_cookie) and "Secure" in csrf_cookie[0], "__Secure-csrftoken, Secure")
    html = content.decode()
    static = re.findall(r'(?:href|src)="(/static/[^"]+)"', html)
    check(bool(static), "the login page links static files")
    hashed = [path for path in static if re.search(r"\.[0-9a-f]{12}\.\w+$", path)]
    check(len(hashed) == len(static), f"every static file is hashed ({static})")

    status, headers, content = browser.request("GET", hashed[0])
    check(status == 200 and len(content) > 100, f"static file {hashed[0]} served")
    check("max-age=315360000" in headers.get("Cache-Control", ""), "static file cached for ever")
    status, _, _ = browser.request("GET", "/static/js/vendor/chart-4.6.1.umd.min.js")
    check(status == 200, "the vendored chart script is collected")

    token = browser.form("/accounts/login/")
    status, headers, _ = browser.request(
        "POST",
        "/accounts/login/",
        {"csrfmiddlewaretoken": token, "username": USERNAME, "password": PASSWORD},
    )
    check(status == 302, f"login with the password redirects (got {status})")
    session = [c for c in headers.get_all("Set-Cookie") or [] if c.startswith("__Secure-sess")]
    check(
        bool(session) and "Secure" in session[0] and "HttpOnly" in session[0],
        "__Secure-sessionid, Secure, HttpOnly",
    )
    second_factor = env.get("SMOKE_TOTP_SECRET")
    if second_factor:
        status, headers, _ = browser.request("GET", "/")
        check(
            status == 302 and "/accounts/second-factor/" in headers["Location"],
            f"a password alone does not open the home page ({status} {headers['Location']})",
        )
        token = browser.form("/accounts/second-factor/")
        status, headers, _ = browser.request(
            "POST",
            "/accounts/second-factor/",
            {"csrfmiddlewaretoken": token, "code": totp(second_factor)},
        )
        check(status == 302, f"the second factor's code is accepted (got {status})")

    status, headers, content = browser.request("GET", "/")
    check(status == 200, f"the home page, logged in, answers 200 (got {status})")
    check(USERNAME.encode() in content or b"Smoke" in content, "the home page is the user's")
    status, headers, content = browser.request("GET", "/accounts/me/")
    check(status == 200, f"the account page answers 200 (got {status})")

    status, headers, content = browser.request("GET", "/api/v1/openapi.json")
    check(status == 200, f"/api/v1/openapi.json answers 200 (got {status})")
    document = json.loads(content)
    check(document["openapi"].startswith("3.1") and document["paths"], "an OpenAPI document")
    check("max-age=31536000" in headers.get("Strict-Transport-Security", ""), "API has HSTS")

    status, headers, content = browser.request("GET", "/api/v1/whanau")
    check(
        status == 401 and headers["Content-Type"] == "application/problem+json",
        "the API without a token: 401 problem+json",
    )
    status, headers, content = browser.request("GET", "/no-such-page/")
    check(status == 404 and b"Traceback" not in content, "404 page, no debug page")


def main() -> int:
    db = f"hononga_smoke_{os.getpid()}"
    static_root = Path(tempfile.mkdtemp(prefix="hononga-static-"))
    env = {
        **os.environ,
        "HONONGA_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": HOST,
        # A throw-away audit key (docs/audit.md); production refuses to start without one.
        "AUDIT_KEYS": "smoke=" + base64.b64encode(secrets.token_bytes(32)).decode(),
        "DATABASE_URL": ADMIN_URL.rsplit("/", 1)[0] + "/" + db,
        "STATIC_ROOT": str(static_root),
        "SHARED_STORAGE_DIR": str(static_root / "shared"),
        "EMAIL_URL": "smtp://127.0.0.1:1/",
        "SITE_URL": f"https://{HOST}",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    psql(f"DROP DATABASE IF EXISTS {db}")
    psql(f"CREATE DATABASE {db}")
    server: subprocess.Popen[str] | None = None
    log = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed in finally)
        "w+", prefix="gunicorn-", suffix=".log", delete=False
    )
    try:
        print("== the README's production steps")
        hononga = str(BIN / "hononga")
        run([hononga, "migrate", "--no-input", "-v", "0"], env)
        run([hononga, "collectstatic", "--no-input", "-v", "0"], env)
        check((static_root / "staticfiles.json").exists(), "collectstatic wrote the manifest")
        run([hononga, "check", "--deploy", "--fail-level", "WARNING"], env)
        secret = run(
            [str(BIN / "python"), str(Path(__file__).with_name("smoke_user.py"))],
            {**env, "SMOKE_USERNAME": USERNAME, "SMOKE_PASSWORD": PASSWORD},
        )
        env["SMOKE_TOTP_SECRET"] = secret.strip()

        port = free_port()
        print(f"== gunicorn on 127.0.0.1:{port}")
        server = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "hononga.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--preload",
            ],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if server.poll() is not None:
                    raise SmokeFailure("gunicorn exited") from None
                time.sleep(0.2)
        print("== over HTTP, as behind a TLS proxy")
        smoke(env, port)
        server.terminate()
        server.wait(timeout=30)
        log.seek(0)
        output = log.read()
        check("Traceback" not in output, "no traceback in the server log")
        print("production smoke test passed")
        return 0
    except SmokeFailure as failure:
        print(f"FAILED: {failure}", file=sys.stderr)
        log.seek(0)
        print("--- server log ---\n" + log.read()[-4000:], file=sys.stderr)
        return 1
    finally:
        if server is not None and server.poll() is None:
            server.terminate()
            server.wait(timeout=30)
        log.close()
        os.unlink(log.name)
        shutil.rmtree(static_root, ignore_errors=True)
        psql(f"DROP DATABASE IF EXISTS {db}")


if __name__ == "__main__":
    sys.exit(main())
